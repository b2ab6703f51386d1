"""统计分析's policies, premium and 事故预防服务费 kept per cell (``StatisticsCell``), from triggers — the pattern of
``orders/counts.py``.

Why kept: the page grouped the region's policies (joined to their orders) on every request, by insurer, 区县,
行业, month and 安全服务 state: 1.64 s at a million orders (issue 16, docs/BENCH.md). A cell holds the policies
issued on one Beijing day (grain ``d``) or in one month (``m``) of one insurer, 区县 and 行业 in one service state;
the insurer and the industry also have an "every one" marker (0), so that any filter of the page, and any of its
group-bys, reads a handful of cells: a date range its whole months from the month cells, its partial months
from the day cells. The 区县 has no such marker: a regulator's jurisdiction is a set of regions (a city's
counties and the orders of no region, ``orders.scopes.jurisdiction``), whose cells are summed — a marker over
every region would count the policies of other cities too.

Why deltas: as in ``counts.py``, a trigger inserts, in the writer's transaction, one ``StatisticsDelta`` row per
write of a policy — its own keys (day, month, insurer, region, industry, service state), −1 and its order's
premium and fee for the cell it leaves, +1 for the one it enters — never updating a shared cell. A change of
an order's premium, 事故预防服务费 or 行业 does the same for each of its counted policies. ``fold`` (in
``manage.py fold_counts``, every 2 s, with the order counts) adds the deltas to their day and month cells,
under their own insurer and industry and under the markers, and deletes them; every read adds the deltas not
folded yet, in the same statement. Money is kept in cents (integers): exact sums on both databases.

Two more figures of the page ride on the same cells:

- **办理中订单** (submitted, neither 已出函 nor 已取消): a trigger on the orders writes a delta (``orders`` ±1,
  keyed by the order's submission day, insurer, 区县 and 行业) only when an order enters or leaves 办理中 —
  submission, 出函, 取消 — or is moved between cells, never on a change between two states of 办理中. Counting
  the orders per request read every one of them (40% of the bench's million orders are 办理中: 0.3–1.3 s).
- **服务费使用滞后**: ``lagging_due``, kept as of ``StatisticsAsOf.day`` like ``in_force``, counts the 有效 policies
  with a fee started before that day and ending within ``LAGGING_DAYS``: each is behind plan unless its ledger
  says otherwise, which ``fees.lagging_count`` checks for the policies of the ledger alone.

A reversed (冲正) policy counts nowhere (``selectors.stats_policies``). ``install`` runs from migration
regulator/0002 and after every ``migrate`` and recounts when a trigger was missing, by GROUP BY in SQL;
``paused`` is for bulk loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from anze.orders.counts import create_sqlite_triggers, drop_triggers, fold_deltas, without_triggers
from anze.orders.models import OrderStatus
from anze.policies.models import PolicyStatus

from .models import StatisticsAsOf, StatisticsCell, StatisticsDelta

CELLS = StatisticsCell._meta.db_table
DELTAS = StatisticsDelta._meta.db_table
AS_OF = StatisticsAsOf._meta.db_table
EXPIRING_DAYS = 30  # selectors.EXPIRING_DAYS (which imports this module)
LAGGING_DAYS = 60  # fees.LAGGING_DAYS: 服务费使用滞后 looks at the policies ending within these days
ALL = 0  # the insurer / industry marker of the cells that count every one
NO_REGION = 0
NO_INDUSTRY = -1
REVERSED = PolicyStatus.REVERSED.value
ACTIVE = PolicyStatus.ACTIVE.value
# 办理中: submitted, neither issued nor cancelled (``selectors.summary``'s orders_in_progress).
NOT_IN_PROGRESS = (OrderStatus.DRAFT.value, OrderStatus.ISSUED.value, OrderStatus.CANCELLED.value)
# The policy's columns whose change moves it between cells (or in or out of the counted ones).
COUNTED = (
    "status",
    "issued_at",
    "insurer_id",
    "region_id",
    "service_status",
    "order_id",
    "period_start",
    "period_end",
)
# The order's: its figures and 行业, read by every policy of the order.
ORDER_COUNTED = ("premium", "prevention_fee", "industry_id")
# The order's keys as an order 办理中 (its cell: submission day, insurer, 区县, 行业).
PROGRESS_KEYS = ("submitted_at", "insurer_id", "region_id", "industry_id")
FOLD_LOCK = 0x616E7A66  # PostgreSQL advisory lock of ``fold`` ("anzf": beside the order counts' "anze")
FOLD_CHUNK = 2_000
_KEYS = "day, month, insurer_id, region_id, industry_id, service_status"
_MEASURES = "policies, premium, prevention_fee, orders"
_STANDING = "in_force, expiring, lagging_due"


def _offset() -> str:
    """SQLite's modifier from UTC to the dates of ``TIME_ZONE`` (Beijing: +8 hours all year since 1991)."""
    assert settings.TIME_ZONE == "Asia/Shanghai", "the cells' days are Beijing dates"
    return "+8 hours"


