from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anze.audit"
    verbose_name = "日志"
