"""The insurer's list against a plain filter of the same orders, for random searches: whichever way the counts
are read (kept — with the deltas folded or not —, counted, estimated from the pairs, bounded at the limit) and the page (from an index, row by
row along the list, forwards only), the rows are the matches in order, and the counts are exact, or bounds
and limits that the screen says they are."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db.models import Q, QuerySet
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.orders import counts, selectors, synthetic
from anze.orders.models import INSURER_STATUSES, Order
from anze.orders.scopes import orders_visible_to
from anze.orders.tests.support import LIST, status_counts

pytestmark = pytest.mark.django_db

TERMS = ["", "泉", "泉州", "有限公司", "鞋业", "宏图", "（", "）有", "（一期）", "镇A1", "a1", "不存在的名称"]
SORTS = {"-submitted": ("-submitted_at", "-id"), "submitted": ("submitted_at", "id")}


@pytest.fixture
def orders(cast, offline) -> QuerySet[Order]:  # type: ignore[no-untyped-def]
    synthetic.top_up([cast.insurer, cast.other_insurer], 160)
    offline(applicant_name="泉州湖头镇A1鞋业有限公司", project_name="鞋业基地（一期）")
    offline(applicant_name="泉州（安溪）茶业有限公司", project_name="茶园（一期）")
    return orders_visible_to(cast.clerk)


def plain(orders: QuerySet[Order], query: dict[str, Any]) -> QuerySet[Order]:
    """The same search as a plain filter, every row tested."""
    name = query.get("name", "")
    if name:
        orders = orders.filter(Q(applicant_name__icontains=name) | Q(project_name__icontains=name))
    if query.get("contact_phone"):
        orders = orders.filter(contact_phone__startswith=query["contact_phone"])
    if query.get("order_type"):
        orders = orders.filter(order_type=query["order_type"])
    return orders


@pytest.mark.parametrize("folded", [False, True], ids=["deltas", "folded"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(TERMS),
    phone=st.sampled_from(["", "1", "13", "139"]),
    order_type=st.sampled_from(["", "online", "offline"]),
    tab=st.sampled_from(["", *INSURER_STATUSES]),
    sort=st.sampled_from(list(SORTS)),
    page=st.integers(min_value=1, max_value=12),
    limit=st.sampled_from([3, 15, 10_000]),
)
def test_the_list_is_the_plain_filter_however_it_is_read(
    cast, orders, folded, name, phone, order_type, tab, sort, page, limit
):  # type: ignore[no-untyped-def]
    if folded:  # the kept counts read from their rows, else from the rows plus every delta (counts.py)
        counts.fold()
    query = {"name": name, "contact_phone": phone, "order_type": order_type}
    query = {key: value for key, value in query.items() if value}
    request = RequestFactory().get(LIST, {**query, "tab": tab, "sort": sort, "page": page})
    request.user = cast.clerk
    with mock.patch.object(counts, "EXACT_LIMIT", limit), mock.patch.object(selectors, "WALK_LIMIT", 40):
        listing = selectors.insurer_order_list(request, filters={**query, "tab": tab, "sort": sort})
    matches = plain(orders, query)
    actual = status_counts(matches)
    shown = matches.filter(status=tab) if tab else matches
    number = listing.page.number
    assert 1 <= number <= page
    expected = list(
        shown.order_by(*SORTS[sort]).values_list("pk", flat=True)[(number - 1) * 10 : number * 10]
    )
    assert [order.pk for order in listing.page.rows] == expected, (query, tab, sort, page, limit)
    if listing.estimated:  # a name alone, in more orders than the limit by its pairs: bounds, never below
        assert all(listing.counts[state] >= actual[state] for state in INSURER_STATUSES)
    elif listing.more:  # counted up to the limit only
        assert sum(actual.values()) > limit
        if tab:
            assert listing.tab_total == min(actual[tab], limit + 1)
    else:
        assert listing.counts == actual and listing.page.total == shown.count()
