"""统计分析: what a regulator's statistics count and show — the filters (``StatsFilters``: 出函 date range, insurer,
区县, 行业), the policies counted (``stats_policies``: the regulator's, a reversed one left out), the figures on
top (``summary``), and the tables and charts per insurer, 区县, 行业, month and service state.

The policies, their premium and fee come from the kept cells (``figures``: the regulator's scope,
``statistics_scope``, read by ``cells.figures`` in one statement); the figures the cells do not hold — 参保企业数, 应保尽保 — are counted from the
policies and enterprises (``_first_in_force``, ``selectors.cover_counts``). The 事故预防服务费 section is
``fees.py``, the 导出 ``statistics_sheets.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThan
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.audit.selectors import day_start
from anze.basedata.models import Industry, Region, RegionLevel
from anze.core.sides import Side
from anze.orders.scopes import Unindexed, jurisdiction, regions_in_jurisdiction
from anze.policies.models import Policy, PolicyStatus, ServiceStatus

from . import cells, rollup
from .selectors import Standing, cover_counts, filter_standing, policies_for


@dataclass(frozen=True)
class StatsFilters:
    """统计分析's filters (all optional): 出函 date range, insurer, 区县, 行业. Policies follow all four (the
    range on their 出函 date); the 应保尽保 figures follow 区县 and 行业 (an enterprise has no insurer or date)."""

    start: date | None = None
    end: date | None = None
    insurer: Organisation | None = None
    region: Region | None = None
    industry: Industry | None = None

    @property
    def has_range(self) -> bool:
        return self.start is not None or self.end is not None


NO_FILTERS = StatsFilters()


def stats_policies(
    *, user: User, filters: StatsFilters = NO_FILTERS, unindexed: bool = False
) -> QuerySet[Policy]:
    """The policies the statistics count: a reversed (冲正) one is left out — its order's premium is counted
    once, with the policy issued again in its place. ``unindexed``: the jurisdiction and the filters offered
    to no index (``Unindexed``, SQLite's planner), for a probe of each enterprise's policies by the
    enterprise's own index (``_first_in_force``): SQLite otherwise walked an insurer's or a 区县's
    policies once per enterprise."""
    column = (lambda path: Unindexed(F(path))) if unindexed else F
    visible = Q(jurisdiction(user, "region", unindexed=True)) if unindexed else Q()
    qs = policies_for(user=user).filter(visible) if not unindexed else Policy.objects.filter(visible)
    qs = qs.exclude(status=PolicyStatus.REVERSED)
    if filters.start:
        qs = qs.filter(GreaterThanOrEqual(column("issued_at"), day_start(filters.start)))
    if filters.end:
        qs = qs.filter(LessThan(column("issued_at"), day_start(filters.end + timedelta(days=1))))
    if filters.insurer:
        qs = qs.filter(Exact(column("insurer"), filters.insurer.pk))
    if filters.region:
        qs = qs.filter(Exact(column("order__region"), filters.region.pk))
    if filters.industry:
        qs = qs.filter(Exact(column("order__industry"), filters.industry.pk))
    return qs


@dataclass
class Summary:
    policies_in_force: int
    premium_this_year: Decimal
    insured_enterprises: int
    compulsory_total: int
    compulsory_covered: int
    expiring: int
    lapsed: int
    orders_in_progress: int
    services_in_progress: int

    @property
    def coverage_rate(self) -> str:
        if not self.compulsory_total:
            return "—"
        return f"{self.compulsory_covered * 100 / self.compulsory_total:.1f}%"


def summary(
    *,
    user: User,
    filters: StatsFilters = NO_FILTERS,
    today: date | None = None,
    kept: cells.Figures | None = None,
) -> Summary:
    """The figures on top of 统计分析. ``premium_this_year`` is the 出函 premium of this year, or of the chosen
    range when there is one."""
    today = today or timezone.localdate()
    policies = stats_policies(user=user, filters=filters)
    in_force = policies.filter(period_start__lte=today, period_end__gte=today)
    cover = cover_counts(
        user=user,
        region=filters.region,
        industry=filters.industry,
        today=today,
        insured=_first_in_force(user=user, filters=filters, today=today),
    )
    kept = kept or figures(user=user, filters=filters, today=today)
    if filters.has_range:
        premium = kept.total.premium
    else:  # this year's months
        premium = sum(sums.premium for month, sums in kept.by_month.items() if month[:4] == str(today.year))
    return Summary(
        # From the cells when they are counted as of today (else just after midnight, until ``fold`` has
        # counted them again: from the policies).
        policies_in_force=in_force.count() if kept.in_force is None else kept.in_force,
        premium_this_year=cells.yuan(premium),
        insured_enterprises=cover.insured or 0,
        compulsory_total=cover.total,
        compulsory_covered=cover.covered,
        expiring=(
            filter_standing(policies, Standing.EXPIRING, today).count()
            if kept.expiring is None
            else kept.expiring
        ),
        lapsed=cover.lapsed,
        orders_in_progress=kept.orders_in_progress,
        services_in_progress=kept.by_service.get(ServiceStatus.IN_SERVICE, cells.Sums()).policies,
    )


def _first_in_force(*, user: User, filters: StatsFilters, today: date) -> Subquery:
    """An organisation's first policy of ``stats_policies`` in force ``today`` (``OuterRef("pk")``), None when
    it has none: 参保企业数 counts the organisations that have one (``selectors.cover_counts``), from the
    enterprises' side — each one's policies in force probed along the index ``(enterprise, period_end)`` —
    instead of a DISTINCT over every policy in force: the enterprises are far fewer than their policies (at a
    million orders the DISTINCT read ~55,000 policies and their orders)."""
    in_force = stats_policies(user=user, filters=filters, unindexed=True).filter(
        enterprise=OuterRef("pk"), period_start__lte=today, period_end__gte=today
    )
    # A subquery with a limit, not EXISTS: PostgreSQL turned the EXISTS into a semi-join read from the policies'
    # side (every policy in force, 0.5–0.8 s at a million orders); a limited subquery is probed per enterprise.
    return Subquery(in_force.order_by().values("pk")[:1])


def statistics_scope(
    *, user: User, filters: StatsFilters = NO_FILTERS, today: date | None = None
) -> cells.Scope | None:
    """What ``stats_policies`` selects, for the kept cells (``cells``): the regulator's jurisdiction (its
    county; or its regions and the policies of no region, ``orders.scopes.jurisdiction``) and the filters.
    None for a user of no jurisdiction."""
    region = user.organisation.region if user.side == Side.REGULATOR and user.organisation else None
    if region is None:
        return None
    params: tuple[Any, ...]
    if region.level == RegionLevel.COUNTY:
        sql, params, no_region = "%s", (region.pk,), False
    else:
        sql, params = regions_in_jurisdiction(user).values("pk").query.sql_with_params()
        no_region = True
    if filters.region is not None:  # the chosen 区县, if it is in the jurisdiction
        sql = f"SELECT chosen.id FROM basedata_region AS chosen WHERE chosen.id = %s AND chosen.id IN ({sql})"
        params, no_region = (filters.region.pk, *params), False
    return cells.Scope(
        regions_sql=sql,
        regions_params=tuple(params),
        no_region=no_region,
        insurer=filters.insurer.pk if filters.insurer else rollup.ALL,
        industry=filters.industry.pk if filters.industry else rollup.ALL,
        start=filters.start,
        end=filters.end,
        today=today,
    )


def figures(*, user: User, filters: StatsFilters = NO_FILTERS, today: date | None = None) -> cells.Figures:
    """The policies of ``stats_policies``, their premium and fee, per insurer, 区县, 行业, month and service
    state, and those in force ``today``: read from the kept cells (``cells``), one statement."""
    scope = statistics_scope(user=user, filters=filters, today=today)
    return cells.Figures() if scope is None else cells.figures(scope)


def group_names(kind: str, keys: Iterable[int]) -> dict[int, str | None]:
    """The names of the groups of ``cells.Figures`` (``insurer``, ``region``, ``industry``): an insurer's short
    name or name, None for no region or no industry."""
    ids = [key for key in keys if key > 0]
    if kind == "insurer":
        return {o.pk: o.short_name or o.name for o in Organisation.objects.filter(pk__in=ids)}
    model = Region if kind == "region" else Industry
    names: dict[int, str | None] = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {**names, rollup.NO_REGION: None, rollup.NO_INDUSTRY: None}


def grouped(kind: str, kept: cells.Figures) -> list[tuple[int, str | None, cells.Sums]]:
    """The groups of ``kept`` by ``kind`` that hold a policy, named — the names read once per ``kept``, which a
    page's chart and its fee table share."""
    groups: dict[int, cells.Sums] = getattr(kept, f"by_{kind}")
    counted = {key: sums for key, sums in groups.items() if sums.policies}
    names = kept.names.setdefault(kind, {})  # (given by the page's form: ``StatsFilterForm.names``)
    missing = [key for key in counted if key not in names]
    if missing:
        names.update(group_names(kind, missing))
    return [(key, names.get(key), sums) for key, sums in counted.items()]


