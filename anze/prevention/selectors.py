"""Reads of the prevention services, always from the signed-in user: tenant scoping lives here.

- a service organisation sees the policies assigned to it (待处理, 服务中, 已完成) and what it recorded on them;
  a policy it declined is no longer its own;
- an enterprise sees the records, hazards and complaints of its own policies;
- an insurer sees those of the policies it issued.
Another organisation's object and a missing one are both 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.sides import Side
from anze.documents.models import Document
from anze.orders.models import OrderServiceItem
from anze.policies.models import Policy, ServiceStatus

from .models import (
    Attachment,
    Complaint,
    ComplaintStatus,
    Hazard,
    HazardStatus,
    Inspection,
    PlannedVisit,
    RecordStatus,
    ServiceRecord,
    Staff,
)

ASSIGNED = (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)


# --- progress: done / contracted per service item ---------------------------------------------------------------
@dataclass
class ItemProgress:
    item: ServiceItem
    contracted: int  # 实际服务项目: the order's count
    done: int = 0  # confirmed by the enterprise (a correction does not count twice)
    waiting: int = 0  # recorded, waiting for the enterprise (待确认)
    planned: int = 0  # in the 服务计划

    @property
    def is_met(self) -> bool:
        return self.done >= self.contracted

    @property
    def percent(self) -> int:
        return 100 if not self.contracted else min(100, round(100 * self.done / self.contracted))


def progress_for(policies: Sequence[Policy]) -> dict[int, list[ItemProgress]]:
    """{policy id: [ItemProgress…]} for many policies in three queries (lists stay constant in queries).

    Items with a contracted count come first in base-data order; an item recorded or planned without a
    contracted count (not possible through the forms, but kept honest) is listed with contracted 0.
    """
    if not policies:
        return {}
    by_order = {p.order_id: p.pk for p in policies}
    result: dict[int, dict[int, ItemProgress]] = {p.pk: {} for p in policies}
    rows = (
        OrderServiceItem.objects.filter(order_id__in=by_order, count__gt=0)
        .select_related("item")
        .order_by("item__sort", "item_id")
    )
    for row in rows:
        result[by_order[row.order_id]][row.item_id] = ItemProgress(row.item, row.count)
    ids = [p.pk for p in policies]
    records = (
        ServiceRecord.objects.filter(
            policy_id__in=ids, status__in=[RecordStatus.PENDING, RecordStatus.CONFIRMED]
        )
        .filter(Q(corrects__isnull=True))
        .values_list("policy_id", "item_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    plans = (
        PlannedVisit.objects.filter(policy_id__in=ids)
        .values_list("policy_id", "item_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    missing: set[int] = set()
    counted: list[tuple[int, int, str, int]] = [(p, i, s, n) for p, i, s, n in records]
    counted += [(p, i, "planned", n) for p, i, n in plans]
    for policy_id, item_id, _, _ in counted:
        if item_id not in result[policy_id]:
            missing.add(item_id)
    extra = {item.pk: item for item in ServiceItem.objects.filter(pk__in=missing)} if missing else {}
    for policy_id, item_id, kind, n in counted:
        progress = result[policy_id].get(item_id)
        if progress is None:
            progress = result[policy_id][item_id] = ItemProgress(extra[item_id], 0)
        if kind == RecordStatus.CONFIRMED:
            progress.done += n
        elif kind == RecordStatus.PENDING:
            progress.waiting += n
        else:
            progress.planned += n
    return {pk: list(items.values()) for pk, items in result.items()}


def service_progress(policy: Policy) -> list[ItemProgress]:
    return progress_for([policy])[policy.pk]


def contracted_items(policy: Policy) -> list[ServiceItem]:
    """The items a plan or record may be for: those with a contracted count."""
    return [p.item for p in service_progress(policy) if p.contracted]


def totals(progress: Iterable[ItemProgress]) -> tuple[int, int]:
    """(done, contracted) over the contracted items, for a list's 进度 column."""
    done = contracted = 0
    for p in progress:
        if p.contracted:
            done += min(p.done, p.contracted)
            contracted += p.contracted
    return done, contracted


# --- policies as each side reaches them -----------------------------------------------------------------------
def _policies(qs: QuerySet[Policy]) -> QuerySet[Policy]:
    return qs.select_related("order", "insurer", "enterprise", "service_org")


def assigned_policies(*, user: User) -> QuerySet[Policy]:
    """服务订单: the policies assigned to the user's organisation, in any assigned state."""
    if user.side != Side.SERVICE_ORG:
        return Policy.objects.none()
    return Policy.objects.filter(service_org_id=user.organisation_id, service_status__in=ASSIGNED)


def assigned_policy(*, user: User, application_no: str) -> Policy:
    return get_object_or_404(_policies(assigned_policies(user=user)), order__application_no=application_no)


def enterprise_policies(*, user: User) -> QuerySet[Policy]:
    if user.side != Side.ENTERPRISE:
        return Policy.objects.none()
    return Policy.objects.filter(enterprise_id=user.organisation_id)


