"""What a regulator sees: every insurer's orders and policies in its jurisdiction (docs/spec/DOMAIN.md §6: a county
account sees its county only): 订单查询, 保单查询 and 应保尽保. Its 统计分析 is ``statistics.py``.

All reads start from the signed-in regulator's scopes — ``orders.scopes.orders_visible_to``,
``policies.scopes.policies_visible_to`` and ``orders.scopes.jurisdiction`` — where the region is applied, and
the rule for orders of no region written, once; ``orders_for``, ``policies_for`` and ``regions_in_scope`` are
the regulator screens' names for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.lookups import IsNull
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region
from anze.core.codes import exact_or_prefix  # 统一社会信用代码: exact, or a range of its index
from anze.core.pagination import Page, bounded_paginate, page_params, peeked_page
from anze.core.sides import Side
from anze.orders import search
from anze.orders.counts import gram_total
from anze.orders.models import Order
from anze.orders.scopes import jurisdiction, orders_visible_to, regions_in_jurisdiction
from anze.policies.models import CURRENT_FIRST, Policy, PolicyStatus, cover_end
from anze.policies.scopes import policies_visible_to

from . import rollup
from .models import RegisteredEnterprise
from .register import register_for

# 实施办法: remind before expiry (30 and 7 days); the regulator watches the 30-day window.
EXPIRING_DAYS = rollup.EXPIRING_DAYS


def regions_in_scope(user: User) -> QuerySet[Region]:
    """The regions of the regulator's jurisdiction (``orders.scopes.regions_in_jurisdiction``)."""
    return regions_in_jurisdiction(user)


def orders_for(*, user: User) -> QuerySet[Order]:
    """订单查询: the regulator's orders (``orders.scopes.orders_visible_to``)."""
    return orders_visible_to(user)


def policies_for(*, user: User) -> QuerySet[Policy]:
    """保单查询 and the statistics: the regulator's policies (``policies.scopes.policies_visible_to``)."""
    return policies_visible_to(user)


def enterprises_for(*, user: User) -> QuerySet[Organisation]:
    """The enterprises of the regulator's jurisdiction (``enterprise_scope``)."""
    return Organisation.objects.filter(enterprise_scope(user))


def enterprise_scope(user: User) -> Q:
    """An organisation in the regulator's jurisdiction and an enterprise (``orders.scopes.jurisdiction``, the
    same rule as its orders: one of no region is seen above the county)."""
    return Q(kind=Side.ENTERPRISE) & jurisdiction(user, "region")


# --- policy standing ---------------------------------------------------------------------------------------------
class Standing:
    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_STARTED = "not_started"
    REVERSED = "reversed"  # 冲正: voided, whatever its period (issue 14)

    LABELS = {
        IN_FORCE: "保障中",
        EXPIRING: "即将到期",
        EXPIRED: "已到期",
        NOT_STARTED: "未起保",
        REVERSED: "已冲正",
    }
    TONES = {
        IN_FORCE: "success",
        EXPIRING: "warning",
        EXPIRED: "info",
        NOT_STARTED: "primary",
        REVERSED: "danger",
    }


def standing_of(policy: Policy, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if policy.status == PolicyStatus.REVERSED:
        return Standing.REVERSED
    if policy.period_start > today:
        return Standing.NOT_STARTED
    if policy.period_end < today:
        return Standing.EXPIRED
    if policy.period_end <= today + timedelta(days=EXPIRING_DAYS):
        return Standing.EXPIRING
    return Standing.IN_FORCE


def filter_standing(qs: QuerySet[Policy], standing: str, today: date | None = None) -> QuerySet[Policy]:
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRING_DAYS)
    if standing == Standing.REVERSED:
        return qs.filter(status=PolicyStatus.REVERSED)
    if standing in (Standing.IN_FORCE, Standing.EXPIRING, Standing.EXPIRED, Standing.NOT_STARTED):
        qs = qs.exclude(status=PolicyStatus.REVERSED)
    if standing == Standing.IN_FORCE:
        return qs.filter(period_start__lte=today, period_end__gt=soon)
    if standing == Standing.EXPIRING:
        return qs.filter(period_start__lte=today, period_end__gte=today, period_end__lte=soon)
    if standing == Standing.EXPIRED:
        return qs.filter(period_end__lt=today)
    if standing == Standing.NOT_STARTED:
        return qs.filter(period_start__gt=today)
    return qs


# --- 应保尽保: compulsory enterprises and their cover ----------------------------------------------------------------
class Cover:
    COVERED = "covered"
    EXPIRING = "expiring"
    LAPSED = "lapsed"
    NEVER = "never"

    LABELS = {COVERED: "已投保", EXPIRING: "即将到期", LAPSED: "已脱保", NEVER: "未投保"}
    TONES = {COVERED: "success", EXPIRING: "warning", LAPSED: "danger", NEVER: "danger"}


