"""Each test process's database: a copy of one migrated template, migrated once for as long as the migrations stay
the same, instead of every test process running all ~120 migrations itself.

Migrating the test database costs about 12 s of CPU per test process, 85% of it Django rebuilding its model
state between operations. The template is named after a digest of every migration file (and Django's version):
the first test process to need it migrates it, under a lock, while the others wait; each then copies it —
SQLite a file copy, PostgreSQL ``CREATE DATABASE … TEMPLATE`` (Django's own ``clone_test_db``). A run after a
change to any migration migrates a new template and drops the old one, and any copy a killed test process left.
What ``post_migrate`` makes from the code rather than from the migrations (content types, permissions, the orders'
and the statistics' triggers) is made again on each copy, as after every ``migrate``, so a change to a trigger
without a migration is tested too."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader


def migrations_digest(vendor: str) -> str:
    """12 hex digits that change with any migration file of any installed app, Django's version or the database."""
    digest = hashlib.sha256(f"{django.get_version()} {vendor}".encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        migration = loader.disk_migrations[key]
        digest.update(repr(key).encode())
        digest.update(Path(sys.modules[migration.__module__].__file__ or "").read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The database each connection named before it was pointed at its copy (PostgreSQL's templates are named after it).
_configured: dict[str, str] = {}


def _names(connection: BaseDatabaseWrapper, digest: str) -> tuple[str, re.Pattern[str]]:
    """The template's name, and a pattern that matches every template (its ``digest``) and every copy (the
    ``pid`` of the test process that made it) whatever the migrations were."""
    if connection.vendor == "sqlite":
        prefix, suffix = str(settings.VAR_DIR / "test-template-"), ".sqlite3"
    else:
        configured = _configured.setdefault(connection.alias, connection.settings_dict["NAME"])
        prefix, suffix = f"test_{configured}_template_", ""
    pattern = re.escape(prefix) + r"(?P<digest>[0-9a-f]{12})(?:_(?P<pid>[0-9]+))?" + re.escape(suffix)
    return prefix + digest + suffix, re.compile(pattern)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _exists(connection: BaseDatabaseWrapper, name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _drop(connection: BaseDatabaseWrapper, name: str, *, force: bool = False) -> None:
    """Drop the database ``name``; with ``force``, PostgreSQL ends the sessions still connected to it first (a
    copy's own: a thread's connection that outlived its test made the run end in an error)."""
    if connection.vendor == "sqlite":
        for file in (
            name,
            f"{name}-wal",
            f"{name}-shm",
        ):  # (a killed process's copy keeps its write-ahead log)
            Path(file).unlink(missing_ok=True)
        return
    with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}{' WITH (FORCE)' * force}")


def _left_over(name: str, digest: str, every: re.Pattern[str]) -> bool:
    """A template of other migrations, or a copy whose test process has gone without dropping it (killed)."""
    match = every.fullmatch(name)
    if match is None:
        return False
    if match["pid"] is None:
        return match["digest"] != digest
    return not _running(int(match["pid"]))


def _all_names(connection: BaseDatabaseWrapper) -> list[str]:
    if connection.vendor == "sqlite":
        files = settings.VAR_DIR.glob("test-template-*.sqlite3*")  # (-wal, -shm: the log of an open one)
        return sorted({str(path).removesuffix("-wal").removesuffix("-shm") for path in files})
    with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute("SELECT datname FROM pg_database")
        return [row[0] for row in cursor.fetchall()]


def _migrate_template(connection: BaseDatabaseWrapper, name: str, verbosity: int) -> None:
    """``name`` migrated as Django makes a test database, under a temporary name until it is complete."""
    building = "building".join(name.rsplit("template", 1))  # (the last "template": the folder may say it too)
    original = dict(connection.settings_dict)
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": building}
    connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(original)
    if connection.vendor == "sqlite":
        os.replace(building, name)
    else:
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(name)}")


def set_up(connection: BaseDatabaseWrapper, verbosity: int = 0) -> str:
    """Point ``connection`` at a fresh copy of the migrated template (migrating it first if there is none) and
    return the copy's name, for ``tear_down``."""
    digest = migrations_digest(connection.vendor)
    template, every = _names(connection, digest)
    with _locked(settings.VAR_DIR / "test-template.lock"):
        for name in _all_names(connection):
            if _left_over(name, digest, every):
                left = every.fullmatch(name)  # a killed process's copy: its sessions are gone with it
                _drop(connection, name, force=bool(left and left["pid"]))
        if not _exists(connection, template):
            _migrate_template(connection, template, verbosity)
        connection.settings_dict["NAME"] = template
        suffix = str(os.getpid())  # two test runs on one machine have copies of their own
        connection.creation.clone_test_db(suffix=suffix, verbosity=verbosity)
    copy = connection.creation.get_test_db_clone_settings(suffix)["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = copy
    settings.DATABASES[connection.alias]["NAME"] = copy
    emit_post_migrate_signal(verbosity, False, connection.alias)
    return copy


def tear_down(connection: BaseDatabaseWrapper, copy: str) -> None:
    connection.close()
    _drop(connection, copy, force=True)  # this process's own copy
