from django.apps import AppConfig


class RegulatorConfig(AppConfig):
    name = "anze.regulator"
    verbose_name = "监管端"

    def ready(self) -> None:
        from . import (
            dashboard,  # noqa: F401 - registers the home cards
            exports,  # noqa: F401 - registers the 导出 with the 下载中心
        )
