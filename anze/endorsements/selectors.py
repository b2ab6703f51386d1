"""Reads of 批改 and 退保 from the signed-in user. The insurer sees the requests on its policies, the verified
enterprise those on its own (``orders.scopes.visible_rows``, the rule every list reads through); another
organisation's request and a missing one are both 404.

The lists run a constant number of queries whatever their size: one grouped COUNT for the tabs and the total,
one query for the page with its policy and order joined. They read the (insurer, status, -created_at) and
(enterprise, -created_at) indexes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from anze.accounts.models import User
from anze.audit.selectors import day_range
from anze.core.pagination import Page, TabbedList, page_params
from anze.documents.models import Document
from anze.orders.scopes import visible_rows
from anze.policies.models import Policy
from anze.policies.scopes import policies_visible_to, policy_of_order

from .models import OPEN_STATUSES, Endorsement, EndorsementEvent, EndorsementKind, EndorsementStatus

ORDERING = ("-created_at", "-id")
DOCUMENT_EVENTS = ("upload_payment_notice", "upload_payment_voucher")


def endorsement_rows(user: User) -> Q:
    return visible_rows(user, insurer="insurer", enterprise="enterprise")


def endorsements_for(*, user: User) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(endorsement_rows(user))


def endorsement_for(*, user: User, endorsement_uuid: Any) -> Endorsement:
    qs = endorsements_for(user=user).select_related(
        "policy__order__region",
        "policy__order__industry",
        "policy__insurer",
        "policy__enterprise__industry",
        "insurer",
        "enterprise",
        "created_by",
        "payment_notice",
        "payment_voucher",
        "endorsement_file",
        "proof",
    )
    return get_object_or_404(qs, uuid=endorsement_uuid)


def policy_for(*, user: User, application_no: str) -> Policy:
    """The policy of the order ``application_no`` on the user's side (保单管理 / 我的保单); 404 otherwise."""
    qs = policies_visible_to(user, side=user.side).select_related(
        "order__region", "order__industry", "insurer", "enterprise__industry"
    )
    return policy_of_order(qs, application_no)


def search(qs: QuerySet[Endorsement], filters: Mapping[str, Any]) -> QuerySet[Endorsement]:
    """保单编号 by prefix, 投保人 / 项目名称 by substring, 类型, 申请时间 as a day range."""
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy__policy_no__startswith=policy_no)
    name = (filters.get("name") or "").strip()
    if name:
        qs = qs.filter(
            Q(policy__order__applicant_name__contains=name) | Q(policy__order__project_name__contains=name)
        )
    if filters.get("kind") in EndorsementKind.values:
        qs = qs.filter(kind=filters["kind"])
    return day_range(qs, "created_at", filters.get("start"), filters.get("end"))


def status_counts(qs: QuerySet[Endorsement]) -> dict[str, int]:
    counts = dict.fromkeys(EndorsementStatus.values, 0)
    counts.update(dict(qs.order_by().values_list("status").annotate(n=Count("pk"))))
    return counts


def tabbed_list(request: HttpRequest, *, filters: Mapping[str, Any]) -> TabbedList:
    """One page of the user's requests under ``filters`` and the count of every status tab."""
    tab = filters.get("tab") or ""
    if tab not in EndorsementStatus.values:
        tab = ""
    qs = search(endorsements_for(user=request.user), filters)  # type: ignore[arg-type]
    counts = status_counts(qs)
    if tab:
        qs = qs.filter(status=tab)
    total = counts[tab] if tab else sum(counts.values())
    number, size = page_params(request)
    number = min(number, max(1, -(-total // size)))
    offset = (number - 1) * size
    rows: Sequence[Endorsement] = list(
        qs.select_related("policy__order", "enterprise").order_by(*ORDERING)[offset : offset + size]
    )
    return TabbedList(page=Page(rows=rows, number=number, size=size, total=total), counts=counts, tab=tab)


def for_export(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Endorsement]:
    qs = search(endorsements_for(user=user), filters)
    if filters.get("tab") in EndorsementStatus.values:
        qs = qs.filter(status=filters["tab"])
    return qs.select_related("policy__order", "enterprise").order_by(*ORDERING)


def open_count(*, user: User, statuses: Sequence[str]) -> int:
    return endorsements_for(user=user).filter(status__in=statuses).count()


# --- one request ----------------------------------------------------------------------------------------------
def events_of(endorsement: Endorsement) -> list[EndorsementEvent]:
    return list(endorsement.events.order_by("created_at", "id"))


def documents_of(
    endorsement: Endorsement, events: Sequence[EndorsementEvent] = ()
) -> list[tuple[str, Document]]:
    """[(label, document)] of the request — its proof, payment notice and voucher, 批单 — and the earlier
    notices and vouchers its timeline refers to (a voucher rejected at 缴费审核 stays viewable)."""
    e = endorsement
    named = [
        ("证明材料", e.proof_id),
        ("付款通知书", e.payment_notice_id),
        ("付款凭证", e.payment_voucher_id),
        ("批单", e.endorsement_file_id),
    ]
    ids = [pk for _, pk in named if pk]
    uuids = [
        str(event.changes["document"])
        for event in events
        if event.action in DOCUMENT_EVENTS and event.changes.get("document")
    ]
    if not ids and not uuids:
        return []
    found = list(Document.objects.filter(Q(pk__in=ids) | Q(uuid__in=uuids)))
    by_pk = {d.pk: d for d in found}
    listed = [(label, by_pk[pk]) for label, pk in named if pk in by_pk]
    current = {d.pk for _, d in listed}
    listed += [("历史付款文件", d) for d in found if d.pk not in current]
    return listed


def history_of(policy: Policy, *, user: User) -> list[Endorsement]:
    """The policy's 批改 and 退保 the user may see, oldest first (the policy's history)."""
    return list(
        endorsements_for(user=user)
        .filter(policy=policy)
        .select_related("endorsement_file")
        .order_by("created_at", "id")
    )


DONE_WITH_FILE = Q(
    status__in=[EndorsementStatus.ENDORSED, EndorsementStatus.SURRENDERED], endorsement_file__isnull=False
)


def endorsement_files(policy: Policy) -> list[tuple[str, Document]]:
    """The 批单 of the policy's done 批改 and 退保, oldest first."""
    rows = (
        Endorsement.objects.filter(DONE_WITH_FILE, policy=policy)
        .select_related("endorsement_file")
        .order_by("endorsed_at", "id")
    )
    return [(f"批单 {e.endorsement_no}", e.endorsement_file) for e in rows if e.endorsement_file]


@dataclass
class PolicyRequests:
    """A page of policies' 批改 and 退保: the request each has open (one at most) and the 批单 of the done ones."""

    open: dict[int, Endorsement]
    done: dict[int, list[Endorsement]]  # with their 批单 (``endorsement_file``), oldest first


def requests_of(policies: Sequence[Policy]) -> PolicyRequests:
    """``PolicyRequests`` of a page of policies, in one query."""
    found = PolicyRequests(open={}, done={})
    if not policies:
        return found
    rows = (
        Endorsement.objects.filter(Q(status__in=OPEN_STATUSES) | DONE_WITH_FILE, policy__in=policies)
        .select_related("endorsement_file")
        .order_by("endorsed_at", "id")
    )
    for e in rows:
        if e.status in OPEN_STATUSES:
            found.open[e.policy_id] = e
        else:
            found.done.setdefault(e.policy_id, []).append(e)
    return found
