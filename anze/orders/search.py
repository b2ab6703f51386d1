"""Chinese substring search on 投保人 / 项目名称 that does not scan the orders table (PERFORMANCE-NOTES.md).

- SQLite: an FTS5 table with the ``trigram`` tokenizer over (applicant_name, project_name), external content
  (the orders table itself, so nothing is stored twice), kept in sync by triggers. Queried as
  ``id IN (SELECT rowid FROM order_fts WHERE order_fts MATCH ?)``: joining the FTS table instead made SQLite
  choose a plan 10 000 times slower when it also filters by insurer.
- PostgreSQL: ``pg_trgm`` GIN indexes on ``UPPER(column)``, the expression Django's ``icontains`` compares, so
  the ordinary ``icontains`` lookup is index-backed.
- A trigram index cannot answer a query shorter than 3 characters (FTS5 trigram even returns no row for one,
  wrongly). Those go to an index of the names' single characters and character pairs ("grams") with a token of
  the order's insurer: on SQLite a contentless FTS5 table fed by the triggers through the SQL function
  ``anze_grams`` (registered on every connection, see ``register_functions``); on PostgreSQL a GIN index over
  the immutable function ``anze_grams(text, text, bigint) → text[]``. Without it, "蓬壶" scanned all 333,000 orders
  of an insurer (~1 s at 1M orders). A 1–2 character query with punctuation or spaces, or one over an
  enterprise's own orders, is answered by ``LIKE`` within what the caller has narrowed.

``install`` is run by migration 0002 and again after every ``migrate`` (apps.py): on SQLite, a later
migration that rebuilds the orders table (Django copies it into a new one for most ALTERs) drops its
triggers, and the index would silently stop following the orders. ``install`` puts them back and rebuilds.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL

TRIGRAM = 3  # characters a trigram index needs to answer a query
GRAMS_TABLE = "order_grams"


def insurer_token(insurer_id: int) -> str:
    """The token that puts an order's grams under its insurer: four characters or more, so never a gram."""
    return f"ins{insurer_id}"


def grams(applicant_name: str | None, project_name: str | None, insurer_id: int | None) -> str:
    """The distinct single characters and character pairs of the two names, lower-cased, space-separated, and
    the insurer's token: what the short-query index holds for an order (pairs across a space or punctuation
    are useless). A query for a pair asks for the pair *and* the insurer's token, so it reads only that
    insurer's matches: a common pair such as a town's name is in thousands of orders of every insurer, and
    each match costs a row lookup."""
    found: set[str] = set()
    for name in (applicant_name, project_name):
        text = (name or "").lower()
        found.update(ch for ch in text if ch.isalnum())
        found.update(text[i : i + 2] for i in range(len(text) - 1) if text[i : i + 2].isalnum())
    if insurer_id is not None:
        found.add(insurer_token(insurer_id))
    return " ".join(sorted(found))


class Grams(Func):
    """``anze_grams(applicant_name, project_name, insurer_id)`` on PostgreSQL, the expression of its GIN
    index: filtered on directly (``@>``), so the planner reads the index and then each match's row once."""

    function = "anze_grams"
    arity = 3


