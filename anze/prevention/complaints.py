"""投诉 of the enterprise about the service of one of its policies, answered by the organisation or the insurer.

    file (enterprise) ─▶ 待答复 ─answer (organisation or insurer)─▶ 已答复
                         待答复 ─extend once with reason─▶ 待答复 (10 → 30 working days)

``COMPLAINT`` is a ``anze.core.workflow.Machine``; each function runs in one transaction, starts with
``COMPLAINT.begin`` and moves the state with ``COMPLAINT.claim``. No other code assigns ``Complaint.status``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, transition
from anze.policies.models import Policy, ServiceEvent
from anze.policies.scopes import ASSIGNED
from anze.policies.workflow import SERVICE, side_url, write_event

from .checks import clean_text, tell
from .models import Complaint, ComplaintStatus, ServiceRecord
from .workdays import ANSWER_DAYS, EXTENDED_ANSWER_DAYS, add_working_days

C = ComplaintStatus
HANDLE = "complaint.handle"
HANDLERS = (Side.SERVICE_ORG, Side.INSURER)


def _extend_once(complaint: Complaint, t: Transition) -> str | None:
    return "答复期限只能延长一次" if complaint.extended else None


def _parties(complaint: Complaint) -> dict[str, int | None]:
    """The enterprise that filed it, the organisation it is about, the insurer of the policy."""
    return {
        Side.ENTERPRISE: complaint.enterprise_id,
        Side.SERVICE_ORG: complaint.service_org_id,
        Side.INSURER: complaint.insurer_id,
    }


# Its literal matrix is tests/test_complaint_matrix.py.
COMPLAINT: Machine[Complaint] = Machine(
    model=Complaint,
    noun="投诉",
    owners=_parties,
    table=(
        transition("file", "提交投诉", [], C.OPEN, Side.ENTERPRISE, "portal.complaint"),
        *(
            transition(
                "extend",
                "延长答复期限",
                [C.OPEN],
                C.OPEN,
                side,
                HANDLE,
                needs_reason=True,
                guard=_extend_once,
            )
            for side in HANDLERS
        ),
        *(transition("answer", "答复投诉", [C.OPEN], C.ANSWERED, side, HANDLE) for side in HANDLERS),
    ),
)


def _complaint_event(
    complaint: Complaint, t: Transition, actor: User, from_status: str, **kw: Any
) -> ServiceEvent:
    return write_event(
        complaint.policy,
        t,
        actor,
        subject=ServiceEvent.Subject.COMPLAINT,
        subject_uuid=complaint.uuid,
        from_status=from_status,
        to_status=complaint.status,
        service_org=complaint.service_org,
        **kw,
    )


def _complaint_url(complaint: Complaint, side: str) -> str:
    name = "services:complaint" if side == Side.ENTERPRISE else "complaints:detail"
    return side_url(name, side, complaint.uuid)


@transaction.atomic
def complaint_file(
    *, policy: Policy, actor: User, content: str, record: ServiceRecord | None = None
) -> Complaint:
    """提交投诉 about the service of one of the enterprise's policies → 待答复, due in 10 working days; the
    organisation and the insurer are told (SMS: the deadline runs from now)."""
    t = COMPLAINT.begin("file", actor)
    SERVICE.check_owner(policy, actor, actor.side)
    service_org = policy.service_org
    if service_org is None or policy.service_status not in ASSIGNED:
        raise Refused("该保单尚未指定第三方安全服务机构，不能投诉", field="policy")
    if record is not None and record.policy_id != policy.pk:
        raise Refused("请选择该保单的服务记录", field="record")
    content = clean_text(content, "content", "投诉内容", 1000)
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        policy=policy,
        record=record,
        enterprise=actor.organisation,
        service_org=service_org,
        insurer=policy.insurer,
        content=content,
        status=t.target,
        filed_by=actor,
        due_on=add_working_days(today, ANSWER_DAYS),
    )
    event = _complaint_event(complaint, t, actor, "")
    text = (
        f"{policy.order.applicant_name}对保单{policy.policy_no}的安全服务提出投诉，"
        f"请于{complaint.due_on:%Y-%m-%d}前答复。"
    )
    for side, org in ((Side.SERVICE_ORG, complaint.service_org), (Side.INSURER, complaint.insurer)):
        tell(
            f"service-event:{event.pk}:{side}",
            policy,
            org,
            _complaint_url(complaint, side),
            "新的服务投诉",
            text,
            phone=org.contact_phone or None,
        )
    return complaint


@transaction.atomic
def complaint_extend(*, complaint: Complaint, actor: User, reason: str) -> Complaint:
    """延长答复期限, once, with a reason: 30 working days from the filing day (more checking is needed)."""
    t = COMPLAINT.begin("extend", actor, complaint)
    reason = COMPLAINT.reason(reason, t)
    due_on = add_working_days(timezone.localdate(complaint.filed_at), EXTENDED_ANSWER_DAYS)
    from_status = COMPLAINT.claim(
        complaint, t, where={"extended": False}, extended=True, extension_reason=reason, due_on=due_on
    )
    event = _complaint_event(
        complaint, t, actor, from_status, reason=reason, changes={"due_on": f"{due_on:%Y-%m-%d}"}
    )
    tell(
        f"service-event:{event.pk}:enterprise",
        complaint.policy,
        complaint.enterprise,
        _complaint_url(complaint, Side.ENTERPRISE),
        "投诉答复期限已延长",
        f"您对保单{complaint.policy.policy_no}安全服务的投诉需进一步核实，答复期限延长至{due_on:%Y-%m-%d}。原因：{reason}",
    )
    return complaint


@transaction.atomic
def complaint_answer(*, complaint: Complaint, actor: User, answer: str) -> Complaint:
    """答复 by the organisation or the insurer → 已答复; the enterprise is told (SMS), the other handler sees it."""
    t = COMPLAINT.begin("answer", actor, complaint)
    answer = clean_text(answer, "answer", "答复内容", 2000)
    from_status = COMPLAINT.claim(
        complaint,
        t,
        answer=answer,
        answered_by=actor,
        answered_org=actor.organisation,
        answered_at=timezone.now(),
    )
    event = _complaint_event(complaint, t, actor, from_status)
    policy = complaint.policy
    tell(
        f"service-event:{event.pk}:enterprise",
        policy,
        complaint.enterprise,
        _complaint_url(complaint, Side.ENTERPRISE),
        "投诉已答复",
        f"您对保单{policy.policy_no}安全服务的投诉已由{actor.organisation.display_short_name}答复，请登录企业端查看。",
        phone=policy.order.contact_phone or None,
    )
    other_side, other = (
        (Side.INSURER, complaint.insurer)
        if actor.side == Side.SERVICE_ORG
        else (Side.SERVICE_ORG, complaint.service_org)
    )
    tell(
        f"service-event:{event.pk}:{other_side}",
        policy,
        other,
        _complaint_url(complaint, other_side),
        "投诉已答复",
        f"保单{policy.policy_no}的服务投诉已由{actor.organisation.display_short_name}答复。",
    )
    return complaint