def by_insurer(
    *, user: User, filters: StatsFilters = NO_FILTERS, kept: cells.Figures | None = None
) -> list[dict[str, Any]]:
    rows = grouped("insurer", kept or figures(user=user, filters=filters))
    return sorted(
        (
            {"name": name, "policies": sums.policies, "premium": float(sums.premium_yuan)}
            for _, name, sums in rows
        ),
        key=lambda row: (-row["premium"], row["name"] or ""),
    )


def by_county(
    *, user: User, filters: StatsFilters = NO_FILTERS, kept: cells.Figures | None = None
) -> list[dict[str, Any]]:
    rows = grouped("region", kept or figures(user=user, filters=filters))
    return [
        {"name": name or "未填写", "policies": sums.policies, "premium": float(sums.premium_yuan)}
        for _, name, sums in sorted(rows, key=lambda row: (row[1] is None, row[1] or ""))
    ]


def by_industry(
    *, user: User, filters: StatsFilters = NO_FILTERS, kept: cells.Figures | None = None
) -> list[dict[str, Any]]:
    kept = kept or figures(user=user, filters=filters)
    rows = grouped("industry", kept)
    if "compulsory" not in kept.names:  # (else given by the page's form, ``StatsFilterForm.names``)
        kept.names["compulsory"] = dict(Industry.objects.filter(is_compulsory=True).values_list("pk", "name"))
    compulsory = kept.names["compulsory"]
    return [
        {"name": name or "未填写", "policies": sums.policies, "compulsory": key in compulsory}
        for key, name, sums in sorted(rows, key=lambda row: (-row[2].policies, row[1] or ""))
    ]


