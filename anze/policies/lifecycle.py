"""What other apps may ask of a policy after 出函 (issue 14), without this app importing them.

A 冲正 (reversal) is refused once the policy has a claim, an endorsement or a service record: the apps that
own those (``anze.claims``, ``anze.endorsements``, ``anze.prevention``) register a *reversal blocker* at
start-up (their ``AppConfig.ready``) — a function of the policy that returns the refusal, or None.

Every action taken on an existing policy (报案, 申请批改, 申请退保, 冲正) first asks ``check_live``: a reversed
policy is read-only, a surrendered one takes no new request.

``POLICY`` is the machine of the policy's own status (``Policy.status``): 有效 ──退保──▶ 已退保 (taken by the
insurer's approval of a 退保 request, ``anze.endorsements.surrenders``, which also sets ``surrendered_on``);
冲正 adds its row to the same table. No other code assigns ``Policy.status``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.workflow import Machine, transition

from .models import Policy, PolicyStatus

Blocker = Callable[[Policy], "str | None"]
_REVERSAL_BLOCKERS: list[Blocker] = []


def reversal_blocker(fn: Blocker) -> Blocker:
    """Register ``fn`` (idempotent: a second ``ready`` does not add it twice)."""
    if fn not in _REVERSAL_BLOCKERS:
        _REVERSAL_BLOCKERS.append(fn)
    return fn


def reversal_blocked(policy: Policy) -> str | None:
    """The first registered refusal of a 冲正 of ``policy``, or None when nothing blocks it."""
    for blocker in _REVERSAL_BLOCKERS:
        if message := blocker(policy):
            return message
    return None


def check_live(policy: Policy, label: str) -> None:
    """Refuse ``label`` (报案, 申请批改 …) on a policy that is not in force: “保单已冲正，不能报案”."""
    if policy.status != PolicyStatus.ACTIVE:
        raise Refused(f"保单{policy.get_status_display()}，不能{label}")


# --- the policy's own status ---------------------------------------------------------------------------------
def _parties(policy: Policy) -> Mapping[str, int | None]:
    return {Side.INSURER: policy.insurer_id, Side.ENTERPRISE: policy.enterprise_id}


P = PolicyStatus

# Its literal matrix is tests/test_policy_matrix.py.
POLICY: Machine[Policy] = Machine(
    model=Policy,
    noun="保单",
    owners=_parties,
    table=(
        # Taken by the approval of a 退保 request (anze.endorsements.surrenders), never a button of its own.
        transition("surrender", "退保", [P.ACTIVE], P.SURRENDERED, Side.INSURER, "endorsement.surrender"),
    ),
)
