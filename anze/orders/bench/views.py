"""The bare page: login only, the same reads as 订单管理 (``selectors.insurer_order_list``: the tab counts and
the page of 10 rows, from the same query string), and those rows in a minimal template — no shell, menu,
search form, tabs, presenters or actions. What 订单管理 costs beyond it is the page's fixed cost (issue 16)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anze.orders import selectors
from anze.orders.views_insurer import search_filters


@login_required
def bare_order_list(request: HttpRequest) -> HttpResponse:
    listing = selectors.insurer_order_list(request, filters=search_filters(request)[1])
    return render(request, "orders/bench_bare.html", {"rows": listing.page.rows})
