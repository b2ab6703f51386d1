"""监管端: 理赔查询 (read-only list, 导出 and each claim's page) and 理赔统计, within the regulator's jurisdiction."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from anze.core.access import requires
from anze.core.exports import sheets_download
from anze.core.views import render_list
from anze.downloads.responses import export_response

from . import exports, presenters, selectors, statistics
from .forms import ClaimStatsForm, RegulatorClaimSearchForm
from .views_insurer import tabs


@requires("regulator.view")
def claim_list(request: HttpRequest) -> HttpResponse:
    search = RegulatorClaimSearchForm(request.GET, user=request.user)
    result = selectors.claim_list(request, filters={**search.values(), "tab": request.GET.get("tab", "")})
    return render_list(
        request,
        "claims/claim_list.html",
        {"search": search, "page": result.page, "tab": result.tab, "tabs": tabs(result.counts)},
    )


@requires("regulator.view")
def claim_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, exports.REGULATOR_CLAIMS, back=reverse("regulator:claims:list"))


@requires("regulator.view")
def claim_detail(request: HttpRequest, report_no: str) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    return render(request, "claims/claim_detail.html", presenters.detail_context(claim, request.user))


@xframe_options_sameorigin
@requires("regulator.view")
def claim_file(request: HttpRequest, report_no: str, document_uuid: str) -> HttpResponseBase:
    """The report's files (the survey's are the insurer's working papers: ``presenters.VISIBLE_STAGES``)."""
    return presenters.file_response(request, report_no, document_uuid)


def _stats_filters(request: HttpRequest) -> tuple[ClaimStatsForm, statistics.Filters]:
    """The page's form and the filters it chose (none of them when a value is bad: the page says so beside it)."""
    form = ClaimStatsForm(request.GET or None, user=request.user)
    valid = form.is_bound and form.is_valid()
    return form, statistics.Filters.of(form.cleaned_data if valid else None)


@requires("regulator.stats")
def claim_statistics(request: HttpRequest) -> HttpResponse:
    user = request.user
    form, filters = _stats_filters(request)
    by_month = statistics.by_month(user=user, filters=filters)
    oldest = statistics.oldest_open(user=user, filters=filters)
    return render(
        request,
        "claims/statistics.html",
        {
            "search": form,
            "filters": filters,
            "summary": statistics.summary(user=user, filters=filters),
            "tables": statistics.tables(user=user, filters=filters),
            "by_month": by_month,
            "oldest": [(claim, statistics.days_open(claim)) for claim in oldest],
            "chart": [row.chart() for row in by_month],
        },
    )


@requires("regulator.stats")
def claim_statistics_export(request: HttpRequest) -> HttpResponseBase:
    """导出 of 理赔统计: its figures, with the page's filters, as a workbook (one sheet per table)."""
    _form, filters = _stats_filters(request)
    return sheets_download(request, "理赔统计", statistics.sheets(user=request.user, filters=filters))