def compulsory_enterprises(*, user: User, today: date | None = None) -> QuerySet[Organisation]:
    """Enterprises of the 应保尽保 sectors in scope, annotated with ``cover_until`` (the latest last day of cover
    of any of their policies, a renewal that starts later included; a surrendered policy covers until the day
    before its 退保) and ``covered_now``."""
    today = today or timezone.localdate()
    # A reversed (冲正) policy never covered anyone: the one issued again in its place does. A surrendered one
    # covered up to the day before its 退保 (``cover_end``).
    current = Policy.objects.live().filter(
        Q(surrendered_on__isnull=True) | Q(surrendered_on__gt=today),
        enterprise=OuterRef("pk"),
        period_start__lte=today,
        period_end__gte=today,
    )
    live = ~Q(enterprise_policies__status=PolicyStatus.REVERSED)
    return (
        enterprises_for(user=user)
        .filter(industry__is_compulsory=True)
        .annotate(
            cover_until=Max(cover_end("enterprise_policies__"), filter=live), covered_now=Exists(current)
        )
        .select_related("industry", "region")
    )


@dataclass(frozen=True)
class CoverCounts:
    """应保尽保 on 统计分析: the compulsory-sector enterprises, those covered today, those lapsed; and 参保企业数
    when asked for (``cover_counts``'s ``insured``)."""

    total: int
    covered: int
    lapsed: int
    insured: int | None = None


def cover_counts(
    *,
    user: User,
    region: Region | None = None,
    industry: Industry | None = None,
    today: date | None = None,
    insured: Subquery | None = None,
) -> CoverCounts:
    """``compulsory_enterprises`` (of one 区县 and 行业 when given) counted — all, ``covered_now``, and
    ``Cover.LAPSED`` — as probes of each enterprise's policies (``EXISTS``, its index) instead of grouping every
    policy of theirs for ``cover_until``: one query, whatever the enterprises hold (an enterprise of 10,000
    policies made the grouped count read them all). Lapsed is "had a live policy, none covering today or
    later": ``cover_until`` (the latest ``cover_end``) before today, in the terms of ``cover_end``. With
    ``insured`` (an organisation's first policy in force of 统计分析's filters, ``statistics._first_in_force``),
    参保企业数 too, in the same statement: every organisation read once, each count a filter of it (a round trip
    less on PostgreSQL)."""
    today = today or timezone.localdate()
    live = Policy.objects.live().filter(enterprise=OuterRef("pk"))
    covering_or_later = Q(surrendered_on__isnull=True, period_end__gte=today) | Q(surrendered_on__gt=today)
    covered_today = Q(surrendered_on__isnull=True) | Q(surrendered_on__gt=today)
    # (the compulsory sectors as a subquery, not a join: an organisation of no industry counts as insured)
    compulsory = enterprise_scope(user) & Q(
        industry__in=Industry.objects.filter(is_compulsory=True).values("pk")
    )
    if region is not None:
        compulsory &= Q(region=region)
    if industry is not None:
        compulsory &= Q(industry=industry)
    counted: dict[str, Any] = {
        "total": Count("pk", filter=compulsory),
        "covered": Count(
            "pk",
            filter=compulsory
            & Exists(live.filter(covered_today, period_start__lte=today, period_end__gte=today)),
        ),
        "lapsed": Count("pk", filter=compulsory & Exists(live) & ~Exists(live.filter(covering_or_later))),
    }
    qs = Organisation.objects.all()
    if insured is None:
        qs = qs.filter(compulsory)
    else:
        counted["insured"] = Count("pk", filter=IsNull(insured, False))
    counts = qs.aggregate(**counted)
    return CoverCounts(
        total=counts["total"],
        covered=counts["covered"],
        lapsed=counts["lapsed"],
        insured=counts.get("insured"),
    )


def cover_on(cover_until: date | None, today: date | None = None) -> str:
    """The 投保状态 of an enterprise covered until ``cover_until`` (None: never)."""
    today = today or timezone.localdate()
    if cover_until is None:
        return Cover.NEVER
    if cover_until < today:
        return Cover.LAPSED
    if cover_until <= today + timedelta(days=EXPIRING_DAYS):
        return Cover.EXPIRING
    return Cover.COVERED


def filter_cover(qs: QuerySet[Organisation], cover: str, today: date | None = None) -> QuerySet[Organisation]:
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRING_DAYS)
    if cover == Cover.NEVER:
        return qs.filter(cover_until__isnull=True)
    if cover == Cover.LAPSED:
        return qs.filter(cover_until__lt=today)
    if cover == Cover.EXPIRING:
        return qs.filter(cover_until__gte=today, cover_until__lte=soon)
    if cover == Cover.COVERED:
        return qs.filter(cover_until__gt=soon)
    return qs


