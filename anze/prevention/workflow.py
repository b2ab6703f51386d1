"""The states of the prevention services (AQ 9010-2019): service records confirmed by the enterprise, hazards
rectified and verified, complaints answered. Tables and one function per action, with the discipline of
``anze.policies.workflow`` (whose ``Transition``, ``authorise``, ``check_reason`` and ``write_event`` these use):

    服务记录  create ─▶ 待确认 ─confirm (enterprise)─▶ 已确认 (final: corrections are new, linked records)
                        待确认 ─dispute with reason (enterprise)─▶ 有异议 ─edit (organisation)─▶ 待确认
    隐患      create ─▶ 待整改 ─rectify (organisation or enterprise)─▶ 已整改 ─verify─▶ 已复查
                                                                     已整改 ─reopen with reason─▶ 待整改
    投诉      file (enterprise) ─▶ 待答复 ─answer (organisation or insurer)─▶ 已答复
                                   待答复 ─extend once with reason─▶ 待答复 (10 → 30 working days)

Each function runs in one transaction and moves its state with a conditional UPDATE (0 rows → "…状态已变化，
请刷新后重试"); the enterprise's confirmation of the last record that was needed completes the policy's service
(``policies.workflow.complete_if_done``) in the same transaction. No other code assigns these statuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.documents.models import DocumentKind
from anze.documents.services import document_create
from anze.documents.validation import CONTENT_TYPE_MP4, CONTENT_TYPE_PDF, validate_upload
from anze.notifications.services import notify
from anze.policies import workflow as policy_workflow
from anze.policies.models import Policy, ServiceEvent, ServiceStatus
from anze.policies.workflow import Transition, authorise, check_reason, side_url, transition_of, write_event

from .models import (
    Attachment,
    Complaint,
    ComplaintStatus,
    Hazard,
    HazardLevel,
    HazardStatus,
    Inspection,
    RecordStatus,
    ServiceRecord,
    Staff,
)
from .selectors import ASSIGNED, contracted_items
from .workdays import ANSWER_DAYS, EXTENDED_ANSWER_DAYS, add_working_days

R, H, C = RecordStatus, HazardStatus, ComplaintStatus
ATTACHMENTS = ("pdf", "image", "video")

RECORD_TRANSITIONS: tuple[Transition, ...] = (
    transition_of("create", "新增服务记录", [], R.PENDING, Side.SERVICE_ORG, "service.record.manage"),
    transition_of(
        "edit", "修改服务记录", [R.PENDING, R.DISPUTED], R.PENDING, Side.SERVICE_ORG, "service.record.manage"
    ),
    transition_of(
        "confirm", "确认服务记录", [R.PENDING], R.CONFIRMED, Side.ENTERPRISE, "portal.service.confirm"
    ),
    transition_of(
        "dispute",
        "对服务记录提出异议",
        [R.PENDING],
        R.DISPUTED,
        Side.ENTERPRISE,
        "portal.service.confirm",
        needs_reason=True,
    ),
)
HAZARD_TRANSITIONS: tuple[Transition, ...] = (
    transition_of("create", "登记隐患", [], H.OPEN, Side.SERVICE_ORG, "service.inspection.manage"),
    transition_of(
        "rectify", "登记整改", [H.OPEN], H.RECTIFIED, Side.SERVICE_ORG, "service.inspection.manage"
    ),
    transition_of("rectify", "登记整改", [H.OPEN], H.RECTIFIED, Side.ENTERPRISE, "portal.hazard.rectify"),
    transition_of(
        "verify", "复查通过", [H.RECTIFIED], H.VERIFIED, Side.SERVICE_ORG, "service.inspection.manage"
    ),
    transition_of(
        "reopen",
        "复查不通过",
        [H.RECTIFIED],
        H.OPEN,
        Side.SERVICE_ORG,
        "service.inspection.manage",
        needs_reason=True,
    ),
)
COMPLAINT_TRANSITIONS: tuple[Transition, ...] = (
    transition_of("file", "提交投诉", [], C.OPEN, Side.ENTERPRISE, "portal.complaint"),
    *(
        transition_of("extend", "延长答复期限", [C.OPEN], C.OPEN, side, "complaint.handle", needs_reason=True)
        for side in (Side.SERVICE_ORG, Side.INSURER)
    ),
    *(
        transition_of("answer", "答复投诉", [C.OPEN], C.ANSWERED, side, "complaint.handle")
        for side in (Side.SERVICE_ORG, Side.INSURER)
    ),
)
TABLES: dict[str, tuple[Transition, ...]] = {
    "record": RECORD_TRANSITIONS,
    "hazard": HAZARD_TRANSITIONS,
    "complaint": COMPLAINT_TRANSITIONS,
}
_BY_KEY: dict[tuple[str, str, str], Transition] = {
    (entity, t.action, t.side): t for entity, table in TABLES.items() for t in table
}


def transition(entity: str, action: str, side: str) -> Transition | None:
    return _BY_KEY.get((entity, action, side))


def _required(entity: str, action: str, side: str) -> Transition:
    t = transition(entity, action, side)
    if t is None:
        raise Refused(policy_workflow.NO_PERMISSION)
    return t


# --- who owns what ----------------------------------------------------------------------------------------------
def _party(policy: Policy, org_id: int, side: str, service_org_id: int | None) -> bool:
    """The organisation that did the work (and is still assigned), the enterprise insured, the insurer."""
    if side == Side.SERVICE_ORG:
        return service_org_id == org_id and policy.service_org_id == org_id
    if side == Side.ENTERPRISE:
        return policy.enterprise_id is not None and policy.enterprise_id == org_id
    if side == Side.INSURER:
        return policy.insurer_id == org_id
    return False


def can(obj: ServiceRecord | Hazard | Complaint, action: str, user: User) -> bool:
    """Whether ``user`` may do ``action`` on a record, hazard or complaint now (pages show only these)."""
    if isinstance(obj, ServiceRecord):
        entity, policy, org_id = "record", obj.policy, obj.service_org_id
    elif isinstance(obj, Hazard):
        entity, policy, org_id = "hazard", obj.inspection.policy, obj.inspection.service_org_id
    else:
        entity, policy, org_id = "complaint", obj.policy, obj.service_org_id
    t = transition(entity, action, user.side)
    if t is None or obj.status not in t.sources or not user.has_perm_code(t.permission):
        return False
    if entity == "complaint" and action == "extend" and obj.extended:
        return False
    return _party(policy, user.organisation_id, t.side, org_id)


def _check(
    t: Transition, actor: User, policy: Policy, service_org_id: int | None, status: str, what: str
) -> None:
    authorise(actor, t)
    if not _party(policy, actor.organisation_id, t.side, service_org_id):
        raise Refused(f"{what}不存在或无权操作")
    if t.sources and status not in t.sources:
        raise Refused(f"该{what}当前状态不能{t.label}")


def _claim(model: type[models.Model], obj: Any, t: Transition, what: str, **fields: Any) -> str:
    """Conditional UPDATE from the state the caller saw; the loser of a race is told to refresh."""
    from_status = obj.status
    extra = fields.pop("_where", {})
    updated = model._default_manager.filter(pk=obj.pk, status=from_status, **extra).update(
        status=t.target, **fields
    )
    if updated != 1:
        raise Refused(f"该{what}状态已变化，请刷新后重试")
    obj.status = t.target
    for name, value in fields.items():
        setattr(obj, name, value)
    return from_status


def lock_assigned_policy(policy: Policy, statuses: tuple[str, ...], org_id: int) -> None:
    """Conditional UPDATE on the policy: it is still assigned to this organisation in one of ``statuses``
    (a record cannot be added to a policy that was completed or reassigned a moment ago)."""
    now = timezone.now()
    updated = Policy.objects.filter(pk=policy.pk, service_status__in=statuses, service_org_id=org_id).update(
        service_updated_at=now
    )
    if updated != 1:
        raise Refused(policy_workflow.STALE)


def _notify(
    key: str,
    policy: Policy,
    recipient: Organisation | None,
    url: str,
    title: str,
    text: str,
    *,
    phone: str | None = None,
) -> None:
    """A 站内消息 (and an SMS when ``phone``) logged under the policy's insurer, inside the step's transaction."""
    notify(key=key, owner=policy.insurer, recipient=recipient, phone=phone, title=title, text=text, link=url)


# --- guards shared by plans, records and inspections ------------------------------------------------------------
def check_day(policy: Policy, day: date | None, field: str, label: str, *, future: bool = False) -> date:
    """Inside the policy period; not after today unless ``future`` (a plan)."""
    if day is None:
        raise Refused(f"请选择{label}", field=field)
    if day < policy.period_start or day > policy.period_end:
        raise Refused(
            f"{label}须在保险期间内（{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}）",
            field=field,
        )
    if not future and day > timezone.localdate():
        raise Refused(f"{label}不能晚于今天", field=field)
    return day


def check_staff(org_id: int, staff: list[Staff], field: str = "staff") -> list[Staff]:
    """At least one, all of the organisation's roster, in post, and no certificate expired."""
    if not staff:
        raise Refused("请选择服务人员", field=field)
    today = timezone.localdate()
    for member in staff:
        if member.organisation_id != org_id:
            raise Refused("请从本机构人员中选择", field=field)
        if not member.is_active:
            raise Refused(f"{member.name}已停用，不能选择", field=field)
        expired = [c for c in member.certificates.all() if c.expires_on < today]
        if expired:
            cert = expired[0]
            raise Refused(
                f"{member.name}的证书“{cert.name}”已于{cert.expires_on:%Y-%m-%d}过期，不能选择", field=field
            )
    return staff


