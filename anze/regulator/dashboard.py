"""The regulator's home cards: what needs the bureau's attention."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side

from . import statistics


@register(Side.REGULATOR)
def cards(request: HttpRequest) -> list[Card]:
    s = statistics.summary(user=request.user)
    policies = reverse("regulator:supervision:policy_list")
    cover = reverse("regulator:supervision:cover_list")
    return [
        Card(
            "保障中保单",
            s.policies_in_force,
            f"{policies}?standing=in_force",
            "shield-check",
            "success",
            "regulator.view",
        ),
        Card(
            "30天内到期",
            s.expiring,
            f"{policies}?standing=expiring",
            "clock-exclamation",
            "warning",
            "regulator.view",
        ),
        Card(
            "高危行业已脱保", s.lapsed, f"{cover}?cover=lapsed", "alert-triangle", "danger", "regulator.view"
        ),
        Card("高危行业投保率", s.coverage_rate, cover, "chart-pie", "primary", "regulator.view"),
    ]
