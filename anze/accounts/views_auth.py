"""Landing page, 保险公司选择, the login pages of every side, sign-out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anze.core.access import home_url_for, login_url_for_side, public
from anze.core.sides import SIDE_PREFIX, SIDE_TITLE, Side
from anze.core.views import bind

from .backends import lockout_key
from .forms import LoginForm
from .models import Organisation, User
from .signals import sign_in_attempted
from .throttle import authenticate_in_turn, lock_minutes_left, locked_message

GENERIC_ERROR = "账号或密码错误"


def _locked_message() -> str:
    return locked_message(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Lock-outs count per account, case-insensitively (AXES_USERNAME_CALLABLE): an enterprise's credit code
    and its login name are one key (``backends.lockout_key``)."""
    source = credentials if credentials and "username" in credentials else request.POST
    side = (credentials or {}).get("side") or getattr(request, "side", None)
    return lockout_key(source.get("username") or "", side)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login view has already rendered the lock-out message; keep it (status 200, form re-shown)."""
    if original_response is not None:
        return original_response
    return render(request, "accounts/locked.html", {"message": _locked_message()}, status=403)


SIDE_ENTRIES = [
    {
        "side": Side.INSURER,
        "title": "保险端",
        "desc": "保险公司报价、出函、保单与服务管理",
        "icon": "building-bank",
    },
    {
        "side": Side.ENTERPRISE,
        "title": "企业端",
        "desc": "投保企业在线投保、缴费、查看保单与服务",
        "icon": "building-factory-2",
    },
    {
        "side": Side.SERVICE_ORG,
        "title": "服务机构端",
        "desc": "第三方安全服务机构事故预防服务",
        "icon": "shield-check",
    },
    {
        "side": Side.REGULATOR,
        "title": "监管端",
        "desc": "应急管理部门监管查询与统计分析",
        "icon": "chart-bar",
    },
    {"side": Side.PLATFORM, "title": "平台管理", "desc": "机构、基础数据与平台账号管理", "icon": "settings"},
]


@public
def landing(request: HttpRequest) -> HttpResponse:
    entries = [{**entry, "url": login_url_for_side(entry["side"])} for entry in SIDE_ENTRIES]
    return render(request, "accounts/landing.html", {"entries": entries})


@public
def insurer_picker(request: HttpRequest) -> HttpResponse:
    insurers = Organisation.objects.active().of_kind(Side.INSURER).order_by("id")
    return render(request, "accounts/insurer_picker.html", {"insurers": insurers, "next": _next_url(request)})


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _login(request: HttpRequest, *, side: str, organisation: Organisation | None) -> HttpResponse:
    if (
        request.user.is_authenticated
        and request.user.side == side
        and (organisation is None or request.user.organisation_id == organisation.pk)
    ):
        return redirect(home_url_for(request.user))
    form = bind(request, LoginForm)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        credentials: dict[str, Any] = {"username": username, "password": form.cleaned_data["password"]}
        if organisation is not None:
            credentials["organisation"] = organisation
        else:
            credentials["side"] = side
        # One attempt at a time per account: the lock-out bounds parallel requests too (throttle.py).
        user = authenticate_in_turn(request, **credentials)
        if user is not None:
            login(request, user)
            sign_in_attempted.send(
                None, request=request, username=username, side=side, user=user, success=True
            )
            next_url = _next_url(request)
            prefix = f"/{SIDE_PREFIX[side]}/"
            return redirect(next_url if next_url.startswith(prefix) else home_url_for(user))
        locked = bool(getattr(request, "axes_locked_out", False))
        error = locked_message(lock_minutes_left(request, username, side)) if locked else GENERIC_ERROR
        sign_in_attempted.send(
            None,
            request=request,
            username=username,
            side=side,
            success=False,
            message="账号已锁定" if locked else "账号或密码错误",
            page_organisation=organisation,
        )
    context = {
        "form": form,
        "error": error,
        "login_side": side,
        "login_title": SIDE_TITLE[side],
        "organisation": organisation,
        "next": _next_url(request),
        "can_register": side == Side.ENTERPRISE,
    }
    return render(request, "accounts/login.html", context)


@public
def insurer_login(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.active(), kind=Side.INSURER, code=code)
    return _login(request, side=Side.INSURER, organisation=organisation)


def side_login(side: str) -> Any:
    @public
    def view(request: HttpRequest) -> HttpResponse:
        return _login(request, side=side, organisation=None)

    view.__name__ = f"{side}_login"
    return view


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """退出: back to the page the user signed in on (the insurer's own page for insurer staff)."""
    user: User | Any = request.user
    target = "landing"
    if user.is_authenticated:
        if user.side == Side.INSURER:
            target = reverse("insurer:login_org", args=[user.organisation.code])
        else:
            target = login_url_for_side(user.side)
    logout(request)
    return redirect(target)
