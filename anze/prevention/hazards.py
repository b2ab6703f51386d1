"""隐患 found in a 隐患排查 (inspection): rectified by the enterprise or the organisation, verified by the
organisation.

    create ─▶ 待整改 ─rectify (organisation or enterprise)─▶ 已整改 ─verify─▶ 已复查
                                                            已整改 ─reopen with reason─▶ 待整改

``HAZARD`` is a ``anze.core.workflow.Machine``; each function runs in one transaction, starts with
``HAZARD.begin`` and moves the state with ``HAZARD.claim``. No other code assigns ``Hazard.status``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.core.errors import Problems
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, check_owner, transition
from anze.documents.models import DocumentKind
from anze.policies.models import ServiceEvent, ServiceStatus
from anze.policies.workflow import lock_assigned, side_url, write_event

from .attachments import attach
from .checks import clean_text, parties, tell
from .models import Hazard, HazardLevel, HazardStatus, Inspection

H = HazardStatus
MANAGE, RECTIFY = "service.inspection.manage", "portal.hazard.rectify"

# Its literal matrix is tests/test_hazard_matrix.py.
HAZARD: Machine[Hazard] = Machine(
    model=Hazard,
    noun="隐患",
    touched="updated_at",
    owners=lambda hazard: parties(hazard.inspection.policy, hazard.inspection.service_org_id),
    table=(
        transition("create", "登记隐患", [], H.OPEN, Side.SERVICE_ORG, MANAGE),
        transition("rectify", "登记整改", [H.OPEN], H.RECTIFIED, Side.SERVICE_ORG, MANAGE),
        transition("rectify", "登记整改", [H.OPEN], H.RECTIFIED, Side.ENTERPRISE, RECTIFY),
        transition("verify", "复查通过", [H.RECTIFIED], H.VERIFIED, Side.SERVICE_ORG, MANAGE),
        transition(
            "reopen", "复查不通过", [H.RECTIFIED], H.OPEN, Side.SERVICE_ORG, MANAGE, needs_reason=True
        ),
    ),
)


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
    tell(f"service-event:{event.pk}:{side}", policy, recipient, url, title, text, phone=phone or None)


def _attach_photo(hazard: Hazard, actor: User, photo: UploadedFile | None, caption: str) -> None:
    if photo is not None:
        attach(
            actor=actor,
            service_org=hazard.inspection.service_org,
            upload=photo,
            field="photo",
            kind=DocumentKind.PHOTO,
            caption=caption,
            hazard=hazard,
        )


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
    t = HAZARD.begin("create", actor)
    policy = inspection.policy
    check_owner(parties(policy, inspection.service_org_id), actor, actor.side, "检查")
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
    assert deadline is not None  # refused above when missing
    lock_assigned(policy, (ServiceStatus.IN_SERVICE,), actor.organisation_id)
    hazard = Hazard.objects.create(
        inspection=inspection,
        level=level,
        description=description,
        location=location,
        deadline=deadline,
        status=t.target,
    )
    _attach_photo(hazard, actor, photo, "隐患照片")
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
    t = HAZARD.begin("rectify", actor, hazard)
    rectification = clean_text(rectification, "rectification", "整改情况", 500)
    from_status = HAZARD.claim(
        hazard, t, rectification=rectification, rectified_by=actor, rectified_at=timezone.now()
    )
    _attach_photo(hazard, actor, photo, "整改照片")
    event = _hazard_event(hazard, t, actor, from_status)
    if actor.side == Side.ENTERPRISE:
        _tell_about_hazard(
            hazard,
            event,
            Side.SERVICE_ORG,
            "隐患已整改，待复查",
            f"{hazard.inspection.policy.order.applicant_name}已登记隐患“{hazard.description}”的整改情况，请安排复查。",
            sms=False,
        )
    return hazard


@transaction.atomic
def hazard_verify(*, hazard: Hazard, actor: User, verification: str) -> Hazard:
    """复查通过 → 已复查 (final)."""
    t = HAZARD.begin("verify", actor, hazard)
    verification = clean_text(verification, "verification", "复查意见", 500)
    from_status = HAZARD.claim(
        hazard, t, verification=verification, verified_by=actor, verified_at=timezone.now()
    )
    event = _hazard_event(hazard, t, actor, from_status)
    _tell_about_hazard(
        hazard, event, Side.ENTERPRISE, "隐患复查通过", f"隐患“{hazard.description}”已复查通过。", sms=False
    )
    return hazard


@transaction.atomic
def hazard_reopen(*, hazard: Hazard, actor: User, reason: str) -> Hazard:
    """复查不通过 with a reason → 待整改 again; the enterprise is told what remains."""
    t = HAZARD.begin("reopen", actor, hazard)
    reason = HAZARD.reason(reason, t)
    from_status = HAZARD.claim(hazard, t, verification=reason)
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
