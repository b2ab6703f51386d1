"""服务记录 (AQ 9010-2019): recorded by the service organisation, confirmed by the enterprise.

    create ─▶ 待确认 ─confirm (enterprise)─▶ 已确认 (final: corrections are new, linked records)
              待确认 ─dispute with reason (enterprise)─▶ 有异议 ─edit (organisation)─▶ 待确认

``RECORD`` is a ``anze.core.workflow.Machine``; each function runs in one transaction, starts with
``RECORD.begin`` and moves the state with ``RECORD.claim``. The enterprise's confirmation of the last record
that was needed completes the policy's service (``policies.workflow.complete_if_done``) in the same
transaction. No other code assigns ``ServiceRecord.status``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, transition
from anze.policies.models import Policy, ServiceEvent, ServiceStatus
from anze.policies.workflow import (
    SERVICE,
    complete_if_done,
    lock_assigned,
    lock_services,
    side_url,
    write_event,
)

from . import ledger
from .attachments import Uploads, attach
from .checks import (
    check_day,
    check_day_and_staff,
    check_item,
    check_staff,
    clean_text,
    parties,
    tell,
)
from .models import Attachment, RecordStatus, ServiceRecord, Staff

R = RecordStatus

# Its literal matrix is tests/test_record_matrix.py.
RECORD: Machine[ServiceRecord] = Machine(
    model=ServiceRecord,
    noun="服务记录",
    touched="updated_at",
    owners=lambda record: parties(record.policy, record.service_org_id),
    table=(
        transition("create", "新增服务记录", [], R.PENDING, Side.SERVICE_ORG, "service.record.manage"),
        transition(
            "edit",
            "修改服务记录",
            [R.PENDING, R.DISPUTED],
            R.PENDING,
            Side.SERVICE_ORG,
            "service.record.manage",
        ),
        transition(
            "confirm", "确认服务记录", [R.PENDING], R.CONFIRMED, Side.ENTERPRISE, "portal.service.confirm"
        ),
        transition(
            "dispute",
            "对服务记录提出异议",
            [R.PENDING],
            R.DISPUTED,
            Side.ENTERPRISE,
            "portal.service.confirm",
            needs_reason=True,
        ),
    ),
)


@dataclass
class RecordData:
    item: ServiceItem | None
    served_on: date | None
    place: str
    staff: list[Staff]
    content: str
    hazards_found: str = ""
    follow_up: str = ""
    uploads: Uploads = field(default_factory=Uploads)
    cost: Decimal | None = None  # 服务费用（元）; None: the service item's 单价


RECORD_FIELDS = {
    "item": "服务项目",
    "served_on": "服务日期",
    "place": "服务地点",
    "content": "服务内容",
    "hazards_found": "发现的隐患",
    "follow_up": "整改建议及跟踪",
    "cost": "服务费用（元）",
}


def _clean_cost(data: RecordData) -> Decimal:
    """服务费用: what the organisation entered, or the item's 单价 when it entered nothing."""
    if data.cost is None:
        if data.item is None:
            raise Refused("请先选择服务项目", field="cost")
        return data.item.unit_price
    return ledger.clean_amount(data.cost, field="cost", label="服务费用")


def _clean_record(policy: Policy, data: RecordData, org_id: int) -> dict[str, Any]:
    """The record's values, or a refusal with every problem of its fields at once."""
    problems = Problems()
    values: dict[str, Any] = {}
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("item", lambda: check_item(policy, data.item)),
        ("served_on", lambda: check_day(policy, data.served_on, "served_on", "服务日期")),
        ("place", lambda: clean_text(data.place, "place", "服务地点", 200)),
        ("content", lambda: clean_text(data.content, "content", "服务内容", 2000)),
        (
            "hazards_found",
            lambda: clean_text(data.hazards_found, "hazards_found", "发现的隐患", 2000, required=False),
        ),
        (
            "follow_up",
            lambda: clean_text(data.follow_up, "follow_up", "整改建议及跟踪", 2000, required=False),
        ),
        ("staff", lambda: check_staff(org_id, data.staff)),
        ("cost", lambda: _clean_cost(data)),
    ]
    for name, check in checks:
        with problems.collect():
            values[name] = check()
    problems.raise_if_any()
    return values


