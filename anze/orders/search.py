"""Chinese substring search on 投保人 / 项目名称 that does not scan the orders table (docs/spec/PERFORMANCE-NOTES.md).

- SQLite: an FTS5 table with the ``trigram`` tokenizer over (applicant_name, project_name), external content
  (the orders table itself, so nothing is stored twice), kept in sync by triggers. Queried as
  ``id IN (SELECT rowid FROM order_fts WHERE order_fts MATCH ?)``: joining the FTS table instead made SQLite
  choose a plan orders of magnitude slower when it also filters by insurer.
- PostgreSQL: ``pg_trgm`` GIN indexes on ``UPPER(column)``, the expression Django's ``icontains`` compares, so
  the ordinary ``icontains`` lookup is index-backed.
- A trigram index cannot answer a query shorter than 3 characters (FTS5 trigram even returns no row for one,
  wrongly). The insurer's search goes to an index of the names' substrings of 1 to 3 characters, punctuation
  and spaces included ("grams"), with a token of the order's insurer: on SQLite a contentless FTS5 table fed
  by the triggers through the SQL function ``anze_grams`` (registered on every connection, see
  ``register_functions``; each gram spelt out as one token, ``gram_token``); on PostgreSQL a GIN index over
  the immutable function ``anze_grams(text, text, bigint) → text[]``. Without it, a 2-character term scanned
  all the orders of an insurer. A 1–2 character term is exactly its gram; a longer one is read as the orders
  holding each of its trigrams under the insurer's token, each then tested for the term itself: the trigram
  index gives the matches of every insurer (and counting the insurer's per state looked each of them up), and
  pg_trgm indexes no punctuation ("有限公司（" read every order holding "有限公司"). A search over an enterprise's own
  orders uses the trigram index or ``LIKE``; over the regulator's region (every insurer's orders), the
  trigram index or the grams under no insurer's token.

``install`` is run by migration 0002 and again after every ``migrate`` (apps.py): on SQLite, a later
migration that rebuilds the orders table (Django copies it into a new one for most ALTERs) drops its
triggers, and the index would silently stop following the orders. ``install`` puts them back and rebuilds.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from .models import Order

TRIGRAM = 3  # characters a trigram index needs to answer a query
GRAMS_TABLE = "order_grams"
NAMES = ("applicant_name", "project_name")  # the names searched, and counted by their grams (counts.py)


def insurer_token(insurer_id: int) -> str:
    """The token that puts an order's grams under its insurer: four characters or more, so never a gram."""
    return f"ins{insurer_id}"


def is_gram(term: str) -> bool:
    """A term the grams answer exactly: one character or a pair (a trigram index cannot)."""
    return 0 < len(term) < TRIGRAM


def name_grams(applicant_name: str | None, project_name: str | None) -> set[str]:
    """The distinct single characters and character pairs of the two names, lower-cased, punctuation and
    spaces included (as PostgreSQL's ``anze_name_grams``): what the per-gram counts count."""
    return _substrings((applicant_name, project_name), (1, 2))


def term_grams(term: str, length: int) -> list[str]:
    """The lower-cased substrings of ``length`` characters of ``term``: every order whose names contain
    ``term`` holds each of them."""
    return sorted(_substrings((term.strip(),), (length,)))


def bounding_grams(term: str) -> list[str]:
    """The grams whose kept counts (counts.py) bound a term's matches: the term itself when it is a gram, else
    its pairs (every match holds each of them)."""
    term = term.strip()
    return [term.lower()] if is_gram(term) else term_grams(term, 2)


def _substrings(names: tuple[str | None, ...], lengths: tuple[int, ...]) -> set[str]:
    """The distinct lower-cased substrings of ``names`` of each of ``lengths``."""
    found: set[str] = set()
    for name in names:
        text = (name or "").lower()
        for n in lengths:
            found.update(text[i : i + n] for i in range(len(text) - n + 1))
    return found


