"""The insurer's order counts per state (``InsurerOrderCounts``) and per character or pair of the names
(``InsurerGramCounts``), kept from triggers on the orders table.

Why kept: the tab counts of 订单管理 read every index entry of the insurer — too slow at a million orders on
both databases (docs/BENCH.md) — while one row per insurer answers at once; one row per gram (``search.name_grams``)
answers the tabs of a 1–2 character name search the same way. Per order type so that the 订单类型 filter, the
one search filter that splits an insurer's orders in large halves, counts as fast.

Why deltas: a trigger on the orders table inserts, in the writer's transaction, one ``OrderCountDelta`` row per
write of an order — its insurer, type and names, −1 in the state it leaves and +1 in the one it enters.
Updating the shared counts rows there instead (the insurer's and its ~40 grams') made concurrent writers of
one insurer queue on them (0.12–0.17× the throughput, docs/BENCH.md), and a row per gram cost the writer 40
inserts. ``fold`` (``manage.py fold_counts``, every 2 s) adds the deltas to the insurer's row and to the rows
of their names' grams, and deletes them, in one short transaction; every read adds the deltas not folded yet
(for a gram, those whose names hold it), in the same statement. The counts stay exact: a rolled-back
transition rolls back its delta, and a read sees either a delta or the counts it was folded into, never both.

Searches that no kept row answers are counted in one statement each, never past ``EXACT_LIMIT`` matches:
a longer name by ``counts_with_pairs`` (exactly, or estimated from its pairs' rows when those say it is in
too many orders), every other search by ``tally`` (exactly, or "more than ``EXACT_LIMIT``").

An order counts when it is submitted (``submitted_at`` set: not a draft, see the constraints on Order).
Like the search index (search.py), ``install`` runs from migration 0008 and after every ``migrate``, and
puts back triggers that a table rebuild on SQLite dropped, recounting from the orders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

from . import search
from .models import INSURER_STATUSES, InsurerGramCounts, InsurerOrderCounts, OrderCountDelta, OrderStatus

TABLE = InsurerOrderCounts._meta.db_table
GRAMS = InsurerGramCounts._meta.db_table
DELTAS = OrderCountDelta._meta.db_table
STATES: tuple[str, ...] = INSURER_STATUSES
COLUMNS = ", ".join(STATES)
assert OrderStatus.DRAFT not in STATES  # drafts are never submitted, hence never counted
# The columns whose change moves an order between counts: an update that changes none of them (most saves of
# an order) leaves the counts alone.
NAMES = search.NAMES  # the names whose grams are counted (search.name_grams)
COUNTED = ("status", "insurer_id", "submitted_at", "order_type", "applicant_name", "project_name")
# PostgreSQL's advisory lock of ``fold``: a second folder (one per machine) skips its round.
FOLD_LOCK = 0x616E7A65  # "anze"


def _deltas(row: str, plus: str | None, minus: str | None) -> str:
    """The statement that inserts the delta row of the order ``row`` — its insurer, type and names (the keys it
    counts under: its grams are taken at the fold) — with +1 in the state of ``plus`` and −1 in ``minus``'s."""
    changes = [
        " - ".join(
            f"(CASE WHEN {each}.status = '{state}' THEN 1 ELSE 0 END)" if each else "0"
            for each in (plus, minus)
        )
        for state in STATES
    ]
    return (
        f"INSERT INTO {DELTAS} (insurer_id, order_type, applicant_name, project_name, {COLUMNS}) VALUES "
        f"({row}.insurer_id, {row}.order_type, {row}.applicant_name, {row}.project_name, {', '.join(changes)})"
    )


def changed(columns: tuple[str, ...]) -> str:
    """SQLite: whether an update changed any of ``columns`` (a trigger's WHEN; also ``rollup``'s)."""
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)


def unchanged(columns: tuple[str, ...]) -> str:
    """PostgreSQL: whether an update changed none of ``columns`` (in a trigger's function; also ``rollup``'s)."""
    old, new = (", ".join(f"{row}.{column}" for column in columns) for row in ("OLD", "NEW"))
    return f"ROW({old}) IS NOT DISTINCT FROM ROW({new})"