def check_record(
    *,
    policy: Policy,
    org_id: int,
    served_on: date | None = None,
    staff: list[Staff] | None = None,
    cost: Decimal | None = None,
) -> None:
    """A service record's ``check_day_and_staff``, and its 服务费用 when one was entered."""
    problems = Problems()
    with problems.collect():
        check_day_and_staff(policy=policy, org_id=org_id, day=served_on, staff=staff)
    if cost is not None:
        with problems.collect():
            ledger.clean_amount(cost, field="cost", label="服务费用")
    problems.raise_if_any()


def _record_event(
    record: ServiceRecord, t: Transition, actor: User, from_status: str, **kw: Any
) -> ServiceEvent:
    return write_event(
        record.policy,
        t,
        actor,
        subject=ServiceEvent.Subject.RECORD,
        subject_uuid=record.uuid,
        from_status=from_status,
        to_status=record.status,
        service_org=record.service_org,
        **kw,
    )


def _ask_enterprise_to_confirm(record: ServiceRecord, event: ServiceEvent, again: bool) -> None:
    policy = record.policy
    verb = "修改了" if again else "登记了"
    tell(
        f"service-event:{event.pk}:enterprise",
        policy,
        policy.enterprise,
        side_url("services:record", Side.ENTERPRISE, record.uuid),
        "服务记录待确认",
        f"{record.service_org.display_short_name}{verb}保单{policy.policy_no}的服务记录"
        f"（{record.item.name}，{record.served_on:%Y-%m-%d}），请登录企业端确认。",
        phone=policy.order.contact_phone or None,
    )


def _tell_organisation(record: ServiceRecord, event: ServiceEvent, title: str, text: str) -> None:
    tell(
        f"service-event:{event.pk}:service_org",
        record.policy,
        record.service_org,
        side_url("service_orders:record", Side.SERVICE_ORG, record.uuid),
        title,
        text,
    )


def _booked_for(corrects: ServiceRecord | None) -> Decimal:
    """What the record a correction replaces has booked (0 for a record that corrects nothing)."""
    return ledger.line_total(corrects.pk) if corrects is not None else ledger.ZERO


@transaction.atomic
def record_create(
    *, policy: Policy, actor: User, data: RecordData, corrects: ServiceRecord | None = None
) -> ServiceRecord:
    """新增服务记录 → 待确认; the enterprise is asked to confirm. ``corrects``: a confirmed record of the same
    policy this one corrects (allowed also after 已完成); its service item is kept."""
    t = RECORD.begin("create", actor)
    SERVICE.check_owner(policy, actor, actor.side)
    statuses: tuple[str, ...] = (ServiceStatus.IN_SERVICE,)
    if corrects is not None:
        if corrects.policy_id != policy.pk or corrects.status != R.CONFIRMED:
            raise Refused("只能更正本保单已确认的服务记录")
        data.item = corrects.item
        statuses = (ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)
    SERVICE.check_state(policy, statuses, t.label)
    values = _clean_record(policy, data, actor.organisation_id)
    staff = values.pop("staff")
    # Early word to the organisation; the binding check is the enterprise's confirmation (ledger.book).
    ledger.check_fits(policy, values["cost"] - _booked_for(corrects), verb="登记", field="cost")
    lock_assigned(policy, statuses, actor.organisation_id)
    now = timezone.now()
    record = ServiceRecord.objects.create(
        policy=policy,
        service_org=actor.organisation,
        status=t.target,
        corrects=corrects,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **values,
    )
    record.staff.set(staff)
    data.uploads.attach_to(actor, actor.organisation, record=record)
    changes = {"corrects": str(corrects.uuid)} if corrects else {}
    event = _record_event(record, t, actor, "", changes=changes)
    _ask_enterprise_to_confirm(record, event, again=False)
    return record


