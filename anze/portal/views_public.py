"""注册 and 忘记密码 of the enterprise portal: public pages (listed in the URL walk's PUBLIC). Each has a
获取验证码 button that asks its own URL for an SMS code: with htmx it answers a fragment under the button (and
starts its countdown); without JavaScript it shows the page again with what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.accounts.signals import sign_in_attempted
from anze.audit.services import client_ip
from anze.core.access import home_url_for, public
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.views import INVALID, action_view

from . import services, verification
from .forms import PasswordResetForm, RegisterForm

BACKEND = "anze.accounts.backends.OrganisationBackend"
# Typed values that are never sent back into a page (a page shown again after 获取验证码).
SECRET_FIELDS = ("password", "password2", "code", "csrfmiddlewaretoken")


@dataclass(frozen=True)
class CodeStatus:
    """The line under 获取验证码: what happened, and how long the button waits before it may be pressed again."""

    ok: bool
    message: str
    wait: int = 0


def _code_status(request: HttpRequest, send: Any, phone: str) -> CodeStatus:
    try:
        verification.claim_ip_quota(client_ip(request))
        sent: verification.CodeSent = send()
    except Refused as exc:
        return CodeStatus(False, exc.message, verification.seconds_until_next((phone or "").strip()))
    return CodeStatus(True, _sent_message(sent), sent.wait_seconds)


def _sent_message(sent: verification.CodeSent) -> str:
    return f"验证码已发送至 {sent.masked_phone}，{sent.valid_minutes}分钟内有效"


def _typed(request: HttpRequest) -> dict[str, str]:
    return {key: value for key, value in request.POST.items() if key not in SECRET_FIELDS}


def _page(
    request: HttpRequest, template: str, form: Any, *, status: CodeStatus | None = None, phone: str = ""
) -> HttpResponse:
    context = {"form": form, **_code_context(phone, status)}
    return render(request, template, context, status=INVALID if form.is_bound and form.errors else 200)


def _code_context(phone: str, status: CodeStatus | None = None) -> dict[str, Any]:
    """The 获取验证码 button's state: what the last request for a code said, and the seconds to wait."""
    wait = status.wait if status else verification.seconds_until_next(phone.strip()) if phone else 0
    return {"code_status": status, "wait": wait}


def _already_signed_in(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if user.is_authenticated and user.side == Side.ENTERPRISE:
        return redirect(home_url_for(user))
    return None


# --- 注册 -------------------------------------------------------------------------------------------------------------
@public
def register(request: HttpRequest) -> HttpResponse:
    if response := _already_signed_in(request):
        return response

    def register_and_sign_in(form: RegisterForm) -> services.Registered:
        data = form.cleaned_data
        registered = services.enterprise_register(
            registration=services.Registration(
                credit_code=data["credit_code"],
                name=data["name"],
                industry=data["industry"],
                region=data["region"],
                address=data["address"],
                contact_name=data["contact_name"],
                phone=data["phone"],
                code=data["code"],
                password=data["password"],
            )
        )
        user = registered.user
        login(request, user, backend=BACKEND)
        sign_in_attempted.send(
            None,
            request=request,
            username=user.username,
            side=Side.ENTERPRISE,
            user=user,
            success=True,
            message="注册成功并登录",
        )
        return registered

    def welcome(registered: services.Registered) -> str:
        if registered.claim.is_approved:
            return f"注册成功，已通过投保联系人手机完成企业认证，登录账号为 {registered.user.username}"
        return f"注册成功，登录账号为 {registered.user.username}。请完成企业认证后使用企业端各项功能"

    def landing(registered: services.Registered) -> str:
        if registered.claim.is_approved:
            return home_url_for(registered.user)
        return reverse("enterprise:verification")

    return action_view(
        request,
        form_class=RegisterForm,
        call=register_and_sign_in,
        success=welcome,
        redirect_to=landing,
        template="portal/register.html",
        context=_code_context(request.POST.get("phone", "")),
        page=True,
    )


@public
@require_POST
def register_code(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone", "")
    status = _code_status(request, lambda: services.registration_code_send(phone=phone), phone)
    if request.htmx:
        return render(request, "portal/partials/code_status.html", {"code_status": status})
    return _page(request, "portal/register.html", RegisterForm(initial=_typed(request)), status=status)


# --- 忘记密码 -------------------------------------------------------------------------------------------------------
@public
def password_reset(request: HttpRequest) -> HttpResponse:
    if response := _already_signed_in(request):
        return response
    return action_view(
        request,
        form_class=PasswordResetForm,
        call=lambda form: services.password_reset(
            identifier=form.cleaned_data["identifier"],
            phone=form.cleaned_data["phone"],
            code=form.cleaned_data["code"],
            new_password=form.cleaned_data["password"],
        ),
        success="密码已重置，请使用新密码登录",
        redirect_to=reverse("enterprise:login"),
        template="portal/password_reset.html",
        context=_code_context(request.POST.get("phone", "")),
        page=True,
    )


@public
@require_POST
def password_reset_code(request: HttpRequest) -> HttpResponse:
    identifier, phone = request.POST.get("identifier", ""), request.POST.get("phone", "")
    status = _code_status(
        request, lambda: services.password_reset_code_send(identifier=identifier, phone=phone), phone
    )
    if status.ok:
        # The same words whether or not the phone is the account's (services.password_reset_code_send).
        status = CodeStatus(True, f"如账号与手机号匹配，{status.message}", status.wait)
    if request.htmx:
        return render(request, "portal/partials/code_status.html", {"code_status": status})
    return _page(
        request, "portal/password_reset.html", PasswordResetForm(initial=_typed(request)), status=status
    )
