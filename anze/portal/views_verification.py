"""企业认证 (enterprise side): the page an account that registered under a credit code sees until its claim is
approved — its status, 联系人手机验证 (a code to the contact phone on file) and 资料认证 (营业执照 + 授权书).
The rules live in ``claims``; ``middleware`` keeps a 待认证 account here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.core import catalogue
from anze.core.access import home_url_for, requires
from anze.core.views import INVALID, action_view

from . import claims
from .forms import ClaimCodeForm, ClaimDocumentsForm
from .models import ClaimStatus, EnterpriseClaim
from .views_public import CodeStatus, _code_status

PAGE = "portal/verification.html"


def _page(
    request: HttpRequest,
    *,
    code_form: ClaimCodeForm | None = None,
    documents_form: ClaimDocumentsForm | None = None,
    code_status: CodeStatus | None = None,
) -> HttpResponse:
    context = _context(request, code_form=code_form, documents_form=documents_form, code_status=code_status)
    invalid = any(form.is_bound and form.errors for form in (context["form"], context["documents_form"]))
    return render(request, PAGE, context, status=INVALID if invalid else 200)


def _context(
    request: HttpRequest,
    *,
    code_form: ClaimCodeForm | None = None,
    documents_form: ClaimDocumentsForm | None = None,
    code_status: CodeStatus | None = None,
) -> dict[str, Any]:
    user = request.user
    claim = claims.claim_of(user)
    awaiting = claims.awaiting_verification(user)
    contact_phone = claims.masked_contact_phone(claim.credit_code) if claim and awaiting else None
    return {
        "claim": claim,
        "awaiting": awaiting,
        "organisation": user.organisation,
        "contact_phone": contact_phone,
        "form": code_form or ClaimCodeForm(),
        "documents_form": documents_form or ClaimDocumentsForm(),
        "code_status": code_status,
        "code_url": reverse("enterprise:verification_code"),
        "can_upload": claim is not None and claim.status in (ClaimStatus.AWAITING, ClaimStatus.REJECTED),
        "wait": code_status.wait if code_status else 0,
    }


def _open_claim(request: HttpRequest) -> EnterpriseClaim | None:
    """The account's claim while it still has to be approved; None (with a notice) once it speaks for its
    enterprise."""
    claim = claims.claim_of(request.user)
    if (
        claim is None
        or claim.status == ClaimStatus.APPROVED
        or not claims.awaiting_verification(request.user)
    ):
        messages.info(request, claims.ALREADY_VERIFIED)
        return None
    return claim


@requires(catalogue.SIGNED_IN)
def verification(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@requires(catalogue.SIGNED_IN)
def verification_code(request: HttpRequest) -> HttpResponse:
    """获取验证码 of 联系人手机验证: to the phone on file, whatever the request carries."""
    claim = _open_claim(request)
    if claim is None:
        status = CodeStatus(False, claims.ALREADY_VERIFIED)
    else:
        phone = claims.contact_phone_on_file(claim.credit_code) or ""
        status = _code_status(request, lambda: claims.claim_code_send(claim=claim), phone)
    if request.htmx:
        return render(request, "portal/partials/code_status.html", {"code_status": status})
    return _page(request, code_status=status)


@require_POST
@requires(catalogue.SIGNED_IN)
def verification_phone(request: HttpRequest) -> HttpResponse:
    claim = _open_claim(request)
    if claim is None:
        return redirect(home_url_for(request.user))
    return action_view(
        request,
        form_class=ClaimCodeForm,
        call=lambda form: claims.claim_verify_phone(claim=claim, code=form.cleaned_data["code"]),
        success="企业认证已通过，贵企业在平台上的订单和保单已关联到本账号",
        # After the claim is approved: the account's home now (it has its role).
        redirect_to=lambda _: home_url_for(request.user),
        template=PAGE,
        context=_context(request),
        page=True,
    )


@require_POST
@requires(catalogue.SIGNED_IN)
def verification_documents(request: HttpRequest) -> HttpResponse:
    claim = _open_claim(request)
    if claim is None:
        return redirect(reverse("enterprise:verification"))
    return action_view(
        request,
        form_class=ClaimDocumentsForm,
        form_name="documents_form",
        call=lambda form: claims.claim_submit_documents(
            claim=claim,
            business_licence=form.cleaned_data["business_licence"],
            authorisation=form.cleaned_data["authorisation"],
        ),
        success="认证资料已提交，请等待平台审核，审核结果将以短信通知您",
        redirect_to=reverse("enterprise:verification"),
        template=PAGE,
        context=_context(request),
        page=True,
    )
