"""监管端 · 服务费使用滞后: the policies whose 事故预防服务费 spending is behind plan with under 60 days left
(``fees.lagging``), as a list with 统计分析's filters and its Excel export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import render_list
from anze.downloads.responses import export_response

from . import exports, fees
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
    return export_response(request, exports.FEE_LAGGING, back=reverse("regulator:supervision:fee_lagging"))
