"""auditlog's middleware, with the client address the rest of the project trusts."""

from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.http import HttpRequest


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog takes the first ``X-Forwarded-For`` address, which any client can write: the 操作日志 would
    show a forged IP. Use the address axes uses (``ANZE_PROXY_COUNT`` trusted proxies, else REMOTE_ADDR)."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        from .services import client_ip

        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None  # X-Forwarded-Port is as forgeable, and the log does not show it