def _day(column: str, sqlite: bool) -> str:
    if sqlite:
        return f"date({column}, '{_offset()}')"
    return f"(({column}) AT TIME ZONE '{settings.TIME_ZONE}')::date"


def _month(column: str, sqlite: bool) -> str:
    if sqlite:
        return f"date({column}, '{_offset()}', 'start of month')"
    return f"date_trunc('month', ({column}) AT TIME ZONE '{settings.TIME_ZONE}')::date"


def _cents(column: str, sqlite: bool) -> str:
    if sqlite:
        return f"CAST(ROUND(COALESCE({column}, 0) * 100) AS INTEGER)"
    return f"ROUND(COALESCE({column}, 0) * 100)::bigint"


def _delta(policy: str, source: str, sign: int, *, order: str = "o", sqlite: bool) -> str:
    """The statement inserting the deltas of the policies ``policy`` (a row alias) of ``source`` (a FROM …
    WHERE …), whose order's figures are those of ``order``: ``sign`` (+1 or −1) times each."""
    active_fee = (
        f"CASE WHEN {policy}.status = '{ACTIVE}' AND {order}.prevention_fee > 0 THEN {sign} ELSE 0 END"
    )
    return (
        f"INSERT INTO {DELTAS} ({_KEYS}, period_start, period_end, policies, premium, prevention_fee, "
        f"active_fee) SELECT "
        f"{_day(f'{policy}.issued_at', sqlite)}, {_month(f'{policy}.issued_at', sqlite)}, {policy}.insurer_id, "
        f"COALESCE({policy}.region_id, {NO_REGION}), COALESCE({order}.industry_id, {NO_INDUSTRY}), "
        f"{policy}.service_status, {policy}.period_start, {policy}.period_end, "
        f"{sign}, {sign} * {_cents(f'{order}.premium', sqlite)}, "
        f"{sign} * {_cents(f'{order}.prevention_fee', sqlite)}, {active_fee} FROM {source}"
    )


def _in_progress(row: str) -> str:
    """Whether the order ``row`` is 办理中 (SQL)."""
    states = ", ".join(f"'{state}'" for state in NOT_IN_PROGRESS)
    return f"({row}.submitted_at IS NOT NULL AND {row}.status NOT IN ({states}))"


def _of_progress(row: str, sign: int, sqlite: bool) -> str:
    """The delta of the order ``row`` entering (+1) or leaving (−1) 办理中: its submission day's cell."""
    return (
        f"INSERT INTO {DELTAS} ({_KEYS}, {_MEASURES}) VALUES ({_day(f'{row}.submitted_at', sqlite)}, "
        f"{_month(f'{row}.submitted_at', sqlite)}, {row}.insurer_id, COALESCE({row}.region_id, {NO_REGION}), "
        f"COALESCE({row}.industry_id, {NO_INDUSTRY}), '', 0, 0, 0, {sign})"
    )


# An update moves an order 办理中 between cells, or in or out of 办理中: a state change between two states of
# 办理中 (most of them) writes no delta.
def _progress_moved(old: str, new: str, differs: str) -> str:
    return " OR ".join(f"{old}.{column} {differs} {new}.{column}" for column in PROGRESS_KEYS)


