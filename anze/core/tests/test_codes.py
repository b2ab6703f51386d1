"""``core.codes``: a code searched exactly when complete, else by its beginning as an index range — the same
rows as ``startswith``, whatever the code's last character, on both databases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anze.accounts.models import Organisation
from anze.core.codes import exact_or_prefix, prefix
from anze.core.sides import Side

pytestmark = pytest.mark.django_db

CODES = ("91350500", "913505001", "91350509", "9135050:", "9135051", "9135", "A9135050")


@pytest.fixture
def insurers():
    for n, code in enumerate(CODES):
        Organisation.objects.create(kind=Side.INSURER, name=f"编码测试{n}", code=code)
    return Organisation.objects.filter(code__in=CODES)


def _codes(qs):
    return sorted(qs.values_list("code", flat=True))


@pytest.mark.parametrize("value", ["9", "9135", "913505", "9135050", "91350509", "A", "9135050:", "X"])
def test_a_prefix_is_the_rows_that_start_with_it(insurers, value):
    assert _codes(prefix(insurers, "code", value)) == _codes(insurers.filter(code__startswith=value))


def test_a_prefix_is_a_range_not_a_like(insurers):
    with CaptureQueriesContext(connection) as queries:
        list(prefix(insurers, "code", "913505"))
    sql = queries.captured_queries[-1]["sql"]
    assert "LIKE" not in sql.upper() and ">=" in sql and "<" in sql


def test_a_complete_code_is_matched_exactly(insurers):
    assert _codes(exact_or_prefix(insurers, "code", "91350500", 8)) == ["91350500"]
    assert _codes(exact_or_prefix(insurers, "code", "9135050", 8)) == [
        "91350500",
        "913505001",
        "91350509",
        "9135050:",
    ]