def gram_token(gram: str) -> str:
    """A gram as one token of SQLite's grams index: "x" and six hex digits per character. The ``unicode61``
    tokenizer splits text at punctuation and spaces, which names hold ("有限公司（泉州）"): spelt out, every
    gram is one token, and none can be taken for the insurer's."""
    return "x" + "".join(f"{ord(character):06x}" for character in gram)


def grams(applicant_name: str | None, project_name: str | None, insurer_id: int | None) -> str:
    """What SQLite's grams index holds for an order: its names' substrings of 1 to 3 characters as
    ``gram_token``s, and the insurer's token. A query asks for the term's grams *and* the insurer's token, so
    it reads only that insurer's matches: a common term such as a town's name is in thousands of orders of
    every insurer, and each match costs a row lookup (25,000 for "泉州蓬壶" in all, 8,300 of them one
    insurer's)."""
    found = {gram_token(gram) for gram in _substrings((applicant_name, project_name), (1, 2, TRIGRAM))}
    if insurer_id is not None:
        found.add(insurer_token(insurer_id))
    return " ".join(sorted(found))


def register_functions(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """``connection_created``: SQLite's triggers call ``anze_grams``, so every connection that may write orders
    needs it (a write through the sqlite3 shell fails instead of leaving the index behind). ``anze_name_grams``:
    ``name_grams`` as a JSON array, read with ``json_each`` by the fold of the per-gram counts (counts.py);
    ``anze_lower``: ``str.lower`` (SQLite's own ``lower`` knows only ASCII)."""
    if connection.vendor == "sqlite":
        for name, arity, function in (
            ("anze_grams", 3, grams),
            ("anze_name_grams", 2, lambda *names: json.dumps(sorted(name_grams(*names)), ensure_ascii=False)),
            ("anze_lower", 1, lambda text: None if text is None else text.lower()),
        ):
            connection.connection.create_function(name, arity, function, deterministic=True)


FTS_TABLE = "order_fts"
_GRAMS_OF = "anze_grams({row}.applicant_name, {row}.project_name, {row}.insurer_id)"


def _sync_triggers(table: str, columns: str, values: str, watched: str) -> dict[str, str]:
    """The triggers that keep the FTS5 ``table`` (its ``columns``: ``values`` of a ``{row}``) following the orders:
    an order's row added on insert, forgotten on delete, both on an update of the ``watched`` columns only (the
    many status updates of the workflow touch no index). FTS5 forgets a row (its 'delete' command) only when told
    the exact values it indexed — a contentless table has no other copy: hence the old row's ``values``."""
    add = f"INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {values.format(row='new')});"
    forget = f"INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {values.format(row='old')});"
    return {
        f"{table}_{name}": f"CREATE TRIGGER {table}_{name} AFTER {event} ON orders_order BEGIN {body} END"
        for name, event, body in (
            ("ai", "INSERT", add),
            ("ad", "DELETE", forget),
            ("au", f"UPDATE OF {watched}", f"{forget} {add}"),
        )
    }


# SQLite's FTS5 tables, the names' trigrams and the grams: each with its module, its triggers, and the statements
# that index every order again.
_SQLITE_INDEXES: tuple[tuple[str, str, dict[str, str], list[str]], ...] = (
    (
        FTS_TABLE,
        "fts5(applicant_name, project_name, content='orders_order', content_rowid='id', tokenize='trigram')",
        _sync_triggers(
            FTS_TABLE, ", ".join(NAMES), "{row}.applicant_name, {row}.project_name", ", ".join(NAMES)
        ),
        [f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"],
    ),
    (
        GRAMS_TABLE,
        "fts5(grams, content='', tokenize='unicode61 remove_diacritics 0')",
        _sync_triggers(GRAMS_TABLE, "grams", _GRAMS_OF, "applicant_name, project_name, insurer_id"),
        # A contentless table cannot 'rebuild': empty it and index every order again.
        [
            f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}) VALUES ('delete-all')",
            f"INSERT INTO {GRAMS_TABLE}(rowid, grams) SELECT id, {_GRAMS_OF.format(row='orders_order')} FROM orders_order",
        ],
    ),
)


