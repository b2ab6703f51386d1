from django.apps import AppConfig


class PlatformAdminConfig(AppConfig):
    name = "anze.platform_admin"
    label = "platform_admin"
    verbose_name = "平台管理"

    def ready(self) -> None:
        # Registers the platform home cards (anze.core.dashboard) on import.
        from . import (
            dashboard,  # noqa: F401
            exports,  # noqa: F401 - registers the 导出 with the 下载中心
        )
