"""监管端 · 服务费使用滞后: the policies whose 事故预防服务费 spending is behind plan with under 60 days left
(``fees.lagging``), as a list with 统计分析's filters and its Excel export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core.access import requires
from anze.core.exports import too_many_rows, xlsx_response
from anze.core.pagination import paginate
from anze.core.views import done, render_list

from . import fees
from .forms import LaggingSearch


@requires("regulator.stats")
def lagging_list(request: HttpRequest) -> HttpResponse:
    search = LaggingSearch(request.GET or None, user=request.user)
    policies = fees.search_lagging(user=request.user, filters=search.filters(), q=search.keyword())
    page = paginate(request, policies)
    page.rows = fees.lagging_rows(page.rows)
    return render_list(
        request,
        "regulator/fee_lagging.html",
        {"search": search, "page": page, "lagging_days": fees.LAGGING_DAYS},
    )


@requires("regulator.stats")
def lagging_export(request: HttpRequest) -> HttpResponseBase:
    search = LaggingSearch(request.GET or None, user=request.user)
    policies = fees.search_lagging(user=request.user, filters=search.filters(), q=search.keyword())
    if message := too_many_rows(policies):
        back = f"{reverse('regulator:supervision:fee_lagging')}?{request.GET.urlencode()}"
        return done(request, message, back, error=True)
    rows = (
        (
            row.policy.policy_no,
            row.policy.order.application_no,
            row.policy.insurer.name,
            row.policy.order.applicant_name,
            row.policy.order.region.name if row.policy.order.region else "",
            row.policy.order.industry.name if row.policy.order.industry else "",
            row.policy.period_start,  # dates and amounts stay typed: core.exports formats them
            row.policy.period_end,
            row.days_left,
            row.fee,
            row.spent,
            row.used,
            row.elapsed,
            row.policy.service_org.name if row.policy.service_org else "",
        )
        for row in fees.lagging_rows(policies.iterator(chunk_size=500))
    )
    return xlsx_response(
        "服务费使用滞后保单",
        [
            "保单编号",
            "申请编号",
            "保险公司",
            "投保人",
            "区县",
            "行业",
            "保险起期",
            "保险止期",
            "剩余天数",
            "事故预防服务费（元）",
            "已支出（元）",
            "使用率",
            "保险期间已过",
            "服务机构",
        ],
        rows,
        widths=[20, 22, 30, 30, 10, 12, 12, 12, 10, 18, 14, 10, 12, 30],
    )
