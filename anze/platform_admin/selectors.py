"""Reads of 机构管理 and 企业认证. The platform sees every organisation of the four managed kinds; its own organisation and
other platform organisations are not reachable here (a 404), they are managed through 系统管理."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from anze.accounts.models import Organisation, Role, User
from anze.accounts.services import MANAGED_KINDS
from anze.orders.models import Order
from anze.portal.models import ClaimStatus, EnterpriseClaim

# Status tabs of the list: query-string value → filter.
TABS: dict[str, Q] = {"": Q(), "active": Q(is_active=True), "disabled": Q(is_active=False)}


def _filtered(kind: str, filters: Mapping[str, Any]) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(kind=kind)
    if filters.get("name"):
        term = filters["name"].strip()
        qs = qs.filter(Q(name__icontains=term) | Q(short_name__icontains=term))
    if filters.get("credit_code"):
        qs = qs.filter(credit_code__icontains=filters["credit_code"].strip())
    if filters.get("code"):
        qs = qs.filter(code__icontains=filters["code"].strip())
    if filters.get("region"):
        # A city or province includes everything inside it (泉州市 → its districts and counties).
        qs = qs.filter(region__code__startswith=filters["region"].prefix)
    if filters.get("industry"):
        qs = qs.filter(industry=filters["industry"])
    return qs


def organisations_for(*, kind: str, filters: Mapping[str, Any], tab: str = "") -> QuerySet[Organisation]:
    """One kind's organisations, newest first, with what the list shows loaded in the same query."""
    qs = _filtered(kind, filters).filter(TABS.get(tab, Q()))
    return (
        qs.select_related("region__parent", "industry")
        .annotate(user_count=Count("users", filter=Q(users__deleted_at__isnull=True)))
        .order_by("-id")
    )


def status_counts(*, kind: str, filters: Mapping[str, Any]) -> dict[str, int]:
    """The counts on the status tabs (全部 / 启用 / 停用) for the current search, in one query."""
    return _filtered(kind, filters).aggregate(
        all=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        disabled=Count("id", filter=Q(is_active=False)),
    )


def organisation_for(*, kind: str, pk: int) -> Organisation:
    """An organisation of ``kind``; one of another kind (or the platform's own) is a 404 at this URL."""
    if kind not in MANAGED_KINDS:
        raise ValueError(kind)
    return get_object_or_404(
        Organisation.objects.select_related("region__parent__parent", "industry"), pk=pk, kind=kind
    )


def accounts_of(organisation: Organisation) -> QuerySet[User]:
    """The organisation's accounts (deleted ones left out), 管理员 first."""
    return (
        User.objects.alive()
        .filter(organisation=organisation)
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("-is_admin", "id")))
        .order_by("id")
    )


def account_of(organisation: Organisation, pk: int) -> User:
    return get_object_or_404(
        User.objects.alive().select_related("organisation"), pk=pk, organisation=organisation
    )


def kind_counts() -> dict[str, int]:
    """Enabled organisations per kind (the platform home cards), in one query."""
    rows = (
        Organisation.objects.filter(kind__in=MANAGED_KINDS, is_active=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(MANAGED_KINDS, 0)
    counts.update({row["kind"]: row["n"] for row in rows})
    return counts


# --- 企业认证 -------------------------------------------------------------------------------------------------------
# Status tabs of 企业认证: query-string value → filter; the default shows what waits for a reviewer.
CLAIM_TABS: dict[str, Q] = {
    "": Q(status=ClaimStatus.PENDING),
    "approved": Q(status=ClaimStatus.APPROVED),
    "rejected": Q(status=ClaimStatus.REJECTED),
    "awaiting": Q(status=ClaimStatus.AWAITING),
    "all": Q(),
}


def _filtered_claims(filters: Mapping[str, Any]) -> QuerySet[EnterpriseClaim]:
    qs = EnterpriseClaim.objects.all()
    if filters.get("name"):
        qs = qs.filter(name__icontains=filters["name"].strip())
    if filters.get("credit_code"):
        qs = qs.filter(credit_code__icontains=filters["credit_code"].strip())
    return qs


def claims_for(*, filters: Mapping[str, Any], tab: str = "") -> QuerySet[EnterpriseClaim]:
    """企业认证申请, newest first, with the account and the enterprise loaded in the same query."""
    return (
        _filtered_claims(filters)
        .filter(CLAIM_TABS.get(tab, CLAIM_TABS[""]))
        .select_related("user", "organisation", "region", "industry")
        .order_by("-id")
    )


def claim_counts(*, filters: Mapping[str, Any]) -> dict[str, int]:
    """The counts on the status tabs for the current search, in one query."""
    return _filtered_claims(filters).aggregate(
        **{
            tab or "pending": Count("id", filter=condition) if condition else Count("id")
            for tab, condition in CLAIM_TABS.items()
        }
    )


def claim_for(*, pk: int) -> EnterpriseClaim:
    return get_object_or_404(
        EnterpriseClaim.objects.select_related(
            "user",
            "organisation",
            "region__parent",
            "industry",
            "business_licence",
            "authorisation",
            "reviewed_by",
        ),
        pk=pk,
    )


def orders_on_file(claim: EnterpriseClaim) -> int:
    """How many orders the platform holds under the claim's credit code (what an approval would link)."""
    return Order.objects.filter(applicant_credit_code=claim.credit_code).count()
