"""The insurer's order counts per state (``InsurerOrderCounts``), kept by triggers on the orders table.

Why triggers: the tab counts of 订单管理 read every index entry of the insurer — too slow at a million
orders on both databases (docs/BENCH.md) — while one row per insurer answers at once. A trigger updates
it in the same transaction as the order row, whoever writes it (the workflow, a bulk insert, a data fix), so
the counts are exact, never stale, and a rolled-back transition rolls them back too. One row per insurer
and order type (not per state) so that a transition takes one row lock: two transitions in opposite
directions cannot deadlock on two counter rows (an order never changes its type). Per type so that the
订单类型 filter, the one search filter that splits an insurer's orders in large halves, counts as fast.

The same triggers keep ``InsurerGramCounts``: the same counts for each character and pair of characters of the
orders' names (``search.name_grams``), the tabs of a 1–2 character name search. A common pair of characters is in
thousands of an insurer's orders; counting them per state read each of those rows, the row of the pair
answers at once. An order's grams move with it: its ~40 gram rows are updated by each transition, in
the same statement per row as its insurer's row (after it, so under its lock on PostgreSQL).

Searches that no kept row answers are counted in one statement each, never past ``EXACT_LIMIT`` matches:
a longer name by ``counts_with_pairs`` (exactly, or estimated from its pairs' rows when those say it is in
too many orders), every other search by ``tally`` (exactly, or "more than ``EXACT_LIMIT``").

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

# The transaction-local setting under which the PostgreSQL trigger leaves the counts to ``counted_together``.
DEFER_SETTING = "anze.defer_order_counts"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION order_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{DEFER_SETTING}', true) = 'on' THEN
        RETURN NULL;
    END IF;
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
    leaves a new version of it that the rest of the transaction must step over: a batch of orders updating
    the same few gram rows ("公司") slowed to a crawl."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)


@contextmanager
def counted_together(connection: BaseDatabaseWrapper) -> Iterator[list[int]]:
    """Inside a transaction that creates many orders (the Excel import): they are counted in once, at the end of
    the block, instead of row by row — the caller appends the id of every order it creates to the list it is
    given, and must change no other order in the block (those changes would not be counted).

    Why: on PostgreSQL each trigger's update of a counts row leaves a version of it that the rest of the
    transaction steps over (``paused``): 1,200 orders in one transaction took 75 s, growing with the square of
    their number. Here the trigger does nothing under ``DEFER_SETTING`` (local to the transaction: a rollback or
    the end of the block restores it) and the orders are added to the insurer's row, then to their grams' rows
    (the trigger's lock order), in four statements. SQLite updates a row in place: its triggers count as usual
    and the block changes nothing."""
    created: list[int] = []
    if connection.vendor != "postgresql":
        yield created
        return
    if not connection.in_atomic_block:
        raise RuntimeError("counted_together() counts at the end of a transaction: call it inside one")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [DEFER_SETTING])
    yield created
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [DEFER_SETTING])
        for statement in _add_orders():
            cursor.execute(statement, [created])


def _add_orders() -> tuple[str, ...]:
    """``_add`` for a set of orders (``%s``: their ids) on PostgreSQL, one statement per step."""
    sums = ", ".join(f"SUM(CASE WHEN o.status = '{state}' THEN 1 ELSE 0 END) AS {state}" for state in STATES)
    adds = ", ".join(f"{state} = c.{state} + d.{state}" for state in STATES)
    orders = "orders_order AS o WHERE o.id = ANY(%s) AND o.submitted_at IS NOT NULL"
    grams = f"orders_order AS o, {_grams_of('o', sqlite=False)} WHERE o.id = ANY(%s) AND o.submitted_at IS NOT NULL"
    return (
        f"INSERT INTO {TABLE} (insurer_id, order_type) SELECT DISTINCT o.insurer_id, o.order_type FROM {orders} "
        "ORDER BY 1, 2 ON CONFLICT DO NOTHING",
        f"UPDATE {TABLE} AS c SET {adds} FROM (SELECT o.insurer_id, o.order_type, {sums} FROM {orders} "
        "GROUP BY o.insurer_id, o.order_type) AS d WHERE c.insurer_id = d.insurer_id AND c.order_type = d.order_type",
        f"INSERT INTO {GRAMS} (insurer_id, order_type, gram) SELECT DISTINCT o.insurer_id, o.order_type, value "
        f"FROM {grams} ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING",
        f"UPDATE {GRAMS} AS c SET {adds} FROM (SELECT o.insurer_id, o.order_type, value AS gram, {sums} FROM {grams} "
        "GROUP BY o.insurer_id, o.order_type, value) AS d "
        "WHERE c.insurer_id = d.insurer_id AND c.order_type = d.order_type AND c.gram = d.gram",
    )


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


# A name search of 3 characters or more is counted match by match (a row read each): exactly as long as the
# counts of the term's pairs of characters bound its matches to this many, or else estimated by those bounds.
# "有限公司" is in every order: counting all its matches took far too long for a list (docs/BENCH.md).
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
    """The counts of a term whose pairs of characters are ``pairs`` (``search.bounding_grams``) and whose
    matches are ``matches``, in one statement: the insurer's rows, each pair's rows, and the matches counted
    per state — read only when the pairs bound them to ``EXACT_LIMIT`` (``_least``). Otherwise their
    ``LIMIT`` is 0 and no order is read; each state's count is then the least of its pairs' counts there: at
    least the true count and, for the words of Chinese names, close to it."""
    lowered = sorted({pair.lower() for pair in pairs})
    by_type, type_params = _of_type(order_type)
    columns = ", ".join(STATES)
    pairs_sql, pairs_params = _of_grams(insurer_id, lowered, order_type)
    least, least_params = _least(insurer_id, lowered, order_type)
    matched, matched_params = _at_most(matches, least, least_params, counted=True)
    sql = (
        f"SELECT 'all', '', {columns} FROM {TABLE} WHERE insurer_id = %s {by_type} "
        f"UNION ALL SELECT 'pair', gram, {columns} {pairs_sql} "
        f"UNION ALL SELECT 'match', '', {_PER_STATE} FROM ({matched}) AS bounded"
    )
    rows = _fetch(matches, sql, [insurer_id, *type_params, *pairs_params, *matched_params])
    everything = _totals(_states(row[2:]) for row in rows if row[0] == "all")
    per_pair = {
        pair: _totals(_states(row[2:]) for row in rows if row[:2] == ("pair", pair)) for pair in lowered
    }
    if min(sum(counts.values()) for counts in per_pair.values()) <= EXACT_LIMIT:  # (the statement's test)
        match = next(row for row in rows if row[0] == "match")
        return NameCounts(_states(match[2:]), everything, False)
    bounds = {state: min(counts[state] for counts in per_pair.values()) for state in STATES}
    return NameCounts(bounds, everything, True)


@dataclass
class Tally:
    """The tabs of a search by other fields than the name alone. ``counts`` per state are exact unless
    ``more``: then the counting stopped past ``EXACT_LIMIT`` matches and they are not known; ``tab_total`` is
    the tab's own number, counted up to ``EXACT_LIMIT + 1``. ``by_row``: the name was tested row by row
    (``alternative``), being in too many orders for its candidates to be read."""

    counts: dict[str, int]
    more: bool
    tab_total: int | None
    by_row: bool
    population: int  # the insurer's orders (of the order type) in the tab, or in all


def tally(
    matches: QuerySet[Any],
    *,
    tab: str,
    insurer_id: int,
    order_type: str | None = None,
    grams: list[str] | None = None,
    alternative: QuerySet[Any] | None = None,
    walk: QuerySet[Any] | None = None,
) -> Tally:
    """Count a search's matches per state, at most ``EXACT_LIMIT + 1`` of them, in one statement: a filter that
    most orders pass (a telephone prefix "1", a whole year) was a count of all the insurer's orders, each
    read for its state. Under ``more``, and with a ``tab``, the tab's matches are
    counted the same way, in the same statement and only then.

    With a name: ``matches`` reads its candidates from the grams index, ``alternative`` tests it on the rows
    the other filters select. The kept counts of ``grams`` (the name's pairs, or the name itself) choose in
    the statement: candidates while those bound them to ``EXACT_LIMIT``, else the row test — all the
    candidates of "有限公司" are read before any limit applies.

    ``walk``: the same orders with every filter tested on each row (``selectors.search_orders(walk=True)``),
    for counting a small tab along its own index: through a filter's index, 10,000 of the 5% of matches
    that are 已取消 are 200,000 rows; along the tab, at most its 16,000. A tab of ``p`` of the insurer's
    ``n`` orders is walked when ``p² < EXACT_LIMIT · n`` (its rows fewer than the filter's rows to read)."""
    lowered = sorted({gram.lower() for gram in grams or ()})
    if lowered and alternative is not None:
        least, least_params = _least(insurer_id, lowered, order_type)
    else:
        least, least_params, alternative = "", [], None

    def limited(candidates: QuerySet[Any], by_row: QuerySet[Any] | None) -> tuple[str, list[Any]]:
        if by_row is None:
            return _at_most(candidates)
        first, first_params = _at_most(candidates, least, least_params, counted=True)
        second, second_params = _at_most(by_row, least, least_params, counted=False)
        return (
            f"SELECT status FROM ({first}) AS candidates UNION ALL SELECT status FROM ({second}) AS tested",
            [*first_params, *second_params],
        )

    rows_sql, rows_params = limited(matches, alternative)
    population, population_params = held(insurer_id, order_type, tab).query.sql_with_params()
    tab_count, tab_params = "NULL", []
    if tab:
        tab_sql, tab_params = limited(
            matches.filter(status=tab), None if alternative is None else alternative.filter(status=tab)
        )
        tab_count = f"(SELECT COUNT(*) FROM ({tab_sql}) AS tab)"
        if walk is not None:
            walk_sql, walk_params = limited(walk.filter(status=tab), None)
            everything, everything_params = held(insurer_id, order_type, "").query.sql_with_params()
            tab_count = (
                f"CASE WHEN ({population}) * ({population}) < {EXACT_LIMIT} * ({everything}) "
                f"THEN (SELECT COUNT(*) FROM ({walk_sql}) AS walked) ELSE {tab_count} END"
            )
            tab_params = [
                *population_params,
                *population_params,
                *everything_params,
                *walk_params,
                *tab_params,
            ]
        tab_count = f"CASE WHEN COUNT(*) > {EXACT_LIMIT} THEN {tab_count} END"
    least_column = f"({least})" if least else "NULL"
    sql = f"SELECT {_PER_STATE}, {tab_count}, {least_column}, ({population}) FROM ({rows_sql}) AS bounded"
    row = _fetch(matches, sql, [*tab_params, *least_params, *population_params, *rows_params])[0]
    counts = _states(row[: len(STATES)])
    tab_total, least_value, held_value = row[len(STATES) :]
    return Tally(
        counts=counts,
        more=sum(counts.values()) > EXACT_LIMIT,
        tab_total=tab_total,
        by_row=least_value is not None and least_value > EXACT_LIMIT,
        population=held_value or 0,
    )


_PER_STATE = ", ".join(f"SUM(CASE WHEN status = '{state}' THEN 1 ELSE 0 END)" for state in STATES)


def _of_type(order_type: str | None) -> tuple[str, list[Any]]:
    return ("AND order_type = %s", [order_type]) if order_type else ("", [])


def _of_grams(insurer_id: int, grams: list[str], order_type: str | None) -> tuple[str, list[Any]]:
    """``FROM`` the insurer's rows of ``grams`` in the per-gram counts (of the order type, or of both)."""
    by_type, type_params = _of_type(order_type)
    marks = ", ".join(["%s"] * len(grams))
    return (
        f"FROM {GRAMS} WHERE insurer_id = %s AND gram IN ({marks}) {by_type}",
        [insurer_id, *grams, *type_params],
    )


def _least(insurer_id: int, grams: list[str], order_type: str | None) -> tuple[str, list[Any]]:
    """The least of the grams' totals (0 when one has no row): every match holds every gram of its term, so
    there are at most that many."""
    of_grams, params = _of_grams(insurer_id, grams, order_type)
    return (
        f"SELECT CASE WHEN COUNT(*) < {len(grams)} THEN 0 ELSE MIN(n) END "
        f"FROM (SELECT SUM({' + '.join(STATES)}) AS n {of_grams} GROUP BY gram) AS gram_totals",
        params,
    )


def _at_most(
    rows: QuerySet[Any], least: str = "", least_params: list[Any] | None = None, *, counted: bool = True
) -> tuple[str, list[Any]]:
    """The states of ``rows``, at most ``EXACT_LIMIT + 1`` of them — and, given the ``least`` of the grams'
    totals, none unless it is within ``EXACT_LIMIT`` (``counted``) or past it (not ``counted``). A ``LIMIT``
    of 0: both databases then skip reading them (a ``WHERE`` on the subquery would not stop SQLite)."""
    sql, params = rows.order_by().values("status").query.sql_with_params()
    if not least:
        return f"{sql} LIMIT {EXACT_LIMIT + 1}", list(params)
    within, past = (EXACT_LIMIT + 1, 0) if counted else (0, EXACT_LIMIT + 1)
    gate = f"CASE WHEN ({least}) <= {EXACT_LIMIT} THEN {within} ELSE {past} END"
    return f"{sql} LIMIT ({gate})", [*params, *(least_params or [])]


def _fetch(queryset: QuerySet[Any], sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _states(values: Iterable[int | None]) -> dict[str, int]:
    return {state: n or 0 for state, n in zip(STATES, values, strict=True)}


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
