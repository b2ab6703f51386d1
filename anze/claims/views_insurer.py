"""理赔管理 on the insurer side: the list with its tabs and 导出, 电话报案 (a page: it carries photos), the claim
page, and one dialog per step — 受理, 立案, 查勘, 理算, 结案, 拒赔, 注销 — each calling its ``workflow``
function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.errors import Refused
from anze.core.formatting import money
from anze.core.forms import check_readable
from anze.core.views import action_view, button_view, render_list
from anze.downloads.responses import export_response

from . import exports, presenters, reports, selectors, workflow
from .forms import (
    ACCIDENT_FIELDS,
    AdjustForm,
    ClaimSearchForm,
    PhoneReportForm,
    ReasonForm,
    RegisterForm,
    SettleForm,
    SurveyForm,
)
from .models import Claim, ClaimStatus
from .workflow import CLAIM


def _list_url() -> str:
    return reverse("insurer:claims:list")


def _detail_url(claim: Claim) -> str:
    return reverse("insurer:claims:detail", args=[claim.report_no])


def tabs(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [("", "全部", sum(counts.values()))] + [(s.value, s.label, counts[s.value]) for s in ClaimStatus]


@requires("claim.view")
def claim_list(request: HttpRequest) -> HttpResponse:
    search = ClaimSearchForm(request.GET)
    result = selectors.claim_list(request, filters={**search.values(), "tab": request.GET.get("tab", "")})
    return render_list(
        request,
        "claims/claim_list.html",
        {"search": search, "page": result.page, "tab": result.tab, "tabs": tabs(result.counts)},
    )


@requires("claim.export")
def claim_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, exports.INSURER_CLAIMS, back=_list_url())


@requires("claim.view")
def claim_detail(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return render(request, "claims/claim_detail.html", presenters.detail_context(claim, request.user))


@xframe_options_sameorigin
@requires("claim.view")
def claim_file(request: HttpRequest, report_no: str, document_uuid: str) -> HttpResponseBase:
    return presenters.file_response(request, report_no, document_uuid)


PHONE_FIELDS = {**ACCIDENT_FIELDS, "policy": "policy_no"}


def check_report_time(policy: Any, accident_at: Any, fields: dict[str, str]) -> None:
    """``reports.check_report_time`` with its refusals at the form's fields (出险日期, the policy's field)."""
    try:
        reports.check_report_time(policy=policy, accident_at=accident_at)
    except Refused as exc:
        raise exc.renamed(fields) from None


@requires("claim.report")
def claim_report(request: HttpRequest) -> HttpResponse:
    """电话报案: the clerk types in what the caller says, on the policy number the caller gives."""

    def recheck(form: PhoneReportForm) -> None:
        if form.found_policy is not None:
            check_readable(form, check_report_time, form.found_policy, form.accident_at(), PHONE_FIELDS)

    def call(form: PhoneReportForm) -> Claim:
        try:
            return reports.claim_report(
                policy=form.found_policy, actor=request.user, accident=form.accident()
            )
        except Refused as exc:
            raise exc.renamed(PHONE_FIELDS) from None

    return action_view(
        request,
        form_class=PhoneReportForm,
        form_kwargs={"user": request.user},
        call=call,
        recheck=recheck,
        success=lambda claim: f"报案已登记，报案号{claim.report_no}",
        redirect_to=_detail_url,
        template="claims/report_form.html",
        context={"title": "电话报案登记", "cancel_url": _list_url(), "extra_crumb": "电话报案登记"},
        page=True,
    )


@require_POST
@requires("claim.handle")
def claim_accept(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return button_view(
        request,
        call=lambda: workflow.claim_accept(claim=claim, actor=request.user),
        success="已受理",
        redirect_to=_detail_url(claim),
        stale=True,
    )


def _step(
    request: HttpRequest,
    claim: Claim,
    action: str,
    *,
    form_class: Callable[..., Any],
    call: Callable[[Any], Any],
    success: str,
    template: str = "claims/step_form.html",
    form_kwargs: dict[str, Any] | None = None,
    recheck: Callable[[Any], None] | None = None,
    **context: Any,
) -> HttpResponse:
    """One step's dialog: refused at once when the claim has moved on (another clerk was quicker)."""
    label = CLAIM.transition(action, request.user.side)
    return action_view(
        request,
        form_class=form_class,
        form_kwargs=form_kwargs,
        call=call,
        recheck=recheck,
        success=success,
        redirect_to=_detail_url(claim),
        template=template,
        moved_on=lambda: CLAIM.why_not(claim, action, request.user),
        context={
            "title": label.label if label else action,
            "claim": claim,
            "cancel_url": _detail_url(claim),
            **context,
        },
    )


@requires("claim.handle")
def claim_register(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return _step(
        request,
        claim,
        "register",
        form_class=RegisterForm,
        call=lambda form: workflow.claim_register(
            claim=claim, actor=request.user, case_no=form.cleaned_data["case_no"]
        ),
        success="已立案",
    )


@requires("claim.handle")
def claim_survey(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return _step(
        request,
        claim,
        "survey",
        form_class=SurveyForm,
        call=lambda form: workflow.claim_survey(
            claim=claim,
            actor=request.user,
            notes=form.cleaned_data["survey_notes"],
            files=form.files_to_store(),
        ),
        success="查勘已记录",
        multipart=True,
    )


@requires("claim.adjust")
def claim_adjust(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)

    def call(form: AdjustForm) -> Claim:
        try:
            return workflow.claim_adjust(claim=claim, actor=request.user, lines=form.lines())
        except Refused as exc:
            raise exc.renamed(form.renamed()) from None

    return _step(
        request,
        claim,
        "adjust",
        form_class=AdjustForm,
        form_kwargs={"claim": claim},
        call=call,
        success="理算完成",
        template="claims/adjust_form.html",
        figures=selectors.policy_figures(claim),
    )


@requires("claim.settle")
def claim_settle(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return _step(
        request,
        claim,
        "settle",
        form_class=SettleForm,
        form_kwargs={"claim": claim},
        call=lambda form: workflow.claim_settle(claim=claim, actor=request.user, payment=form.payment()),
        success="已结案",
        hint=f"理算金额：{money(claim.adjusted_amount)} 元；赔款金额不能超过理算金额。",
    )


@requires("claim.settle")
def claim_decline(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return _step(
        request,
        claim,
        "decline",
        form_class=ReasonForm,
        form_kwargs={"label": "拒赔原因"},
        call=lambda form: workflow.claim_decline(
            claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="已拒赔",
        hint="拒赔后将短信通知投保企业，原因将告知企业。",
    )


@requires("claim.settle")
def claim_cancel(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return _step(
        request,
        claim,
        "cancel",
        form_class=ReasonForm,
        form_kwargs={"label": "注销原因"},
        call=lambda form: workflow.claim_cancel(
            claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="已注销",
        hint="注销用于报案有误、报案人撤案或重复报案等不再处理的案件。",
    )