_UPDATE = f"UPDATE OF {', '.join(COUNTED)}"
_CHANGED = changed(COUNTED)
# The same keys before and after: the update moves the order between states only.
_SAME_KEYS = " AND ".join(
    ["old.submitted_at IS NOT NULL", "new.submitted_at IS NOT NULL"]
    + [f"old.{column} IS NOT DISTINCT FROM new.{column}" for column in ("insurer_id", "order_type", *NAMES)]
)
# The update moves the order between keys: a delta leaves the old ones (if counted), another enters the new ones.
_MOVED = f"({_CHANGED}) AND NOT ({_SAME_KEYS}) AND {{}}.submitted_at IS NOT NULL"
# SQLite: one trigger per case (a trigger has WHEN, no IF); an update that changes no counted column fires none.
_SQLITE_TRIGGERS: dict[str, str] = {
    name: f"CREATE TRIGGER {name} AFTER {event} ON orders_order WHEN {when} BEGIN {statement}; END"
    for name, event, when, statement in (
        ("order_counts_ai", "INSERT", "new.submitted_at IS NOT NULL", _deltas("new", "new", None)),
        ("order_counts_ad", "DELETE", "old.submitted_at IS NOT NULL", _deltas("old", None, "old")),
        ("order_counts_au", _UPDATE, f"({_CHANGED}) AND {_SAME_KEYS}", _deltas("new", "new", "old")),
        ("order_counts_au_old", _UPDATE, _MOVED.format("old"), _deltas("old", None, "old")),
        ("order_counts_au_new", _UPDATE, _MOVED.format("new"), _deltas("new", "new", None)),
    )
}

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION order_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {unchanged(COUNTED)} THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND {_SAME_KEYS} THEN
        {_deltas("new", "new", "old")};
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.submitted_at IS NOT NULL THEN
        {_deltas("OLD", None, "OLD")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.submitted_at IS NOT NULL THEN
        {_deltas("NEW", "NEW", None)};
    END IF;
    RETURN NULL;
END
$$"""
_PG_TRIGGER = (
    f"CREATE TRIGGER order_counts_sync AFTER INSERT OR DELETE OR {_UPDATE} "
    "ON orders_order FOR EACH ROW EXECUTE FUNCTION order_counts_sync()"
)


def _recount(connection: BaseDatabaseWrapper) -> None:
    """Count afresh: every submitted order as a delta, folded into emptied counts."""
    with connection.cursor() as cursor:
        for table in (DELTAS, TABLE, GRAMS):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {DELTAS} (insurer_id, order_type, applicant_name, project_name, {COLUMNS}) SELECT "
            f"insurer_id, order_type, applicant_name, project_name, {_PER_STATE.replace('SUM', '')} "
            "FROM orders_order WHERE submitted_at IS NOT NULL"
        )
    fold(connection.alias)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers that are missing and, when any was, recount (idempotent; cheap when present)."""
    search.install_functions(connection)  # PostgreSQL's anze_name_grams, which the trigger calls
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            missing = create_sqlite_triggers(cursor, _SQLITE_TRIGGERS)
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'order_counts_sync'")
            missing = [] if cursor.fetchone() else ["order_counts_sync"]
            cursor.execute(_PG_FUNCTION)  # CREATE OR REPLACE: follows a change of the states
            if missing:
                cursor.execute(_PG_TRIGGER)
        else:
            return
    if missing:
        _recount(connection)


def create_sqlite_triggers(cursor: Any, triggers: dict[str, str]) -> list[str]:
    """Create those of ``triggers`` (name: CREATE statement) that SQLite lacks; their names (also
    ``rollup.install``'s)."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    present = {row[0] for row in cursor.fetchall()}
    missing = [name for name in triggers if name not in present]
    for name in missing:
        cursor.execute(triggers[name])
    return missing


def uninstall(connection: BaseDatabaseWrapper) -> None:
    drop_triggers(connection, _SQLITE_TRIGGERS, {"order_counts_sync": "orders_order"})


def drop_triggers(connection: BaseDatabaseWrapper, sqlite: Iterable[str], postgresql: dict[str, str]) -> None:
    """Drop the SQLite triggers ``sqlite``, or the PostgreSQL ones ``postgresql`` (name: table) and their
    functions, named like them (also ``rollup.uninstall``'s)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in sqlite:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name, table in postgresql.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def paused(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """For a bulk load into a database nobody else writes (``bench_orders``, ``bench_writes``): the counts are
    not kept row by row (~40 delta rows an order), but counted afresh from the orders at the end."""
    return without_triggers(connection, uninstall, install)


Step = Callable[[BaseDatabaseWrapper], None]  # what installs or uninstalls triggers


@contextmanager
def without_triggers(connection: BaseDatabaseWrapper, uninstall: Step, install: Step) -> Iterator[None]:
    """The triggers dropped for the block and installed again after it (which recounts), errors included
    (``paused`` here and in ``rollup``)."""
    uninstall(connection)
    try:
        yield
    finally:
        install(connection)


def _upsert(table: str, keys: str, source: str) -> str:
    """Add the sums of the deltas ``d`` of ``source`` per ``keys`` to the rows of ``table`` (created when
    missing); ``g.value``: a gram of the delta's names."""
    columns = keys.replace("d.", "").replace("g.value", "gram")
    added = ", ".join(f"{state} = {table}.{state} + excluded.{state}" for state in STATES)
    return (
        f"INSERT INTO {table} ({columns}, {COLUMNS}) SELECT {keys}, {', '.join(f'SUM(d.{s})' for s in STATES)} "
        f"FROM {source} GROUP BY {keys} ON CONFLICT ({columns}) DO UPDATE SET {added}"
    )


def _grams_of_deltas(table: str, *, sqlite: bool) -> str:
    """The deltas ``d`` of ``table``, each with a gram ``g.value`` of its names (SQLite: those up to an id)."""
    grams = "anze_name_grams(d.applicant_name, d.project_name)"
    if sqlite:
        return f"{table} AS d, json_each({grams}) AS g WHERE d.id <= %s"
    return f"{table} AS d, unnest({grams}) AS g(value) WHERE true"


_OWN, _PER_GRAM = "d.insurer_id, d.order_type", "d.insurer_id, d.order_type, g.value"
# PostgreSQL: one statement, which folds exactly the deltas it deletes — a writer's delta committed meanwhile (its
# id may be lower than one folded: ids are taken before commit) is neither deleted nor folded, but left for the
# next round.
_PG_FOLD = (
    f"WITH gone AS (DELETE FROM {DELTAS} RETURNING *), "
    f"own AS ({_upsert(TABLE, _OWN, 'gone AS d WHERE true')}), "
    f"per_gram AS ({_upsert(GRAMS, _PER_GRAM, _grams_of_deltas('gone', sqlite=False))}) "
    "SELECT COUNT(*) FROM gone"
)
_SQLITE_FOLD = (
    _upsert(TABLE, _OWN, f"{DELTAS} AS d WHERE d.id <= %s"),
    _upsert(GRAMS, _PER_GRAM, _grams_of_deltas(DELTAS, sqlite=True)),
)


# SQLite: the deltas folded per transaction, which holds the database's write lock (writers wait meanwhile).
FOLD_CHUNK = 2_000


def fold(using: str = "default") -> int:
    """Add the deltas to the counts rows and delete them, in short transactions; how many were folded. Safe
    beside writers and beside another ``fold`` (PostgreSQL: the second skips its round on the advisory lock;
    SQLite: each transaction holds the database's write lock from its start, ``transaction_mode=IMMEDIATE``,
    for ``FOLD_CHUNK`` deltas at most)."""
    return fold_deltas(using, DELTAS, FOLD_LOCK, _PG_FOLD, _SQLITE_FOLD)


def fold_deltas(
    using: str,
    deltas: str,
    lock: int,
    pg_fold: str,
    sqlite_fold: Iterable[str],
    chunk: int = FOLD_CHUNK,
) -> int:
    """Fold the delta rows of the table ``deltas`` (also ``rollup.fold``'s): on PostgreSQL by ``pg_fold``, one
    statement that deletes them and returns how many, under the advisory ``lock``; on SQLite by the
    ``sqlite_fold`` statements on the deltas up to an id (their one parameter), ``chunk`` deltas a transaction,
    then deleted."""
    connection = connections[using]
    folded = 0
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock])
                if not cursor.fetchone()[0]:
                    return 0
                # The deltas' tables, never analyzed between folds, are estimated at thousands of times their
                # rows: PostgreSQL then compiled the statement (JIT), 0.5 s of a 0.6 s fold (docs/BENCH.md).
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(pg_fold)
                return int(cursor.fetchone()[0])
            cursor.execute(f"SELECT MIN(id), MAX(id) FROM {deltas}")
            first, last = cursor.fetchone()
            if first is None:
                return folded
            upto = min(last, first + chunk - 1)
            for statement in sqlite_fold:
                cursor.execute(statement, [upto])
            cursor.execute(f"DELETE FROM {deltas} WHERE id <= %s", [upto])
            folded += cursor.rowcount
            if upto == last:
                return folded


