"""The insurer's order counts per state (``InsurerOrderCounts``), kept by triggers on the orders table.

Why triggers: the tab counts of 订单管理 read every index entry of the insurer — 100 ms at 333,000 orders per
insurer (1,000,000 in all) on both databases — while one row per insurer answers at once. A trigger updates
it in the same transaction as the order row, whoever writes it (the workflow, a bulk insert, a data fix), so
the counts are exact, never stale, and a rolled-back transition rolls them back too. One row per insurer
and order type (not per state) so that a transition takes one row lock: two transitions in opposite
directions cannot deadlock on two counter rows (an order never changes its type). Per type so that the
订单类型 filter, the one search filter that splits an insurer's orders in large halves, counts as fast.

The same triggers keep ``InsurerGramCounts``: the same counts for each character and pair of characters of the
orders' names (``search.name_grams``), the tabs of a 1–2 character name search. "蓬壶" is in 8,000 of an
insurer's orders at 1,000,000; counting them per state read each of those rows (45–80 ms), the row of the
pair answers at once. An order's grams move with it: its ~40 gram rows are updated by each transition, in
the same statement per row as its insurer's row (after it, so under its lock on PostgreSQL).

An order counts when it is submitted (``submitted_at`` set: not a draft, see the constraints on Order).
Like the search index (search.py), ``install`` runs from migration 0003 and after every ``migrate``, and
puts back triggers that a table rebuild on SQLite dropped, recounting from the orders.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, QuerySet, Sum, Value

from . import search
from .models import INSURER_STATUSES, InsurerGramCounts, InsurerOrderCounts, OrderStatus, StateCounts

TABLE = InsurerOrderCounts._meta.db_table
GRAMS = InsurerGramCounts._meta.db_table
STATES: tuple[str, ...] = INSURER_STATUSES
assert OrderStatus.DRAFT not in STATES  # drafts are never submitted, hence never counted
# The columns whose change moves an order between counts: an update that changes none of them (most saves of
# an order) leaves the counts alone.
COUNTED = ("status", "insurer_id", "submitted_at", "order_type", "applicant_name", "project_name")


def _changes(row: str, sign: str) -> str:
    """``awaiting_quote = awaiting_quote + CASE WHEN NEW.status = 'awaiting_quote' THEN 1 ELSE 0 END, …``
    (``row`` is NEW or OLD): one statement moves whichever column the row's state names."""
    return ", ".join(
        f"{state} = {state} {sign} CASE WHEN {row}.status = '{state}' THEN 1 ELSE 0 END" for state in STATES
    )


def _grams_of(row: str, *, sqlite: bool) -> str:
    """The order's grams (``search.name_grams``) as a table of one column, ``value``."""
    grams = f"anze_name_grams({row}.applicant_name, {row}.project_name)"
    return f"json_each({grams})" if sqlite else f"unnest({grams}) AS grams(value)"


def _where(row: str) -> str:
    return f"insurer_id = {row}.insurer_id AND order_type = {row}.order_type"


def _where_grams(row: str, *, sqlite: bool) -> str:
    return f"{_where(row)} AND gram IN (SELECT value FROM {_grams_of(row, sqlite=sqlite)})"


def _add(row: str, *, sqlite: bool) -> list[str]:
    """Count the order ``row`` in: the insurer's row, then the row of each of its grams, created first if
    missing (SQLite's upsert syntax is not allowed in a trigger). On PostgreSQL the insurer's row is locked
    first, so transitions of one insurer's orders of one type queue there and never deadlock on gram rows."""
    ignore, nothing = ("INSERT OR IGNORE INTO", "") if sqlite else ("INSERT INTO", " ON CONFLICT DO NOTHING")
    return [
        f"{ignore} {TABLE} (insurer_id, order_type) VALUES ({row}.insurer_id, {row}.order_type){nothing}",
        f"UPDATE {TABLE} SET {_changes(row, '+')} WHERE {_where(row)}",
        f"{ignore} {GRAMS} (insurer_id, order_type, gram) SELECT {row}.insurer_id, {row}.order_type, value "
        f"FROM {_grams_of(row, sqlite=sqlite)} ORDER BY value{nothing}",
        f"UPDATE {GRAMS} SET {_changes(row, '+')} WHERE {_where_grams(row, sqlite=sqlite)}",
    ]


def _remove(row: str, *, sqlite: bool) -> list[str]:
    return [
        f"UPDATE {TABLE} SET {_changes(row, '-')} WHERE {_where(row)}",
        f"UPDATE {GRAMS} SET {_changes(row, '-')} WHERE {_where_grams(row, sqlite=sqlite)}",
    ]


def _sqlite_trigger(name: str, event: str, when: str, statements: list[str]) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON orders_order WHEN {when} BEGIN {'; '.join(statements)}; END"
    )


