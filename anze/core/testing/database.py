"""How a transactional test (``django_db(transaction=True)``, ``live_server``) leaves the database for the next.

Django's ``TransactionTestCase`` ends with ``manage.py flush``: a TRUNCATE of every table, then ``post_migrate``
recreating the content types and permissions it just emptied. On PostgreSQL the TRUNCATE gives every table,
index and TOAST table a new file: 1.5 s a test on a quiet machine, 7–12 s when the machine is busy, for
tables that hold a handful of rows. It also empties the base data of the migration (regions, industries,
service items, the default rule), so that every test after it had to create it again.

``empty`` does the same job with DELETE: in one transaction, from the tables that hold rows only (one query
finds them), foreign keys checked at the end (Django declares them DEFERRABLE INITIALLY DEFERRED on both
databases). It keeps the content types and permissions (which no test writes), puts back the base data as the
migration wrote it (``snapshot``, taken once when the test database is ready). It emits no ``post_migrate``
(0.5 s a test on PostgreSQL): what its handlers make — content types, permissions, the orders' triggers — is
still there, a DELETE removes none of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Written by migrations and by post_migrate, never by a test: left as they are.
KEPT = ("django_content_type", "auth_permission")
# The base data of basedata/migrations/0002_seed.py, put back row for row after each transactional test.
BASE_DATA_APP = "basedata"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _tables(connection: BaseDatabaseWrapper) -> list[str]:
    return [
        name
        for name in connection.introspection.django_table_names(only_existing=True, include_views=False)
        if name not in KEPT
    ]


def snapshot(connection: BaseDatabaseWrapper) -> tuple[Table, ...]:
    """The rows of the base data tables, as the migration left them."""
    tables = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_app_config(BASE_DATA_APP).get_models():
            name = model._meta.db_table
            cursor.execute(f"SELECT * FROM {quote(name)}")
            columns = tuple(column[0] for column in cursor.description)
            tables.append(Table(name, columns, tuple(tuple(row) for row in cursor.fetchall())))
    return tuple(tables)


def _holding_rows(connection: BaseDatabaseWrapper, tables: Sequence[str]) -> list[str]:
    if not tables:
        return []
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {quote(name)})" for name in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [row[0] for row in cursor.fetchall()]


def empty(connection: BaseDatabaseWrapper, base_data: Sequence[Table]) -> None:
    """Every table empty but the base data's (as in ``base_data``) and the content types and permissions."""
    quote = connection.ops.quote_name
    tables = _tables(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # A second round for rows that triggers wrote while the first deleted (the orders' counts).
        for _ in range(3):
            full = _holding_rows(connection, tables)
            if not full:
                break
            for name in full:
                cursor.execute(f"DELETE FROM {quote(name)}")
        else:
            raise AssertionError(f"Tables still hold rows after the test: {', '.join(full)}")
        for table in base_data:
            if table.rows:
                columns = ", ".join(quote(column) for column in table.columns)
                marks = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", table.rows
                )
