from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "anze.portal"
    label = "portal"
    verbose_name = "企业端"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import dashboard  # noqa: F401 - registers the enterprise's home cards and the 续保 reminder
        from .models import EnterpriseClaim

        # 操作日志: who registered under a credit code, and who approved or rejected the claim.
        auditlog.register(EnterpriseClaim)
