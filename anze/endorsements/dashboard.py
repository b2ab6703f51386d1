"""Home cards of 批改 and 退保: on the insurer's side the requests waiting for its review and for their 批单, on the
enterprise's those waiting for its payment — each a link to its tab of the list; one grouped COUNT per side."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side

from . import selectors
from .models import EndorsementStatus

S = EndorsementStatus


@register(Side.INSURER)
def insurer_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("endorsement.view"):  # type: ignore[union-attr]
        return []  # no query for a user who would not see the cards
    counts = selectors.status_counts(selectors.endorsements_for(user=request.user))  # type: ignore[arg-type]
    url = reverse("insurer:endorsements:list")
    return [
        Card(
            "批改/退保待审核",
            counts[S.PENDING_REVIEW],
            f"{url}?tab={S.PENDING_REVIEW}",
            "file-pencil",
            "warning",
            "endorsement.view",
        ),
        Card(
            "批改待缴费审核",
            counts[S.AWAITING_PAYMENT_REVIEW],
            f"{url}?tab={S.AWAITING_PAYMENT_REVIEW}",
            "receipt",
            "warning",
            "endorsement.view",
        ),
        Card(
            "批改待出批单",
            counts[S.AWAITING_DOCUMENT],
            f"{url}?tab={S.AWAITING_DOCUMENT}",
            "file-certificate",
            "warning",
            "endorsement.view",
        ),
    ]


@register(Side.ENTERPRISE)
def enterprise_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("portal.endorsement.view"):  # type: ignore[union-attr]
        return []
    counts = selectors.status_counts(selectors.endorsements_for(user=request.user))  # type: ignore[arg-type]
    if not counts[S.AWAITING_PAYMENT]:
        return []  # nothing to pay: no card
    url = reverse("enterprise:endorsements:list")
    return [
        Card(
            "批改待缴费",
            counts[S.AWAITING_PAYMENT],
            f"{url}?tab={S.AWAITING_PAYMENT}",
            "wallet",
            "primary",
            "portal.endorsement.view",
        )
    ]
