"""批改管理 (insurer) and 我的批改 (enterprise): the lists, their Excel export, a request's page with its files,
and one form per action. Each view fetches through ``selectors`` (another organisation's request or policy is
a 404) and calls the action function of ``workflow`` (批改) or ``surrenders`` (退保), which decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from anze.core.access import requires
from anze.core.forms import check_readable, readable
from anze.core.sides import Side, side_namespace
from anze.core.views import action_view, button_view, render_list
from anze.documents.responses import document_among, document_response
from anze.documents.uploadhandlers import upload_limit
from anze.downloads.responses import export_response
from anze.orders.forms import PaymentNoticeForm

from . import exports, presenters, selectors, surrenders, workflow
from .forms import (
    AdjustForm,
    ChangeForm,
    DecisionForm,
    EndorsementSearchForm,
    IssueForm,
    SurrenderForm,
    SurrenderReviewForm,
    VoucherForm,
)
from .models import Endorsement, EndorsementStatus
from .steps import refusal_of_request

document_upload_limit = upload_limit(lambda: settings.UPLOAD_MAX_BYTES)

VIEW = {Side.INSURER: "endorsement.view", Side.ENTERPRISE: "portal.endorsement.view"}


def _url(request: HttpRequest, name: str, *args: Any) -> str:
    return reverse(f"{side_namespace(request.side)}:endorsements:{name}", args=args or None)  # type: ignore[attr-defined]


def _detail_url(request: HttpRequest, endorsement: Endorsement) -> str:
    return _url(request, "detail", endorsement.uuid)


def _get(request: HttpRequest, endorsement_uuid: Any) -> Endorsement:
    return selectors.endorsement_for(user=request.user, endorsement_uuid=endorsement_uuid)  # type: ignore[arg-type]


# --- the list and its export ------------------------------------------------------------------------------------
def _filters(request: HttpRequest) -> tuple[EndorsementSearchForm, dict[str, Any]]:
    search = EndorsementSearchForm(request.GET)
    return search, {**search.values(), "tab": request.GET.get("tab", "")}


def _list(request: HttpRequest) -> HttpResponse:
    search, filters = _filters(request)
    result = selectors.tabbed_list(request, filters=filters)
    tabs = [("", "全部", result.total)] + [
        (s.value, s.label, result.counts[s.value]) for s in EndorsementStatus
    ]
    rows = presenters.history_rows(result.page.rows)
    export = "endorsement.export" if request.side == Side.INSURER else VIEW[Side.ENTERPRISE]  # type: ignore[attr-defined]
    context = {
        "search": search,
        "page": result.page,
        "rows": rows,
        "tab": result.tab,
        "tabs": tabs,
        "export_url": _url(request, "export") if request.user.has_perm_code(export) else "",  # type: ignore[union-attr]
    }
    return render_list(request, "endorsements/list.html", context)


def _export(request: HttpRequest) -> HttpResponseBase:
    kind = exports.INSURER_ENDORSEMENTS if request.side == Side.INSURER else exports.ENTERPRISE_ENDORSEMENTS  # type: ignore[attr-defined]
    return export_response(request, kind, back=_url(request, "list"))  # type: ignore[arg-type]


# --- one request ------------------------------------------------------------------------------------------------
def _detail(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    events = selectors.events_of(endorsement)
    documents = selectors.documents_of(endorsement, events)
    context = {
        "endorsement": endorsement,
        "policy": endorsement.policy,
        "order": endorsement.policy.order,
        "lines": presenters.history_rows([endorsement])[0].lines,
        "amount": presenters.amount_text(endorsement),
        "formula": presenters.amount_formula(endorsement),
        "documents": documents,
        "timeline": presenters.timeline(events, documents),
        "extra_crumb": f"{endorsement.get_kind_display()} · 保单 {endorsement.policy.policy_no}",
        **presenters.actions(endorsement, request.user),
    }
    return render(request, "endorsements/detail.html", context)


def _file(request: HttpRequest, endorsement_uuid: Any, document_uuid: Any) -> HttpResponseBase:
    endorsement = _get(request, endorsement_uuid)
    documents = selectors.documents_of(endorsement, selectors.events_of(endorsement))
    document = document_among([d for _, d in documents], document_uuid)
    return document_response(request, document, inline=request.GET.get("inline") == "1")


def _action(
    request: HttpRequest,
    endorsement: Endorsement,
    action: str | Callable[[], str | None],
    *,
    template: str = "endorsements/form.html",
    context: dict[str, Any] | None = None,
    **view: Any,
) -> HttpResponse:
    """One action dialog on ``endorsement``: opening it when the request no longer allows it (another user was
    quicker) says why and refreshes; success goes back to the request's page (reloaded on the enterprise's
    side, whose buttons all change)."""
    machine = presenters.machine_of(endorsement)
    moved_on = action if callable(action) else (lambda: machine.why_not(endorsement, action, request.user))
    return action_view(
        request,
        moved_on=moved_on,
        redirect_to=_detail_url(request, endorsement),
        template=template,
        context={
            "endorsement": endorsement,
            "policy": endorsement.policy,
            "order": endorsement.policy.order,
            "amount": presenters.amount_text(endorsement),
            "formula": presenters.amount_formula(endorsement),
            "cancel_url": _detail_url(request, endorsement),
            **(context or {}),
        },
        reload=request.side == Side.ENTERPRISE,  # type: ignore[attr-defined]
        **view,
    )


def _change_form(request: HttpRequest, application_no: str, *, title: str, success: str) -> HttpResponse:
    policy = selectors.policy_for(user=request.user, application_no=application_no)  # type: ignore[arg-type]

    def recheck(form: ChangeForm) -> None:
        check_readable(
            form, workflow.check_apply, policy=policy, actor=request.user, change=form.change(readable(form))
        )

    return action_view(
        request,
        form_class=ChangeForm,
        form_kwargs={"policy": policy},
        call=lambda form: workflow.endorsement_apply(policy=policy, actor=request.user, change=form.change()),  # type: ignore[arg-type]
        recheck=recheck,
        moved_on=lambda: refusal_of_request(policy, "申请批改"),
        refused_to=_policy_url(request, policy.order.application_no),
        success=success,
        redirect_to=lambda endorsement: _detail_url(request, endorsement),
        gone=True,  # the form's page is left for the new request's page
        template="endorsements/change_form.html",
        context={
            "policy": policy,
            "order": policy.order,
            "title": title,
            "cancel_url": _policy_url(request, policy.order.application_no),
            "issued_headcount": policy.issued_headcount,
            "issued_premium": policy.issued_premium,
        },
    )


def _policy_url(request: HttpRequest, application_no: str) -> str:
    if request.side == Side.INSURER:  # type: ignore[attr-defined]
        return reverse("insurer:policies:detail", args=[application_no])
    return reverse("enterprise:services:policy", args=[application_no])


# === 保险端 ======================================================================================================
@requires("endorsement.view")
def insurer_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@requires("endorsement.export")
def insurer_export(request: HttpRequest) -> HttpResponseBase:
    return _export(request)


@requires("endorsement.view")
def insurer_detail(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    return _detail(request, endorsement_uuid)


@xframe_options_sameorigin  # the payment review dialog frames the voucher
@requires("endorsement.view")
def insurer_file(request: HttpRequest, endorsement_uuid: Any, document_uuid: Any) -> HttpResponseBase:
    return _file(request, endorsement_uuid, document_uuid)


@requires("endorsement.start")
def insurer_start(request: HttpRequest, application_no: str) -> HttpResponse:
    """保单管理 › 批改: the clerk starts a 批改 of the policy."""
    return _change_form(request, application_no, title="发起批改", success="批改已发起，待审核")


@requires("endorsement.review")
def insurer_review(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    """审核: 通过 (→ 待上传付款通知书 when extra premium is due, else 待出批单) or 驳回 with a reason."""
    endorsement = _get(request, endorsement_uuid)
    action = "approve_charge" if workflow.payable(endorsement) else "approve"

    def review(form: DecisionForm) -> bool:
        if form.approved:
            workflow.endorsement_approve(endorsement=endorsement, actor=request.user)  # type: ignore[arg-type]
        else:
            workflow.endorsement_reject(
                endorsement=endorsement,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        return form.approved

    return _action(
        request,
        endorsement,
        lambda: workflow.ENDORSEMENT.why_not(endorsement, action, request.user),
        form_class=DecisionForm,
        call=review,
        success=lambda approved: (
            ("审核通过，" + ("请上传付款通知书" if workflow.payable(endorsement) else "请出具批单"))
            if approved
            else "已驳回，已通知投保企业"
        ),
        template="endorsements/review_form.html",
        context={"title": "批改审核", "lines": presenters.history_rows([endorsement])[0].lines},
    )


@requires("endorsement.review")
def insurer_adjust(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    return _action(
        request,
        endorsement,
        "adjust",
        form_class=AdjustForm,
        form_kwargs={"initial": {"premium_delta": endorsement.premium_delta}},
        call=lambda form: workflow.endorsement_adjust(
            endorsement=endorsement,
            actor=request.user,  # type: ignore[arg-type]
            premium_delta=form.cleaned_data["premium_delta"],
            reason=form.cleaned_data["reason"],
        ),
        success="批改保费已调整",
        context={
            "title": "调整批改保费",
            "hint": "按日计算：" + (presenters.amount_formula(endorsement) or "—"),
        },
    )


@document_upload_limit
@requires("endorsement.payment")
def insurer_payment_notice(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    return _action(
        request,
        endorsement,
        "upload_payment_notice",
        form_class=PaymentNoticeForm,
        call=lambda form: workflow.endorsement_upload_payment_notice(
            endorsement=endorsement,
            actor=request.user,  # type: ignore[arg-type]
            file=form.cleaned_data["file"],
        ),
        success="付款通知书已上传，已通知投保企业缴费",
        context={"title": "上传付款通知书", "multipart": True},
    )


@requires("endorsement.payment")
def insurer_payment_review(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)

    def review(form: DecisionForm) -> bool:
        if form.approved:
            workflow.endorsement_approve_payment(endorsement=endorsement, actor=request.user)  # type: ignore[arg-type]
        else:
            workflow.endorsement_reject_payment(
                endorsement=endorsement,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        return form.approved

    return _action(
        request,
        endorsement,
        "approve_payment",
        form_class=DecisionForm,
        call=review,
        success=lambda approved: (
            "缴费审核已通过，请出具批单" if approved else "已驳回，已通知投保企业重新上传付款凭证"
        ),
        template="endorsements/payment_review_form.html",
        context={"title": "缴费审核", "voucher": endorsement.payment_voucher},
    )


@document_upload_limit
@requires("endorsement.issue")
def insurer_issue(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    return _action(
        request,
        endorsement,
        "issue",
        form_class=IssueForm,
        call=lambda form: workflow.endorsement_issue(
            endorsement=endorsement,
            actor=request.user,  # type: ignore[arg-type]
            endorsement_no=form.cleaned_data["endorsement_no"],
            file=form.cleaned_data["endorsement_file"],
        ),
        success="批单已出具，批改生效",
        context={
            "title": "出批单",
            "multipart": True,
            "hint": "批改生效后，保单的参保人数、保费等将更新为批改后的值",
        },
    )


@document_upload_limit
@requires("endorsement.surrender")
def insurer_surrender_review(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    """退保审核: 通过 with the refund and the 批单, or 驳回 with a reason."""
    endorsement = _get(request, endorsement_uuid)
    refund = surrenders.refund_on(endorsement.policy, timezone.localdate())

    def review(form: SurrenderReviewForm) -> bool:
        data = form.cleaned_data
        if form.approved:
            surrenders.surrender_approve(
                endorsement=endorsement,
                actor=request.user,  # type: ignore[arg-type]
                endorsement_no=data["endorsement_no"],
                file=data["endorsement_file"],
                refund=data["refund"],
                adjust_reason=data["adjust_reason"],
            )
        else:
            surrenders.surrender_reject(endorsement=endorsement, actor=request.user, reason=data["reason"])  # type: ignore[arg-type]
        return form.approved

    return _action(
        request,
        endorsement,
        "approve",
        form_class=SurrenderReviewForm,
        form_kwargs={"refund": refund.amount},
        call=review,
        success=lambda approved: "已退保，已通知投保企业" if approved else "已驳回，已通知投保企业",
        template="endorsements/surrender_review_form.html",
        context={"title": "退保审核", "refund": refund},
    )


# === 企业端 ======================================================================================================
@requires("portal.endorsement.view")
def enterprise_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@requires("portal.endorsement.view")
def enterprise_export(request: HttpRequest) -> HttpResponseBase:
    return _export(request)


@requires("portal.endorsement.view")
def enterprise_detail(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    return _detail(request, endorsement_uuid)


@xframe_options_sameorigin
@requires("portal.endorsement.view")
def enterprise_file(request: HttpRequest, endorsement_uuid: Any, document_uuid: Any) -> HttpResponseBase:
    return _file(request, endorsement_uuid, document_uuid)


@requires("portal.endorsement.apply")
def enterprise_apply(request: HttpRequest, application_no: str) -> HttpResponse:
    """我的保单 › 申请批改."""
    return _change_form(request, application_no, title="申请批改", success="批改申请已提交，等待保险公司审核")


@document_upload_limit
@requires("portal.endorsement.apply")
def enterprise_voucher(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    return _action(
        request,
        endorsement,
        "upload_payment_voucher",
        form_class=VoucherForm,
        call=lambda form: workflow.endorsement_upload_payment_voucher(
            endorsement=endorsement,
            actor=request.user,  # type: ignore[arg-type]
            file=form.cleaned_data["file"],
        ),
        success="付款凭证已上传，等待保险公司缴费审核",
        template="endorsements/voucher_form.html",
        context={"title": "上传付款凭证", "notice": endorsement.payment_notice},
    )


@requires("portal.endorsement.apply")
def enterprise_withdraw(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    return button_view(
        request,
        call=lambda: workflow.endorsement_withdraw(endorsement=endorsement, actor=request.user),  # type: ignore[arg-type]
        success="批改申请已撤回",
        redirect_to=_detail_url(request, endorsement),
        confirm={
            "title": "撤回批改",
            "question": f"是否确认撤回保单 {endorsement.policy.policy_no} 的批改申请？",
        },
        stale=True,
        reload=True,
    )


@document_upload_limit
@requires("portal.surrender.apply")
def enterprise_surrender(request: HttpRequest, application_no: str) -> HttpResponse:
    """我的保单 › 申请退保: the form states the rule of the compulsory sectors, and the workflow applies it."""
    policy = selectors.policy_for(user=request.user, application_no=application_no)  # type: ignore[arg-type]
    compulsory = surrenders.is_compulsory(policy)

    def application(form: SurrenderForm, data: dict[str, Any] | None = None) -> surrenders.Application:
        data = form.cleaned_data if data is None else data
        return surrenders.Application(
            ground=data.get("ground", ""), reason=data.get("reason", ""), proof=data.get("proof")
        )

    return action_view(
        request,
        form_class=SurrenderForm,
        form_kwargs={"compulsory": compulsory},
        call=lambda form: surrenders.surrender_apply(
            policy=policy, actor=request.user, application=application(form)
        ),  # type: ignore[arg-type]
        recheck=lambda form: check_readable(
            form, surrenders.check_apply, policy=policy, application=application(form, readable(form))
        ),
        moved_on=lambda: refusal_of_request(policy, "申请退保"),
        refused_to=_policy_url(request, application_no),
        success="退保申请已提交，等待保险公司审核",
        redirect_to=lambda endorsement: _detail_url(request, endorsement),
        gone=True,  # the page it was opened on is left for the new request's page
        template="endorsements/surrender_form.html",
        context={
            "policy": policy,
            "order": policy.order,
            "title": "申请退保",
            "compulsory": compulsory,
            "industry": surrenders.industry_name(policy),
            "rule": surrenders.COMPULSORY_RULE,
            "estimate": surrenders.refund_on(policy, timezone.localdate()),
            "cancel_url": _policy_url(request, application_no),
        },
    )


@requires("portal.surrender.apply")
def enterprise_surrender_withdraw(request: HttpRequest, endorsement_uuid: Any) -> HttpResponse:
    endorsement = _get(request, endorsement_uuid)
    return button_view(
        request,
        call=lambda: surrenders.surrender_withdraw(endorsement=endorsement, actor=request.user),  # type: ignore[arg-type]
        success="退保申请已撤回",
        redirect_to=_detail_url(request, endorsement),
        confirm={
            "title": "撤回退保",
            "question": f"是否确认撤回保单 {endorsement.policy.policy_no} 的退保申请？",
        },
        stale=True,
        reload=True,
    )
