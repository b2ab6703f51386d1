"""The insurer's home cards for 保单管理: policies still without a service organisation, and those waiting for
the organisation to accept — each a link to its tab of the list."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side

from . import selectors
from .models import ServiceStatus


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
            f"{url}?tab=none",
            "user-plus",
            "warning",
            "policy.view",
        ),
        Card(
            "服务机构待处理",
            counts[ServiceStatus.PENDING],
            f"{url}?tab=pending",
            "hourglass",
            "primary",
            "policy.view",
        ),
    ]