def check_item(policy: Policy, item: ServiceItem | None, field: str = "item") -> ServiceItem:
    if item is None:
        raise Refused("请选择服务项目", field=field)
    if item.pk not in {i.pk for i in contracted_items(policy)}:
        raise Refused("该服务项目不在保单约定的服务项目中", field=field)
    return item


def clean_text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"请填写{label}", field=field)
    if len(value) > limit:
        raise Refused(f"{label}不能超过{limit}个字", field=field)
    return value


# --- attachments --------------------------------------------------------------------------------------------
def _kind_of(upload: UploadedFile, field: str) -> str:
    try:
        content_type = validate_upload(upload, accept=ATTACHMENTS)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field) from None
    if content_type == CONTENT_TYPE_PDF:
        return DocumentKind.SERVICE_REPORT
    if content_type == CONTENT_TYPE_MP4:
        return DocumentKind.VIDEO
    return DocumentKind.PHOTO


def attach(
    *,
    actor: User,
    service_org: Organisation,
    upload: UploadedFile,
    field: str = "file",
    kind: str | None = None,
    caption: str = "",
    **owner: Any,
) -> Attachment:
    """Store an upload (report PDF, photo or MP4, streamed to storage) as a file of ``record=``,
    ``inspection=`` or ``hazard=``; a content problem refuses at ``field``."""
    try:
        document = document_create(
            organisation=actor.organisation,
            uploaded_by=actor,
            kind=kind or _kind_of(upload, field),
            upload=upload,
        )
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field) from None
    return Attachment.objects.create(
        document=document, service_org=service_org, caption=caption[:100], **owner
    )