def _kept(
    insurer_id: int | None, order_type: str | None, grams: list[str] | None = None
) -> tuple[str, list[Any]]:
    """A subquery of ``(gram, <states>)`` to sum: the insurer's counts rows — its own (``grams`` None) or those of
    ``grams``, of every insurer when ``insurer_id`` is None — and the deltas not folded into them yet, those of
    orders whose names hold the gram (of one order type, or of both)."""
    by_type, type_params = ("AND order_type = %s", [order_type]) if order_type else ("", [])
    mine, mine_params = ("insurer_id = %s", [insurer_id]) if insurer_id is not None else ("TRUE", [])
    if grams is None:
        parts = [
            f"SELECT NULL AS gram, {COLUMNS} FROM {table} WHERE {mine} {by_type}" for table in (TABLE, DELTAS)
        ]
        return f"({' UNION ALL '.join(parts)}) AS kept", [*mine_params, *type_params] * 2
    # Every insurer's (``insurer_id`` None): their rows by the (insurer, gram) index, the insurers those of the
    # insurers' own rows.
    insurers = mine if insurer_id is not None else f"insurer_id IN (SELECT insurer_id FROM {TABLE})"
    marks = ", ".join(["%s"] * len(grams))
    parts = [f"SELECT gram, {COLUMNS} FROM {GRAMS} WHERE {insurers} AND gram IN ({marks}) {by_type}"]
    params: list[Any] = [*mine_params, *grams, *type_params]
    sqlite = connections[InsurerOrderCounts.objects.db].vendor == "sqlite"
    for gram in grams:
        # As the grams are taken (``search.name_grams``): the names lower-cased, SQLite's by Python.
        lower = "{}" if gram.lower() == gram.upper() else ("anze_lower({})" if sqlite else "lower({})")
        holds = " OR ".join(
            f"{'instr' if sqlite else 'strpos'}({lower.format(name)}, %s) > 0" for name in NAMES
        )
        parts.append(f"SELECT %s, {COLUMNS} FROM {DELTAS} WHERE {mine} {by_type} AND ({holds})")
        params += [gram, *mine_params, *type_params, gram, gram]
    return f"({' UNION ALL '.join(parts)}) AS kept", params


