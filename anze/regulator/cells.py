"""统计分析's kept cells read: the figures of a regulator's scope (``Scope``) — its regions, one insurer or every one,
one 行业 or every one, a date range — summed from the cells of ``StatisticsCell`` and the deltas not folded yet,
in one statement (``figures``). The cells are written by ``rollup.py`` (its triggers, ``fold`` and
``restand``), which says what a cell holds; ``statistics.py`` turns these figures into 统计分析's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.utils import timezone

from .rollup import (
    _ALL_MEASURES,
    _MEASURES,
    _STANDING,
    ALL,
    AS_OF,
    CELLS,
    DELTAS,
    NO_REGION,
    _date,
    _days,
    _standing,
)


def yuan(cents: int) -> Decimal:
    """Cents kept in the cells, as the yuan shown (0 as a bare 0)."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01")) if cents else Decimal("0")


@dataclass
class Sums:
    policies: int = 0
    premium: int = 0  # cents
    prevention_fee: int = 0  # cents

    def add(self, policies: int, premium: int, prevention_fee: int) -> None:
        self.policies += int(policies or 0)
        self.premium += int(premium or 0)
        self.prevention_fee += int(prevention_fee or 0)

    @property
    def premium_yuan(self) -> Decimal:
        return yuan(self.premium)

    @property
    def fee_yuan(self) -> Decimal:
        return yuan(self.prevention_fee)


@dataclass
class Figures:
    """The counted policies of a filter, summed per group: ``by_month`` ("2026-03"), ``by_service`` (the
    state), ``by_insurer``, ``by_region`` (``NO_REGION``: none) and ``by_industry`` (``NO_INDUSTRY``: none)."""

    total: Sums = field(default_factory=Sums)
    by_month: dict[str, Sums] = field(default_factory=dict)
    by_service: dict[str, Sums] = field(default_factory=dict)
    by_insurer: dict[int, Sums] = field(default_factory=dict)
    by_region: dict[int, Sums] = field(default_factory=dict)
    by_industry: dict[int, Sums] = field(default_factory=dict)
    # In force on the scope's ``today``, and expiring by ``EXPIRING_DAYS`` after it; None when the cells are
    # counted as of another day (``restand`` not run yet today): the caller counts them from the policies.
    in_force: int | None = None
    expiring: int | None = None
    # The 有效 policies with a fee started before ``today`` and ending within ``LAGGING_DAYS`` (None likewise):
    # 服务费使用滞后 but for what their ledger spent (``fees.lagging_count``).
    lagging_due: int | None = None
    # The orders 办理中 submitted in the scope's dates (``start``..``end``), whatever the day.
    orders_in_progress: int = 0
    # The groups' names per kind, read once (``statistics.grouped``).
    names: dict[str, dict[int, str | None]] = field(default_factory=dict)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _periods(start: date | None, end: date | None) -> tuple[str, list[Any], str, list[Any]]:
    """The cells of the Beijing dates ``start``..``end`` (inclusive; None: open) as a condition on ``c``, and
    the sign of each cell read (SQL; its parameters): the whole months' month cells, and of a month the range
    holds in part either its days in the range, or — when fewer — its month cell less its days out of the range
    (−1): at most half a month of day cells each end (a month's cell is the sum of its day cells, both kept by
    every fold). A range of 9 October to 20 December reads 8 + 11 days, not 23 + 20."""
    if start is None and end is None:
        return "c.grain = 'm'", [], "1", []
    # The whole months: from ``first_full`` to before ``after_full`` (None: open).
    first_full = None if start is None else start if start.day == 1 else _next_month(start)
    after_full = None
    if end is not None:
        after_full = _next_month(end) if (end + timedelta(days=1)).day == 1 else end.replace(day=1)
    parts: list[str] = []
    params: list[Any] = []
    if first_full is None or after_full is None or first_full < after_full:
        months = ["c.grain = 'm'"]
        if first_full is not None:
            months.append("c.period >= %s")
            params.append(first_full)
        if after_full is not None:
            months.append("c.period < %s")
            params.append(after_full)
        parts.append(f"({' AND '.join(months)})")
    # The months held in part: the start's, the end's (one month when both are in it).
    partial = {day.replace(day=1) for day in (start, end) if day is not None}
    partial -= {
        m
        for m in partial
        if (first_full is None or m >= first_full) and (after_full is None or m < after_full)
    }
    days = "(c.grain = 'd' AND c.period >= %s AND c.period <= %s)"
    less: list[str] = []
    less_params: list[Any] = []
    for month in sorted(partial):
        last = _next_month(month) - timedelta(days=1)
        first_in = month if start is None else max(start, month)
        last_in = last if end is None else min(end, last)
        outside = [
            (a, b)
            for a, b in ((month, first_in - timedelta(days=1)), (last_in + timedelta(days=1), last))
            if a <= b
        ]
        if sum((b - a).days + 1 for a, b in outside) < (last_in - first_in).days + 1:
            parts.append("(c.grain = 'm' AND c.period = %s)")
            params.append(month)
            for a, b in outside:
                parts.append(days)
                params += [a, b]
                less.append("(c.period >= %s AND c.period <= %s)")
                less_params += [a, b]
        else:
            parts.append(days)
            params += [first_in, last_in]
    sign = f"CASE WHEN c.grain = 'd' AND ({' OR '.join(less)}) THEN -1 ELSE 1 END" if less else "1"
    return f"({' OR '.join(parts)})", params, sign, less_params


