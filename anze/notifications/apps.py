from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "anze.notifications"
    verbose_name = "消息"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from anze.core.health import register_check

        from .health import check_sms
        from .models import WebhookEndpoint

        # 操作日志: who added, changed or removed a 推送地址 (never its secret).
        auditlog.register(WebhookEndpoint, exclude_fields=["secret"])

        checks.register(check_sms_backend, "anze")
        register_check("sms", check_sms)


def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Say at start-up when the chosen SMS backend cannot be built (SDK missing, setting empty).

    A warning, not an error: the site must start anyway — the messages wait in the outbox and go out once
    the configuration is fixed.
    """
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from .sms import CONNECT_TIMEOUT, READ_TIMEOUT, get_backend

    try:
        backend = get_backend()
    except ImproperlyConfigured as exc:
        return [
            checks.Warning(str(exc), hint="短信将保留在待发送队列中，配置修正后自动发送。", id="anze.W001")
        ]
    provider_call = CONNECT_TIMEOUT + READ_TIMEOUT
    lease = settings.SMS_SENDING_LEASE_SECONDS
    if backend.name in ("aliyun", "tencent") and lease <= 2 * provider_call:
        # A claim that ends while the provider may still answer lets the sweep hand the message to another
        # worker: sent twice.
        return [
            checks.Warning(
                f"ANZE_SMS_SENDING_LEASE_SECONDS={lease} is too short for a "
                f"provider call of up to {provider_call} s: a slow answer would be sent again.",
                hint=f"设置为 {2 * provider_call} 秒以上（默认 300）。",
                id="anze.W002",
            )
        ]
    return []
