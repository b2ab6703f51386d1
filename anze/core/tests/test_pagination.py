"""``paginate``'s deep pages: their keys read along the index first, then the page's rows — the same rows as
reading the page at once, in the list's order, whatever the page; DISTINCT lists (and ``values()`` rows) are read
at once. And PostgreSQL's statistics of a service organisation's assigned policies (policies/0011), which
make its planner walk 服务订单's time index; ``bounded_counts``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from anze.basedata.seed import ensure_base_data
from anze.core import pagination
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders import synthetic
from anze.orders.models import Order

pytestmark = pytest.mark.django_db

ORDERS = 45


@pytest.fixture
def orders(db):
    ensure_base_data()
    synthetic.top_up([factories.organisation(Side.INSURER)], ORDERS)
    return Order.objects.select_related("insurer", "region").order_by("-submitted_at", "-id")


def page(queryset, number: int, size: int = 10):
    request = RequestFactory().get("/", {"page": number, "size": size})
    with CaptureQueriesContext(connection) as queries:
        result = pagination.paginate(request, queryset.all(), count=ORDERS)  # not the cached rows
    return result, len(queries)


@pytest.mark.parametrize("number", [1, 2, 3, 5, 9])
def test_a_deep_page_is_the_same_rows_read_by_key(orders, number, monkeypatch):
    expected = [o.pk for o in list(orders)[(min(number, 5) - 1) * 10 :][:10]]
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 20)
    result, queries = page(orders, number)
    assert [o.pk for o in result.rows] == expected
    assert result.number == min(number, 5)
    assert queries == (2 if result.number >= 3 else 1)  # its keys, then its rows; a first page at once
    assert all(o.insurer.name for o in result.rows)  # select_related kept: no query per row


def test_distinct_rows_are_read_at_once(orders, monkeypatch):
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 0)
    distinct = Order.objects.filter(pk__in=orders.values("pk")).distinct().order_by("-submitted_at", "-id")
    result, queries = page(distinct, 3)
    assert queries == 1
    assert [o.pk for o in result.rows] == [o.pk for o in list(orders)[20:30]]


def test_postgresql_knows_a_service_organisations_states_together(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT stxkind FROM pg_statistic_ext WHERE stxname = 'policy_service_org_status'")
            kinds = cursor.fetchone()
            assert kinds is not None and set(kinds[0]) >= {"f", "m"}  # dependencies and most common values
        else:  # SQLite keeps no such statistics: the migration leaves it alone
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%service_org_status%'")
            assert cursor.fetchall() == []


def test_bounded_counts_count_each_list_up_to_the_limit_in_one_statement(orders):
    """Each queryset exactly under the limit, ``limit`` + 1 past it, whatever its filters and ordering."""
    mine = orders.filter(insurer=orders[0].insurer)
    lists = {"all": mine, "one": mine.filter(pk=orders[0].pk), "none": mine.filter(pk=0)}
    with CaptureQueriesContext(connection) as queries:
        counted = pagination.bounded_counts(lists, limit=ORDERS)
    assert counted == {"all": ORDERS, "one": 1, "none": 0} and len(queries) == 1
    assert pagination.bounded_counts(lists, limit=10) == {"all": 11, "one": 1, "none": 0}
