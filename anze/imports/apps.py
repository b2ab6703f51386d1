from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "anze.imports"
    verbose_name = "批量导入"
