"""监管端: read-only views across insurers within the regulator's region, and the statistics."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from anze.core.access import requires
from anze.core.exports import sheets_download
from anze.core.pagination import bounded_paginate
from anze.core.views import render_list
from anze.downloads.responses import export_response
from anze.prevention.archive import fee_context

from . import exports, fees, presenters, selectors, statistics_sheets
from . import statistics as stats
from .forms import CoverSearch, OrderSearch, PolicySearch, StatsFilterForm
from .selectors import Cover, Standing


@requires("regulator.view")
def order_list(request: HttpRequest) -> HttpResponse:
    search = OrderSearch(request.GET, user=request.user)
    page = selectors.list_page(request, selectors.search_orders, user=request.user, filters=search.values())
    return render_list(request, "regulator/order_list.html", {"search": search, "page": page})


@requires("regulator.view")
def order_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    events = order.events.select_related(None).order_by("created_at", "id")
    context = {
        "order": order,
        "timeline": presenters.timeline(events),
        "counts": order.service_counts.select_related("item"),
        "extra_crumb": order.application_no,
    }
    policy = selectors.policy_of(order)
    if policy is not None:  # 出函: its 事故预防服务费台账, as every side shows it
        context.update(fee_context(policy, request.user))
    return render(request, "regulator/order_detail.html", context)


@requires("regulator.view")
def policy_list(request: HttpRequest) -> HttpResponse:
    search = PolicySearch(request.GET, user=request.user)
    page = selectors.list_page(
        request, selectors.search_policies, user=request.user, filters=search.values(), through="order__"
    )
    page.rows = presenters.policy_rows(page.rows)
    return render_list(
        request,
        "regulator/policy_list.html",
        {
            "search": search,
            "page": page,
            "standing_labels": Standing.LABELS,
            "standing_tones": Standing.TONES,
        },
    )


@requires("regulator.view")
def policy_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(
        request, exports.REGULATOR_POLICIES, back=reverse("regulator:supervision:policy_list")
    )


@requires("regulator.view")
def cover_list(request: HttpRequest) -> HttpResponse:
    """应保尽保: enterprises of the compulsory sectors and whether they are covered now."""
    search = CoverSearch(request.GET, user=request.user)
    page = bounded_paginate(request, selectors.search_cover(user=request.user, filters=search.values()))
    page.rows = presenters.cover_rows(page.rows)
    return render_list(
        request,
        "regulator/cover_list.html",
        {"search": search, "page": page, "cover_labels": Cover.LABELS, "cover_tones": Cover.TONES},
    )


@requires("regulator.stats")
def statistics(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = StatsFilterForm(request.GET or None, user=user)
    filters = form.filters()
    kept = stats.figures(user=user, filters=filters)  # every table and chart below reads these cells
    kept.names.update(form.names())  # the groups' names: the rows of the form's choices
    spent = fees.spent_by(user=user, filters=filters)  # the ledger read once: the fee tables and their chart
    return render(
        request,
        "regulator/statistics.html",
        {
            "search": form,
            "filters": filters,
            "summary": stats.summary(user=user, filters=filters, kept=kept),
            "fees": fees.statistics(user=user, filters=filters, kept=kept, spent=spent),
            "charts": {
                "fee_month": fees.fees_by_month(user=user, filters=filters, kept=kept, spent=spent),
                "month": stats.by_month(user=user, filters=filters, kept=kept),
                "insurer": stats.by_insurer(user=user, filters=filters, kept=kept),
                "county": stats.by_county(user=user, filters=filters, kept=kept),
                "industry": stats.by_industry(user=user, filters=filters, kept=kept),
                "service": stats.by_service_status(user=user, filters=filters, kept=kept),
            },
        },
    )


@requires("regulator.stats")
def statistics_export(request: HttpRequest) -> HttpResponseBase:
    """导出 of 统计分析: its figures with the page's filters (none when a value is bad, as on the page)."""
    form = StatsFilterForm(request.GET or None, user=request.user)
    return sheets_download(
        request, "统计分析", statistics_sheets.sheets(user=request.user, filters=form.filters())
    )
