"""平台管理 › 企业认证: the claims (企业认证申请) of accounts that registered under a credit code and uploaded
营业执照 + 授权书; 通过 verifies and links the enterprise's orders, 驳回 records the reason (``portal.claims``)."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import action_view, button_view, render_list
from anze.documents.responses import document_among, document_response
from anze.portal import claims

from . import selectors
from .forms import ClaimRejectForm, ClaimSearchForm

PERMISSION = "platform.enterprise.verify"


def _list_url() -> str:
    return reverse("platform:orgs:claim_list")


def _detail_url(pk: int) -> str:
    return reverse("platform:orgs:claim_detail", args=[pk])


@requires(PERMISSION)
def claim_list(request: HttpRequest) -> HttpResponse:
    search = ClaimSearchForm(request.GET)
    filters = search.values()
    tab = request.GET.get("tab", "")
    tab = tab if tab in selectors.CLAIM_TABS else ""
    page = paginate(request, selectors.claims_for(filters=filters, tab=tab))
    counts = selectors.claim_counts(filters=filters)
    tabs = [
        ("", "待审核", counts["pending"]),
        ("approved", "已通过", counts["approved"]),
        ("rejected", "已驳回", counts["rejected"]),
        ("awaiting", "待提交资料", counts["awaiting"]),
        ("all", "全部", counts["all"]),
    ]
    context = {"search": search, "page": page, "tab": tab, "tabs": tabs}
    return render_list(request, "platform_admin/claim_list.html", context)


@requires(PERMISSION)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_for(pk=pk)
    context = {
        "claim": claim,
        "orders_on_file": selectors.orders_on_file(claim),
        "extra_crumb": claim.name,
    }
    return render_list(request, "platform_admin/claim_detail.html", context)


@require_POST
@requires(PERMISSION)
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_for(pk=pk)
    return button_view(
        request,
        call=lambda: claims.claim_approve(claim=claim, actor=request.user),
        success="已通过，该账号已关联企业的订单和保单，并已短信通知申请人",
        redirect_to=_list_url(),
        refused_to=_detail_url(pk),
        stale=True,
    )


@requires(PERMISSION)
def claim_reject(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_for(pk=pk)
    return action_view(
        request,
        form_class=ClaimRejectForm,
        call=lambda form: claims.claim_reject(
            claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="已驳回，并已短信通知申请人",
        redirect_to=_list_url(),
        template="platform_admin/claim_reject_form.html",
        context={"claim": claim, "title": "驳回企业认证申请", "cancel_url": _detail_url(pk)},
    )


@requires(PERMISSION)
def claim_file(request: HttpRequest, pk: int, document_uuid: UUID) -> HttpResponseBase:
    """营业执照 or 授权书 of this claim; any other UUID is a 404."""
    claim = selectors.claim_for(pk=pk)
    document = document_among([claim.business_licence, claim.authorisation], document_uuid)
    return document_response(request, document, inline=True)
