from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anze.core"
    verbose_name = "公共"
