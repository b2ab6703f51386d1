"""保单管理 against a plain filter of the same policies, for random searches: whichever way the page is read (a
name's matches sorted from the grams index, or each policy's order tested along the list's index — forced
either way, or chosen by the kept counts), the counts read (exact, past the limit, or none for a common name)
and the page asked for, the rows are the matches in order, and the counts are exact, or limits that the screen
says they are."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db.models import QuerySet
from django.test import RequestFactory
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from anze.orders import counts, synthetic
from anze.orders.models import Order
from anze.policies import selectors
from anze.policies import synthetic as policy_synthetic
from anze.policies.models import Policy, PolicyStatus, ServiceStatus

pytestmark = pytest.mark.django_db

LIST = "/insurer/policies/"
# Characters and pairs of the synthetic names, one in every name ("泉"), a town's ("安", "安海"), Latin letters
# in either case, punctuation, and none; a longer term read the other way.
TERMS = ["安海", "泉", "安", "湖头", "（", "A", "a1", "鞋业", "不存在", "湖头镇A1", ""]
SERVICE = [ServiceStatus.NONE, ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED]


@pytest.fixture
def policies(cast, offline) -> QuerySet[Policy]:  # type: ignore[no-untyped-def]
    """Two insurers' synthetic orders, a policy for each issued one, in every service state, some reversed."""
    synthetic.top_up([cast.insurer, cast.other_insurer], 240)
    offline(applicant_name="泉州湖头镇A1鞋业有限公司", project_name="鞋业基地（一期）", issued=True)
    policy_synthetic.issue(Order.objects.filter(remark=synthetic.MARK))
    for n, pk in enumerate(Policy.objects.order_by("pk").values_list("pk", flat=True)):
        Policy.objects.filter(pk=pk).update(
            service_status=SERVICE[n % len(SERVICE)],
            status=PolicyStatus.REVERSED if n % 9 == 4 else PolicyStatus.ACTIVE,
        )
    return Policy.objects.filter(insurer=cast.insurer)


def plain(policies: QuerySet[Policy], query: dict[str, Any]) -> list[Policy]:
    """The same search tested in Python on every policy of the insurer, newest first."""
    name = query.get("applicant", "").lower()
    return [
        p
        for p in policies.select_related("order").order_by("-issued_at", "-id")
        if (name in p.order.applicant_name.lower() or name in p.order.project_name.lower())
        and query.get("status", p.status) == p.status
    ]


@pytest.mark.parametrize("folded", [False, True], ids=["deltas", "folded"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(TERMS),
    status=st.sampled_from(["", PolicyStatus.ACTIVE, PolicyStatus.REVERSED]),
    tab=st.sampled_from(["", *ServiceStatus.values]),
    page=st.integers(min_value=1, max_value=12),
    limit=st.sampled_from([3, 15, 10_000]),
    common=st.sampled_from([0, 20, 2_000]),
    walk=st.sampled_from([None, True, False]),
)
# A common name's pages walked (the first ones, the last one, past the end, under a tab), and read sorted.
@example(name="泉", status="", tab="", page=1, limit=10_000, common=20, walk=None)
@example(name="泉", status="", tab="", page=12, limit=15, common=20, walk=None)
@example(name="泉", status="active", tab="", page=12, limit=3, common=20, walk=True)
@example(name="泉", status="", tab=ServiceStatus.PENDING, page=3, limit=3, common=0, walk=True)
@example(name="安", status="", tab="", page=2, limit=3, common=0, walk=False)
def test_the_list_is_the_plain_filter_however_it_is_read(
    cast, policies, settings, folded, name, status, tab, page, limit, common, walk
):  # type: ignore[no-untyped-def]
    if folded:  # the kept counts, which choose how a page is read, from their rows or with every delta
        counts.fold()
    settings.LIST_COUNT_LIMIT = limit
    query = {key: value for key, value in {"applicant": name, "status": status}.items() if value}
    request = RequestFactory().get(LIST, {**query, "tab": tab, "page": page})
    request.user = cast.clerk
    chosen = selectors.walks if walk is None else (lambda *args: walk)
    with mock.patch.object(selectors, "walks", chosen), mock.patch.object(selectors, "COUNTED_NAME", common):
        listing = selectors.insurer_policy_list(request, filters={**query, "tab": tab})
    matches = plain(policies, query)
    actual = {s: sum(1 for p in matches if p.service_status == s) for s in ServiceStatus.values}
    shown = [p.pk for p in matches if not tab or p.service_status == tab]
    number = listing.page.number
    assert 1 <= number <= page
    expected = shown[(number - 1) * 10 : number * 10]
    assert [p.pk for p in listing.page.rows] == expected, (query, tab, page, limit, walk)
    total = len(shown)
    if not listing.counted:  # a common name: nothing counted, the pager says 共 N+ 条 up to the next row
        assert len(name) < 3 and listing.shown("") is None and listing.shown(tab) is None
        assert listing.page.total == total or (listing.page.more and listing.page.total <= total)
    elif listing.over:  # counted up to the limit only: more matches than that, every tab past it with a name
        assert sum(actual.values()) > limit or (tab and actual[tab] > limit)
        assert listing.page.more or listing.page.total == total
        assert listing.page.total <= total
    else:
        assert listing.counts == actual, (query, tab, page, limit, walk)
        assert listing.page.total == total and not listing.page.more
