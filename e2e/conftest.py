"""Every browser test fails if a page breaks the Content-Security-Policy (issue 11, finding 8) or throws: see
anze/core/testing/browser.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from anze.core.testing.browser import watch_pages


@pytest.fixture(autouse=True)
def _no_policy_violations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    with watch_pages(monkeypatch) as problems:
        yield problems
