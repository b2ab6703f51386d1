"""冲正 (reversal of a wrongly issued policy, issue 14 §2): the request machine and one function per action.

    request (clerk, 申请冲正 with a reason) ─▶ 待审核 ─approve (another user, 冲正审核)─▶ 已通过
                                                      └reject with a reason (idem)────▶ 已驳回

Two people: whoever asked for the 冲正 never reviews it, even when holding both permissions (``check_reviewer``).
At most one 待审核 request per policy (a partial unique constraint on ``PolicyReversal``).

The approval, in one transaction:

1. the request moves to 已通过 (``REVERSAL.claim``: of two reviewers approving at once exactly one wins);
2. the policy becomes 已冲正 through ``lifecycle.POLICY`` — its conditional UPDATE also takes the policy's row
   lock, and the blockers (a claim, an endorsement, a service record …, registered by their apps) are asked
   again after it, so one committed a moment ago is seen; the policy keeps its number and files, read-only;
3. a third-party service still 待处理 or 服务中 is withdrawn (``workflow.policy_withdraw_service``): a policy
   with a service record cannot be reversed at all, so the organisation has done nothing on it yet, and a
   reversed policy is nobody's service order — the new policy is assigned afresh;
4. the order goes back to 待出函 through ``ORDER`` (``reverse``): an online one waits for 出函, an offline one
   for its 保单信息补录; its 保单编号 and files are cleared (the policy keeps its own) and the reason is the
   order's last reason. It is issued again under a new 保单编号 — the old one stays taken;
5. timeline events on the policy and the order (each with its 操作日志 entry), the enterprise's SMS and
   站内消息, and a 站内消息 to the requester.

``REVERSAL`` is a ``anze.core.workflow.Machine``; no other code assigns ``PolicyReversal.status``.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, transition
from anze.notifications.services import notify
from anze.orders.models import Order, OrderEvent
from anze.orders.notices import tell_enterprise
from anze.orders.steps import record_event
from anze.orders.transitions import ORDER

from .lifecycle import POLICY, not_live, reversal_blocked
from .models import Policy, PolicyReversal, ReversalEvent, ReversalStatus, ServiceStatus
from .workflow import policy_url, policy_withdraw_service, side_url

R = ReversalStatus
REQUEST = "policy.reversal_request"
REVIEW = "policy.reversal_review"

PENDING_EXISTS = "该保单已有待审核的冲正申请"
OWN_REQUEST = "不能审核本人提交的冲正申请，请由其他具有冲正审核权限的人员审核"
REVERSE_LABEL = "冲正"


def _parties(reversal: PolicyReversal) -> dict[str, int | None]:
    return {Side.INSURER: reversal.insurer_id}


def _policy_reversible(reversal: PolicyReversal, t: Transition) -> str | None:
    """The policy is still in force and nothing registered stands in the way (asked again inside the approval,
    after the policy's row lock)."""
    policy = reversal.policy
    return not_live(policy, REVERSE_LABEL) or reversal_blocked(policy)


# Its literal matrix is tests/test_reversal_matrix.py.
REVERSAL: Machine[PolicyReversal] = Machine(
    model=PolicyReversal,
    noun="冲正申请",
    owners=_parties,
    table=(
        transition("request", "申请冲正", [], R.PENDING, Side.INSURER, REQUEST, needs_reason=True),
        transition(
            "approve", "通过冲正申请", [R.PENDING], R.APPROVED, Side.INSURER, REVIEW, guard=_policy_reversible
        ),
        transition(
            "reject", "驳回冲正申请", [R.PENDING], R.REJECTED, Side.INSURER, REVIEW, needs_reason=True
        ),
    ),
)


# --- what a page asks before it shows a button ----------------------------------------------------------------
def _check_request(policy: Policy, actor: User) -> None:
    """The checks of 申请冲正 on ``policy`` after the machine's own (side, permission): the insurer's own
    policy, in force, no request waiting, nothing that blocks a 冲正."""
    POLICY.check_owner(policy, actor, Side.INSURER)
    if message := not_live(policy, "申请冲正"):
        raise Refused(message)
    if PolicyReversal.objects.filter(policy=policy, status=R.PENDING).exists():
        raise Refused(PENDING_EXISTS)
    if message := reversal_blocked(policy):
        raise Refused(message)


def why_not_request(policy: Policy, user: User) -> str | None:
    """The refusal 申请冲正 on ``policy`` would get now (before its reason), or None: the button shows only then."""
    try:
        REVERSAL.begin("request", user)
        _check_request(policy, user)
    except Refused as exc:
        return exc.message
    return None


def check_reviewer(reversal: PolicyReversal, actor: User) -> None:
    """Two people: the requester never reviews their own request."""
    if actor.pk == reversal.requested_by_id:
        raise Refused(OWN_REQUEST)


def why_not_review(reversal: PolicyReversal, action: str, user: User) -> str | None:
    """The refusal ``approve`` / ``reject`` would get now: the machine's, then the two-person rule."""
    if message := REVERSAL.why_not(reversal, action, user):
        return message
    try:
        check_reviewer(reversal, user)
    except Refused as exc:
        return exc.message
    return None


# --- events and messages --------------------------------------------------------------------------------------
def _event(
    reversal: PolicyReversal, t: Transition, actor: User, from_status: str, **kw: Any
) -> ReversalEvent:
    return ReversalEvent.record(
        actor,
        action=t.action,
        label=t.label,
        from_status=from_status,
        to_status=reversal.status,
        reversal=reversal,
        policy=reversal.policy,
        **kw,
    )


def _tell_requester(reversal: PolicyReversal, event: ReversalEvent, title: str, text: str) -> None:
    """A 站内消息 to the clerk who asked (only them), linking to the policy."""
    policy = reversal.policy
    notify(
        key=f"reversal-event:{event.pk}:requester",
        owner=policy.insurer,
        recipient=policy.insurer,
        recipient_user=reversal.requested_by,
        phone=None,
        title=title,
        text=text,
        link=policy_url(policy, Side.INSURER),
    )


# --- the actions ---------------------------------------------------------------------------------------------
@transaction.atomic
def reversal_request(*, policy: Policy, actor: User, reason: str) -> PolicyReversal:
    """申请冲正 of an issued policy with a reason → 待审核; the insurer's reviewers are told (站内消息)."""
    t = REVERSAL.begin("request", actor)
    _check_request(policy, actor)
    reason = REVERSAL.reason(reason, t)
    try:
        with transaction.atomic():  # a savepoint: the constraint's error must not end the transaction
            reversal = PolicyReversal.objects.create(
                policy=policy, insurer=policy.insurer, reason=reason, requested_by=actor, status=t.target
            )
    except IntegrityError:  # another clerk's request for the same policy committed a moment ago
        raise Refused(PENDING_EXISTS) from None
    event = _event(reversal, t, actor, "", reason=reason, changes={"policy_no": policy.policy_no})
    notify(
        key=f"reversal-event:{event.pk}:reviewers",
        owner=policy.insurer,
        recipient=policy.insurer,
        phone=None,
        title="新的冲正申请待审核",
        text=f"{actor.name}申请冲正保单{policy.policy_no}（{policy.order.applicant_name}），原因：{reason}。请审核。",
        link=side_url("reversals:list", Side.INSURER),
        permission=REVIEW,
    )
    return reversal


@transaction.atomic
def reversal_approve(*, reversal: PolicyReversal, actor: User) -> PolicyReversal:
    """通过冲正申请: the policy 已冲正, its service withdrawn, the order back to 待出函 — see the module's
    docstring. Refused (nothing changed) when a blocker has appeared since the request."""
    t = REVERSAL.begin("approve", actor, reversal)
    check_reviewer(reversal, actor)
    from_status = REVERSAL.claim(reversal, t, reviewed_by=actor, reviewed_at=timezone.now())
    policy = reversal.policy
    _reverse_policy(policy, actor)
    withdrawn = None
    if policy.service_status in (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE):
        withdrawn = policy_withdraw_service(policy=policy, actor=actor)
    changes = {"policy_no": policy.policy_no, "policy_status": policy.get_status_display()}
    if withdrawn is not None:
        changes["service_org"] = withdrawn.name
    event = _event(reversal, t, actor, from_status, reason=reversal.reason, changes=changes)
    order_event = _reopen_order(policy.order, actor, reversal)
    insurer = policy.insurer
    order = policy.order
    tell_enterprise(
        order,
        order_event,
        "保单已冲正",
        f"您的保单{policy.policy_no}（投保申请{order.application_no}）已由{insurer.display_short_name}冲正作废，"
        f"原因：{reversal.reason}。保险公司将重新出函，新保单号将另行通知。",
    )
    _tell_requester(
        reversal,
        event,
        "冲正申请已通过",
        f"保单{policy.policy_no}的冲正申请已由{actor.name}审核通过，保单已作废，订单{order.application_no}已退回待出函，"
        "请重新出函。",
    )
    return reversal


def _reverse_policy(policy: Policy, actor: User) -> None:
    """有效 → 已冲正 through ``POLICY``, then the blockers again, under the policy's row lock."""
    pt = POLICY.begin("reverse", actor, policy)
    POLICY.claim(policy, pt)
    if message := reversal_blocked(policy):  # a record, claim … committed since the checks above
        raise Refused(message)
    policy.refresh_from_db(fields=["service_status", "service_org"])  # as they are under the lock


def _reopen_order(order: Order, actor: User, reversal: PolicyReversal) -> OrderEvent:
    """已出函 → 待出函 through ``ORDER``: the 保单编号 and files leave the order (the policy keeps its own)."""
    ot = ORDER.begin("reverse", actor, order)
    old_no = order.policy_no
    from_status = ORDER.claim(
        order,
        ot,
        policy_no="",
        policy_file=None,
        invoice_file=None,
        contract_file=None,
        issued_at=None,
        last_reason=reversal.reason,
    )
    return record_event(order, ot, actor, from_status, reason=reversal.reason, changes={"policy_no": old_no})


@transaction.atomic
def reversal_reject(*, reversal: PolicyReversal, actor: User, reason: str) -> PolicyReversal:
    """驳回冲正申请 with a reason → 已驳回; the policy stays in force; the requester is told."""
    t = REVERSAL.begin("reject", actor, reversal)
    check_reviewer(reversal, actor)
    reason = REVERSAL.reason(reason, t)
    from_status = REVERSAL.claim(
        reversal, t, reviewed_by=actor, reviewed_at=timezone.now(), review_reason=reason
    )
    event = _event(reversal, t, actor, from_status, reason=reason)
    _tell_requester(
        reversal,
        event,
        "冲正申请已驳回",
        f"保单{reversal.policy.policy_no}的冲正申请已由{actor.name}驳回，原因：{reason}。",
    )
    return reversal