def enterprise_policy(*, user: User, application_no: str) -> Policy:
    return get_object_or_404(_policies(enterprise_policies(user=user)), order__application_no=application_no)


def policy_scope(user: User, via: str = "") -> Q:
    """What of a policy's service archive the user's organisation may read, as a filter on a model with
    ``policy`` and ``service_org`` (``via="inspection"`` for a hazard). An organisation reads only what it
    recorded on a policy still assigned to it."""
    p = f"{via}__" if via else ""
    org_id = user.organisation_id
    if user.side == Side.INSURER:
        return Q(**{f"{p}policy__insurer_id": org_id})
    if user.side == Side.ENTERPRISE:
        return Q(**{f"{p}policy__enterprise_id": org_id})
    if user.side == Side.SERVICE_ORG:
        return Q(**{f"{p}service_org_id": org_id, f"{p}policy__service_org_id": org_id})
    return Q(pk__in=[])


# --- 服务订单 list --------------------------------------------------------------------------------------------
def assigned_counts(*, user: User) -> dict[str, int]:
    rows = assigned_policies(user=user).order_by().values_list("service_status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ASSIGNED, 0)
    counts.update(dict(rows))
    return counts


def search_assigned(qs: QuerySet[Policy], filters: Mapping[str, Any]) -> QuerySet[Policy]:
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy_no__startswith=policy_no)
    name = (filters.get("name") or "").strip()
    if name:
        qs = qs.filter(Q(order__applicant_name__icontains=name) | Q(order__project_name__icontains=name))
    return qs


def assigned_list(*, user: User, filters: Mapping[str, Any], tab: str) -> QuerySet[Policy]:
    """The 服务订单 list: the assigned policies searched, in one tab (a service status), newest assignment first."""
    qs = search_assigned(assigned_policies(user=user), filters)
    if tab:
        qs = qs.filter(service_status=tab)
    return qs.select_related("order", "insurer", "enterprise").order_by("-service_assigned_at", "-id")


# --- records ------------------------------------------------------------------------------------------------------
def _records(qs: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    return qs.select_related("policy__order", "item", "service_org", "corrects").prefetch_related(
        Prefetch("staff", queryset=Staff.objects.order_by("id"))
    )


def records_for(*, user: User) -> QuerySet[ServiceRecord]:
    return _records(ServiceRecord.objects.filter(policy_scope(user)))


def record_for(*, user: User, record_uuid: Any) -> ServiceRecord:
    return get_object_or_404(records_for(user=user), uuid=record_uuid)


def policy_records(policy: Policy) -> list[ServiceRecord]:
    """Every record of the policy, with staff and attachments, in three queries."""
    qs = _records(policy.service_records.all()).prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.select_related("document"))
    )
    return list(qs.order_by("-served_on", "-id"))


def filter_records(qs: QuerySet[ServiceRecord], filters: Mapping[str, Any]) -> QuerySet[ServiceRecord]:
    if filters.get("status") in RecordStatus.values:
        qs = qs.filter(status=filters["status"])
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy__policy_no__startswith=policy_no)
    if filters.get("item"):
        qs = qs.filter(item=filters["item"])
    if filters.get("start"):
        qs = qs.filter(served_on__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(served_on__lte=filters["end"])
    return qs.order_by("-served_on", "-id")


def record_counts(qs: QuerySet[ServiceRecord]) -> dict[str, int]:
    rows = qs.order_by().values_list("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(RecordStatus.values, 0)
    counts.update(dict(rows))
    return counts


def plan_for(policy: Policy) -> list[PlannedVisit]:
    return list(
        policy.planned_visits.select_related("item")
        .prefetch_related(Prefetch("staff", queryset=Staff.objects.order_by("id")))
        .order_by("planned_on", "id")
    )


def planned_visit_for(*, user: User, policy: Policy, pk: int) -> PlannedVisit:
    return get_object_or_404(
        PlannedVisit.objects.select_related("item"), pk=pk, policy=policy, service_org_id=user.organisation_id
    )


# --- staff ----------------------------------------------------------------------------------------------------
def staff_for(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Staff]:
    qs = Staff.objects.filter(organisation_id=user.organisation_id)
    f = filters or {}
    if f.get("name"):
        qs = qs.filter(name__icontains=f["name"].strip())
    if f.get("status") in ("0", "1"):
        qs = qs.filter(is_active=f["status"] == "1")
    if f.get("expired") == "1":
        qs = qs.filter(certificates__expires_on__lt=timezone.localdate()).distinct()
    return qs.prefetch_related("certificates").order_by("-is_active", "id")


def staff_member(*, user: User, pk: int) -> Staff:
    return get_object_or_404(
        Staff.objects.prefetch_related("certificates"), pk=pk, organisation_id=user.organisation_id
    )


def selectable_staff(*, user: User, on: date | None = None) -> QuerySet[Staff]:
    return Staff.objects.filter(organisation_id=user.organisation_id).selectable(on).order_by("id")


# --- inspections and hazards ------------------------------------------------------------------------------------
def inspections_for(*, user: User) -> QuerySet[Inspection]:
    return Inspection.objects.filter(policy_scope(user)).select_related("policy__order", "service_org")


def inspection_for(*, user: User, inspection_uuid: Any) -> Inspection:
    return get_object_or_404(inspections_for(user=user), uuid=inspection_uuid)


def inspection_list(qs: QuerySet[Inspection], filters: Mapping[str, Any]) -> QuerySet[Inspection]:
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy__policy_no__startswith=policy_no)
    name = (filters.get("name") or "").strip()
    if name:
        qs = qs.filter(policy__order__applicant_name__icontains=name)
    if filters.get("start"):
        qs = qs.filter(inspected_on__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(inspected_on__lte=filters["end"])
    today = timezone.localdate()
    return qs.annotate(
        hazard_total=Count("hazards"),
        hazard_open=Count("hazards", filter=Q(hazards__status=HazardStatus.OPEN)),
        hazard_rectified=Count("hazards", filter=Q(hazards__status=HazardStatus.RECTIFIED)),
        hazard_overdue=Count(
            "hazards", filter=Q(hazards__status=HazardStatus.OPEN, hazards__deadline__lt=today)
        ),
    ).order_by("-inspected_on", "-id")


def hazards_of(inspection: Inspection) -> list[Hazard]:
    return list(
        inspection.hazards.prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("document"))
        ).order_by("id")
    )


