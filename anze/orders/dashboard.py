"""The insurer's home: cards for the orders waiting for the insurer, each a link to its tab of 订单管理, and
the figures a manager looks at (this month's 报价/出函/保费, the last 12 months as a chart)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, Panel, register, register_panel
from anze.core.sides import Side

from . import figures, selectors
from .models import OrderStatus

S = OrderStatus
# (state, icon): the four states in which the next step is the insurer's (docs/spec/UI.md: warning tone).
WAITING_FOR_INSURER: tuple[tuple[str, str], ...] = (
    (S.AWAITING_QUOTE, "file-dollar"),
    (S.AWAITING_PAYMENT_NOTICE, "file-upload"),
    (S.AWAITING_PAYMENT_REVIEW, "receipt"),
    (S.AWAITING_ISSUE, "file-certificate"),
)


@register(Side.INSURER)
def order_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("order.view"):
        return []  # no query for a user who would not see the cards
    counts = selectors.insurer_action_counts(user=request.user)
    url = reverse("insurer:orders:list")
    return [
        Card(
            label=S(status).label,
            value=counts[status],
            url=f"{url}?tab={status}",
            icon=icon,
            tone="warning",
            permission="order.view",
        )
        for status, icon in WAITING_FOR_INSURER
    ]


@register_panel(Side.INSURER)
def month_figures(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm_code("order.view"):
        return []  # no query for a user who would not see the orders
    found = figures.insurer_figures(insurer_id=request.user.organisation_id)
    return [
        Panel(
            template="orders/partials/home_figures.html",
            context={"this_month": found.this_month, "chart": found.chart()},
            scripts=("vendor/echarts/echarts.min.js", "anze/js/insurer_home.js"),
            permission="order.view",
        )
    ]
