"""Fixtures for every test: personas of each side (healthchecks-style) and the browser set-up."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.core.testing import factories

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses that unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Opt-in fixtures: `seaweedfs` (a real S3 server for the session) and `s3_storage` (a bucket as the default storage).
pytest_plugins = ["anze.documents.tests.seaweedfs", "anze.core.testing.cast"]

ARTIFACTS = Path(__file__).resolve().parent / "var" / "test-artifacts"


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database, a copy of a template migrated once while the migrations stay the same
    (anze/core/testing/template.py), and transactional tests that empty it by DELETE and put the migration's base
    data back, rather than Django's flush (anze/core/testing/database.py)."""
    from django.db import connections
    from django.test import TransactionTestCase

    from anze.core.testing import database, template

    with django_db_blocker.unblock():
        copies = {connection.alias: template.set_up(connection) for connection in connections.all()}
        base_data = {connection.alias: database.snapshot(connection) for connection in connections.all()}
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self: TransactionTestCase) -> None:
        if self.available_apps is not None or self.serialized_rollback:
            return flush(self)
        for alias in self._databases_names(include_mirrors=False):
            database.empty(connections[alias], base_data[alias])
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", _fixture_teardown)
        yield
    with django_db_blocker.unblock():
        for alias, copy in copies.items():
            template.tear_down(connections[alias], copy)


@pytest.fixture(autouse=True)
def _private_file_storage(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files of a test go to a temporary folder, not the developer's var/files."""
    from anze.documents import testing

    settings.STORAGES = testing.storages_in(tmp_path_factory.mktemp("files"), settings.STORAGES)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate limits and cached figures live in the cache: each test starts without them."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class Personas:
    """Everyone a view test needs: the organisation's 管理员, a user lacking permissions, the admin of another
    organisation of the same side, a user of another side, and an anonymous client."""

    org: Organisation
    admin: User
    limited: User
    other_org: Organisation
    other_org_admin: User
    foreign: User

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def make_personas(db: None) -> Callable[[str], Personas]:
    def make(side: str) -> Personas:
        org = factories.organisation(side)
        other_org = factories.organisation(side)
        foreign_side = Side.ENTERPRISE if side != Side.ENTERPRISE else Side.INSURER
        foreign_org = factories.organisation(foreign_side)
        return Personas(
            org=org,
            admin=factories.user(org, admin=True, name="管理员甲"),
            limited=factories.user(org, roles=[], name="无权限乙"),
            other_org=other_org,
            other_org_admin=factories.user(other_org, admin=True, name="他方管理员"),
            foreign=factories.user(foreign_org, admin=True, name="外方管理员"),
        )

    return make


@pytest.fixture
def insurer(make_personas: Callable[[str], Personas]) -> Personas:
    return make_personas(Side.INSURER)


@pytest.fixture
def enterprise(make_personas: Callable[[str], Personas]) -> Personas:
    return make_personas(Side.ENTERPRISE)


@pytest.fixture
def service_org(make_personas: Callable[[str], Personas]) -> Personas:
    return make_personas(Side.SERVICE_ORG)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


# --- browser tests -----------------------------------------------------------------------------------------
E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under e2e/ is a browser test (``-m "not e2e"`` leaves them out).

    The browser tests run first, the longest flows (by lines of code) first of all: a 30–50 s flow started
    last would leave one worker running it alone at the end. The other tests keep pytest's order."""
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.e2e)
    items.sort(key=_longest_browser_flows_first)


def _longest_browser_flows_first(item: pytest.Item) -> tuple[int, int]:
    if E2E not in item.path.parents:
        return (1, 0)
    function = getattr(item, "function", None)
    lines = len(inspect.getsourcelines(function)[0]) if function is not None else 0
    return (0, -lines)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    from anze.core.testing.browser import CHROMIUM_ARGS, chromium_path

    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    from anze.core.testing.browser import CONTEXT_ARGS

    return {**browser_context_args, **CONTEXT_ARGS}


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``screenshot("01-list")`` saves var/test-artifacts/<test>/01-list.png and returns its path."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
