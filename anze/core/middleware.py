from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .clientip import client_ip
from .http import AnzeRequest
from .sides import PREFIX_SIDE

logger = logging.getLogger(__name__)


class SideMiddleware:
    """``request.side``: which side's screens this URL belongs to (from its first path segment), or None."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        first = request.path_info.lstrip("/").split("/", 1)[0]
        cast(AnzeRequest, request).side = PREFIX_SIDE.get(first)
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

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None  # X-Forwarded-Port is as forgeable, and the log does not show it


class ContentSecurityPolicyMiddleware:
    """Sends settings.SECURE_CSP (Django 6's name and shape for it) on every HTML response: only our own
    scripts run — no inline script or handler, no eval — and no plugin, <base> or foreign form target.
    frame-ancestors follows X-Frame-Options, so a view marked @xframe_options_sameorigin (a voucher framed
    by a dialog) may be framed by our own pages and every other page by none. Non-HTML responses (PDFs,
    videos, downloads) go without: they run no script, and a policy on a PDF can stop the browser's viewer.
    Listed before XFrameOptionsMiddleware, so it sees the header that middleware settles."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.directives = {name: " ".join(values) for name, values in settings.SECURE_CSP.items()}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        directives = dict(self.directives)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            directives["frame-ancestors"] = "'self'"
        response["Content-Security-Policy"] = "; ".join(
            f"{name} {value}" for name, value in directives.items()
        )
        return response