@transaction.atomic
def record_update(*, record: ServiceRecord, actor: User, data: RecordData) -> ServiceRecord:
    """修改 a record not yet confirmed (待确认, or 有异议 after the enterprise's objection) → 待确认 again; what
    changed is kept in the event, and the enterprise is asked to confirm again."""
    t = RECORD.begin("edit", actor, record)
    if record.corrects_id:
        data.item = record.item  # a correction stays on the item of the record it corrects
    values = _clean_record(record.policy, data, actor.organisation_id)
    staff = values.pop("staff")
    cost = values["cost"] - _booked_for(record.corrects if record.corrects_id else None)
    ledger.check_fits(record.policy, cost, verb="登记", field="cost")
    changes = {
        RECORD_FIELDS[name]: [str(getattr(record, name)), str(value)]
        for name, value in values.items()
        if getattr(record, name) != value
    }
    old_staff = sorted(s.name for s in record.staff.all())
    if old_staff != sorted(s.name for s in staff):
        changes["服务人员"] = ["、".join(old_staff), "、".join(s.name for s in staff)]
    from_status = RECORD.claim(record, t, dispute_reason="", **values)
    record.staff.set(staff)
    attached = data.uploads.attach_to(actor, actor.organisation, record=record)
    if attached:
        changes["新增附件"] = ["", "、".join(a.document.original_name for a in attached)]
    event = _record_event(record, t, actor, from_status, changes=changes)
    _ask_enterprise_to_confirm(record, event, again=True)
    return record


@transaction.atomic
def record_add_attachment(
    *, record: ServiceRecord, actor: User, upload: UploadedFile, caption: str = ""
) -> Attachment:
    """上传附件 to a record that is not yet confirmed (a confirmed record is an archive: never changed)."""
    t = RECORD.begin("edit", actor, record)
    # The conditional UPDATE keeps a confirmation that lands at the same moment from confirming a record
    # whose files then change.
    updated = ServiceRecord.objects.filter(pk=record.pk, status__in=t.sources).update(
        updated_at=timezone.now()
    )
    if updated != 1:
        raise Refused("该服务记录已确认，不能再修改")
    return attach(actor=actor, service_org=record.service_org, upload=upload, caption=caption, record=record)


@transaction.atomic
def record_confirm(*, record: ServiceRecord, actor: User) -> ServiceRecord:
    """确认 by the enterprise → 已确认 (final): its cost is booked against the policy's prevention fee
    (``ledger.book``: refused — and nothing confirmed — when it does not fit and the insurer has not approved
    the overrun). When every contracted count is then met, the policy's service becomes 已完成 in the same
    transaction."""
    t = RECORD.begin("confirm", actor, record)
    policy = record.policy
    lock_services(policy)
    from_status = RECORD.claim(record, t, confirmed_by=actor, confirmed_at=timezone.now(), dispute_reason="")
    ledger.book(record=record, actor=actor)
    event = _record_event(record, t, actor, from_status, changes={"服务费用（元）": ["", money(record.cost)]})
    _tell_organisation(
        record,
        event,
        "服务记录已确认",
        f"{policy.order.applicant_name}已确认保单{policy.policy_no}的服务记录（{record.item.name}，"
        f"{record.served_on:%Y-%m-%d}）。",
    )
    complete_if_done(policy=policy, actor=actor)
    return record


@transaction.atomic
def record_dispute(*, record: ServiceRecord, actor: User, reason: str) -> ServiceRecord:
    """有异议 with a reason → the organisation corrects the record (修改) and it waits for confirmation again."""
    t = RECORD.begin("dispute", actor, record)
    reason = RECORD.reason(reason, t)
    from_status = RECORD.claim(record, t, dispute_reason=reason)
    event = _record_event(record, t, actor, from_status, reason=reason)
    policy = record.policy
    _tell_organisation(
        record,
        event,
        "服务记录有异议",
        f"{policy.order.applicant_name}对保单{policy.policy_no}的服务记录（{record.item.name}，"
        f"{record.served_on:%Y-%m-%d}）有异议：{reason}。请核实后修改。",
    )
    return record
