from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "anze.portal"
    label = "portal"
    verbose_name = "企业端"

    def ready(self) -> None:
        from . import dashboard  # noqa: F401 - registers the enterprise's home cards and the 续保 reminder
