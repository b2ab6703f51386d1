"""The test database is a copy of a template migrated once per set of migrations (anze/core/testing/template.py):
a new template whenever any migration file changes, older ones found to be dropped, each test process on its own
copy."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

from django.db import connection

from anze.core.testing import template

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
    name, every_version = template._template_name(connection, digest)
    copy = connection.settings_dict["NAME"]
    assert digest in copy and str(os.getpid()) in copy and copy != name
    assert every_version.fullmatch(name)
    assert every_version.fullmatch(name.replace(digest, "0123456789ab"))  # an older template: dropped
    assert not every_version.fullmatch(copy)  # a copy (this run's or another's): kept