# --- the lists: the scope searched ---------------------------------------------------------------------------------
def is_number(term: str) -> bool:
    """A 申请编号 or 保单编号 (no Chinese, no space), not a name: searched exactly on its own index."""
    return term.isascii() and " " not in term


# A name in at most this many orders is searched by their keys, read first (see ``named``).
NAMED_AT_ONCE = 2_000


def named(term: str) -> list[int] | None:
    """The keys of the orders whose 投保人 or 项目名称 holds ``term`` (``search.name_matches`` over every
    insurer's orders: the trigram index of their names, or for 1–2 characters the grams index under no
    insurer's token), when they are at most ``NAMED_AT_ONCE``; else None: the name is common. A name in few
    orders — most names searched — is listed by those keys, its rows read by key and sorted, where
    PostgreSQL would walk the region's time index testing each row's names (316 ms for a name in 399 of a
    million orders, 31 ms this way). A 1–2 character name is known to be common from the kept counts of its
    gram (``orders.counts.gram_total``) without reading its first keys: on PostgreSQL that read built the
    bitmap of all its matches (25,000 for "安海" at a million orders) and fetched 2,001 of their rows."""
    if search.is_gram(term) and gram_total(term) > NAMED_AT_ONCE:
        return None
    matches = search.name_matches(Order.objects.order_by(), term, every_insurer=True)
    keys = list(matches.values_list("pk", flat=True)[: NAMED_AT_ONCE + 1])
    return keys if len(keys) <= NAMED_AT_ONCE else None


@dataclass(frozen=True)
class NameSearch:
    """关键字 as a 投保人/项目名称: its matches' ``keys`` (``named``), None when the name is common."""

    term: str
    keys: list[int] | None

    @classmethod
    def of(cls, filters: dict[str, Any]) -> NameSearch | None:
        q = (filters.get("q") or "").strip()
        return cls(q, named(q)) if q and not is_number(q) else None

    def applied(self, qs: QuerySet[Any], through: str = "") -> QuerySet[Any]:
        """``qs`` (orders, or with ``through`` = "order__" policies) narrowed to the name's matches: by their
        keys when few, else read from the name's index (``search.name_matches``)."""
        if self.keys is not None:
            return qs.filter(**{f"{through}pk__in": self.keys})
        if not through:
            return search.name_matches(qs, self.term, every_insurer=True)
        matches = search.name_matches(Order.objects.all(), self.term, every_insurer=True)
        return qs.filter(order__in=matches.values("pk"))


