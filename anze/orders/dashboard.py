"""The insurer's home: cards for the orders waiting for the insurer, each a link to its tab of 订单管理 (the
figures below them are ``policies/dashboard.py``'s)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side

from . import selectors
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
