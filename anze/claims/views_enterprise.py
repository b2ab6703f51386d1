"""我的理赔 on the enterprise portal: the claims on its policies with their progress and amounts, 报案 (a page:
it carries photos), and each claim's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from anze.core.access import requires
from anze.core.errors import Refused
from anze.core.forms import check_readable
from anze.core.views import action_view, render_list
from anze.downloads.responses import export_response

from . import exports, presenters, reports, selectors
from .forms import ACCIDENT_FIELDS, EnterpriseClaimSearchForm, EnterpriseReportForm
from .models import Claim
from .views_insurer import check_report_time, tabs


def _list_url() -> str:
    return reverse("enterprise:claims:list")


def _detail_url(claim: Claim) -> str:
    return reverse("enterprise:claims:detail", args=[claim.report_no])


@requires("portal.claim.view")
def claim_list(request: HttpRequest) -> HttpResponse:
    search = EnterpriseClaimSearchForm(request.GET)
    result = selectors.claim_list(request, filters={**search.values(), "tab": request.GET.get("tab", "")})
    return render_list(
        request,
        "claims/claim_list.html",
        {"search": search, "page": result.page, "tab": result.tab, "tabs": tabs(result.counts)},
    )


@requires("portal.claim.view")
def claim_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, exports.ENTERPRISE_CLAIMS, back=_list_url())


@requires("portal.claim.view")
def claim_detail(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return render(request, "claims/claim_detail.html", presenters.detail_context(claim, request.user))


@xframe_options_sameorigin
@requires("portal.claim.view")
def claim_file(request: HttpRequest, report_no: str, document_uuid: str) -> HttpResponseBase:
    return presenters.file_response(request, report_no, document_uuid)


@requires("portal.claim.report")
def claim_report(request: HttpRequest) -> HttpResponse:
    """报案 on one of the enterprise's policies (``?policy=<申请编号>`` from 我的保单 chooses it)."""
    chosen = selectors.enterprise_policy(user=request.user, application_no=request.GET.get("policy", ""))

    def recheck(form: EnterpriseReportForm) -> None:
        policy = form.cleaned_data.get("policy") if hasattr(form, "cleaned_data") else None
        if policy is not None:
            check_readable(form, check_report_time, policy, form.accident_at(), ACCIDENT_FIELDS)

    def call(form: EnterpriseReportForm) -> Claim:
        try:
            return reports.claim_report(
                policy=form.cleaned_data["policy"], actor=request.user, accident=form.accident()
            )
        except Refused as exc:
            raise exc.renamed(ACCIDENT_FIELDS) from None

    return action_view(
        request,
        form_class=EnterpriseReportForm,
        form_kwargs={"user": request.user, "chosen": chosen},
        call=call,
        recheck=recheck,
        success=lambda claim: f"报案成功，报案号{claim.report_no}，保险公司受理后将通知您",
        redirect_to=_detail_url,
        template="claims/report_form.html",
        context={"title": "报案", "cancel_url": _list_url(), "extra_crumb": "报案"},
        page=True,
    )
