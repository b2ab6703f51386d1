"""Writes of the prevention services that are not state transitions: 综合人事管理 (staff and certificates), the
服务计划, inspections and their files. The guards they share with the records live in ``checks``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.core.validators import validate_mobile
from anze.core.workflow import NO_PERMISSION, check_owner
from anze.policies.models import Policy, ServiceStatus
from anze.policies.workflow import SERVICE, lock_assigned

from .attachments import Uploads, attach
from .checks import check_day, check_item, check_staff, clean_text, parties
from .models import Attachment, Certificate, Inspection, PlannedVisit, Staff


def _require(actor: User, code: str) -> None:
    if actor.side != Side.SERVICE_ORG or not actor.has_perm_code(code):
        raise Refused(NO_PERMISSION)


def _own_policy(actor: User, policy: Policy) -> None:
    SERVICE.check_owner(policy, actor, actor.side)
    SERVICE.check_state(policy, (ServiceStatus.IN_SERVICE,), "操作")


# --- 综合人事管理 -------------------------------------------------------------------------------------------------
@dataclass
class CertificateData:
    name: str
    number: str
    expires_on: date | None


@dataclass
class StaffData:
    name: str
    mobile: str
    title: str
    certificates: list[CertificateData]


def _clean_staff(data: StaffData) -> tuple[dict[str, str], list[CertificateData]]:
    name = clean_text(data.name, "name", "姓名", 30)
    try:
        validate_mobile(data.mobile)
    except ValidationError:
        raise Refused("请输入正确的11位手机号码", field="mobile") from None
    certificates = []
    for cert in data.certificates:
        if not (cert.name or cert.number or cert.expires_on):
            continue  # an empty row of the form
        if not cert.name.strip() or not cert.number.strip() or cert.expires_on is None:
            raise Refused("请填写完整的证书名称、证书编号和有效期", field="certificates")
        certificates.append(
            CertificateData(cert.name.strip()[:50], cert.number.strip()[:50], cert.expires_on)
        )
    fields = {
        "name": name,
        "mobile": data.mobile,
        "title": clean_text(data.title, "title", "职务/职称", 50, required=False),
    }
    return fields, certificates


@transaction.atomic
def staff_create(*, actor: User, data: StaffData) -> Staff:
    _require(actor, "service.staff.manage")
    fields, certificates = _clean_staff(data)
    staff = Staff.objects.create(organisation=actor.organisation, **fields)
    Certificate.objects.bulk_create(Certificate(staff=staff, **vars(c)) for c in certificates)
    return staff


@transaction.atomic
def staff_update(*, actor: User, staff: Staff, data: StaffData) -> Staff:
    """The certificates are replaced by the form's rows (renewed ones get their new number and date)."""
    _require(actor, "service.staff.manage")
    if staff.organisation_id != actor.organisation_id:
        raise Refused("人员不存在或无权操作")
    fields, certificates = _clean_staff(data)
    for name, value in fields.items():
        setattr(staff, name, value)
    staff.save(update_fields=list(fields))
    staff.certificates.all().delete()
    Certificate.objects.bulk_create(Certificate(staff=staff, **vars(c)) for c in certificates)
    return staff


def staff_set_active(*, actor: User, staff: Staff, active: bool) -> None:
    """离职 / 在职: staff are never deleted, the records they signed keep their names."""
    _require(actor, "service.staff.manage")
    if staff.organisation_id != actor.organisation_id:
        raise Refused("人员不存在或无权操作")
    Staff.objects.filter(pk=staff.pk).update(is_active=active)


# --- 服务计划 ---------------------------------------------------------------------------------------------------
@dataclass
class PlanData:
    item: ServiceItem | None
    planned_on: date | None
    staff: list[Staff]
    content: str


def _clean_plan(policy: Policy, actor: User, data: PlanData) -> tuple[dict[str, object], list[Staff]]:
    """The plan's values, or a refusal with every problem of its fields at once."""
    problems = Problems()
    values: dict[str, object] = {}
    staff: list[Staff] = []
    with problems.collect():
        values["item"] = check_item(policy, data.item)
    with problems.collect():
        values["planned_on"] = check_day(policy, data.planned_on, "planned_on", "计划日期", future=True)
    with problems.collect():
        values["content"] = clean_text(data.content, "content", "服务内容", 500)
    with problems.collect():
        staff = check_staff(actor.organisation_id, data.staff)
    problems.raise_if_any()
    return values, staff


@transaction.atomic
def plan_add(*, policy: Policy, actor: User, data: PlanData) -> PlannedVisit:
    _require(actor, "service.plan.manage")
    _own_policy(actor, policy)
    values, staff = _clean_plan(policy, actor, data)
    visit = PlannedVisit.objects.create(
        policy=policy, service_org=actor.organisation, created_by=actor, **values
    )
    visit.staff.set(staff)
    return visit


@transaction.atomic
def plan_update(*, visit: PlannedVisit, actor: User, data: PlanData) -> PlannedVisit:
    _require(actor, "service.plan.manage")
    _own_policy(actor, visit.policy)
    values, staff = _clean_plan(visit.policy, actor, data)
    for name, value in values.items():
        setattr(visit, name, value)
    visit.updated_at = timezone.now()
    visit.save(update_fields=[*values, "updated_at"])
    visit.staff.set(staff)
    return visit


@transaction.atomic
def plan_remove(*, visit: PlannedVisit, actor: User) -> None:
    """A plan is the organisation's intention, not an archive: a visit that will not happen is removed."""
    _require(actor, "service.plan.manage")
    _own_policy(actor, visit.policy)
    visit.staff.clear()
    visit.delete()


# --- 检查管理 ---------------------------------------------------------------------------------------------------
@dataclass
class InspectionData:
    inspected_on: date | None
    place: str
    staff: list[Staff]
    summary: str
    uploads: Uploads


@transaction.atomic
def inspection_create(*, policy: Policy, actor: User, data: InspectionData) -> Inspection:
    """新增隐患排查 at an enterprise served under ``policy`` (in service); hazards are added to it after."""
    _require(actor, "service.inspection.manage")
    _own_policy(actor, policy)
    problems = Problems()
    with problems.collect():
        inspected_on = check_day(policy, data.inspected_on, "inspected_on", "检查日期")
    with problems.collect():
        place = clean_text(data.place, "place", "检查地点", 200)
    with problems.collect():
        summary = clean_text(data.summary, "summary", "检查内容", 2000)
    with problems.collect():
        staff = check_staff(actor.organisation_id, data.staff)
    problems.raise_if_any()  # every field's problem at once
    lock_assigned(policy, (ServiceStatus.IN_SERVICE,), actor.organisation_id)
    inspection = Inspection.objects.create(
        policy=policy,
        service_org=actor.organisation,
        inspected_on=inspected_on,
        place=place,
        summary=summary,
        created_by=actor,
    )
    inspection.staff.set(staff)
    data.uploads.attach_to(actor, actor.organisation, inspection=inspection)
    return inspection


@transaction.atomic
def inspection_add_attachment(
    *, inspection: Inspection, actor: User, upload: UploadedFile, caption: str = ""
) -> Attachment:
    """Photos and videos of an inspection can be added later (a long video is uploaded from the office)."""
    _require(actor, "service.inspection.manage")
    check_owner(parties(inspection.policy, inspection.service_org_id), actor, actor.side, "检查")
    return attach(
        actor=actor, service_org=inspection.service_org, upload=upload, caption=caption, inspection=inspection
    )
