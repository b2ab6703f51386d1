"""What other apps may ask of a policy after 出函 (issue 14), without this app importing them.

A 冲正 (reversal) is refused once the policy has a claim, an endorsement or a service record: the apps that
own those (``anze.claims``, ``anze.endorsements``, ``anze.prevention``) register a *reversal blocker* at
start-up (their ``AppConfig.ready``) — a function of the policy that returns the refusal, or None.

Every action taken on an existing policy (报案, 申请批改, 申请退保, 冲正) first asks ``check_live``: a reversed
policy is read-only, a surrendered one takes no new request — except a 报案 of an accident that happened
before the surrender took effect: ``surrendered_on`` asks the app that owns 退保 (``anze.endorsements``, which
registers its answer with ``surrender_date``) from which day the cover ended.

``POLICY`` is the machine of the policy's own status (``Policy.status``): 有效 ──冲正──▶ 已冲正 (taken by the
approval of a 冲正 request, ``anze.policies.reversal``) and 有效 ──退保──▶ 已退保 (taken by the insurer's approval
of a 退保 request, ``anze.endorsements.surrenders``, which sets ``Policy.surrendered_on`` with it). No other code
assigns ``Policy.status``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, transition

from .models import Policy, PolicyStatus

Blocker = Callable[[Policy], "str | None"]
_REVERSAL_BLOCKERS: list[Blocker] = []
SurrenderDate = Callable[[Policy], "date | None"]
_SURRENDER_DATES: list[SurrenderDate] = []


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


def not_live(policy: Policy, label: str) -> str | None:
    """The refusal of ``label`` on a policy that is not in force (“保单已冲正，不能报案”), or None."""
    if policy.status != PolicyStatus.ACTIVE:
        return f"保单{policy.get_status_display()}，不能{label}"
    return None


def check_live(policy: Policy, label: str) -> None:
    """Refuse ``label`` (报案, 申请批改 …) on a policy that is not in force: “保单已冲正，不能报案”."""
    if message := not_live(policy, label):
        raise Refused(message)


def surrender_date(fn: SurrenderDate) -> SurrenderDate:
    """Register ``fn(policy)``: the day a surrendered policy's cover ended (its 退保 took effect), or None."""
    if fn not in _SURRENDER_DATES:
        _SURRENDER_DATES.append(fn)
    return fn


def surrendered_on(policy: Policy) -> date | None:
    """The day ``policy``'s cover ended by 退保 (accidents from that day on are not covered); None when it is
    not surrendered, or no registered app knows the day."""
    if policy.status != PolicyStatus.SURRENDERED:
        return None
    for fn in _SURRENDER_DATES:
        if (day := fn(policy)) is not None:
            return day
    return None


# --- the policy's own status ---------------------------------------------------------------------------------
def _parties(policy: Policy) -> Mapping[str, int | None]:
    return {Side.INSURER: policy.insurer_id, Side.ENTERPRISE: policy.enterprise_id}


def _reversible(policy: Policy, t: Transition) -> str | None:
    """Nothing registered (a claim, an endorsement, a service record …) stands in the way of a 冲正."""
    return reversal_blocked(policy)


P = PolicyStatus

# Its literal matrix is tests/test_policy_matrix.py.
POLICY: Machine[Policy] = Machine(
    model=Policy,
    noun="保单",
    owners=_parties,
    table=(
        # Taken by the approval of a 冲正 request (anze.policies.reversal), never a button of its own.
        transition(
            "reverse",
            "冲正",
            [P.ACTIVE],
            P.REVERSED,
            Side.INSURER,
            "policy.reversal_review",
            automatic=True,
            guard=_reversible,
        ),
        # Taken by the approval of a 退保 request (anze.endorsements.surrenders), never a button of its own.
        transition(
            "surrender",
            "退保",
            [P.ACTIVE],
            P.SURRENDERED,
            Side.INSURER,
            "endorsement.surrender",
            automatic=True,
        ),
    ),
)