@dataclass
class Uploads:
    """The files of a record form: 服务报告 (PDF), 现场照片, 现场视频 — each optional."""

    report: UploadedFile | None = None
    photo: UploadedFile | None = None
    video: UploadedFile | None = None

    def attach_to(self, actor: User, service_org: Organisation, **owner: Any) -> list[Attachment]:
        kinds = (
            ("report", DocumentKind.SERVICE_REPORT, "服务报告"),
            ("photo", DocumentKind.PHOTO, "现场照片"),
            ("video", DocumentKind.VIDEO, "现场视频"),
        )
        return [
            attach(
                actor=actor,
                service_org=service_org,
                upload=upload,
                field=name,
                kind=kind,
                caption=caption,
                **owner,
            )
            for name, kind, caption in kinds
            if (upload := getattr(self, name)) is not None
        ]


# --- 服务记录 -----------------------------------------------------------------------------------------------------
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
    ]
    for name, check in checks:
        with problems.collect():
            values[name] = check()
    problems.raise_if_any()
    return values


def check_day_and_staff(
    *,
    policy: Policy,
    org_id: int,
    day: date | None = None,
    staff: list[Staff] | None = None,
    field: str = "served_on",
    label: str = "服务日期",
    future: bool = False,
) -> None:
    """The rules of a record, plan or inspection on the values a form could read (the day inside the policy
    period, the staff of the roster with valid certificates), for a view to show when other fields are wrong.
    Changes nothing."""
    problems = Problems()
    if day is not None:
        with problems.collect():
            check_day(policy, day, field, label, future=future)
    if staff:
        with problems.collect():
            check_staff(org_id, list(staff))
    problems.raise_if_any()


