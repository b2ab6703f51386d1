"""The enterprise's and the service organisation's lists against a plain Python filter of the same rows (issue
16: the counts stay exact on every side), for random searches, tabs and pages: 我的订单 and 我的保单 (the
enterprise) and 服务订单 (the service organisation). The oracle walks every row of the database in Python — the
other enterprise's and the other organisation's included — so a row of another tenant, a row missed by a search,
a tab that counts what it does not show, or a page cut in the wrong place fails the test."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.accounts.models import User
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders import synthetic
from anze.orders.models import Order, OrderStatus
from anze.policies import synthetic as policy_synthetic
from anze.policies.models import Policy, PolicyStatus, ServiceStatus
from anze.policies.scopes import ASSIGNED
from anze.portal.selectors import ENTERPRISE_STATUSES, Validity

pytestmark = pytest.mark.django_db

SIZE = 10  # the default page size
ASCII_PROJECT = "鞋业基地A1（一期）"  # a name with Latin letters: the search ignores their case
PROJECT_TERMS = ["", "有限", "公司", "A1", "a1", "（一期）", "项目", "不存在的名称"]
NUMBER_PREFIXES = ["", "2025", "20251231", "Z"]
# 申请时间 ranges (an end before the start is refused by the form, not searched: see the search forms' tests)
# A policy's 起期 from today, its period a year: ends today, ended yesterday, starts today or tomorrow, ends
# within the 30 days of 即将到期 or just after, and plainly in force, expired or not started.
STARTS = [-364, -365, 0, 1, -334, -333, -100, -400, 20, -200, -364, 0, -365]
DAY_RANGES = [
    (None, None),
    (date(2025, 11, 3), None),
    (None, date(2025, 11, 5)),
    (date(2025, 11, 3), date(2025, 11, 5)),
    (date(2025, 11, 9), date(2025, 11, 9)),
    (date(2025, 11, 5), date(2025, 11, 12)),
]


@pytest.fixture
def world(db) -> dict[str, Any]:
    """Two insurers' synthetic orders: 36 of them our enterprise's, 12 another's (a few of each a draft), the
    issued ones with a policy whose period lies before, around or after today (some reversed), 18 of the policies
    assigned to our service organisation in each assigned state and 6 to another; submission times 7 hours
    apart, so that day ranges cut across Beijing's midnights."""
    ensure_base_data()
    insurers = [factories.organisation(Side.INSURER), factories.organisation(Side.INSURER)]
    synthetic.top_up(insurers, 72)
    ours, theirs = factories.organisation(Side.ENTERPRISE), factories.organisation(Side.ENTERPRISE)
    pks = list(Order.objects.order_by("pk").values_list("pk", flat=True))
    anchor = timezone.make_aware(datetime(2025, 11, 1, 21, 0))
    for n, pk in enumerate(pks):
        when = anchor + timedelta(hours=7 * n)
        Order.objects.filter(pk=pk).update(
            enterprise=ours if n < 36 else theirs if n < 48 else None,
            submitted_at=when,
            created_at=when,
            project_name=ASCII_PROJECT if n % 5 == 0 else f"项目{n}",
        )
    unissued = Order.objects.exclude(status=OrderStatus.ISSUED).order_by("pk")
    drafts = [o.pk for o in unissued.filter(enterprise=ours)[:3]] + [
        o.pk for o in unissued.filter(enterprise=theirs)[:1]
    ]
    Order.objects.filter(pk__in=drafts).update(status=OrderStatus.DRAFT, submitted_at=None)
    policy_synthetic.issue(Order.objects.all())
    today = timezone.localdate()
    service, other_service = (
        factories.organisation(Side.SERVICE_ORG),
        factories.organisation(Side.SERVICE_ORG),
    )
    for n, policy in enumerate(Policy.objects.order_by("pk")):
        start = today + timedelta(days=STARTS[n % len(STARTS)])
        Policy.objects.filter(pk=policy.pk).update(
            period_start=start,
            period_end=start + timedelta(days=364),
            status=PolicyStatus.REVERSED if n % 7 == 3 else policy.status,
            service_org=service if n < 18 else other_service if n < 24 else None,
            service_status=(
                (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)[n % 3]
                if n < 24
                else policy.service_status
            ),
            service_assigned_at=anchor + timedelta(hours=5 * ((n * 11) % 24)) + timedelta(seconds=n),
        )
    return {
        "enterprise": factories.user(ours, admin=True),
        "service": factories.user(service, admin=True),
        "insurers": insurers,
    }


