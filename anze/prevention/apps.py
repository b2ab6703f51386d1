from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "anze.prevention"
    verbose_name = "事故预防服务"

    def ready(self) -> None:
        from . import dashboard  # noqa: F401 - registers the service organisation's and enterprise's home cards