def check_record(
    *, policy: Policy, org_id: int, served_on: date | None = None, staff: list[Staff] | None = None
) -> None:
    """A service record's ``check_day_and_staff``."""
    check_day_and_staff(policy=policy, org_id=org_id, day=served_on, staff=staff)


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
    _notify(
        f"service-event:{event.pk}:enterprise",
        policy,
        policy.enterprise,
        side_url("services:record", Side.ENTERPRISE, record.uuid),
        "服务记录待确认",
        f"{record.service_org.display_short_name}{verb}保单{policy.policy_no}的服务记录"
        f"（{record.item.name}，{record.served_on:%Y-%m-%d}），请登录企业端确认。",
        phone=policy.order.contact_phone or None,
    )


@transaction.atomic
def record_create(
    *, policy: Policy, actor: User, data: RecordData, corrects: ServiceRecord | None = None
) -> ServiceRecord:
    """新增服务记录 → 待确认; the enterprise is asked to confirm. ``corrects``: a confirmed record of the same
    policy this one corrects (allowed also after 已完成); its service item is kept."""
    t = _required("record", "create", Side.SERVICE_ORG)
    _check(t, actor, policy, policy.service_org_id, "", "保单")
    statuses: tuple[str, ...] = (ServiceStatus.IN_SERVICE,)
    if corrects is not None:
        if corrects.policy_id != policy.pk or corrects.status != R.CONFIRMED:
            raise Refused("只能更正本保单已确认的服务记录")
        data.item = corrects.item
        statuses = (ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)
    if policy.service_status not in statuses:
        raise Refused(f"保单安全服务状态为“{policy.get_service_status_display()}”，不能{t.label}")
    values = _clean_record(policy, data, actor.organisation_id)
    staff = values.pop("staff")
    lock_assigned_policy(policy, statuses, actor.organisation_id)
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


RECORD_FIELDS = {
    "item": "服务项目",
    "served_on": "服务日期",
    "place": "服务地点",
    "content": "服务内容",
    "hazards_found": "发现的隐患",
    "follow_up": "整改建议及跟踪",
}


