from __future__ import annotations

import logging
from collections.abc import Callable

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .clientip import client_ip
from .sides import PREFIX_SIDE

logger = logging.getLogger(__name__)


class SideMiddleware:
    """``request.side``: which side's screens this URL belongs to (from its first path segment), or None."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        first = request.path_info.lstrip("/").split("/", 1)[0]
        request.side = PREFIX_SIDE.get(first)  # type: ignore[attr-defined]
        return self.get_response(request)


_forwarded_for_warned = False


def reset_forwarded_for_warning() -> None:
    global _forwarded_for_warned
    _forwarded_for_warned = False


class ForwardedForMiddleware:
    """Logs once per process that X-Forwarded-For arrives while ANZE_PROXY_COUNT is 0: behind a proxy that
    was forgotten, every visitor shares the proxy's address for lock-out and the SMS quota."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _forwarded_for_warned
        if not _forwarded_for_warned and settings.PROXY_COUNT <= 0 and "HTTP_X_FORWARDED_FOR" in request.META:
            _forwarded_for_warned = True
            logger.warning(
                "X-Forwarded-For arrives but is ignored (ANZE_PROXY_COUNT=0): behind a reverse proxy every "
                "visitor shares the proxy's address %s for lock-out and the SMS quota; set ANZE_PROXY_COUNT to "
                "the number of proxies in front of the site (收到 X-Forwarded-For 但未设置 ANZE_PROXY_COUNT)",
                request.META.get("REMOTE_ADDR"),
            )
        return self.get_response(request)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware with the client address read like everywhere else (its own reader takes
    the leftmost X-Forwarded-For entry, which the client writes)."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)