def search_orders(*, user: User, filters: dict[str, Any], name: NameSearch | None = None) -> QuerySet[Order]:
    """订单查询: the orders in the regulator's scope, searched (关键字: 申请编号 or 投保人/项目名称, 信用代码, 保险公司,
    状态, 区县), newest first — along an index of the region's orders by time (``Order.Meta.indexes``).
    ``name``: ``NameSearch.of(filters)`` when already read."""
    qs = orders_for(user=user)
    q = (filters.get("q") or "").strip()
    if q and is_number(q):
        qs = qs.filter(application_no=q)
    elif q:
        qs = (name or NameSearch(q, named(q))).applied(qs)
    credit_code = (filters.get("credit_code") or "").strip().upper()
    if credit_code:
        qs = exact_or_prefix(qs, "applicant_credit_code", credit_code, 18)
    if filters.get("insurer"):
        qs = qs.filter(insurer=filters["insurer"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("region"):
        qs = qs.filter(region=filters["region"])
    return qs.select_related("insurer", "region").order_by("-submitted_at", "-id")


def list_page(
    request: HttpRequest,
    searched: Callable[..., QuerySet[Any]],
    *,
    user: User,
    filters: dict[str, Any],
    through: str = "",
) -> Page:
    """A page of 订单查询 or 保单查询 (``searched``: ``search_orders``, or ``search_policies`` with ``through`` =
    "order__"), never counting a region's million orders in full: at most ``LIST_COUNT_LIMIT`` matches
    (``core.pagination.bounded_page``), or under a common name (``named``), tested on each row read along the
    list's index up to the row after the page, not counted (``core.pagination.peeked_page``) — its first page
    is found in a few hundred, where the name's index gives all its matches to sort (25,000 for a town's name
    at a million orders); counting its matches among the list's first 2,000 rows, as it was, read each of
    their orders (20–30 ms at a million orders on PostgreSQL, docs/BENCH.md). Either way 共 N+ 条 beyond."""
    name = NameSearch.of(filters)
    if name is None or name.keys is not None:
        return bounded_paginate(request, searched(user=user, filters=filters, name=name))
    every = searched(user=user, filters={**filters, "q": ""})  # (the 关键字 is the name: tested on each row)
    number, size = page_params(request)
    return peeked_page(every.filter(search.names_hold(name.term, through)), number, size)


def order_for(*, user: User, application_no: str) -> Order:
    """One order of the regulator's scope (any other is a 404)."""
    return get_object_or_404(
        orders_for(user=user).select_related("insurer", "region", "industry"), application_no=application_no
    )


def policy_of(order: Order) -> Policy | None:
    """The policy an order of the regulator's scope shows: its live one, else the latest reversed one (None
    before 出函)."""
    return (
        Policy.objects.select_related("order", "insurer", "enterprise", "service_org")
        .filter(order=order)
        .order_by(*CURRENT_FIRST)
        .first()
    )


def search_policies(
    *, user: User, filters: dict[str, Any], name: NameSearch | None = None
) -> QuerySet[Policy]:
    """保单查询: the policies in the regulator's scope, searched, the latest 出函 first (``name``: as
    ``search_orders``'s)."""
    qs = policies_for(user=user)
    q = (filters.get("q") or "").strip()
    if q and is_number(q):  # a 保单编号 exactly
        qs = qs.filter(policy_no=q)
    elif q:  # a 投保人 through its order's name index
        qs = (name or NameSearch(q, named(q))).applied(qs, "order__")
    credit_code = (filters.get("credit_code") or "").strip().upper()
    if credit_code:
        qs = exact_or_prefix(qs, "order__applicant_credit_code", credit_code, 18)
    if filters.get("insurer"):
        qs = qs.filter(insurer=filters["insurer"])
    if filters.get("region"):
        qs = qs.filter(region=filters["region"])
    if filters.get("industry"):
        qs = qs.filter(order__industry=filters["industry"])
    if filters.get("standing"):
        qs = filter_standing(qs, filters["standing"])
    if filters.get("service"):
        qs = qs.filter(service_status=filters["service"])
    return qs.select_related("insurer", "order", "order__region", "service_org").order_by("-issued_at", "-id")


def registered_cover(*, user: User) -> QuerySet[RegisteredEnterprise]:
    """The regulator's 高危行业企业名录 (``regulator.register``), annotated like ``compulsory_enterprises``:
    ``cover_until`` from the policies of the orders of its 统一社会信用代码 — by code, since an enterprise that
    never signed up on the platform has orders (线下订单) but no account — and ``on_platform``. A reversed (冲正)
    policy never covered anyone, a surrendered one up to the day before its 退保, as in
    ``compulsory_enterprises``."""
    policies = (
        Policy.objects.live()
        .filter(order__applicant_credit_code=OuterRef("credit_code"))
        .annotate(last_day=cover_end())
    )
    return register_for(user=user).annotate(
        cover_until=Subquery(policies.order_by("-last_day").values("last_day")[:1]),
        on_platform=Exists(
            Organisation.objects.filter(kind=Side.ENTERPRISE, credit_code=OuterRef("credit_code"))
        ),
    )


# The columns of an 应保尽保 row, from an enterprise of the platform or an entry of the register.
COVER_COLUMNS = ("name", "credit_code", "contact_name", "contact_phone", "industry_name", "region_name")


def search_cover(*, user: User, filters: dict[str, Any]) -> QuerySet[Any]:
    """应保尽保: the compulsory-sector enterprises in scope — those of the platform and those of the regulator's
    register, one row per 统一社会信用代码 (the register's when both) — searched, the least covered first.
    Rows are dicts of ``COVER_COLUMNS``, ``cover_until``, ``on_platform`` and ``registered``; two queries a page
    (count and rows) whatever its size."""
    register = registered_cover(user=user)
    platform = compulsory_enterprises(user=user).exclude(credit_code__in=register.values("credit_code"))
    parts = []
    for qs, registered in ((platform, False), (register, True)):
        if filters.get("q"):
            qs = qs.filter(name__contains=filters["q"].strip())
        if filters.get("region"):
            qs = qs.filter(region=filters["region"])
        if filters.get("cover"):
            qs = filter_cover(qs, filters["cover"])
        parts.append(
            qs.order_by().values(
                "name",
                "credit_code",
                "contact_name",
                "contact_phone",
                industry_name=F("industry__name"),
                region_name=F("region__name"),
                until=F("cover_until"),
                platform=Value(True) if not registered else F("on_platform"),
                registered=Value(registered),
            )
        )
    return parts[0].union(parts[1], all=True).order_by(F("until").asc(nulls_first=True), "credit_code")
