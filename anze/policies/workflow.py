"""The third-party safety service of a policy (docs/spec/DOMAIN.md §3): the machine and one function per action.

    none ──assign (insurer)──▶ 待处理 ──accept (organisation)──▶ 服务中 ──(every contracted count confirmed)──▶ 已完成
      ▲                          │                               │
      ├──decline with reason─────┘  (the insurer may assign again, to the same or another organisation)
      └──withdraw (the policy is reversed: 冲正; a policy with a service record cannot be)──────┘

``SERVICE`` is a ``anze.core.workflow.Machine`` over ``Policy.service_status``: each function runs in one
transaction, starts with ``SERVICE.begin`` (side, permission, the policy's party, state), moves the state with
``SERVICE.claim`` (a conditional UPDATE: 0 rows → "该保单安全服务状态已变化，请刷新后重试") and writes the
``ServiceEvent`` and the notifications in the same transaction. **No other code assigns
``Policy.service_status``** (nor ``service_org``).

``write_event``, ``side_url``, ``lock_services`` and ``lock_assigned`` are also used by anze.prevention
(records, hazards, complaints, plans, inspections), so that every step of a policy's services is recorded one way.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.core.errors import Refused
from anze.core.sides import Side, side_namespace
from anze.core.workflow import Machine, Transition, transition
from anze.notifications.services import notify

from .lifecycle import not_live
from .models import Policy, ServiceEvent, ServiceStatus
from .progress import service_completed, service_progress

A = ServiceStatus


def _parties(policy: Policy) -> Mapping[str, int | None]:
    """The insurer that issued it, the organisation assigned to it, the enterprise insured by it."""
    return {
        Side.INSURER: policy.insurer_id,
        Side.SERVICE_ORG: policy.service_org_id,
        Side.ENTERPRISE: policy.enterprise_id,
    }


def _in_force(policy: Policy, t: Transition) -> str | None:
    """A reversed (冲正) or surrendered policy is nobody's new service order."""
    return not_live(policy, t.label)


def _all_confirmed(policy: Policy, t: Transition) -> str | None:
    return None if service_completed(policy) else "约定的服务次数尚未全部完成并确认"


# The whole graph; its literal matrix is tests/test_service_matrix.py.
SERVICE: Machine[Policy] = Machine(
    model=Policy,
    noun="保单",
    state_noun="保单安全服务",
    state_field="service_status",
    touched="service_updated_at",
    owners=_parties,
    table=(
        transition(
            "assign",
            "申请第三方安全服务",
            [A.NONE],
            A.PENDING,
            Side.INSURER,
            "policy.assign_service",
            guard=_in_force,
        ),
        transition(
            "accept", "接受服务", [A.PENDING], A.IN_SERVICE, Side.SERVICE_ORG, "service.order.respond"
        ),
        transition(
            "decline",
            "拒绝服务",
            [A.PENDING],
            A.NONE,
            Side.SERVICE_ORG,
            "service.order.respond",
            needs_reason=True,
        ),
        # Taken by the approval of a 冲正 (anze.policies.reversal): a reversed policy is nobody's service order.
        transition(
            "withdraw",
            "撤销安全服务（冲正）",
            [A.PENDING, A.IN_SERVICE],
            A.NONE,
            Side.INSURER,
            "policy.reversal_review",
            automatic=True,
        ),
        # Caused by the enterprise's confirmation of the last record that was still needed.
        transition(
            "complete",
            "安全服务完成",
            [A.IN_SERVICE],
            A.COMPLETED,
            Side.ENTERPRISE,
            "portal.service.confirm",
            automatic=True,
            guard=_all_confirmed,
        ),
    ),
)