def _leaves(old: str, new: str, differs: str) -> str:
    return f"{_in_progress(old)} AND (NOT {_in_progress(new)} OR {_progress_moved(old, new, differs)})"


def _enters(old: str, new: str, differs: str) -> str:
    return f"{_in_progress(new)} AND (NOT {_in_progress(old)} OR {_progress_moved(old, new, differs)})"


def _of_policy(row: str, sign: int, sqlite: bool) -> str:
    return _delta(row, f"orders_order AS o WHERE o.id = {row}.order_id", sign, sqlite=sqlite)


def _of_order(row: str, sign: int, sqlite: bool) -> str:
    source = f"policies_policy AS p WHERE p.order_id = {row}.id AND p.status <> '{REVERSED}'"
    return _delta("p", source, sign, order=row, sqlite=sqlite)


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)


# SQLite: one trigger per case (WHEN, no IF); an update that changes no counted column fires none.
_SQLITE_TRIGGERS: dict[str, str] = {
    name: f"CREATE TRIGGER {name} AFTER {event} WHEN {when} BEGIN {statement}; END"
    for name, event, when, statement in (
        (
            "statistics_policy_ai",
            "INSERT ON policies_policy",
            f"new.status <> '{REVERSED}'",
            _of_policy("new", 1, True),
        ),
        (
            "statistics_policy_ad",
            "DELETE ON policies_policy",
            f"old.status <> '{REVERSED}'",
            _of_policy("old", -1, True),
        ),
        (
            "statistics_policy_au_old",
            f"UPDATE OF {', '.join(COUNTED)} ON policies_policy",
            f"({_changed(COUNTED)}) AND old.status <> '{REVERSED}'",
            _of_policy("old", -1, True),
        ),
        (
            "statistics_policy_au_new",
            f"UPDATE OF {', '.join(COUNTED)} ON policies_policy",
            f"({_changed(COUNTED)}) AND new.status <> '{REVERSED}'",
            _of_policy("new", 1, True),
        ),
        (
            "statistics_order_au_old",
            f"UPDATE OF {', '.join(ORDER_COUNTED)} ON orders_order",
            _changed(ORDER_COUNTED),
            _of_order("old", -1, True),
        ),
        (
            "statistics_order_au_new",
            f"UPDATE OF {', '.join(ORDER_COUNTED)} ON orders_order",
            _changed(ORDER_COUNTED),
            _of_order("new", 1, True),
        ),
        (
            "statistics_progress_ai",
            "INSERT ON orders_order",
            _in_progress("new"),
            _of_progress("new", 1, True),
        ),
        (
            "statistics_progress_ad",
            "DELETE ON orders_order",
            _in_progress("old"),
            _of_progress("old", -1, True),
        ),
        (
            "statistics_progress_au_old",
            f"UPDATE OF status, {', '.join(PROGRESS_KEYS)} ON orders_order",
            _leaves("old", "new", "IS NOT"),
            _of_progress("old", -1, True),
        ),
        (
            "statistics_progress_au_new",
            f"UPDATE OF status, {', '.join(PROGRESS_KEYS)} ON orders_order",
            _enters("old", "new", "IS NOT"),
            _of_progress("new", 1, True),
        ),
    )
}


def _row(prefix: str, columns: tuple[str, ...]) -> str:
    return f"ROW({', '.join(f'{prefix}.{column}' for column in columns)})"


_PG_POLICY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION statistics_policy_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {_row("OLD", COUNTED)} IS NOT DISTINCT FROM {_row("NEW", COUNTED)} THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> '{REVERSED}' THEN
        {_of_policy("OLD", -1, False)};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> '{REVERSED}' THEN
        {_of_policy("NEW", 1, False)};
    END IF;
    RETURN NULL;
