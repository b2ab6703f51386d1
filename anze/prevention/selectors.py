"""Reads of the prevention services, always from the signed-in user, within the scopes of ``scopes.py`` (the
policies assigned to a service organisation and what it recorded on them; the records, hazards and complaints of
an enterprise's or an insurer's own policies). Another organisation's object and a missing one are both 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.sides import Side
from anze.documents.models import Document
from anze.policies.models import Policy
from anze.policies.progress import DONE, PLANNED, WAITING, Tally, service_progress
from anze.policies.scopes import ASSIGNED, policies_visible_to, policy_of_order

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
from .scopes import archive_rows, complaint_rows


# --- progress: what the organisation did and planned, counted for anze.policies.progress ---------------------
def tally_services(policy_ids: list[int]) -> list[Tally]:
    """Confirmed (done) and 待确认 (waiting) records — a correction does not count twice — and planned visits
    per policy and item: the counter ``apps.PreventionConfig`` registers with ``count_services_with``."""
    records = (
        ServiceRecord.objects.filter(
            policy_id__in=policy_ids,
            status__in=[RecordStatus.PENDING, RecordStatus.CONFIRMED],
            corrects__isnull=True,
        )
        .values_list("policy_id", "item_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    plans = (
        PlannedVisit.objects.filter(policy_id__in=policy_ids)
        .values_list("policy_id", "item_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    kinds = {RecordStatus.CONFIRMED: DONE, RecordStatus.PENDING: WAITING}
    tallies: list[Tally] = [(p, i, kinds[s], n) for p, i, s, n in records]
    return tallies + [(p, i, PLANNED, n) for p, i, n in plans]


def contracted_items(policy: Policy) -> list[ServiceItem]:
    """The items a plan or record may be for: those with a contracted count."""
    return [p.item for p in service_progress(policy) if p.contracted]


# --- policies as each side reaches them -----------------------------------------------------------------------
def _policies(qs: QuerySet[Policy]) -> QuerySet[Policy]:
    return qs.select_related("order", "insurer", "enterprise", "service_org")


def assigned_policies(*, user: User) -> QuerySet[Policy]:
    """服务订单: the policies assigned to the user's organisation, in any assigned state."""
    return policies_visible_to(user, side=Side.SERVICE_ORG)


def assigned_policy(*, user: User, application_no: str) -> Policy:
    return policy_of_order(_policies(assigned_policies(user=user)), application_no)


def enterprise_policies(*, user: User) -> QuerySet[Policy]:
    """我的保单: the enterprise's own policies."""
    return policies_visible_to(user, side=Side.ENTERPRISE)


def enterprise_policy(*, user: User, application_no: str) -> Policy:
    return policy_of_order(_policies(enterprise_policies(user=user)), application_no)


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
    return _records(ServiceRecord.objects.filter(archive_rows(user)))


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


# --- inspections and hazards ------------------------------------------------------------------------------------
def inspections_for(*, user: User) -> QuerySet[Inspection]:
    return Inspection.objects.filter(archive_rows(user)).select_related("policy__order", "service_org")


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
    return Hazard.objects.filter(archive_rows(user, via="inspection")).select_related(
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


# --- videos --------------------------------------------------------------------------------------------------
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
    return Complaint.objects.filter(complaint_rows(user)).select_related(
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
