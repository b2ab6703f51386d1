"""Reads of claims, always from the signed-in user within ``scopes.claims_visible_to``: another organisation's
claim and a missing one are both 404.

The lists run a constant number of queries whatever their page size: one grouped COUNT for the tabs, the page's
ids read on the (insurer|enterprise|region, status, -reported_at) indexes, then those rows with their policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from anze.accounts.models import User
from anze.audit.selectors import day_range
from anze.core.codes import exact_or_prefix, prefix
from anze.core.pagination import Page, TabbedList, page_params
from anze.core.sides import Side
from anze.policies.models import Policy, PolicyStatus
from anze.policies.scopes import policies_visible_to

from . import limits
from .models import Claim, ClaimStatus
from .scopes import claims_visible_to

ORDERING = ("-reported_at", "-id")


def claims_for(*, user: User) -> QuerySet[Claim]:
    return claims_visible_to(user)


def claim_for(*, user: User, report_no: str) -> Claim:
    qs = claims_for(user=user).select_related(
        "policy", "policy__order", "insurer", "enterprise", "region", "industry", "reported_by"
    )
    return get_object_or_404(qs, report_no=report_no)


def search(qs: QuerySet[Claim], filters: Mapping[str, Any]) -> QuerySet[Claim]:
    """保单号 / 报案号 / 案件号 by prefix (exact when complete), 企业 by substring of the 投保人 (within the
    side's own claims, already narrowed by its index), 报案日期 as a day range; the regulator's 保险公司 /
    区县 / 行业."""
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = prefix(qs, "policy_no", policy_no)
    report_no = (filters.get("report_no") or "").strip()
    if report_no:
        qs = exact_or_prefix(qs, "report_no", report_no, 20)
    case_no = (filters.get("case_no") or "").strip()
    if case_no:
        qs = prefix(qs, "case_no", case_no)
    applicant = (filters.get("applicant") or "").strip()
    if applicant:
        qs = qs.filter(applicant_name__icontains=applicant)
    for name in ("insurer", "region", "industry"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    return day_range(qs, "reported_at", filters.get("start"), filters.get("end"))


def status_counts(qs: QuerySet[Claim]) -> dict[str, int]:
    counts = dict.fromkeys(ClaimStatus.values, 0)
    counts.update(dict(qs.order_by().values_list("status").annotate(n=Count("pk"))))
    return counts


def claim_list(request: HttpRequest, *, filters: Mapping[str, Any]) -> TabbedList:
    """One page of the side's claims, searched, in a status tab (or 全部), with every tab's count."""
    tab = filters.get("tab") or ""
    if tab not in ClaimStatus.values:
        tab = ""
    qs = search(claims_for(user=request.user), filters)  # type: ignore[arg-type]
    counts = status_counts(qs)
    if tab:
        qs = qs.filter(status=tab)
    total = counts[tab] if tab else sum(counts.values())
    number, size = page_params(request)
    number = min(number, max(1, -(-total // size)))
    offset = (number - 1) * size
    ids = qs.order_by(*ORDERING).values("pk")[offset : offset + size]
    rows: Sequence[Claim] = list(
        Claim.objects.filter(pk__in=ids).select_related("insurer", "region").order_by(*ORDERING)
    )
    return TabbedList(page=Page(rows=rows, number=number, size=size, total=total), counts=counts, tab=tab)


def claims_for_export(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Claim]:
    qs = search(claims_for(user=user), filters)
    if filters.get("tab") in ClaimStatus.values:
        qs = qs.filter(status=filters["tab"])
    return qs.select_related("insurer", "region", "industry").order_by(*ORDERING)


# --- the policy of a report -----------------------------------------------------------------------------------
def reportable_policies(*, user: User) -> QuerySet[Policy]:
    """The enterprise's policies a report may be about: not reversed (a surrendered one still takes the report
    of an accident before its surrender), the latest first."""
    return (
        policies_visible_to(user, side=Side.ENTERPRISE)
        .exclude(status=PolicyStatus.REVERSED)
        .select_related("order", "insurer")
        .order_by("-period_end", "-id")
    )


def insurer_policy(*, user: User, policy_no: str) -> Policy | None:
    """The insurer's live policy of that number (电话报案), or None."""
    policy_no = (policy_no or "").strip()
    if not policy_no:
        return None
    return (
        policies_visible_to(user, side=Side.INSURER)
        .exclude(status=PolicyStatus.REVERSED)
        .select_related("order", "order__region__parent__parent", "insurer")
        .filter(policy_no=policy_no)
        .first()
    )


def enterprise_policy(*, user: User, application_no: str) -> Policy | None:
    """The enterprise's live policy of an order (the 报案 link on 我的保单), or None."""
    return reportable_policies(user=user).filter(order__application_no=application_no).first()


# --- what a claim page shows ---------------------------------------------------------------------------------
def policy_figures(claim: Claim) -> dict[str, Decimal | None]:
    """The policy's limits; what it paid on its other claims (what a 理算 of this one is checked with); what it
    paid in all, this claim's payment included once settled; and what is left of 累积赔偿限额."""
    scheme = limits.Limits.of(claim.policy.order)
    paid_before = limits.paid_on_policy(claim.policy_id, excluding=claim.pk)
    own = (claim.paid_amount or limits.ZERO) if claim.status == ClaimStatus.SETTLED else limits.ZERO
    paid = paid_before + own
    return {
        "aggregate": scheme.aggregate,
        "per_accident": scheme.per_accident,
        "per_person_injury": scheme.per_person_injury,
        "per_person_medical": scheme.per_person_medical,
        "paid_before": paid_before,
        "paid": paid,
        "remaining": limits.remaining(scheme, paid),
    }
