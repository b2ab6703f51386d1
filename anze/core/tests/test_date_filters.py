"""Issue 11 finding 6: a list's date filter with an out-of-range date (``?end=9999-12-31`` made ``day_range``
raise OverflowError → 500) is a form error beside the field, never a 500 — on every side, on the list and on its
export.

The lists are found, not listed: every parameterless page of a side whose search form has a ``start``/``end``
date field, and its ``export/`` sibling.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from anze.audit.selectors import day_range
from anze.core.forms import DATE_INVALID, DATE_OUT_OF_RANGE, DATE_REVERSED
from anze.core.sides import SIDE_PREFIX, Side
from anze.core.testing import factories
from anze.notifications.models import SmsMessage

pytestmark = pytest.mark.django_db

EXTREMES = ["0001-01-01", "9999-12-31", "10000-01-01", "garbage", "2026-13-45"]

OUT_OF_RANGE = {"0001-01-01", "9999-12-31"}


def _routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and "<" not in str(entry.pattern):
            yield prefix + str(entry.pattern)


def _date_filtered_lists(client: Client, side: str) -> list[str]:
    prefix = SIDE_PREFIX[side] + "/"
    found = []
    for route in _routes(get_resolver().url_patterns):
        if not route.startswith(prefix) or route.endswith(("logout/", "login/", "export/")):
            continue
        url = "/" + route
        response = client.get(url)
        if response.streaming:  # a file (an import template, an export) is no list
            continue
        if response.status_code == 200 and 'name="end"' in response.content.decode():
            found.append(url)
    return found


def _client(side: str) -> Client:
    org = factories.organisation(side)
    client = Client()
    client.force_login(factories.user(org, admin=True))
    return client


@pytest.mark.parametrize("side", list(Side))
def test_it_never_answers_500_to_an_extreme_date_on_any_date_filtered_list_or_export(side: str) -> None:
    client = _client(side)
    lists = _date_filtered_lists(client, side)
    assert lists, f"no date-filtered list found on {side}"
    for url in lists:
        export = url + "export/"
        has_export = client.get(export).status_code != 404
        for value in EXTREMES:
            for query in (f"start={value}", f"end={value}", f"start={value}&end={value}"):
                response = client.get(f"{url}?{query}")
                assert response.status_code == 200, (url, query, response.status_code)
                page = response.content.decode()
                if value in OUT_OF_RANGE:
                    assert DATE_OUT_OF_RANGE in page, (url, query)
                else:
                    assert DATE_INVALID in page, (url, query)
                if has_export:
                    assert client.get(f"{export}?{query}").status_code < 500, (export, query)
        reversed_range = client.get(f"{url}?start=2026-12-01&end=2026-11-01")
        assert reversed_range.status_code == 200
        assert DATE_REVERSED in reversed_range.content.decode(), url
        if has_export:
            assert client.get(f"{export}?start=2026-12-01&end=2026-11-01").status_code < 500


def test_it_walks_the_lists_named_in_the_finding() -> None:
    assert "/insurer/orders/" in _date_filtered_lists(_client(Side.INSURER), Side.INSURER)
    insurer = _date_filtered_lists(_client(Side.INSURER), Side.INSURER)
    for url in ("/insurer/policies/", "/insurer/sms/", "/insurer/system/logs/logins/"):
        assert url in insurer
    assert "/enterprise/orders/" in _date_filtered_lists(_client(Side.ENTERPRISE), Side.ENTERPRISE)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(1, 1, 1), None), (None, date(9999, 12, 31)), (date(1, 1, 1), date(9999, 12, 31))],
)
def test_day_range_is_safe_at_the_ends_of_the_calendar(start: date | None, end: date | None) -> None:
    """Called without a form (an API, a shell): the calendar's ends mean "no bound", not an OverflowError."""
    qs = day_range(SmsMessage.objects.all(), "created_at", start, end)
    assert list(qs) == []
