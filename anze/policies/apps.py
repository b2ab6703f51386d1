from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "anze.policies"
    verbose_name = "保单管理"

    def ready(self) -> None:
        from . import (
            dashboard,  # noqa: F401 - registers the insurer's home cards
            exports,  # noqa: F401 - registers the 导出 with the 下载中心
        )
