"""The test database is a copy of a template migrated once per set of migrations (anze/core/testing/template.py):
a new template whenever any migration file changes, older ones found to be dropped, each test process on its own
copy."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import pytest
from django.db import connection

from anze.core.testing import template

pytestmark = pytest.mark.django_db  # (the test database set up: this process's copy)

MIGRATION = "anze.policies.migrations.0004_policy_verification_code"


def test_the_digest_changes_with_any_migration_file_and_with_the_database(monkeypatch) -> None:
    digest = template.migrations_digest(connection.vendor)
    assert re.fullmatch("[0-9a-f]{12}", digest) and template.migrations_digest(connection.vendor) == digest
    assert template.migrations_digest("another database") != digest

    edited = Path(importlib.import_module(MIGRATION).__file__ or "")
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read_bytes(path) + b"#" * (path == edited))
    assert template.migrations_digest(connection.vendor) != digest


def test_this_process_tests_on_its_own_copy_of_the_current_template() -> None:
    digest = template.migrations_digest(connection.vendor)
    name, every = template._names(connection, digest)
    copy = connection.settings_dict["NAME"]
    assert digest in copy and str(os.getpid()) in copy and copy != name
    assert every.fullmatch(name) and every.fullmatch(copy)


def test_it_drops_older_templates_and_the_copies_of_killed_processes_only() -> None:
    digest = template.migrations_digest(connection.vendor)
    name, every = template._names(connection, digest)
    older = name.replace(digest, "0123456789ab")
    gone = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1  # no process has this number
    assert template._left_over(older, digest, every)
    assert template._left_over(
        connection.settings_dict["NAME"].replace(str(os.getpid()), str(gone)), digest, every
    )
    assert not template._left_over(name, digest, every)
    assert not template._left_over(connection.settings_dict["NAME"], digest, every)  # this process's
    assert not template._left_over(older.replace("template", "something else"), digest, every)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a session of PostgreSQL's")
def test_a_copy_is_dropped_even_while_a_session_is_still_connected_to_it() -> None:
    import psycopg

    name = f"{connection.settings_dict['NAME']}_left_open"
    quoted = connection.ops.quote_name(name)
    with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    params = {**connection.get_connection_params(), "dbname": name}
    params.pop("cursor_factory", None), params.pop("context", None)
    left_open = psycopg.connect(**params)  # as a thread's connection that outlived its test
    try:
        template._drop(connection, name, force=True)
        assert not template._exists(connection, name)
    finally:
        left_open.close()
