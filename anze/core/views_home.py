"""Each side's home page (cards with what needs action) and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anze.core import catalogue
from anze.core.access import requires

from . import dashboard
from .http import MemberRequest


@requires(catalogue.SIGNED_IN)
def home(request: MemberRequest) -> HttpResponse:
    context = {
        "cards": dashboard.cards_for(request),
        "notices": dashboard.notices_for(request),
        "panels": dashboard.panels_for(request),
    }
    return render(request, "core/home.html", context)


def _error(request: HttpRequest, code: int, title: str, message: str) -> HttpResponse:
    """Inside the side's frame when the user is signed in to this side, a plain page otherwise."""
    user = request.user
    in_shell = user.is_authenticated and getattr(request, "side", None) == user.side
    context = {
        "code": code,
        "title": title,
        "message": message,
        "error_base": "core/shell.html" if in_shell else "core/error_plain.html",
    }
    return render(request, "core/error.html", context, status=code)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "没有访问该页面的权限"
    return _error(request, 403, "无权访问", message)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "页面不存在", "您访问的页面不存在或已被删除")
