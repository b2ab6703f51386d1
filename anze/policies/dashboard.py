"""The insurer's home cards for 保单管理 — policies in force still without a service organisation, and those
waiting for the organisation to accept, each a link to its tab of the list; 冲正 requests waiting for review —
and the figures a manager looks at below the
cards (this month's 报价/出函/保费, the last 12 months as a chart: ``figures.py``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, Panel, register, register_panel
from anze.core.sides import Side

from . import figures, reversal, selectors
from .models import ReversalStatus, ServiceStatus


@register(Side.INSURER)
def policy_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("policy.view"):
        return []  # no query for a user who would not see the cards
    counts = selectors.insurer_service_counts(user=request.user)
    url = reverse("insurer:policies:list")
    return [
        Card(
            "待申请安全服务",
            counts[ServiceStatus.NONE],
            f"{url}?tab=none&status=active",
            "user-plus",
            "warning",
            "policy.view",
        ),
        Card(
            "服务机构待处理",
            counts[ServiceStatus.PENDING],
            f"{url}?tab=pending&status=active",
            "hourglass",
            "primary",
            "policy.view",
        ),
    ]


@register(Side.INSURER)
def reversal_cards(request: HttpRequest) -> list[Card]:
    """冲正审核: the requests waiting for a reviewer (one indexed count), for the holders of 冲正审核."""
    if not request.user.has_perm_code(reversal.REVIEW):
        return []
    waiting = selectors.reversals_for(user=request.user).filter(status=ReversalStatus.PENDING).count()
    url = reverse("insurer:reversals:list")
    return [Card("冲正待审核", waiting, f"{url}?status=pending", "arrow-back-up", "danger", reversal.REVIEW)]


@register_panel(Side.INSURER)
def month_figures(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm_code("order.view"):
        return []  # no query for a user who would not see the orders
    found = figures.insurer_figures(user=request.user)
    return [
        Panel(
            template="policies/partials/home_figures.html",
            context={"this_month": found.this_month, "chart": found.chart()},
            scripts=("vendor/echarts/echarts.min.js", "anze/js/insurer_home.js"),
            permission="order.view",
        )
    ]