def register_functions(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """``connection_created``: SQLite's triggers call ``anze_grams``, so every connection that may write orders
    needs it (a write through the sqlite3 shell fails instead of leaving the index behind)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("anze_grams", 3, grams, deterministic=True)


def _grams_sql(row: str) -> str:
    return f"anze_grams({row}.applicant_name, {row}.project_name, {row}.insurer_id)"


FTS_TABLE = "order_fts"
_SQLITE_TRIGGERS: dict[str, str] = {
    "order_fts_ai": f"""
        CREATE TRIGGER order_fts_ai AFTER INSERT ON orders_order BEGIN
            INSERT INTO {FTS_TABLE}(rowid, applicant_name, project_name)
            VALUES (new.id, new.applicant_name, new.project_name);
        END""",
    "order_fts_ad": f"""
        CREATE TRIGGER order_fts_ad AFTER DELETE ON orders_order BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, applicant_name, project_name)
            VALUES ('delete', old.id, old.applicant_name, old.project_name);
        END""",
    # Only a change of the two names touches the index: the many status updates of the workflow do not.
    "order_fts_au": f"""
        CREATE TRIGGER order_fts_au AFTER UPDATE OF applicant_name, project_name ON orders_order BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, applicant_name, project_name)
            VALUES ('delete', old.id, old.applicant_name, old.project_name);
            INSERT INTO {FTS_TABLE}(rowid, applicant_name, project_name)
            VALUES (new.id, new.applicant_name, new.project_name);
        END""",
}
_SQLITE_GRAM_TRIGGERS: dict[str, str] = {
    "order_grams_ai": f"""
        CREATE TRIGGER order_grams_ai AFTER INSERT ON orders_order BEGIN
            INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (new.id, {_grams_sql("new")});
        END""",
    # A contentless FTS5 table forgets a row only when told the exact tokens it was given.
    "order_grams_ad": f"""
        CREATE TRIGGER order_grams_ad AFTER DELETE ON orders_order BEGIN
            INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rowid, grams) VALUES ('delete', old.id, {_grams_sql("old")});
        END""",
    "order_grams_au": f"""
        CREATE TRIGGER order_grams_au AFTER UPDATE OF applicant_name, project_name, insurer_id ON orders_order BEGIN
            INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rowid, grams) VALUES ('delete', old.id, {_grams_sql("old")});
            INSERT INTO {GRAMS_TABLE}(rowid, grams) VALUES (new.id, {_grams_sql("new")});
        END""",
}
_PG_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION anze_grams(text, text, bigint) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT array_append(coalesce(array_agg(DISTINCT g), '{}'), 'ins' || $3::text) FROM (
        SELECT lower(substr(t, i, n)) AS g
        FROM unnest(ARRAY[$1, $2]) AS t, generate_series(1, 2) AS n, generate_series(1, length(t) - n + 1) AS i
    ) AS grams
$$"""
_PG_GRAMS_EXPRESSION = "anze_grams(applicant_name, project_name, insurer_id)"
_PG_INDEXES: dict[str, str] = {
    "order_applicant_trgm": "CREATE INDEX IF NOT EXISTS order_applicant_trgm ON orders_order "
    "USING gin (UPPER(applicant_name) gin_trgm_ops)",
    "order_project_trgm": "CREATE INDEX IF NOT EXISTS order_project_trgm ON orders_order "
    "USING gin (UPPER(project_name) gin_trgm_ops)",
    "order_grams": f"CREATE INDEX IF NOT EXISTS order_grams ON orders_order USING gin (({_PG_GRAMS_EXPRESSION}))",
}


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the search index of this database if it is missing (idempotent; cheap when present)."""
    if connection.vendor == "sqlite":
        _install_sqlite(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders_order'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [sql for name, sql in _PG_INDEXES.items() if name not in present]
            if (
                missing
            ):  # (even IF NOT EXISTS refuses to run inside a transaction with pending trigger events)
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(_PG_GRAMS_FUNCTION)
            for sql in missing:
                cursor.execute(sql)


def _install_sqlite(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "orders_order" not in present:
            return  # before migration 0001 (or after rolling it back): nothing to index yet
        _install_sqlite_index(
            cursor,
            present,
            FTS_TABLE,
            "fts5(applicant_name, project_name, content='orders_order', content_rowid='id', tokenize='trigram')",
            _SQLITE_TRIGGERS,
            [f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"],
        )
        _install_sqlite_index(
            cursor,
            present,
            GRAMS_TABLE,
            "fts5(grams, content='', tokenize='unicode61 remove_diacritics 0')",
            _SQLITE_GRAM_TRIGGERS,
            # A contentless table cannot 'rebuild': empty it and index every order again.
            [
                f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}) VALUES ('delete-all')",
                f"INSERT INTO {GRAMS_TABLE}(rowid, grams) SELECT id, {_grams_sql('orders_order')} FROM orders_order",
            ],
        )


def _install_sqlite_index(
    cursor: Any, present: set[str], table: str, module: str, triggers: dict[str, str], reindex: list[str]
) -> None:
    """Create the FTS5 ``table`` and its ``triggers`` where missing; then index every order again, since
    orders written while the triggers were missing are not in it."""
    missing = [name for name in triggers if name not in present]
    if table in present and not missing:
        return
    if table not in present:
        cursor.execute(f"CREATE VIRTUAL TABLE {table} USING {module}")
    for name in missing:
        cursor.execute(triggers[name])
    for sql in reindex:
        cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in (*_SQLITE_TRIGGERS, *_SQLITE_GRAM_TRIGGERS):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {GRAMS_TABLE}")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in _PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute("DROP FUNCTION IF EXISTS anze_grams(text, text, bigint)")


def _fts_phrase(term: str) -> str:
    """The term as one FTS5 phrase: a substring match under the trigram tokenizer, whatever it contains
    (quotes doubled, so 「"」, ``AND`` or ``*`` are searched for, not parsed)."""
    return '"' + term.replace('"', '""') + '"'


def name_matches(queryset: QuerySet, term: str, *, insurer_id: int | None = None) -> QuerySet:  # type: ignore[type-arg]
    """Orders whose 投保人 or 项目名称 contains ``term`` (case-insensitive for Latin letters).

    ``insurer_id``: the insurer whose orders ``queryset`` holds, for a 1–2 character term to be read from the
    grams under that insurer. Without it (an enterprise's own few orders), such a term is a ``LIKE`` over
    ``queryset``."""
    term = term.strip()
    if not term:
        return queryset
    connection = connections[queryset.db]
    if connection.vendor == "sqlite" and len(term) >= TRIGRAM:
        return queryset.filter(
            pk__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [_fts_phrase(term)],
            )
        )
    if len(term) < TRIGRAM and term.isalnum() and insurer_id is not None:  # one character or a pair
        if connection.vendor == "sqlite":
            return queryset.filter(
                pk__in=RawSQL(
                    f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH %s",
                    [f"{_fts_phrase(term.lower())} {insurer_token(insurer_id)}"],
                )
            )
        if connection.vendor == "postgresql":
            from django.contrib.postgres.fields import ArrayField  # (imports psycopg)

            grams_of = Grams(
                "applicant_name", "project_name", "insurer_id", output_field=ArrayField(TextField())
            )
            return queryset.alias(name_grams=grams_of).filter(
                name_grams__contains=[term.lower(), insurer_token(insurer_id)]
            )
    return queryset.filter(Q(applicant_name__icontains=term) | Q(project_name__icontains=term))
