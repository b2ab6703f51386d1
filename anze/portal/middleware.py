"""Keeps an enterprise account that has not proved it speaks for its enterprise (企业认证, ``claims``) on its
企业认证 page: every other enterprise URL but 个人中心 and 退出登录 sends it there.

The views would refuse it anyway (such an account holds no role, so every ``requires`` answers 403); this
turns the refusals into the one page that says what to do, and covers the pages every signed-in user may
open (首页, 消息中心).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from anze.core.sides import Side
from anze.core.views import client_redirect

from .claims import awaiting_verification

VERIFICATION_URL_NAME = "enterprise:verification"
# What an account awaiting verification may open besides the public pages.
ALLOWED = frozenset(
    {
        VERIFICATION_URL_NAME,
        "enterprise:verification_code",
        "enterprise:verification_phone",
        "enterprise:verification_documents",
        "enterprise:profile",
        "enterprise:logout",
    }
)
NOTICE = "贵企业尚未完成企业认证，认证通过前仅可使用企业认证、个人中心和退出登录"


class EnterpriseVerificationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if getattr(request, "side", None) != Side.ENTERPRISE or getattr(view, "is_public", False):
            return None
        user = request.user
        if not user.is_authenticated or user.side != Side.ENTERPRISE:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED:
            return None
        if not awaiting_verification(user):
            return None
        target = reverse(VERIFICATION_URL_NAME)
        if getattr(request, "htmx", False):
            return client_redirect(target)
        if match is None or match.view_name != "enterprise:home":
            messages.warning(request, NOTICE)
        return redirect(target)
