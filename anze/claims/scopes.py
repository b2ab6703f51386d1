"""Which claims each side sees — the order scope's rule (``anze/orders/scopes.py``) on the claim's own columns:
the insurer its own claims, the verified enterprise the claims on its policies, the regulator those of its
jurisdiction (by the region of the order, copied at 报案), nobody else."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from anze.accounts.models import User
from anze.orders.scopes import visible_rows

from .models import Claim


def claim_rows(user: User) -> Q:
    return visible_rows(user, insurer="insurer", enterprise="enterprise", region="region")


def claims_visible_to(user: User, *, side: str | None = None) -> QuerySet[Claim]:
    """Every claim the user's organisation may see; with ``side``, none unless the user is of that side."""
    if side is not None and user.side != side:
        return Claim.objects.none()
    return Claim.objects.filter(claim_rows(user))
