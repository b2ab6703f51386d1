from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "anze.notifications"
    verbose_name = "消息"

    def ready(self) -> None:
        from anze.core.health import register_check

        from .health import check_sms

        checks.register(check_sms_backend, "anze")
        register_check("sms", check_sms)


def check_sms_backend(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Say at start-up when the chosen SMS backend cannot be built (SDK missing, setting empty).

    A warning, not an error: the site must start anyway — the messages wait in the outbox and go out once
    the configuration is fixed.
    """
    from django.core.exceptions import ImproperlyConfigured

    from .sms import get_backend

    try:
        get_backend()
    except ImproperlyConfigured as exc:
        return [
            checks.Warning(str(exc), hint="短信将保留在待发送队列中，配置修正后自动发送。", id="anze.W001")
        ]
    return []
