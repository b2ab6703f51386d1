from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anze.api"
    verbose_name = "开放接口"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ApiKey

        # 操作日志: who created or revoked which key, with its scopes (never its secret's digest).
        auditlog.register(ApiKey, exclude_fields=["secret_hash", "last_used_at"])