_UPDATE = f"UPDATE OF {', '.join(COUNTED)}"
_CHANGED = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COUNTED)
# SQLite: one trigger per event; WHEN skips the unsubmitted rows (drafts). The update is split in two so that
# each half has its own WHEN (SQLite triggers have no IF).
_SQLITE_TRIGGERS: dict[str, str] = {
    "order_counts_ai": _sqlite_trigger(
        "order_counts_ai", "INSERT", "new.submitted_at IS NOT NULL", _add("new", sqlite=True)
    ),
    "order_counts_ad": _sqlite_trigger(
        "order_counts_ad", "DELETE", "old.submitted_at IS NOT NULL", _remove("old", sqlite=True)
    ),
    "order_counts_au_old": _sqlite_trigger(
        "order_counts_au_old",
        _UPDATE,
        f"old.submitted_at IS NOT NULL AND ({_CHANGED})",
        _remove("old", sqlite=True),
    ),
    "order_counts_au_new": _sqlite_trigger(
        "order_counts_au_new",
        _UPDATE,
        f"new.submitted_at IS NOT NULL AND ({_CHANGED})",
        _add("new", sqlite=True),
    ),
}

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION order_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND ROW({", ".join(f"OLD.{c}" for c in COUNTED)})
            IS NOT DISTINCT FROM ROW({", ".join(f"NEW.{c}" for c in COUNTED)}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.submitted_at IS NOT NULL THEN
        {"; ".join(_remove("OLD", sqlite=False))};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.submitted_at IS NOT NULL THEN
        {"; ".join(_add("NEW", sqlite=False))};
    END IF;
    RETURN NULL;
END
$$"""
_PG_TRIGGER = (
    f"CREATE TRIGGER order_counts_sync AFTER INSERT OR DELETE OR {_UPDATE} "
    "ON orders_order FOR EACH ROW EXECUTE FUNCTION order_counts_sync()"
)


def _recount(*, sqlite: bool) -> tuple[str, ...]:
    sums = ", ".join(f"SUM(CASE WHEN status = '{state}' THEN 1 ELSE 0 END)" for state in STATES)
    states = ", ".join(STATES)
    return (
        f"DELETE FROM {TABLE}",
        f"INSERT INTO {TABLE} (insurer_id, order_type, {states}) "
        f"SELECT insurer_id, order_type, {sums} FROM orders_order WHERE submitted_at IS NOT NULL "
        "GROUP BY insurer_id, order_type",
        f"DELETE FROM {GRAMS}",
        f"INSERT INTO {GRAMS} (insurer_id, order_type, gram, {states}) "
        f"SELECT o.insurer_id, o.order_type, value, {sums} FROM orders_order AS o, {_grams_of('o', sqlite=sqlite)} "
        "WHERE o.submitted_at IS NOT NULL GROUP BY o.insurer_id, o.order_type, value",
    )


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers that are missing and, when any was, recount (idempotent; cheap when present)."""
    search.install_functions(connection)  # PostgreSQL's anze_name_grams, which the trigger calls
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in _SQLITE_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(_SQLITE_TRIGGERS[name])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'order_counts_sync'")
            missing = [] if cursor.fetchone() else ["order_counts_sync"]
            cursor.execute(_PG_FUNCTION)  # CREATE OR REPLACE: follows a change of the states
            if missing:
                cursor.execute(_PG_TRIGGER)
        else:
            return
        if missing:
            for statement in _recount(sqlite=connection.vendor == "sqlite"):
                cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS order_counts_sync ON orders_order")
            cursor.execute("DROP FUNCTION IF EXISTS order_counts_sync()")


@contextmanager
def paused(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """For a bulk load into a database nobody else writes (``bench_orders``): the counts are not kept row by
    row, but counted afresh from the orders at the end. On PostgreSQL each trigger's update of a counts row
    leaves a new version of it that the rest of the transaction must step over: a batch of 5,000 orders
    updating the same few gram rows ("公司") took minutes."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)


def counts_of(insurer_id: int, order_type: str | None = None) -> dict[str, int]:
    """{state: number of the insurer's submitted orders in it} (of one order type, or of both), every insurer
    state present."""
    return _totals(_rows(InsurerOrderCounts, insurer_id, order_type).values(*STATES))


def held(insurer_id: int, order_type: str | None, state: str) -> QuerySet[Any]:
    """How many of the insurer's orders (of one type, or of both) are in ``state`` (in any state when empty),
    as a one-value query to embed as a subquery."""
    rows = _rows(InsurerOrderCounts, insurer_id, order_type)
    number = F(state) if state else reduce(operator.add, (F(each) for each in STATES))
    return rows.values("insurer_id").annotate(n=Sum(number)).values("n")


def counts_with_gram(
    insurer_id: int, gram: str, order_type: str | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """``counts_of`` the orders whose names contain ``gram`` (``search.is_gram``, any case), and ``counts_of``
    all the insurer's orders, in one query."""
    matching = _rows(InsurerGramCounts, insurer_id, order_type).filter(gram=gram.lower())
    everything = _rows(InsurerOrderCounts, insurer_id, order_type)
    rows = list(
        matching.annotate(gram_row=Value(True))
        .values("gram_row", *STATES)
        .union(everything.annotate(gram_row=Value(False)).values("gram_row", *STATES), all=True)
    )
    return _totals([row for row in rows if row["gram_row"]]), _totals(
        [row for row in rows if not row["gram_row"]]
    )


# A name search of 3 characters or more is counted match by match (a row read each, ~2 µs): exactly as long
# as the counts of the term's pairs of characters bound its matches to this many, or else estimated by those
# bounds. "有限公司" is in every order: counting its 333,000 matches took 0.4–0.9 s.
EXACT_LIMIT = 10_000


@dataclass
class NameCounts:
    """The tabs of a longer name search: ``counts`` per state, exact or (``estimated``) the bound that the
    term's pairs give; and ``everything``, the insurer's counts (of the order type)."""

    counts: dict[str, int]
    everything: dict[str, int]
    estimated: bool


def counts_with_pairs(
    insurer_id: int, pairs: list[str], order_type: str | None, matches: QuerySet[Any]
) -> NameCounts:
    """The counts of a term whose pairs of characters are ``pairs`` (``search.term_grams``) and whose
    matches are ``matches``, in one statement: the insurer's rows, each pair's rows, and the matches counted
    per state — read only when the pairs bound them to ``EXACT_LIMIT`` (every match holds every pair, so
    the least of the pairs' totals is at least their number). Otherwise their ``LIMIT`` is 0 and no order
    is read; each state's count is then the least of its pairs' counts there: at least the true count and,
    for the words of Chinese names, close to it."""
    lowered = sorted({pair.lower() for pair in pairs})
    by_type, type_params = ("AND order_type = %s", [order_type]) if order_type else ("", [])
    marks = ", ".join(["%s"] * len(lowered))
    columns = ", ".join(STATES)
    of_pairs = f"FROM {GRAMS} WHERE insurer_id = %s AND gram IN ({marks}) {by_type}"
    pair_params = [insurer_id, *lowered, *type_params]
    least = (
        f"SELECT CASE WHEN COUNT(*) < {len(lowered)} THEN 0 ELSE MIN(n) END "
        f"FROM (SELECT SUM({' + '.join(STATES)}) AS n {of_pairs} GROUP BY gram) AS pair_totals"
    )
    matched, matched_params = matches.order_by().values("status").query.sql_with_params()
    per_state = ", ".join(f"SUM(CASE WHEN status = '{state}' THEN 1 ELSE 0 END)" for state in STATES)
    sql = (
        f"SELECT 'all', '', {columns} FROM {TABLE} WHERE insurer_id = %s {by_type} "
        f"UNION ALL SELECT 'pair', gram, {columns} {of_pairs} "
        f"UNION ALL SELECT 'match', '', {per_state} FROM ({matched} LIMIT "
        f"(CASE WHEN ({least}) <= {EXACT_LIMIT} THEN {EXACT_LIMIT + 1} ELSE 0 END)) AS bounded"
    )
    with connections[matches.db].cursor() as cursor:
        cursor.execute(sql, [insurer_id, *type_params, *pair_params, *matched_params, *pair_params])
        rows = cursor.fetchall()
    everything = _totals(dict(zip(STATES, row[2:], strict=True)) for row in rows if row[0] == "all")
    per_pair: dict[str, dict[str, int]] = {pair: dict.fromkeys(STATES, 0) for pair in lowered}
    for row in rows:
        if row[0] == "pair":
            for state, n in zip(STATES, row[2:], strict=True):
                per_pair[row[1]][state] += n
    if min(sum(counts.values()) for counts in per_pair.values()) <= EXACT_LIMIT:  # (the statement's test)
        match = next(row for row in rows if row[0] == "match")
        return NameCounts({s: n or 0 for s, n in zip(STATES, match[2:], strict=True)}, everything, False)
    bounds = {state: min(counts[state] for counts in per_pair.values()) for state in STATES}
    return NameCounts(bounds, everything, True)


def _rows(model: type[StateCounts], insurer_id: int, order_type: str | None) -> QuerySet[Any]:
    """The insurer's rows of a counts table: of one order type, or of both (to be summed)."""
    rows = model.objects.filter(insurer_id=insurer_id)  # type: ignore[attr-defined]
    return rows if order_type is None else rows.filter(order_type=order_type)


def _totals(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    totals = dict.fromkeys(STATES, 0)
    for row in rows:
        for state in STATES:
            totals[state] += row[state]
    return totals
