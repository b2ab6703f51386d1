"""The insurer's home cards for 理赔管理: claims waiting for 受理 and for 立案, each a link to its tab."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side

from . import selectors
from .models import ClaimStatus


@register(Side.INSURER)
def claim_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("claim.view"):
        return []  # no query for a user who would not see the cards
    counts = selectors.status_counts(selectors.claims_for(user=request.user))  # type: ignore[arg-type]
    url = reverse("insurer:claims:list")
    return [
        Card(
            "待受理报案",
            counts[ClaimStatus.REPORTED],
            f"{url}?tab=reported",
            "first-aid-kit",
            "warning",
            "claim.view",
        ),
        Card(
            "待结案理赔", counts[ClaimStatus.ADJUSTED], f"{url}?tab=adjusted", "cash", "primary", "claim.view"
        ),
    ]