MAX_MONTHS = 60  # a longer range is drawn from its last 60 months


def month_window(filters: StatsFilters, months: int = 12, today: date | None = None) -> tuple[date, date]:
    """The first day of the first month and the last day shown by a chart by month: the last ``months``
    months, or the months of the chosen range (at most its last ``MAX_MONTHS``)."""
    last = filters.end or today or timezone.localdate()
    first = months_before(last, months - 1)
    if filters.start:
        first = max(filters.start.replace(day=1), months_before(last, MAX_MONTHS - 1))
    return first, last


def months_before(day: date, n: int) -> date:
    """The first day of the month ``n`` months before ``day``'s (``n`` = 11: the first of 12 months ending
    with ``day``'s). Counted in months: 31-day steps from 2 December would land in the December before."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def month_key(value: date | datetime) -> str:
    """``2026-03`` of a TruncMonth value (aware on PostgreSQL: read in Beijing time)."""
    return (
        timezone.localtime(value).strftime("%Y-%m")
        if isinstance(value, datetime)
        else value.strftime("%Y-%m")
    )


def months_between(first: date, last: date) -> list[str]:
    keys = []
    cursor = first
    while cursor <= last:
        keys.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return keys


def by_month(
    *,
    user: User,
    filters: StatsFilters = NO_FILTERS,
    months: int = 12,
    today: date | None = None,
    kept: cells.Figures | None = None,
) -> list[dict[str, Any]]:
    """Policies and premium by 出函 month: the last ``months`` months, or the months of the chosen range."""
    first, last = month_window(filters, months, today)
    found = (kept or figures(user=user, filters=filters)).by_month
    empty = cells.Sums()
    return [
        {
            "month": key,
            "policies": found.get(key, empty).policies,
            "premium": float(found.get(key, empty).premium_yuan),
        }
        for key in months_between(first, last)
    ]


def by_service_status(
    *, user: User, filters: StatsFilters = NO_FILTERS, kept: cells.Figures | None = None
) -> list[dict[str, Any]]:
    counts = (kept or figures(user=user, filters=filters)).by_service
    empty = cells.Sums()
    return [
        {"name": label, "value": counts.get(value, empty).policies} for value, label in ServiceStatus.choices
    ]