@dataclass(frozen=True)
class Scope:
    """What ``figures`` counts: the regions' policies (SQL of their ids, and whether those of no region count),
    of one insurer / industry (or every one: ``ALL``), issued on ``start``..``end``."""

    regions_sql: str
    regions_params: tuple[Any, ...]
    no_region: bool
    insurer: int = ALL
    industry: int = ALL
    start: date | None = None
    end: date | None = None
    today: date | None = None  # for ``in_force`` and ``expiring`` (None: the local date)


def _regions(scope: Scope, alias: str) -> tuple[str, list[Any]]:
    sql = f"{alias}.region_id IN ({scope.regions_sql})"
    if scope.no_region:
        sql = f"({sql} OR {alias}.region_id = {NO_REGION})"
    return sql, list(scope.regions_params)


def _part(scope: Scope, insurer: str, industry: str) -> tuple[str, list[Any]]:
    """The kept rows (cells and deltas not folded yet) of ``scope``, each insurer's (``insurer`` "each") or one
    (``scope.insurer``, ``ALL`` included), and likewise per industry: ``(insurer_id, region_id, industry_id,
    month, service_status, policies, premium, prevention_fee)`` to sum."""
    periods, period_params, sign, sign_params = _periods(scope.start, scope.end)
    cell_where, delta_where = [periods], []
    cell_params: list[Any] = list(period_params)
    delta_params: list[Any] = []
    for column, how, value in (
        ("insurer_id", insurer, scope.insurer),
        ("industry_id", industry, scope.industry),
    ):
        if how == "each":
            cell_where.append(f"c.{column} <> {ALL}")
        else:
            cell_where.append(f"c.{column} = %s")
            cell_params.append(value)
            if value != ALL:
                delta_where.append(f"d.{column} = %s")
                delta_params.append(value)
    for where, params, alias in ((cell_where, cell_params, "c"), (delta_where, delta_params, "d")):
        regions, regions_params = _regions(scope, alias)
        where.append(regions)
        params += regions_params
    if scope.start is not None:
        delta_where.append("d.day >= %s")
        delta_params.append(scope.start)
    if scope.end is not None:
        delta_where.append("d.day <= %s")
        delta_params.append(scope.end)
    keys = "insurer_id, region_id, industry_id, month, service_status"
    measured = (
        f"{_MEASURES}, {_STANDING}"
        if sign == "1"
        else ", ".join(f"{sign} * c.{m} AS {m}" for m in _ALL_MEASURES)
    )
    sql = (
        f"SELECT {keys}, {measured} FROM {CELLS} AS c WHERE {' AND '.join(cell_where)} "
        f"UNION ALL SELECT {keys}, {_MEASURES}, {_standing('%s', '%s', '%s')} FROM {DELTAS} AS d "
        f"WHERE {' AND '.join(delta_where)}"
    )
    days = _days(scope.today or timezone.localdate())
    today = days["day"]
    standing = [today, today, today, today, days["soon"], today, today, days["until"]]
    signs = [value for _ in _ALL_MEASURES for value in sign_params]
    return sql, [*signs, *cell_params, *standing, *delta_params]


_SUMMED = ", ".join(f"SUM({m})" for m in _ALL_MEASURES)


def figures(scope: Scope, using: str = "default") -> Figures:
    """The figures of ``scope``, in one statement: its rows per 区县, month and service state, and — when no
    insurer (industry) is chosen — per insurer (industry)."""
    own, own_params = _part(scope, "one", "one")
    statements = [
        f"SELECT 'own', region_id, month, service_status, {_SUMMED} FROM ({own}) AS kept "
        "GROUP BY region_id, month, service_status"
    ]
    params = own_params
    for label, key, insurer, industry, chosen in (
        ("insurer", "insurer_id", "each", "one", scope.insurer),
        ("industry", "industry_id", "one", "each", scope.industry),
    ):
        if chosen == ALL:
            each, each_params = _part(scope, insurer, industry)
            statements.append(
                f"SELECT '{label}', {key}, NULL, NULL, {_SUMMED} FROM ({each}) AS kept GROUP BY {key}"
            )
            params += each_params
    # The day the cells' in-force figures are counted for, in the same statement.
    statements.append(f"SELECT 'as of', NULL, day, NULL, 0, 0, 0, 0, 0, 0, 0 FROM {AS_OF}")
    with connections[using].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), params)
        rows = cursor.fetchall()
    result = Figures()
    today = scope.today or timezone.localdate()
    in_force = expiring = lagging_due = 0
    as_of = None
    for label, key, month, service, *sums in rows:
        if label == "as of":
            as_of = _date(month)
        elif label == "own":
            result.orders_in_progress += int(sums[3] or 0)
            in_force += int(sums[4] or 0)
            expiring += int(sums[5] or 0)
            lagging_due += int(sums[6] or 0)
            sums = sums[:3]
            result.total.add(*sums)
            result.by_region.setdefault(int(key), Sums()).add(*sums)
            month_key = month if isinstance(month, str) else month.isoformat()
            result.by_month.setdefault(month_key[:7], Sums()).add(*sums)
            result.by_service.setdefault(service, Sums()).add(*sums)
        else:
            groups = result.by_insurer if label == "insurer" else result.by_industry
            groups.setdefault(int(key), Sums()).add(*sums[:3])
    if as_of == today:
        result.in_force, result.expiring, result.lagging_due = in_force, expiring, lagging_due
    if scope.insurer != ALL and result.total.policies:
        result.by_insurer[scope.insurer] = result.total
    if scope.industry != ALL and result.total.policies:
        result.by_industry[scope.industry] = result.total
    return result