def _pg_substrings(longest: int) -> str:
    """SQL of the distinct lower-cased substrings of $1 and $2 of 1 to ``longest`` characters (as
    ``_substrings``)."""
    return f"""
    SELECT coalesce(array_agg(DISTINCT g), '{{}}') FROM (
        SELECT lower(substr(t, i, n)) AS g
        FROM unnest(ARRAY[$1, $2]) AS t, generate_series(1, {longest}) AS n,
            generate_series(1, length(t) - n + 1) AS i
    ) AS grams"""


# The substrings of 1 to 3 characters of the two lower-cased names and the insurer's token, by a loop: the grams
# index computes them again for every new row version of an order, a change of status included (a status is in
# the list's B-tree indexes, so the update is never HOT). A query's DISTINCT is not needed (GIN keeps each key
# once, ``@>`` asks for a set): the loop took 0.3–0.5 s for 10,000 orders where the query took 0.7–1.0 s, and 8
# writers changed states 4–29% faster (docs/BENCH.md, "stop 28").
_PG_GRAMS_LOOP = f"""
DECLARE
    grams text[] := ARRAY['ins' || $3::text];
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[lower($1), lower($2)] LOOP
        FOR n IN 1..{TRIGRAM} LOOP
            FOR i IN 1..coalesce(length(t), 0) - n + 1 LOOP
                grams := grams || substr(t, i, n);
            END LOOP;
        END LOOP;
    END LOOP;
    RETURN grams;
END"""
# ``anze_name_grams``: the distinct characters and pairs the counts' fold counts (counts.py); ``anze_grams``: the
# expression of the grams index. PL/pgSQL, not SQL: a SQL function that cannot be inlined is planned again in
# every statement that calls it, which made the grams index's upkeep ~1 ms of every order write; a PL/pgSQL
# function keeps its plan for the session (docs/BENCH.md, "concurrent writers: JIT and the grams' plan").
_PG_GRAMS_BODIES = {
    "anze_name_grams(text, text)": f"BEGIN RETURN ({_pg_substrings(2)}); END",
    "anze_grams(text, text, bigint)": _PG_GRAMS_LOOP,
}
_PG_GRAMS_EXPRESSION = "anze_grams(applicant_name, project_name, insurer_id)"
_PG_INDEXES: dict[str, str] = {
    "order_applicant_trgm": "CREATE INDEX IF NOT EXISTS order_applicant_trgm ON orders_order "
    "USING gin (UPPER(applicant_name) gin_trgm_ops)",
    "order_project_trgm": "CREATE INDEX IF NOT EXISTS order_project_trgm ON orders_order "
    "USING gin (UPPER(project_name) gin_trgm_ops)",
    "order_grams": f"CREATE INDEX IF NOT EXISTS order_grams ON orders_order USING gin (({_PG_GRAMS_EXPRESSION}))",
}
# How many values ANALYZE keeps of each indexed name (default 100). The planner estimates how many orders a
# LIKE '%…%' matches from them: with 100, one sampled name that contains a rare four-character term makes it 1%
# of the table, and the planner then walks the insurer's orders by time testing each row instead of reading
# the few matches from the trigram index (bench_orders; figures in docs/BENCH.md, "Figures behind the code").
PG_NAME_STATISTICS = 1000


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the search indexes of this database where missing (idempotent; cheap when present). SQLite's FTS5
    tables then index every order again: orders written while a trigger was missing are not in them."""
    install_functions(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders_order'")
            present = {row[0] for row in cursor.fetchall()}
            for name, sql in _PG_INDEXES.items():
                if name not in present:
                    cursor.execute(sql)
            for name in ("order_applicant_trgm", "order_project_trgm"):  # (takes effect at the next ANALYZE)
                cursor.execute(f"ALTER INDEX {name} ALTER COLUMN 1 SET STATISTICS {PG_NAME_STATISTICS}")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            if "orders_order" not in present:
                return  # before migration 0001 (or after rolling it back): nothing to index yet
            for table, module, triggers, reindex in _SQLITE_INDEXES:
                missing = [name for name in triggers if name not in present]
                if table in present and not missing:
                    continue
                if table not in present:
                    cursor.execute(f"CREATE VIRTUAL TABLE {table} USING {module}")
                for sql in [*(triggers[name] for name in missing), *reindex]:
                    cursor.execute(sql)


def install_functions(connection: BaseDatabaseWrapper) -> None:
    """PostgreSQL: ``pg_trgm`` and the grams functions, which the index and the counts' trigger call (on
    SQLite they are registered on every connection instead)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # (Replaced when their text differs: a change here follows; the same grams, so the index stays valid.)
        cursor.execute(
            "SELECT count(DISTINCT prosrc) FROM pg_proc WHERE prosrc = ANY(%s)",
            [[*_PG_GRAMS_BODIES.values()]],
        )
        if cursor.fetchone()[0] == len(_PG_GRAMS_BODIES):
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for signature, body in _PG_GRAMS_BODIES.items():
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {signature} RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE "
                f"AS $${body}$$"
            )