@transaction.atomic
def record_update(*, record: ServiceRecord, actor: User, data: RecordData) -> ServiceRecord:
    """修改 a record not yet confirmed (待确认, or 有异议 after the enterprise's objection) → 待确认 again; what
    changed is kept in the event, and the enterprise is asked to confirm again."""
    t = _required("record", "edit", Side.SERVICE_ORG)
    policy = record.policy
    _check(t, actor, policy, record.service_org_id, record.status, "服务记录")
    if record.corrects_id:
        data.item = record.item  # a correction stays on the item of the record it corrects
    values = _clean_record(policy, data, actor.organisation_id)
    staff = values.pop("staff")
    changes = {
        RECORD_FIELDS[name]: [str(getattr(record, name)), str(value)]
        for name, value in values.items()
        if getattr(record, name) != value
    }
    old_staff = sorted(s.name for s in record.staff.all())
    if old_staff != sorted(s.name for s in staff):
        changes["服务人员"] = ["、".join(old_staff), "、".join(s.name for s in staff)]
    from_status = _claim(
        ServiceRecord, record, t, "服务记录", updated_at=timezone.now(), dispute_reason="", **values
    )
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
    t = _required("record", "edit", Side.SERVICE_ORG)
    _check(t, actor, record.policy, record.service_org_id, record.status, "服务记录")
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
    """确认 by the enterprise → 已确认 (final). When every contracted count is then met, the policy's service
    becomes 已完成 in the same transaction."""
    t = _required("record", "confirm", Side.ENTERPRISE)
    policy = record.policy
    _check(t, actor, policy, record.service_org_id, record.status, "服务记录")
    policy_workflow.lock_services(policy)
    now = timezone.now()
    from_status = _claim(
        ServiceRecord,
        record,
        t,
        "服务记录",
        confirmed_by=actor,
        confirmed_at=now,
        updated_at=now,
        dispute_reason="",
    )
    event = _record_event(record, t, actor, from_status)
    _notify(
        f"service-event:{event.pk}:service_org",
        policy,
        record.service_org,
        side_url("service_orders:record", Side.SERVICE_ORG, record.uuid),
        "服务记录已确认",
        f"{policy.order.applicant_name}已确认保单{policy.policy_no}的服务记录（{record.item.name}，"
        f"{record.served_on:%Y-%m-%d}）。",
    )
    policy_workflow.complete_if_done(policy=policy, actor=actor)
    return record


@transaction.atomic
def record_dispute(*, record: ServiceRecord, actor: User, reason: str) -> ServiceRecord:
    """有异议 with a reason → the organisation corrects the record (修改) and it waits for confirmation again."""
    t = _required("record", "dispute", Side.ENTERPRISE)
    policy = record.policy
    _check(t, actor, policy, record.service_org_id, record.status, "服务记录")
    reason = check_reason(reason, t)
    from_status = _claim(
        ServiceRecord, record, t, "服务记录", dispute_reason=reason, updated_at=timezone.now()
    )
    event = _record_event(record, t, actor, from_status, reason=reason)
    _notify(
        f"service-event:{event.pk}:service_org",
        policy,
        record.service_org,
        side_url("service_orders:record", Side.SERVICE_ORG, record.uuid),
        "服务记录有异议",
        f"{policy.order.applicant_name}对保单{policy.policy_no}的服务记录（{record.item.name}，"
        f"{record.served_on:%Y-%m-%d}）有异议：{reason}。请核实后修改。",
    )
    return record


# --- 检查管理: hazards ------------------------------------------------------------------------------------------
def _hazard_event(hazard: Hazard, t: Transition, actor: User, from_status: str, **kw: Any) -> ServiceEvent:
    inspection = hazard.inspection
    return write_event(
        inspection.policy,
        t,
        actor,
        subject=ServiceEvent.Subject.HAZARD,
        subject_uuid=hazard.uuid,
        from_status=from_status,
        to_status=hazard.status,
        service_org=inspection.service_org,
        **kw,
    )


def _tell_about_hazard(
    hazard: Hazard, event: ServiceEvent, side: str, title: str, text: str, *, sms: bool
) -> None:
    inspection = hazard.inspection
    policy = inspection.policy
    if side == Side.ENTERPRISE:
        recipient, url = policy.enterprise, side_url("services:hazards", Side.ENTERPRISE)
        phone = policy.order.contact_phone if sms else None
    else:
        recipient = inspection.service_org
        url = side_url("inspections:detail", Side.SERVICE_ORG, inspection.uuid)
        phone = recipient.contact_phone if sms else None
    _notify(f"service-event:{event.pk}:{side}", policy, recipient, url, title, text, phone=phone or None)