_SUMS = ", ".join(f"SUM({state})" for state in STATES)


def _sums(*kept: tuple[str, list[Any]]) -> list[dict[str, int]]:
    """The counts per state of each ``_kept`` subquery, in one statement."""
    sql = " UNION ALL ".join(f"SELECT {n}, {_SUMS} FROM {subquery}" for n, (subquery, _) in enumerate(kept))
    rows = {row[0]: row[1:] for row in _fetch(sql, [param for _, params in kept for param in params])}
    return [_states(rows[n]) for n in range(len(kept))]


def counts_of(insurer_id: int, order_type: str | None = None) -> dict[str, int]:
    """{state: number of the insurer's submitted orders in it} (of one order type, or of both), every insurer
    state present."""
    return _sums(_kept(insurer_id, order_type))[0]


def counts_with_gram(
    insurer_id: int, gram: str, order_type: str | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """``counts_of`` the orders whose names contain ``gram`` (``search.is_gram``, any case), and ``counts_of``
    all the insurer's orders, in one query."""
    matching, everything = _sums(_kept(insurer_id, order_type, [gram.lower()]), _kept(insurer_id, order_type))
    return matching, everything


def gram_total(gram: str) -> int:
    """Every insurer's submitted orders whose names contain ``gram`` (``search.is_gram``, any case), from the
    kept rows: whether a 1–2 character name is common, without reading its matches (the regulator's search,
    ``regulator.selectors.named``)."""
    return sum(_sums(_kept(None, None, [gram.lower()]))[0].values())


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
    everything_sql, everything_params = _kept(insurer_id, order_type)
    pairs_sql, pairs_params = _kept(insurer_id, order_type, lowered)
    least, least_params = _least(insurer_id, lowered, order_type)
    matched, matched_params = _at_most(matches, least, least_params, counted=True)
    sql = (
        f"SELECT 'all', '', {_SUMS} FROM {everything_sql} "
        f"UNION ALL SELECT 'pair', gram, {_SUMS} FROM {pairs_sql} GROUP BY gram "
        f"UNION ALL SELECT 'match', '', {_PER_STATE} FROM ({matched}) AS bounded"
    )
    rows = _fetch(sql, [*everything_params, *pairs_params, *matched_params], matches.db)
    everything = _states(next(row[2:] for row in rows if row[0] == "all"))
    per_pair = {pair: dict.fromkeys(STATES, 0) for pair in lowered}
    per_pair.update({row[1]: _states(row[2:]) for row in rows if row[0] == "pair"})
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
    alternative: QuerySet[Any] | None,
    walk: QuerySet[Any],
) -> Tally:
    """Count a search's matches per state, at most ``EXACT_LIMIT + 1`` of them, in one statement: a filter that
    most orders pass (a telephone prefix "1", a whole year) was a count of all the insurer's orders, each
    read for its state. Under ``more``, and with a ``tab``, the tab's matches are
    counted the same way, in the same statement and only then.

    With a name: ``matches`` reads its candidates from the grams index, ``alternative`` tests it on the rows
    the other filters select. The kept counts of ``grams`` (``search.bounding_grams`` of the name) choose in
    the statement: candidates while those bound them to ``EXACT_LIMIT``, else the row test — all the
    candidates of "有限公司" are read before any limit applies.

    ``walk``: the same orders with every filter tested on each row (``selectors.search_orders(walk=True)``),
    for counting a small tab along its own index: through a filter's index, 10,000 of the 5% of matches
    that are 已取消 are 200,000 rows; along the tab, at most its 16,000. A tab of ``p`` of the insurer's
    ``n`` orders is walked when ``p² < EXACT_LIMIT · n`` (its rows fewer than the filter's rows to read)."""
    least, least_params = ("", []) if alternative is None else _least(insurer_id, grams or [], order_type)

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
    # The insurer's orders (of the order type) in the tab, or in all.
    kept, population_params = _kept(insurer_id, order_type)
    population = f"SELECT SUM({tab or ' + '.join(STATES)}) FROM {kept}"
    tab_count, tab_params = "NULL", []
    if tab:  # counted only past the limit: along the tab (``walk``) when that reads fewer rows, else as above
        by_filter, by_filter_params = limited(
            matches.filter(status=tab), None if alternative is None else alternative.filter(status=tab)
        )
        walked, walked_params = limited(walk.filter(status=tab), None)
        everything = f"SELECT SUM({' + '.join(STATES)}) FROM {kept}"
        tab_count = (
            f"CASE WHEN COUNT(*) <= {EXACT_LIMIT} THEN NULL "
            f"WHEN ({population}) * ({population}) < {EXACT_LIMIT} * ({everything}) "
            f"THEN (SELECT COUNT(*) FROM ({walked}) AS walked) ELSE (SELECT COUNT(*) FROM ({by_filter}) AS tab) END"
        )
        tab_params = [*population_params * 3, *walked_params, *by_filter_params]
    least_column = f"({least})" if least else "NULL"
    sql = f"SELECT {_PER_STATE}, {tab_count}, {least_column}, ({population}) FROM ({rows_sql}) AS bounded"
    row = _fetch(sql, [*tab_params, *least_params, *population_params, *rows_params], matches.db)[0]
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


def _least(insurer_id: int, grams: list[str], order_type: str | None) -> tuple[str, list[Any]]:
    """The least of the grams' totals (0 when one has no row): every match holds every gram of its term, so
    there are at most that many."""
    kept, params = _kept(insurer_id, order_type, grams)
    return (
        f"SELECT CASE WHEN COUNT(*) < {len(grams)} THEN 0 ELSE MIN(n) END "
        f"FROM (SELECT SUM({' + '.join(STATES)}) AS n FROM {kept} GROUP BY gram) AS gram_totals",
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


def _fetch(sql: str, params: list[Any], using: str | None = None) -> list[tuple[Any, ...]]:
    with connections[using or InsurerOrderCounts.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _states(values: Iterable[int | None]) -> dict[str, int]:
    return {state: n or 0 for state, n in zip(STATES, values, strict=True)}