def uninstall(connection: BaseDatabaseWrapper, *, grams_only: bool = False) -> None:
    """Drop the search indexes and what feeds them; with ``grams_only`` the grams index alone, which ``install``
    builds again from the orders with what the code now puts in it (migration 0006 added the trigrams and
    punctuation: a contentless index must be given back, token for token, what it holds to forget a row, so it
    cannot be changed in place)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The grams' table (the second) alone, or both, the grams' first.
            for table, _, triggers, _ in _SQLITE_INDEXES[1:] if grams_only else _SQLITE_INDEXES[::-1]:
                for name in triggers:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {GRAMS_TABLE}")
            # (``anze_name_grams`` stays: the counts' trigger calls it too, see counts.py.)
            cursor.execute("DROP FUNCTION IF EXISTS anze_grams(text, text, bigint)")
            for name in [] if grams_only else _PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


def name_matches(
    queryset: QuerySet[Order], term: str, *, insurer_id: int | None = None, every_insurer: bool = False
) -> QuerySet[Order]:
    """Orders whose 投保人 or 项目名称 contains ``term`` (case-insensitive for Latin letters).

    ``insurer_id``: the insurer whose orders ``queryset`` holds, for the term to be read from the grams under
    that insurer: a 1–2 character term exactly, a longer one as the orders holding each of its trigrams, then
    tested on each row (``_names_hold``). Without it, a longer term is read from the trigram index of all
    orders; a shorter one is, with ``every_insurer`` (the regulator's region, whose orders are every
    insurer's), the gram itself read from the grams index without an insurer's token — a ``LIKE`` over a
    million orders took 0.3–3 s (docs/BENCH.md) — and otherwise (an enterprise's own few orders) a ``LIKE``
    over ``queryset``."""
    term = term.strip()
    if not term:
        return queryset
    if insurer_id is not None:
        tokens = [term.lower()] if is_gram(term) else term_grams(term, TRIGRAM)
        matches = _holding_grams(queryset, tokens, insurer_id)
        return matches if is_gram(term) else _names_hold(matches, term)
    if every_insurer and is_gram(term):
        return _holding_grams(queryset, [term.lower()], None)
    if connections[queryset.db].vendor == "sqlite" and len(term) >= TRIGRAM:
        # The term as one FTS5 phrase: a substring match under the trigram tokenizer, whatever it contains
        # (quotes doubled, so 「"」, ``AND`` or ``*`` are searched for, not parsed).
        phrase = '"' + term.replace('"', '""') + '"'
        keys = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [phrase])
        return queryset.filter(pk__in=keys)
    return queryset.filter(names_hold(term))


def _holding_grams(
    queryset: QuerySet[Any], tokens: list[str], insurer_id: int | None, through: str = ""
) -> QuerySet[Any]:
    """The rows of ``queryset`` whose order's grams hold every one of ``tokens`` under the insurer's token (under
    any insurer's when ``insurer_id`` is None): orders, or with ``through`` = "order" the rows pointing to one
    (policies) — on SQLite the index's rowids compared with the row's order key, no order read (``gram_holders``)."""
    insurer = [] if insurer_id is None else [insurer_token(insurer_id)]
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.fields import ArrayField  # (imports psycopg)

        from .models import Order

        # The expression of the GIN index, filtered on directly (``@>``): the planner reads the index, then each
        # match's row once.
        grams_of = Func(
            "applicant_name",
            "project_name",
            "insurer_id",
            function="anze_grams",
            output_field=ArrayField(TextField()),
        )
        holders = (Order.objects.order_by() if through else queryset).alias(name_grams=grams_of)
        holders = holders.filter(name_grams__contains=[*tokens, *insurer])
        return queryset.filter(**{f"{through}__in": holders.values("pk")}) if through else holders
    query = " ".join([*(gram_token(token) for token in tokens), *insurer])
    keys = RawSQL(f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH %s", [query])
    return queryset.filter(**{f"{through}_id__in" if through else "pk__in": keys})


def gram_holders(queryset: QuerySet[Any], term: str, insurer_id: int) -> QuerySet[Any]:
    """The policies of ``queryset`` (the insurer's) whose order's names hold ``term``, a 1–2 character term
    (``is_gram``), exactly: the insurer's matches in the grams index, compared on SQLite with each policy's
    ``order_id`` as they are — without reading each match's order row (its filters, the insurer and a
    submission, hold for any policy of the insurer), which took half of 保单管理's name search (docs/BENCH.md)."""
    return _holding_grams(queryset, [term.strip().lower()], insurer_id, through="order")


class NameLower(Func):
    """A name lower-cased as the grams are (``str.lower`` on SQLite, whose own ``lower`` knows only ASCII)."""

    function = "lower"
    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="anze_lower", **extra)


def _names_hold(queryset: QuerySet[Any], term: str, through: str = "") -> QuerySet[Any]:
    """Rows whose order's names (``through``: the path to the order, "order__"; none for orders), lower-cased
    as the grams are, contain ``term``: the test of a longer term's candidates. No index serves it, on
    purpose: on PostgreSQL an ``icontains`` here let the planner AND the trigram indexes into the grams' bitmap,
    and their inexact matches made it recheck every candidate by computing its grams again."""
    term, names = term.strip(), [f"{through}applicant_name", f"{through}project_name"]
    if term.lower() != term.upper():  # letters to fold (Chinese, digits: the database's own LIKE is exact)
        queryset = queryset.alias(_applicant_lower=NameLower(names[0]), _project_lower=NameLower(names[1]))
        term, names = term.lower(), ["_applicant_lower", "_project_lower"]
    return queryset.filter(_either(names, "contains", term))


def _either(names: list[str], lookup: str, term: str) -> Q:
    return Q(**{f"{names[0]}__{lookup}": term}) | Q(**{f"{names[1]}__{lookup}": term})


def names_contain(queryset: QuerySet[Any], term: str, through: str = "") -> QuerySet[Any]:
    """Orders (or, ``through`` = "order__", policies) whose order's names contain ``term``, tested row by row on
    the names: for reading a page along the list's ordered index when the matches are common — the first page
    of a term in one order in 40 reads ~400 rows, where ``name_matches`` gives all of its thousands of matches
    to sort (see ``selectors.Scan``).

    PostgreSQL: ``icontains``, the expression of the trigram indexes, whose statistics tell the planner how
    many rows match (on ``lower(…)`` it underestimated them by far and sorted all of the insurer's orders
    instead of walking a few thousand of them for a deep page). For Chinese, Latin letters and digits, both databases give
    exactly the matches the grams give."""
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(names_hold(term, through))
    return _names_hold(queryset, term, through)


def names_hold(term: str, through: str = "") -> Q:
    """The condition of ``names_contain`` on PostgreSQL (``icontains``: on SQLite a ``LIKE``, case-insensitive
    for ASCII letters), for a query of other rows than orders: ``through`` is the path to the order ("order__")."""
    return _either([f"{through}applicant_name", f"{through}project_name"], "icontains", term.strip())