def write_event(
    policy: Policy,
    t: Transition,
    actor: User,
    *,
    subject: str,
    from_status: str,
    to_status: str,
    service_org: Organisation | None,
    subject_uuid: uuid.UUID | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> ServiceEvent:
    return ServiceEvent.record(
        actor,
        action=t.action,
        label=t.label,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        changes=changes,
        policy=policy,
        subject=subject,
        subject_uuid=subject_uuid,
        service_org=service_org,
    )


# The page of a policy on each side that has one (the link of its 站内消息).
POLICY_PAGES: dict[str, str] = {
    Side.INSURER: "policies:detail",
    Side.SERVICE_ORG: "service_orders:detail",
    Side.ENTERPRISE: "services:policy",
}


def side_url(name: str, side: str, *args: Any) -> str:
    """A page of one side (the link of a 站内消息); that side's home while its screens are not mounted."""
    prefix = side_namespace(side)
    try:
        return reverse(f"{prefix}:{name}", args=args)
    except NoReverseMatch:
        return reverse(f"{prefix}:home")


def policy_url(policy: Policy, side: str) -> str:
    return side_url(POLICY_PAGES[side], side, policy.order.application_no)


def lock_services(policy: Policy) -> None:
    """Take the policy's row lock for the rest of the transaction (a no-op UPDATE of ``service_updated_at``).

    Two enterprise users confirming the last two records at once must not both count before the other's
    commit and so both miss the completion (PostgreSQL, READ COMMITTED): the second waits here until the first
    commits, then counts with its confirmation. SQLite's IMMEDIATE transactions serialise writers anyway.
    """
    now = timezone.now()
    Policy.objects.filter(pk=policy.pk).update(service_updated_at=now)
    policy.service_updated_at = now


def lock_assigned(policy: Policy, statuses: tuple[str, ...], org_id: int) -> None:
    """Conditional UPDATE on the policy: it is still assigned to this organisation in one of ``statuses``
    (a record cannot be added to a policy that was completed or reassigned a moment ago)."""
    now = timezone.now()
    updated = Policy.objects.filter(pk=policy.pk, service_status__in=statuses, service_org_id=org_id).update(
        service_updated_at=now
    )
    if updated != 1:
        raise Refused(SERVICE.stale_message())
    policy.service_updated_at = now


def _event(policy: Policy, t: Transition, actor: User, from_status: str, org: Organisation | None, **kw: Any):
    return write_event(
        policy,
        t,
        actor,
        subject=ServiceEvent.Subject.ASSIGNMENT,
        from_status=from_status,
        to_status=policy.service_status,
        service_org=org,
        **kw,
    )


def _tell_insurer(policy: Policy, event: ServiceEvent, title: str, text: str, *, sms: bool = True) -> None:
    insurer = policy.insurer
    notify(
        key=f"service-event:{event.pk}:insurer",
        owner=insurer,
        recipient=insurer,
        phone=(insurer.contact_phone or None) if sms else None,
        title=title,
        text=text,
        link=policy_url(policy, Side.INSURER),
    )


def _tell_org(
    policy: Policy, org: Organisation, event: ServiceEvent, title: str, text: str, *, sms: bool
) -> None:
    notify(
        key=f"service-event:{event.pk}:service_org",
        owner=policy.insurer,
        recipient=org,
        phone=(org.contact_phone or None) if sms else None,
        title=title,
        text=text,
        link=policy_url(policy, Side.SERVICE_ORG),
    )


# --- the actions ---------------------------------------------------------------------------------------------
@transaction.atomic
def policy_assign_service(*, policy: Policy, actor: User, service_org: Organisation) -> Policy:
    """申请第三方安全服务: the insurer picks an active organisation → 待处理; the organisation is told (SMS and
    消息中心) and sees the policy in its 服务订单 at once."""
    t = SERVICE.begin("assign", actor, policy)
    if service_org is None or service_org.kind != Side.SERVICE_ORG or not service_org.is_active:
        raise Refused("请选择一家启用中的第三方安全服务机构", field="service_org")
    if not any(p.contracted for p in service_progress(policy)):
        raise Refused("该保单没有约定事故预防服务次数，无需申请第三方安全服务")
    now = timezone.now()
    from_status = SERVICE.claim(
        policy,
        t,
        service_org=service_org,
        service_assigned_at=now,
        service_decline_reason="",
        service_declined_org=None,
    )
    event = _event(policy, t, actor, from_status, service_org, changes={"service_org": service_org.name})
    order = policy.order
    _tell_org(
        policy,
        service_org,
        event,
        "新的安全服务订单",
        f"{policy.insurer.display_short_name}为保单{policy.policy_no}（{order.applicant_name}）申请第三方安全服务，"
        "请登录服务机构端接受或拒绝。",
        sms=True,
    )
    return policy


@transaction.atomic
def policy_accept_service(*, policy: Policy, actor: User) -> Policy:
    """接受 → 服务中; the insurer is told."""
    t = SERVICE.begin("accept", actor, policy)
    from_status = SERVICE.claim(policy, t, where={"service_org_id": actor.organisation_id})
    org = actor.organisation
    event = _event(policy, t, actor, from_status, org)
    _tell_insurer(
        policy,
        event,
        "服务机构已接受",
        f"{org.display_short_name}已接受保单{policy.policy_no}的第三方安全服务。",
        sms=False,
    )
    return policy


@transaction.atomic
def policy_decline_service(*, policy: Policy, actor: User, reason: str) -> Policy:
    """拒绝 with a reason → back to none: the policy leaves the organisation's 服务订单, the insurer sees the
    reason beside 申请第三方安全服务 and may assign again."""
    t = SERVICE.begin("decline", actor, policy)
    reason = SERVICE.reason(reason, t)
    org = actor.organisation
    from_status = SERVICE.claim(
        policy,
        t,
        where={"service_org_id": org.pk},
        service_org=None,
        service_assigned_at=None,
        service_decline_reason=reason,
        service_declined_org=org,
    )
    event = _event(policy, t, actor, from_status, org, reason=reason)
    _tell_insurer(
        policy,
        event,
        "服务机构拒绝了安全服务",
        f"{org.display_short_name}拒绝了保单{policy.policy_no}的第三方安全服务，原因：{reason}。请重新指定服务机构。",
    )
    return policy


def policy_complete_service(*, policy: Policy, actor: User) -> Policy:
    """服务中 → 已完成, when every contracted count is met by confirmed records. Runs inside the enterprise's
    confirmation (``record_confirm``), after ``lock_services``; the insurer and the organisation are told."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("policy_complete_service runs inside the confirmation")
    t = SERVICE.begin("complete", actor, policy)
    org = policy.service_org
    from_status = SERVICE.claim(
        policy,
        t,
        where={"service_org_id": org.pk} if org else None,
        service_completed_at=timezone.now(),
    )
    event = _event(policy, t, actor, from_status, org)
    _tell_insurer(
        policy,
        event,
        "安全服务已完成",
        f"保单{policy.policy_no}约定的事故预防服务已全部完成并经{policy.order.applicant_name}确认。",
        sms=False,
    )
    if org is not None:
        _tell_org(
            policy,
            org,
            event,
            "安全服务已完成",
            f"保单{policy.policy_no}约定的服务已全部确认，服务订单已完成。",
            sms=False,
        )
    return policy


def complete_if_done(*, policy: Policy, actor: User) -> bool:
    """After a confirmation: take 已完成 when its guard now holds. The caller holds ``lock_services``."""
    policy.refresh_from_db(fields=["service_status", "service_org"])
    if policy.service_status == A.IN_SERVICE and service_completed(policy):
        policy_complete_service(policy=policy, actor=actor)
        return True
    return False


def policy_withdraw_service(*, policy: Policy, actor: User) -> Organisation | None:
    """待处理 / 服务中 → none when the policy is reversed (冲正): it leaves the organisation's 服务订单, which is
    told (SMS and 消息中心). Runs inside the approval of the 冲正 (``anze.policies.reversal``), after the policy's
    row is locked; returns the organisation withdrawn from."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("policy_withdraw_service runs inside the 冲正")
    t = SERVICE.begin("withdraw", actor, policy)
    org = policy.service_org
    from_status = SERVICE.claim(
        policy,
        t,
        where={"service_org_id": org.pk} if org else None,
        service_org=None,
        service_assigned_at=None,
    )
    event = _event(policy, t, actor, from_status, org, changes={"service_org": org.name if org else ""})
    if org is not None:
        notify(
            key=f"service-event:{event.pk}:service_org",
            owner=policy.insurer,
            recipient=org,
            phone=org.contact_phone or None,
            title="安全服务订单已撤销",
            text=f"保单{policy.policy_no}（{policy.order.applicant_name}）已由{policy.insurer.display_short_name}冲正作废，"
            "该保单的第三方安全服务已撤销。",
            link=side_url("service_orders:list", Side.SERVICE_ORG),
        )
    return org
