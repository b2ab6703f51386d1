"""What this app adds to the policy (registered in ``apps.EndorsementsConfig.ready``; ``anze.policies`` never
imports it): the 批改记录 section of the policy's page on the insurer's and the enterprise's side, the 批单 among
the policy's files, and the refusal of a 冲正 once the policy has a 批改 or 退保."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from anze.core.sides import Side
from anze.documents.models import Document
from anze.policies.models import Policy, PolicyStatus

from . import presenters, selectors
from .models import Endorsement, EndorsementStatus
from .steps import open_request

CLOSED_WITHOUT_EFFECT = (EndorsementStatus.REJECTED, EndorsementStatus.WITHDRAWN)
BLOCKS_REVERSAL = "该保单已有批改或退保记录，不能冲正"


def blocks_reversal(policy: Policy) -> str | None:
    """A policy whose 批改 or 退保 is under way or done cannot be reversed (a rejected or withdrawn one changed
    nothing and does not count)."""
    if Endorsement.objects.filter(policy=policy).exclude(status__in=CLOSED_WITHOUT_EFFECT).exists():
        return BLOCKS_REVERSAL
    return None


def surrender_day(policy: Policy) -> date | None:
    """The day ``policy``'s 退保 took effect (its cover ended the day before), or None."""
    return policy.surrendered_on


def endorsement_documents(policy: Policy) -> list[tuple[str, Document]]:
    return selectors.endorsement_files(policy)


def policy_actions(policy: Policy, user: Any) -> dict[str, bool]:
    """Which request buttons the policy's page shows the user: none while another request is open."""
    live = policy.status == PolicyStatus.ACTIVE
    free = live and open_request(policy) is None
    return {
        "can_start": free and user.side == Side.INSURER and user.has_perm_code("endorsement.start"),
        "can_apply": free and user.side == Side.ENTERPRISE and user.has_perm_code("portal.endorsement.apply"),
        "can_surrender": free
        and user.side == Side.ENTERPRISE
        and user.has_perm_code("portal.surrender.apply"),
    }


def policy_panel(policy: Policy, request: HttpRequest | Any) -> str:
    """批改记录 of the policy — each request with its state, what it changed and its 批单 — and the buttons to
    start one; on the enterprise's page also the policy's current values (the insurer's shows them already)."""
    user = request.user
    if user.side not in (Side.INSURER, Side.ENTERPRISE):
        return ""
    history = selectors.history_of(policy, user=user)
    context = {
        "policy": policy,
        "order": policy.order,
        "rows": presenters.history_rows(history),
        "side": user.side,
        "user": user,
        **policy_actions(policy, user),
    }
    return render_to_string("endorsements/partials/policy_panel.html", context, request=request)
