"""Platform home cards: how many organisations of each kind are enabled, each a link to its list."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side

from . import selectors
from .kinds import KIND_LABELS, url_name

_LOOK: dict[str, tuple[str, str]] = {
    Side.INSURER: ("building-bank", "primary"),
    Side.ENTERPRISE: ("building-factory-2", "success"),
    Side.SERVICE_ORG: ("shield-check", "warning"),
    Side.REGULATOR: ("gavel", "info"),
}


@register(Side.PLATFORM)
def organisation_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("platform.org.manage"):
        return []  # no count query for a user who would not see the cards
    counts = selectors.kind_counts()
    return [
        Card(
            label=KIND_LABELS[kind],
            value=counts[kind],
            url=reverse(f"platform:{url_name(kind, 'list')}") + "?tab=active",
            icon=icon,
            tone=tone,
            permission="platform.org.manage",
        )
        for kind, (icon, tone) in _LOOK.items()
    ]
