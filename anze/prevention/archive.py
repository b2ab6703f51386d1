"""The service archive of one policy as every side shows it (保单详情, 服务订单详情, the enterprise's 服务进度):
progress per item, the plan, every record with its files, inspections with their hazards, complaints and the
timeline. Links are built here per side, so that one set of templates serves the three sides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from anze.accounts.models import User
from anze.core.sides import Side
from anze.core.timeline import Entry, changed_values
from anze.policies.models import Policy, ServiceEvent
from anze.policies.progress import service_progress, totals
from anze.policies.selectors import events_for

from . import ledger, selectors
from .models import Attachment, Hazard, ServiceRecord, Staff
from .records import RECORD


@dataclass(frozen=True)
class Links:
    """The URL names of one side: a file of the policy, a record's page."""

    file: str
    record: str
    record_with_policy: bool  # the insurer's record page sits under its policy

    def file_url(self, policy: Policy, document_uuid: Any) -> str:
        return reverse(self.file, args=[policy.order.application_no, document_uuid])

    def record_url(self, record: ServiceRecord) -> str:
        if self.record_with_policy:
            return reverse(self.record, args=[record.policy.order.application_no, record.uuid])
        return reverse(self.record, args=[record.uuid])


LINKS: dict[str, Links] = {
    Side.INSURER: Links("insurer:policies:file", "insurer:policies:record", True),
    Side.SERVICE_ORG: Links("service:service_orders:file", "service:service_orders:record", False),
    Side.ENTERPRISE: Links("enterprise:services:file", "enterprise:services:record", False),
}


def _link_attachments(policy: Policy, attachments: list[Attachment], links: Links) -> list[Attachment]:
    for attachment in attachments:
        attachment.url = links.file_url(policy, attachment.document.uuid)  # type: ignore[attr-defined]
    return attachments


def inspections_of(policy: Policy, links: Links) -> list[Any]:
    attachments = Prefetch("attachments", queryset=Attachment.objects.select_related("document"))
    hazards = Prefetch("hazards", queryset=Hazard.objects.prefetch_related(attachments).order_by("id"))
    inspections = list(
        policy.inspections.prefetch_related(
            hazards, attachments, Prefetch("staff", queryset=Staff.objects.order_by("id"))
        ).order_by("-inspected_on", "-id")
    )
    for inspection in inspections:
        _link_attachments(policy, list(inspection.attachments.all()), links)
        for hazard in inspection.hazards.all():
            _link_attachments(policy, list(hazard.attachments.all()), links)
    return inspections


def context(policy: Policy, user: User) -> dict[str, Any]:
    """Everything the archive partials need, in a constant number of queries."""
    links = LINKS[user.side]
    records = selectors.policy_records(policy)
    for record in records:
        record.url = links.record_url(record)  # type: ignore[attr-defined]
        _link_attachments(policy, list(record.attachments.all()), links)
    progress = service_progress(policy)
    done, contracted = totals(progress)
    complaints = (
        list(selectors.complaints_for(user=user).filter(policy=policy).order_by("-filed_at"))
        if user.side in (Side.INSURER, Side.SERVICE_ORG, Side.ENTERPRISE)
        else []
    )
    return {
        "progress": progress,
        "progress_done": done,
        "progress_contracted": contracted,
        "plan": selectors.plan_for(policy),
        "records": records,
        "inspections": inspections_of(policy, links),
        "complaints": complaints,
        "timeline": service_timeline(events_for(policy, user=user)),
        **fee_context(policy, user),
    }


def fee_context(policy: Policy, user: User) -> dict[str, Any]:
    """事故预防服务费 of a policy as every side shows it (``prevention/partials/fee_ledger.html``: the insurer's
    保单详情, the organisation's 服务订单, the enterprise's 服务进度 and the regulator's 保单): the ledger's
    ``summary``, and the insurer's 批准超支 when the user may grant one."""
    may_grant = ledger.may_grant(policy, user)
    return {
        "ledger": ledger.summary(policy),
        "overrun_url": reverse("insurer:fees:overrun", args=[policy.order.application_no])
        if may_grant
        else "",
    }


def service_timeline(events: list[ServiceEvent]) -> list[Entry]:
    """服务时间线: each step, an assignment step naming the organisation it concerns."""
    return [Entry(event=event, note=_note(event)) for event in events]


def _note(event: ServiceEvent) -> str:
    if event.subject == ServiceEvent.Subject.ASSIGNMENT and event.service_org_id:
        return event.service_org.display_short_name
    if event.subject == ServiceEvent.Subject.FEE:
        granted = (event.changes or {}).get("批准超支金额（元）")
        return f"{granted[1]} 元" if isinstance(granted, list) and len(granted) == 2 else ""
    return ""


def record_context(record: ServiceRecord, user: User) -> dict[str, Any]:
    """A record's page on any side: its data, files, the record it corrects and its corrections."""
    links = LINKS[user.side]
    policy = record.policy
    attachments = _link_attachments(policy, list(record.attachments.select_related("document")), links)
    corrections = list(record.corrections.select_related("item").order_by("created_at"))
    for correction in corrections:
        correction.url = links.record_url(correction)  # type: ignore[attr-defined]
    corrects_url = links.record_url(record.corrects) if record.corrects_id else ""
    events = [e for e in events_for(policy, user=user) if e.subject_uuid == record.uuid]
    return {
        "record": record,
        "policy": policy,
        "attachments": attachments,
        "corrections": corrections,
        "corrects_url": corrects_url,
        "timeline": [Entry(event=e, changes=changed_values(e.changes, hidden=("corrects",))) for e in events],
        "can_edit": RECORD.can(record, "edit", user),
        "can_confirm": RECORD.can(record, "confirm", user),
        "can_dispute": RECORD.can(record, "dispute", user),
        "can_correct": (
            user.side == Side.SERVICE_ORG
            and record.status == "confirmed"
            and record.corrects_id is None
            and user.has_perm_code("service.record.manage")
            and policy.service_org_id == user.organisation_id
            and policy.service_status in ("in_service", "completed")
        ),
        "extra_crumb": f"服务记录 {record.item.name} {record.served_on:%Y-%m-%d}",
    }


def policy_page_context(policy: Policy, user: User) -> dict[str, Any]:
    """The archive section of the insurer's 保单详情 (``policies.archive.Archive.context``): ``context`` and
    the partial that shows it."""
    return {**context(policy, user), "archive_template": "prevention/partials/archive.html"}


def policy_record_page(policy: Policy, user: User, record_uuid: Any) -> tuple[str, dict[str, Any]]:
    """A record of ``policy`` on the insurer's policy pages (``policies.archive.Archive.record_page``)."""
    record = selectors.record_for(user=user, record_uuid=record_uuid)
    if record.policy_id != policy.pk:
        raise Http404("服务记录不存在")
    return "prevention/record_detail.html", record_context(record, user)