def contains(name: str, term: str) -> bool:
    return term.lower() in name.lower()


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def pages(rows: list[Any], page: int) -> tuple[int, list[int]]:
    """The page shown for ``page`` (the last one when past the end) and its rows' keys."""
    number = min(page, max(1, -(-len(rows) // SIZE)))
    return number, [row.pk for row in rows[(number - 1) * SIZE : number * SIZE]]


# --- 我的订单 -------------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.sampled_from(NUMBER_PREFIXES),
    project=st.sampled_from(PROJECT_TERMS),
    insurer=st.sampled_from([None, 0, 1]),
    days=st.sampled_from(DAY_RANGES),
    tab=st.sampled_from(["", *ENTERPRISE_STATUSES]),
    page=st.integers(min_value=1, max_value=5),
)
def test_my_orders_are_the_plain_filter(world, client_for, number, project, insurer, days, tab, page):  # type: ignore[no-untyped-def]
    user: User = world["enterprise"]
    start, end = days
    query = {"application_no": number, "project": project, "tab": tab, "page": page}
    if insurer is not None:
        query["insurer"] = world["insurers"][insurer].pk
    query.update({key: value.isoformat() for key, value in (("start", start), ("end", end)) if value})
    response = client_for(user).get("/enterprise/orders/", query)
    assert response.status_code == 200
    listing = response.context["listing"]

    def matches(order: Order) -> bool:
        day = local_day(order.submitted_at)
        return (
            order.enterprise_id == user.organisation_id
            and order.application_no.startswith(number)
            and contains(order.project_name, project)
            and (insurer is None or order.insurer_id == world["insurers"][insurer].pk)
            and (start is None or (day is not None and day >= start))
            and (end is None or (day is not None and day <= end))
        )

    found = [o for o in Order.objects.all() if matches(o)]
    expected = {status: sum(1 for o in found if o.status == status) for status in ENTERPRISE_STATUSES}
    assert listing.counts == expected, query
    shown = sorted(
        (o for o in found if not tab or o.status == tab), key=lambda o: (o.created_at, o.pk), reverse=True
    )
    assert listing.page.total == len(shown)
    assert (listing.page.number, [o.pk for o in listing.page.rows]) == pages(shown, page), query


# --- 我的保单 -------------------------------------------------------------------------------------------------------
def tab_of(policy: Policy, today: date) -> str:
    """The tab a policy is listed under: 即将到期 is a tag of 保障中, not a tab of its own."""
    validity = Validity.of(policy, today)
    return Validity.IN_FORCE if validity == Validity.EXPIRING else validity


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.sampled_from(NUMBER_PREFIXES),
    project=st.sampled_from(PROJECT_TERMS),
    tab=st.sampled_from(["", *Validity.TABS]),
    page=st.integers(min_value=1, max_value=4),
)
def test_my_policies_are_the_plain_filter(world, client_for, number, project, tab, page):  # type: ignore[no-untyped-def]
    user: User = world["enterprise"]
    query = {"policy_no": number, "project": project, "tab": tab, "page": page}
    response = client_for(user).get("/enterprise/policies/", query)
    assert response.status_code == 200
    listing = response.context["listing"]
    today = timezone.localdate()
    found = [
        p
        for p in Policy.objects.select_related("order")
        if p.enterprise_id == user.organisation_id
        and p.policy_no.startswith(number)
        and contains(p.order.project_name, project)
    ]
    expected = {"all": len(found)} | {
        name: sum(1 for p in found if tab_of(p, today) == name) for name in Validity.TABS
    }
    assert listing.counts == expected, query
    assert sum(expected[name] for name in Validity.TABS) == expected["all"]  # the tabs partition the list
    shown = sorted(
        (p for p in found if not tab or tab_of(p, today) == tab),
        key=lambda p: (p.issued_at, p.pk),
        reverse=True,
    )
    assert listing.page.total == len(shown)
    assert (listing.page.number, [p.pk for p in listing.page.rows]) == pages(shown, page), query


# --- 服务订单 -------------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.sampled_from(NUMBER_PREFIXES),
    name=st.sampled_from(PROJECT_TERMS),
    tab=st.sampled_from(["", *ASSIGNED]),
    page=st.integers(min_value=1, max_value=3),
)
def test_service_orders_are_the_plain_filter(world, client_for, number, name, tab, page):  # type: ignore[no-untyped-def]
    user: User = world["service"]
    query = {"policy_no": number, "name": name, "tab": tab, "page": page}
    response = client_for(user).get("/service/orders/", query)
    assert response.status_code == 200
    ours = [
        p
        for p in Policy.objects.select_related("order")
        if p.service_org_id == user.organisation_id and p.service_status in ASSIGNED
    ]
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs == {"": len(ours)} | {s: sum(1 for p in ours if p.service_status == s) for s in ASSIGNED}
    shown = sorted(
        (
            p
            for p in ours
            if p.policy_no.startswith(number)
            and (contains(p.order.applicant_name, name) or contains(p.order.project_name, name))
            and (not tab or p.service_status == tab)
        ),
        key=lambda p: (p.service_assigned_at, p.pk),
        reverse=True,
    )
    listing = response.context["page"]
    assert listing.total == len(shown) and not listing.more
    assert (listing.number, [p.pk for p in listing.rows]) == pages(shown, page), query