END
$$"""
_PG_ORDER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION statistics_order_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_row("OLD", ORDER_COUNTED)} IS NOT DISTINCT FROM {_row("NEW", ORDER_COUNTED)} THEN
        RETURN NULL;
    END IF;
    {_of_order("OLD", -1, False)};
    {_of_order("NEW", 1, False)};
    RETURN NULL;
END
$$"""
_PG_PROGRESS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION statistics_progress_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF {_in_progress("OLD")} THEN
            {_of_progress("OLD", -1, False)};
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF {_in_progress("NEW")} THEN
            {_of_progress("NEW", 1, False)};
        END IF;
        RETURN NULL;
    END IF;
    IF {_leaves("OLD", "NEW", "IS DISTINCT FROM")} THEN
        {_of_progress("OLD", -1, False)};
    END IF;
    IF {_enters("OLD", "NEW", "IS DISTINCT FROM")} THEN
        {_of_progress("NEW", 1, False)};
    END IF;
    RETURN NULL;
END
$$"""
_PG_TRIGGERS = {
    "statistics_policy_sync": (
        f"CREATE TRIGGER statistics_policy_sync AFTER INSERT OR DELETE OR UPDATE OF {', '.join(COUNTED)} "
        "ON policies_policy FOR EACH ROW EXECUTE FUNCTION statistics_policy_sync()"
    ),
    "statistics_order_sync": (
        f"CREATE TRIGGER statistics_order_sync AFTER UPDATE OF {', '.join(ORDER_COUNTED)} "
        "ON orders_order FOR EACH ROW EXECUTE FUNCTION statistics_order_sync()"
    ),
    "statistics_progress_sync": (
        f"CREATE TRIGGER statistics_progress_sync AFTER INSERT OR DELETE OR UPDATE OF status, "
        f"{', '.join(PROGRESS_KEYS)} ON orders_order FOR EACH ROW EXECUTE FUNCTION statistics_progress_sync()"
    ),
}
_PG_TABLES = {
    "statistics_policy_sync": "policies_policy",
    "statistics_order_sync": "orders_order",
    "statistics_progress_sync": "orders_order",
}

# Each delta goes to 8 cells: day and month, under its own insurer or every one (0), its own industry or every
# one (0).
_SPREAD = " UNION ALL ".join(
    f"SELECT '{grain}' AS grain, {every_insurer} AS every_insurer, {every_industry} AS every_industry"
    for grain in ("d", "m")
    for every_insurer in (0, 1)
    for every_industry in (0, 1)
)
_CELL_KEYS = "grain, period, month, insurer_id, region_id, industry_id, service_status"


def _standing(day: str, soon: str, until: str) -> str:
    """The in-force, expiring and lagging-due columns of the deltas ``d`` on ``day`` (SQL), expiring by
    ``soon``, lagging-due ending before ``until``."""
    in_force = f"d.period_start <= {day} AND d.period_end >= {day}"
    return (
        f"CASE WHEN {in_force} THEN d.policies ELSE 0 END AS in_force, "
        f"CASE WHEN {in_force} AND d.period_end <= {soon} THEN d.policies ELSE 0 END AS expiring, "
        f"CASE WHEN d.period_start < {day} AND d.period_end >= {day} AND d.period_end < {until} "
        "THEN d.active_fee ELSE 0 END AS lagging_due"
    )


_ALL_MEASURES = ("policies", "premium", "prevention_fee", "orders", "in_force", "expiring", "lagging_due")


def _spread(rows: str) -> str:
    """Add ``rows`` (a SELECT of the keys, ``_MEASURES`` and ``_STANDING``) to their cells, created when
    missing: each row to 8 cells (``_SPREAD``)."""
    added = ", ".join(f"{m} = {CELLS}.{m} + excluded.{m}" for m in _ALL_MEASURES)
    return (
        f"INSERT INTO {CELLS} ({_CELL_KEYS}, {_MEASURES}, {_STANDING}) SELECT s.grain, "
        "CASE WHEN s.grain = 'd' THEN d.day ELSE d.month END, d.month, "
        f"CASE WHEN s.every_insurer = 1 THEN {ALL} ELSE d.insurer_id END, d.region_id, "
        f"CASE WHEN s.every_industry = 1 THEN {ALL} ELSE d.industry_id END, d.service_status, "
        f"{', '.join(f'SUM(d.{m})' for m in _ALL_MEASURES)} "
        f"FROM ({rows}) AS d CROSS JOIN ({_SPREAD}) AS s GROUP BY 1, 2, 3, 4, 5, 6, 7 "
        "ON CONFLICT (insurer_id, industry_id, grain, period, region_id, service_status) "
        f"DO UPDATE SET {added}"
    )


def _qualified(columns: str) -> str:
    return ", ".join(f"d.{column}" for column in columns.split(", "))


def _folded(table: str, where: str) -> str:
    """The deltas ``d`` of ``table`` that pass ``where`` as rows to spread, in force as of the cells' day."""
    return (
        f"SELECT {_qualified(_KEYS)}, {_qualified(_MEASURES)}, "
        f"{_standing('a.day', 'a.soon', 'a.lagging_until')} "
        f"FROM {table} AS d LEFT JOIN {AS_OF} AS a ON 1 = 1 WHERE {where}"
    )


