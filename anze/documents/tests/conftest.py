"""Stored files go to a temporary folder per test, never to var/files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing


@pytest.fixture(autouse=True)
def storage_dir(settings: Settings, tmp_path: Path) -> Path:
    location = tmp_path / "files"
    settings.STORAGES = testing.storages_in(location, settings.STORAGES)
    return location


@pytest.fixture
def org(db: None) -> Organisation:
    return factories.organisation(Side.ENTERPRISE)


@pytest.fixture
def uploader(org: Organisation) -> User:
    return factories.user(org, admin=True, name="上传人甲")


def stored_files(location: Path) -> list[Path]:
    return sorted(path for path in location.rglob("*") if path.is_file()) if location.exists() else []
