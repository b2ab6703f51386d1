from django.apps import AppConfig


class BasedataConfig(AppConfig):
    name = "anze.basedata"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Industry, Region, RegionalRule, ServiceItem

        # Base data decides what quotes may contain: keep who changed which limit or item, and when.
        for model in (ServiceItem, Industry, Region, RegionalRule):
            auditlog.register(model)