_PG_FOLD = (
    f"WITH gone AS (DELETE FROM {DELTAS} RETURNING *), "
    f"spread AS ({_spread(_folded('gone', 'true'))}) "
    "SELECT COUNT(*) FROM gone"
)
_SQLITE_FOLD = (_spread(_folded(DELTAS, "d.id <= %s")),)


def _policies(sqlite: bool, counted: str, where: str = "") -> str:
    """The counted policies grouped by their cells' keys, as rows to spread: ``counted`` the SQL of
    ``_MEASURES``, in force on the first parameter, expiring by the second."""
    return (
        f"SELECT {_day('p.issued_at', sqlite)} AS day, {_month('p.issued_at', sqlite)} AS month, p.insurer_id, "
        f"COALESCE(p.region_id, {NO_REGION}) AS region_id, COALESCE(o.industry_id, {NO_INDUSTRY}) AS industry_id, "
        f"p.service_status, {counted}, "
        "SUM(CASE WHEN p.period_start <= %(day)s AND p.period_end >= %(day)s THEN 1 ELSE 0 END) AS in_force, "
        "SUM(CASE WHEN p.period_start <= %(day)s AND p.period_end >= %(day)s AND p.period_end <= %(soon)s "
        "THEN 1 ELSE 0 END) AS expiring, "
        f"SUM(CASE WHEN p.status = '{ACTIVE}' AND o.prevention_fee > 0 AND p.period_start < %(day)s "
        "AND p.period_end >= %(day)s AND p.period_end < %(until)s THEN 1 ELSE 0 END) AS lagging_due "
        "FROM policies_policy AS p JOIN orders_order AS o ON o.id = p.order_id "
        f"WHERE p.status <> '{REVERSED}' {where} GROUP BY 1, 2, 3, 4, 5, 6"
    )


def _orders_in_progress(sqlite: bool) -> str:
    """The orders 办理中 grouped by their cells' keys, as rows to spread (``_recount``)."""
    return (
        f"SELECT {_day('o.submitted_at', sqlite)} AS day, {_month('o.submitted_at', sqlite)} AS month, "
        f"o.insurer_id, COALESCE(o.region_id, {NO_REGION}) AS region_id, "
        f"COALESCE(o.industry_id, {NO_INDUSTRY}) AS industry_id, '' AS service_status, 0 AS policies, "
        "0 AS premium, 0 AS prevention_fee, COUNT(*) AS orders, 0 AS in_force, 0 AS expiring, 0 AS lagging_due "
        f"FROM orders_order AS o WHERE {_in_progress('o')} GROUP BY 1, 2, 3, 4, 5"
    )


def _days(today: date) -> dict[str, date]:
    """The parameters of the standing figures as of ``today``."""
    return {
        "day": today,
        "soon": today + timedelta(EXPIRING_DAYS),
        "until": today + timedelta(LAGGING_DAYS),
    }


def _as_of(cursor: Any, today: date) -> None:
    cursor.execute(f"DELETE FROM {AS_OF}")
    days = _days(today)
    cursor.execute(
        f"INSERT INTO {AS_OF} (day, soon, lagging_until) VALUES (%s, %s, %s)",
        [days["day"], days["soon"], days["until"]],
    )