@transaction.atomic
def hazard_create(
    *,
    inspection: Inspection,
    actor: User,
    level: str,
    description: str,
    location: str,
    deadline: date | None,
    photo: UploadedFile | None = None,
) -> Hazard:
    """登记隐患 (待整改) on an inspection of a policy in service; the enterprise is told to rectify it."""
    t = _required("hazard", "create", Side.SERVICE_ORG)
    policy = inspection.policy
    _check(t, actor, policy, inspection.service_org_id, "", "检查")
    problems = Problems()
    if level not in HazardLevel.values:
        problems.add("level", "请选择隐患等级")
    with problems.collect():
        description = clean_text(description, "description", "隐患描述", 500)
    with problems.collect():
        location = clean_text(location, "location", "隐患部位", 100, required=False)
    if deadline is None:
        problems.add("deadline", "请选择整改期限")
    elif deadline < inspection.inspected_on:
        problems.add("deadline", "整改期限不能早于检查日期")
    problems.raise_if_any()
    lock_assigned_policy(policy, (ServiceStatus.IN_SERVICE,), actor.organisation_id)
    hazard = Hazard.objects.create(
        inspection=inspection,
        level=level,
        description=description,
        location=location,
        deadline=deadline,
        status=t.target,
    )
    if photo is not None:
        attach(
            actor=actor,
            service_org=inspection.service_org,
            upload=photo,
            field="photo",
            kind=DocumentKind.PHOTO,
            caption="隐患照片",
            hazard=hazard,
        )
    event = _hazard_event(hazard, t, actor, "", changes={"level": hazard.get_level_display()})
    _tell_about_hazard(
        hazard,
        event,
        Side.ENTERPRISE,
        "隐患整改通知",
        f"{inspection.service_org.display_short_name}在{inspection.inspected_on:%Y-%m-%d}的隐患排查中发现"
        f"{hazard.get_level_display()}：{description}，请于{deadline:%Y-%m-%d}前完成整改。",
        sms=level == HazardLevel.MAJOR,  # a 重大隐患 is worth an SMS; a 一般隐患 waits in the 消息中心
    )
    return hazard


