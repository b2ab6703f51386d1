from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anze.core"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401 - registers the system checks
        from .pgarrays import register

        connection_created.connect(register)
