from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anze.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
