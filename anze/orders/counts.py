"""The insurer's order counts per state (``InsurerOrderCounts``), kept by triggers on the orders table.

Why triggers: the tab counts of 订单管理 read every index entry of the insurer — 100 ms at 333,000 orders per
insurer (1,000,000 in all) on both databases — while one row per insurer answers at once. A trigger updates
it in the same transaction as the order row, whoever writes it (the workflow, a bulk insert, a data fix), so
the counts are exact, never stale, and a rolled-back transition rolls them back too. One row per insurer
and order type (not per state) so that a transition takes one row lock: two transitions in opposite
directions cannot deadlock on two counter rows (an order never changes its type). Per type so that the
订单类型 filter, the one search filter that splits an insurer's orders in large halves, counts as fast.

An order counts when it is submitted (``submitted_at`` set: not a draft, see the constraints on Order).
Like the search index (search.py), ``install`` runs from migration 0003 and after every ``migrate``, and
puts back triggers that a table rebuild on SQLite dropped, recounting from the orders.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from .models import INSURER_STATUSES, InsurerOrderCounts, OrderStatus

TABLE = InsurerOrderCounts._meta.db_table
STATES: tuple[str, ...] = INSURER_STATUSES
assert OrderStatus.DRAFT not in STATES  # drafts are never submitted, hence never counted


def _changes(row: str, sign: str) -> str:
    """``awaiting_quote = awaiting_quote + CASE WHEN NEW.status = 'awaiting_quote' THEN 1 ELSE 0 END, …``
    (``row`` is NEW or OLD): one statement moves whichever column the row's state names."""
    return ", ".join(
        f"{state} = {state} {sign} CASE WHEN {row}.status = '{state}' THEN 1 ELSE 0 END" for state in STATES
    )


def _add(row: str, *, sqlite: bool) -> list[str]:
    # The insurer's row first, if it has none yet (SQLite's upsert syntax is not allowed in a trigger).
    values = f"(insurer_id, order_type) VALUES ({row}.insurer_id, {row}.order_type)"
    create = (
        f"INSERT OR IGNORE INTO {TABLE} {values}"
        if sqlite
        else f"INSERT INTO {TABLE} {values} ON CONFLICT DO NOTHING"
    )
    return [create, f"UPDATE {TABLE} SET {_changes(row, '+')} WHERE {_where(row)}"]


def _where(row: str) -> str:
    return f"insurer_id = {row}.insurer_id AND order_type = {row}.order_type"


def _remove(row: str) -> str:
    return f"UPDATE {TABLE} SET {_changes(row, '-')} WHERE {_where(row)}"


# SQLite: one trigger per event; WHEN skips the unsubmitted rows (drafts).
_SQLITE_TRIGGERS: dict[str, str] = {
    "order_counts_ai": "CREATE TRIGGER order_counts_ai AFTER INSERT ON orders_order "
    "WHEN new.submitted_at IS NOT NULL BEGIN " + "; ".join(_add("new", sqlite=True)) + "; END",
    "order_counts_ad": "CREATE TRIGGER order_counts_ad AFTER DELETE ON orders_order "
    f"WHEN old.submitted_at IS NOT NULL BEGIN {_remove('old')}; END",
    # Split in two so that each half has its own WHEN (SQLite triggers have no IF).
    "order_counts_au_old": "CREATE TRIGGER order_counts_au_old AFTER UPDATE OF status, insurer_id, submitted_at, order_type "
    f"ON orders_order WHEN old.submitted_at IS NOT NULL BEGIN {_remove('old')}; END",
    "order_counts_au_new": "CREATE TRIGGER order_counts_au_new AFTER UPDATE OF status, insurer_id, submitted_at, order_type "
    "ON orders_order WHEN new.submitted_at IS NOT NULL BEGIN "
    + "; ".join(_add("new", sqlite=True))
    + "; END",
}

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION order_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.submitted_at IS NOT NULL THEN
        {_remove("OLD")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.submitted_at IS NOT NULL THEN
        {"; ".join(_add("NEW", sqlite=False))};
    END IF;
    RETURN NULL;
END
$$"""
_PG_TRIGGER = (
    "CREATE TRIGGER order_counts_sync AFTER INSERT OR DELETE OR UPDATE OF status, insurer_id, submitted_at, order_type "
    "ON orders_order FOR EACH ROW EXECUTE FUNCTION order_counts_sync()"
)

_SUMS = ", ".join(f"SUM(CASE WHEN status = '{state}' THEN 1 ELSE 0 END)" for state in STATES)
RECOUNT: tuple[str, ...] = (
    f"DELETE FROM {TABLE}",
    f"INSERT INTO {TABLE} (insurer_id, order_type, {', '.join(STATES)}) "
    f"SELECT insurer_id, order_type, {_SUMS} FROM orders_order WHERE submitted_at IS NOT NULL "
    "GROUP BY insurer_id, order_type",
)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers that are missing and, when any was, recount (idempotent; cheap when present)."""
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
            for statement in RECOUNT:
                cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS order_counts_sync ON orders_order")
            cursor.execute("DROP FUNCTION IF EXISTS order_counts_sync()")


def counts_of(insurer_id: int, order_type: str | None = None) -> dict[str, int]:
    """{state: number of the insurer's submitted orders in it} (of one order type, or of both), every insurer
    state present."""
    rows = InsurerOrderCounts.objects.filter(insurer_id=insurer_id)
    if order_type is not None:
        rows = rows.filter(order_type=order_type)
    totals = dict.fromkeys(STATES, 0)
    for row in rows.values(*STATES):
        for state in STATES:
            totals[state] += row[state]
    return totals