def fold(using: str = "default", chunk: int = FOLD_CHUNK, today: date | None = None) -> int:
    """Add the deltas to their cells and delete them (``counts.fold_deltas``: short transactions, safe beside
    writers and another ``fold``); how many were folded. On a new day, ``restand`` first."""
    today = today or timezone.localdate()
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT day FROM {AS_OF}")
        row = cursor.fetchone()
    if row is None or _date(row[0]) != today:
        return restand(using, today)
    return fold_deltas(using, DELTAS, FOLD_LOCK, _PG_FOLD, _SQLITE_FOLD, chunk)


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def restand(using: str = "default", today: date | None = None) -> int:
    """Count the cells' ``in_force`` and ``expiring`` afresh as of ``today``: in one transaction, which every
    delta written meanwhile waits for (PostgreSQL: the deltas' table locked; SQLite: the database's write lock),
    the deltas folded, the old day's figures emptied and the policies in force today grouped into the cells.
    Once a day (``fold``), a few seconds at a million orders (docs/BENCH.md); how many deltas were folded."""
    today = today or timezone.localdate()
    connection = connections[using]
    sqlite = connection.vendor == "sqlite"
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if not sqlite:
            cursor.execute(f"LOCK TABLE {DELTAS} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT MAX(id) FROM {DELTAS}")
        last = cursor.fetchone()[0]
        folded = 0
        if last is not None:
            cursor.execute(_SQLITE_FOLD[0], [last])
            cursor.execute(f"DELETE FROM {DELTAS} WHERE id <= %s", [last])
            folded = cursor.rowcount
        cursor.execute(
            f"UPDATE {CELLS} SET in_force = 0, expiring = 0, lagging_due = 0 "
            "WHERE in_force <> 0 OR expiring <> 0 OR lagging_due <> 0"
        )
        rows = _policies(
            sqlite,
            "0 AS policies, 0 AS premium, 0 AS prevention_fee, 0 AS orders",
            "AND p.period_start <= %(day)s AND p.period_end >= %(day)s",
        )
        cursor.execute(_spread(rows), _days(today))
        _as_of(cursor, today)
    return folded


def _recount(connection: BaseDatabaseWrapper) -> None:
    """Count afresh: the policies grouped by their cells' keys in SQL, spread into emptied cells."""
    sqlite = connection.vendor == "sqlite"
    today = timezone.localdate()
    counted = (
        f"COUNT(*) AS policies, SUM({_cents('o.premium', sqlite)}) AS premium, "
        f"SUM({_cents('o.prevention_fee', sqlite)}) AS prevention_fee, 0 AS orders"
    )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in (DELTAS, CELLS):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(_spread(_policies(sqlite, counted)), _days(today))
        cursor.execute(_spread(_orders_in_progress(sqlite)))
        _as_of(cursor, today)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers that are missing and, when any was, recount (idempotent; cheap when present)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            missing = create_sqlite_triggers(cursor, _SQLITE_TRIGGERS)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'statistics_%%_sync'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in _PG_TRIGGERS if name not in present]
            cursor.execute(_PG_POLICY_FUNCTION)  # CREATE OR REPLACE: follows a change of the statements
            cursor.execute(_PG_ORDER_FUNCTION)
            cursor.execute(_PG_PROGRESS_FUNCTION)
            for name in missing:
                cursor.execute(_PG_TRIGGERS[name])
        else:
            return
    if missing:
        _recount(connection)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    drop_triggers(connection, _SQLITE_TRIGGERS, _PG_TABLES)


@contextmanager
def paused(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """For a bulk load into a database nobody else writes: the cells are counted afresh at the end instead of
    a delta row per policy."""
    with without_triggers(connection, uninstall, install):
        yield


# --- reading ------------------------------------------------------------------------------------------------------
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
    # The groups' names per kind, read once (``selectors.grouped``).
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
    cell_params, delta_params = list(period_params), []
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
