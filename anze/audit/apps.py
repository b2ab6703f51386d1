from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anze.audit"
    verbose_name = "日志"

    def ready(self) -> None:
        from anze.accounts.signals import sign_in_attempted

        sign_in_attempted.connect(_record_sign_in, dispatch_uid="anze.audit.record_login")
        from . import exports  # noqa: F401 - registers the 导出 with the 下载中心


def _record_sign_in(sender: Any, *, signal: Any, request: Any, **attempt: Any) -> None:
    from .services import record_login

    record_login(request, **attempt)