def hazards_for(*, user: User) -> QuerySet[Hazard]:
    return Hazard.objects.filter(policy_scope(user, via="inspection")).select_related(
        "inspection__policy__order", "inspection__service_org"
    )


def hazard_list(*, user: User, status: str) -> QuerySet[Hazard]:
    """隐患整改 of the enterprise: its hazards in one status (any other value: all), nearest deadline first."""
    qs = hazards_for(user=user).prefetch_related("attachments__document")
    if status in HazardStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("deadline", "id")


def hazard_for(*, user: User, hazard_uuid: Any) -> Hazard:
    return get_object_or_404(hazards_for(user=user), uuid=hazard_uuid)


# --- attachments and videos ----------------------------------------------------------------------------------
def attachment_document(*, owner: ServiceRecord | Inspection | Hazard, document_uuid: Any) -> Document:
    """A file of an object the caller already reached through its scoped selector; any other UUID is 404."""
    from anze.documents.responses import document_among

    documents = [a.document for a in owner.attachments.select_related("document")]
    return document_among(documents, document_uuid)


def videos_for(*, user: User) -> QuerySet[Attachment]:
    """现场视频 of the organisation: the videos of its records, inspections and hazards."""
    return (
        Attachment.objects.filter(service_org_id=user.organisation_id, document__content_type="video/mp4")
        .select_related(
            "document",
            "record__policy__order",
            "record__item",
            "inspection__policy__order",
            "hazard__inspection__policy__order",
        )
        .order_by("-created_at", "-id")
    )


def video_for(*, user: User, document_uuid: Any) -> Attachment:
    return get_object_or_404(videos_for(user=user), document__uuid=document_uuid)


# --- complaints -----------------------------------------------------------------------------------------------
def complaints_for(*, user: User) -> QuerySet[Complaint]:
    org_id = user.organisation_id
    field = {
        Side.INSURER: "insurer_id",
        Side.SERVICE_ORG: "service_org_id",
        Side.ENTERPRISE: "enterprise_id",
    }.get(user.side)
    if field is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(**{field: org_id}).select_related(
        "policy__order", "service_org", "enterprise", "insurer", "record__item", "answered_org"
    )


def complaint_for(*, user: User, complaint_uuid: Any) -> Complaint:
    return get_object_or_404(complaints_for(user=user), uuid=complaint_uuid)


def filter_complaints(qs: QuerySet[Complaint], filters: Mapping[str, Any]) -> QuerySet[Complaint]:
    status = filters.get("status")
    if status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    elif status == "overdue":
        qs = qs.filter(status=ComplaintStatus.OPEN, due_on__lt=timezone.localdate())
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy__policy_no__startswith=policy_no)
    return qs.order_by("-filed_at", "-id")


def open_complaint_counts(*, user: User) -> tuple[int, int]:
    """(待答复, of which overdue) — the home cards, one query."""
    today = timezone.localdate()
    row = (
        complaints_for(user=user)
        .filter(status=ComplaintStatus.OPEN)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return row["open"], row["overdue"]


def complaintable_policies(*, user: User) -> QuerySet[Policy]:
    """The enterprise's policies that have (or had) an organisation serving them."""
    return (
        enterprise_policies(user=user)
        .filter(service_org__isnull=False, service_status__in=ASSIGNED)
        .select_related("order", "service_org")
        .order_by("-issued_at")
    )


def archive_documents(policy: Policy) -> list[Document]:
    """Every attachment of the policy's service archive (records, inspections, hazards), in one query."""
    qs = Attachment.objects.filter(
        Q(record__policy=policy) | Q(inspection__policy=policy) | Q(hazard__inspection__policy=policy)
    ).select_related("document")
    return [attachment.document for attachment in qs]