@transaction.atomic
def hazard_rectify(
    *, hazard: Hazard, actor: User, rectification: str, photo: UploadedFile | None = None
) -> Hazard:
    """登记整改 (by the organisation on the enterprise's word, or by the enterprise) → 已整改, for 复查."""
    t = _required("hazard", "rectify", actor.side)
    inspection = hazard.inspection
    _check(t, actor, inspection.policy, inspection.service_org_id, hazard.status, "隐患")
    rectification = clean_text(rectification, "rectification", "整改情况", 500)
    from_status = _claim(
        Hazard,
        hazard,
        t,
        "隐患",
        rectification=rectification,
        rectified_by=actor,
        rectified_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if photo is not None:
        attach(
            actor=actor,
            service_org=inspection.service_org,
            upload=photo,
            field="photo",
            kind=DocumentKind.PHOTO,
            caption="整改照片",
            hazard=hazard,
        )
    event = _hazard_event(hazard, t, actor, from_status)
    if actor.side == Side.ENTERPRISE:
        _tell_about_hazard(
            hazard,
            event,
            Side.SERVICE_ORG,
            "隐患已整改，待复查",
            f"{inspection.policy.order.applicant_name}已登记隐患“{hazard.description}”的整改情况，请安排复查。",
            sms=False,
        )
    return hazard


@transaction.atomic
def hazard_verify(*, hazard: Hazard, actor: User, verification: str) -> Hazard:
    """复查通过 → 已复查 (final)."""
    t = _required("hazard", "verify", Side.SERVICE_ORG)
    inspection = hazard.inspection
    _check(t, actor, inspection.policy, inspection.service_org_id, hazard.status, "隐患")
    verification = clean_text(verification, "verification", "复查意见", 500)
    now = timezone.now()
    from_status = _claim(
        Hazard,
        hazard,
        t,
        "隐患",
        verification=verification,
        verified_by=actor,
        verified_at=now,
        updated_at=now,
    )
    event = _hazard_event(hazard, t, actor, from_status)
    _tell_about_hazard(
        hazard, event, Side.ENTERPRISE, "隐患复查通过", f"隐患“{hazard.description}”已复查通过。", sms=False
    )
    return hazard


@transaction.atomic
def hazard_reopen(*, hazard: Hazard, actor: User, reason: str) -> Hazard:
    """复查不通过 with a reason → 待整改 again; the enterprise is told what remains."""
    t = _required("hazard", "reopen", Side.SERVICE_ORG)
    inspection = hazard.inspection
    _check(t, actor, inspection.policy, inspection.service_org_id, hazard.status, "隐患")
    reason = check_reason(reason, t)
    from_status = _claim(Hazard, hazard, t, "隐患", verification=reason, updated_at=timezone.now())
    event = _hazard_event(hazard, t, actor, from_status, reason=reason)
    _tell_about_hazard(
        hazard,
        event,
        Side.ENTERPRISE,
        "隐患复查未通过",
        f"隐患“{hazard.description}”复查未通过：{reason}。请于{hazard.deadline:%Y-%m-%d}前继续整改。",
        sms=False,
    )
    return hazard


# --- 投诉 -------------------------------------------------------------------------------------------------------
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
    t = _required("complaint", "file", Side.ENTERPRISE)
    _check(t, actor, policy, policy.service_org_id, "", "保单")
    if policy.service_org_id is None or policy.service_status not in ASSIGNED:
        raise Refused("该保单尚未指定第三方安全服务机构，不能投诉", field="policy")
    if record is not None and record.policy_id != policy.pk:
        raise Refused("请选择该保单的服务记录", field="record")
    content = clean_text(content, "content", "投诉内容", 1000)
    today = timezone.localdate()
    complaint = Complaint.objects.create(
        policy=policy,
        record=record,
        enterprise=actor.organisation,
        service_org=policy.service_org,
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
        _notify(
            f"service-event:{event.pk}:{side}",
            policy,
            org,
            _complaint_url(complaint, side),
            "新的服务投诉",
            text,
            phone=org.contact_phone or None,
        )
    return complaint


def _handler_check(t: Transition, actor: User, complaint: Complaint) -> None:
    authorise(actor, t)
    org_id = actor.organisation_id
    mine = complaint.insurer_id == org_id if t.side == Side.INSURER else complaint.service_org_id == org_id
    if not mine:
        raise Refused("投诉不存在或无权操作")
    if complaint.status not in t.sources:
        raise Refused(f"该投诉当前状态不能{t.label}")


@transaction.atomic
def complaint_extend(*, complaint: Complaint, actor: User, reason: str) -> Complaint:
    """延长答复期限, once, with a reason: 30 working days from the filing day (more checking is needed)."""
    t = _required("complaint", "extend", actor.side)
    _handler_check(t, actor, complaint)
    if complaint.extended:
        raise Refused("答复期限只能延长一次")
    reason = check_reason(reason, t)
    due_on = add_working_days(timezone.localdate(complaint.filed_at), EXTENDED_ANSWER_DAYS)
    from_status = _claim(
        Complaint,
        complaint,
        t,
        "投诉",
        _where={"extended": False},
        extended=True,
        extension_reason=reason,
        due_on=due_on,
    )
    event = _complaint_event(
        complaint, t, actor, from_status, reason=reason, changes={"due_on": f"{due_on:%Y-%m-%d}"}
    )
    _notify(
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
    t = _required("complaint", "answer", actor.side)
    _handler_check(t, actor, complaint)
    answer = clean_text(answer, "answer", "答复内容", 2000)
    from_status = _claim(
        Complaint,
        complaint,
        t,
        "投诉",
        answer=answer,
        answered_by=actor,
        answered_org=actor.organisation,
        answered_at=timezone.now(),
    )
    event = _complaint_event(complaint, t, actor, from_status)
    policy = complaint.policy
    _notify(
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
    _notify(
        f"service-event:{event.pk}:{other_side}",
        policy,
        other,
        _complaint_url(complaint, other_side),
        "投诉已答复",
        f"保单{policy.policy_no}的服务投诉已由{actor.organisation.display_short_name}答复。",
    )
    return complaint
