from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "anze.documents"
    verbose_name = "文件"
