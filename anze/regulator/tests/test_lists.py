"""Every side's lists at scale (issue 16), on a few synthetic rows: the bounded pager (a tiny
``LIST_COUNT_LIMIT`` stands for 10,000), the county regulator's scope on its lists and details, the searches the
regulator has (投保人 through the trigram index, 信用代码 exact or prefix), the enterprise's and the service
organisation's exact tab counts, and a number of queries that does not grow with the page size."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from anze.accounts.models import User
from anze.basedata.models import Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders import synthetic
from anze.orders.models import Order, OrderStatus
from anze.policies import synthetic as policy_synthetic
from anze.policies.models import Policy, ServiceStatus
from anze.regulator import selectors

pytestmark = pytest.mark.django_db

ORDERS = 60
JINJIANG = "350582"


@pytest.fixture
def world(db) -> dict[str, User]:
    ensure_base_data()
    insurer = factories.organisation(Side.INSURER)
    synthetic.top_up([insurer], ORDERS)
    orders = Order.objects.filter(remark=synthetic.MARK)
    enterprise = factories.organisation(Side.ENTERPRISE)
    orders.filter(pk__in=list(orders.order_by("pk").values_list("pk", flat=True)[:25])).update(
        enterprise=enterprise
    )
    policy_synthetic.issue(orders)
    service_org = factories.organisation(Side.SERVICE_ORG)
    for n, policy in enumerate(Policy.objects.order_by("pk")[:20]):
        state = (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)[n % 3]
        Policy.objects.filter(pk=policy.pk).update(service_org=service_org, service_status=state)
    county = factories.organisation(Side.REGULATOR, region=Region.objects.get(code=JINJIANG))
    return {
        "city": factories.user(factories.organisation(Side.REGULATOR), admin=True),
        "county": factories.user(county, admin=True),
        "insurer": factories.user(insurer, admin=True),
        "enterprise": factories.user(enterprise, admin=True),
        "service": factories.user(service_org, admin=True),
    }


def submitted() -> int:
    return Order.objects.exclude(status=OrderStatus.DRAFT).count()


# --- the bounded pager ------------------------------------------------------------------------------------------
def test_it_counts_a_whole_small_list_exactly(world, client_for, settings):
    settings.LIST_COUNT_LIMIT = 10_000
    page = client_for(world["city"]).get("/regulator/orders/").context["page"]
    assert (page.total, page.more) == (submitted(), False)


def test_it_shows_more_beyond_the_limit(world, client_for, settings):
    settings.LIST_COUNT_LIMIT = 15
    client = client_for(world["city"])
    response = client.get("/regulator/orders/")
    page = response.context["page"]
    assert (page.total, page.more, len(page.rows)) == (15, True, 10)
    assert "共 15+ 条" in response.content.decode()
    page = client.get("/regulator/orders/?page=3").context["page"]  # 20 rows before it, counted 15 further
    assert (page.total, page.more) == (35, True)
    last = -(-ORDERS // 10)
    page = client.get(f"/regulator/orders/?page={last}").context["page"]  # the end reached: exact
    assert (page.total, page.more, page.has_next) == (ORDERS, False, False)
    assert [o.pk for o in page.rows] == list(
        Order.objects.order_by("-submitted_at", "-id").values_list("pk", flat=True)[(last - 1) * 10 :]
    )


def test_a_page_past_the_end_shows_the_last_reachable_one(world, client_for, settings):
    settings.LIST_COUNT_LIMIT = 15
    page = client_for(world["city"]).get("/regulator/orders/?page=999").context["page"]
    assert (page.number, len(page.rows)) == (2, 10)
    settings.LIST_COUNT_LIMIT = 10_000
    page = client_for(world["city"]).get("/regulator/orders/?page=999").context["page"]
    assert (page.number, page.total, page.more) == (-(-ORDERS // 10), ORDERS, False)


def test_the_policy_and_cover_lists_are_bounded_too(world, client_for, settings):
    settings.LIST_COUNT_LIMIT = 5
    response = client_for(world["city"]).get("/regulator/policies/")
    assert response.context["page"].more == (Policy.objects.count() > 10)
    assert response.status_code == client_for(world["city"]).get("/regulator/cover/").status_code == 200


# --- scope ------------------------------------------------------------------------------------------------------
def test_the_county_regulator_sees_its_county_only(world, client_for):
    client = client_for(world["county"])
    mine = Order.objects.filter(region__code=JINJIANG).exclude(status=OrderStatus.DRAFT)
    listed = client.get("/regulator/orders/?size=50").context["page"]
    assert {o.pk for o in listed.rows} == set(mine.values_list("pk", flat=True))
    assert listed.total == mine.count()
    policies = client.get("/regulator/policies/?size=50").context["page"]
    assert {row["policy"].order.region.code for row in policies.rows} <= {JINJIANG}
    assert policies.total == Policy.objects.filter(order__region__code=JINJIANG).count()
    other = Order.objects.exclude(region__code=JINJIANG).first()
    assert client.get(f"/regulator/orders/{other.application_no}/").status_code == 404
    if mine.exists():
        assert client.get(f"/regulator/orders/{mine.first().application_no}/").status_code == 200


def test_another_side_gets_403(world, client_for):
    for url in ("/regulator/orders/", "/regulator/policies/", "/regulator/cover/"):
        assert client_for(world["insurer"]).get(url).status_code == 403


# --- searches ---------------------------------------------------------------------------------------------------
def test_the_name_search_reads_the_trigram_index(world, client_for):
    order = Order.objects.order_by("pk")[7]
    term = order.applicant_name[2:6]  # a town and a word
    expected = Order.objects.filter(applicant_name__contains=term) | Order.objects.filter(
        project_name__contains=term
    )
    page = client_for(world["city"]).get("/regulator/orders/", {"q": term, "size": 50}).context["page"]
    assert {o.pk for o in page.rows} == set(expected.values_list("pk", flat=True))
    short = client_for(world["city"]).get("/regulator/orders/", {"q": term[:2], "size": 50}).context["page"]
    assert order.pk in {o.pk for o in short.rows}  # 2 characters: no trigram


@pytest.mark.parametrize("length", [1, 2])
def test_a_short_name_reads_the_grams_not_every_order(world, client_for, length):
    """1–2 characters, which no trigram index answers: read from the insurer list's grams index under no
    insurer's token, not a ``LIKE`` over every order (0.3–3 s at a million orders)."""
    term = Order.objects.order_by("pk")[7].applicant_name[2 : 2 + length]
    with CaptureQueriesContext(connection) as queries:
        page = client_for(world["city"]).get("/regulator/orders/", {"q": term}).context["page"]
    assert page.rows
    statements = [query["sql"] for query in queries.captured_queries]
    index = "anze_grams" if connection.vendor == "postgresql" else "order_grams MATCH"
    assert any(index in sql for sql in statements)
    assert not any("LIKE" in sql.upper() and term in sql for sql in statements)


@pytest.mark.parametrize("length", [1, 2, 3], ids=["1-char", "2-chars", "trigram"])
@pytest.mark.parametrize("at_once", [0, 3, 2_000], ids=["as-a-query", "few-at-once", "by-keys"])
def test_a_name_in_few_or_many_orders_lists_the_same_rows(world, client_for, monkeypatch, at_once, length):
    """``selectors.named``: the matches' keys read first when they are few, the query itself when more — the
    same rows in the same order either way, on both lists, for the county's scope too; a term of 1–2
    characters (the grams index) as one of 3 (the trigram index)."""
    monkeypatch.setattr(selectors, "NAMED_AT_ONCE", at_once)
    held = Counter(
        name[i : i + length]
        for name in Order.objects.values_list("applicant_name", flat=True)
        for i in range(len(name) - length + 1)
    )
    term = next(gram for gram, n in held.most_common() if n < ORDERS // 2 and "有限" not in gram)
    names = Order.objects.filter(Q(applicant_name__contains=term) | Q(project_name__contains=term))
    assert names.count() > 3  # more than the few, so that the three cases differ
    for who in ("city", "county"):
        client = client_for(world[who])
        orders = client.get("/regulator/orders/", {"q": term, "size": 50}).context["page"]
        scope = names.filter(region__code=JINJIANG) if who == "county" else names
        expected = scope.exclude(status=OrderStatus.DRAFT).order_by("-submitted_at", "-id")
        assert [o.pk for o in orders.rows] == list(expected.values_list("pk", flat=True))
        policies = client.get("/regulator/policies/", {"q": term, "size": 50}).context["page"]
        issued = Policy.objects.filter(order__in=scope).order_by("-issued_at", "-id")
        assert [row["policy"].pk for row in policies.rows] == list(issued.values_list("pk", flat=True))


def test_a_common_name_is_not_counted(world, client_for, monkeypatch):
    """A name in more than ``NAMED_AT_ONCE`` orders: its pages test each row along the list — the plain filter's
    rows, in its order — up to the row after the page, not counted: 共 N+ 条 (N: the rows up to that one) while
    the list holds more, the total on the last page; the policies' list the same way, through their orders."""
    monkeypatch.setattr(selectors, "NAMED_AT_ONCE", 0)
    term = "泉州"  # in every synthetic order's name
    listed = Order.objects.exclude(status=OrderStatus.DRAFT).order_by("-submitted_at", "-id")
    expected = list(
        listed.filter(Q(applicant_name__contains=term) | Q(project_name__contains=term)).values_list(
            "pk", flat=True
        )
    )
    assert len(expected) > 50
    client = client_for(world["city"])
    response = client.get("/regulator/orders/", {"q": term})
    first = response.context["page"]
    assert [o.pk for o in first.rows] == expected[:10]
    assert (first.total, first.more) == (11, True) and "共 11+ 条" in response.content.decode()
    fifth = client.get("/regulator/orders/", {"q": term, "page": 5}).context["page"]
    assert [o.pk for o in fifth.rows] == expected[40:50]
    assert (fifth.total, fifth.more) == (51, True)
    last = -(-len(expected) // 10)
    final = client.get("/regulator/orders/", {"q": term, "page": last}).context["page"]
    assert [o.pk for o in final.rows] == expected[(last - 1) * 10 :]
    assert (final.total, final.more) == (len(expected), False)
    past = client.get("/regulator/orders/", {"q": term, "page": 99}).context["page"]  # counted: the last one
    assert (past.number, [o.pk for o in past.rows]) == (last, expected[(last - 1) * 10 :])
    policies = client.get("/regulator/policies/", {"q": term, "size": 50}).context["page"]
    issued = Policy.objects.filter(order__in=expected).order_by("-issued_at", "-id")
    assert [row["policy"].pk for row in policies.rows] == list(issued.values_list("pk", flat=True)[:50])


def test_the_credit_code_search_is_exact_or_a_prefix(world, client_for):
    order = Order.objects.order_by("pk")[3]
    client = client_for(world["city"])
    page = client.get("/regulator/orders/", {"credit_code": order.applicant_credit_code}).context["page"]
    assert [o.pk for o in page.rows] == [order.pk]
    prefix = order.applicant_credit_code[:8]
    page = client.get("/regulator/orders/", {"credit_code": prefix.lower(), "size": 50}).context["page"]
    assert page.total == Order.objects.filter(applicant_credit_code__startswith=prefix).count()
    by_number = client.get("/regulator/orders/", {"q": order.application_no}).context["page"]
    assert [o.pk for o in by_number.rows] == [order.pk]


def test_the_policy_searches(world, client_for):
    policy = Policy.objects.select_related("order").order_by("pk")[2]
    client = client_for(world["city"])
    for params in ({"q": policy.policy_no}, {"credit_code": policy.order.applicant_credit_code}):
        page = client.get("/regulator/policies/", params).context["page"]
        assert [row["policy"].pk for row in page.rows] == [policy.pk]
    page = client.get("/regulator/policies/", {"q": policy.order.applicant_name, "size": 50}).context["page"]
    assert policy.pk in {row["policy"].pk for row in page.rows}


@pytest.mark.parametrize(
    "params", [{"q": '（"*%_'}, {"credit_code": "%_（"}, {"credit_code": "9" * 30}, {"page": "x"}]
)
def test_bad_input_gives_no_error(world, client_for, params):
    assert client_for(world["city"]).get("/regulator/orders/", params).status_code == 200
    assert client_for(world["city"]).get("/regulator/policies/", params).status_code == 200


# --- the enterprise's and the service organisation's tabs -----------------------------------------------------
def test_the_enterprise_tabs_count_exactly(world, client_for):
    user = world["enterprise"]
    response = client_for(user).get("/enterprise/orders/")
    mine = Order.objects.filter(enterprise=user.organisation)
    counts = response.context["listing"].counts
    for status, n in counts.items():
        assert n == mine.filter(status=status).count()
    assert sum(counts.values()) == mine.count() == 25


def test_the_service_tabs_count_exactly(world, client_for):
    user = world["service"]
    client = client_for(user)
    response = client.get("/service/orders/")
    tabs = {value: n for value, _label, n in response.context["tabs"]}
    assigned = Policy.objects.filter(service_org=user.organisation)
    assert tabs[""] == response.context["page"].total == assigned.count() == 20
    for state in (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED):
        page = client.get("/service/orders/", {"tab": state}).context["page"]
        assert tabs[state] == page.total == assigned.filter(service_status=state).count()


# --- queries ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who,url",
    [
        ("city", "/regulator/orders/"),
        ("county", "/regulator/orders/"),
        ("city", "/regulator/policies/"),
        ("city", "/regulator/cover/"),
        ("enterprise", "/enterprise/orders/"),
        ("enterprise", "/enterprise/policies/"),
        ("service", "/service/orders/"),
    ],
)
def test_a_list_runs_as_many_queries_whatever_its_page_size(
    world, client_for, who, url, django_assert_max_num_queries
):
    client = client_for(world[who])
    client.get(url)  # (the session's first request warms what is read once)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url, {"size": 10}).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, {"size": 50}).status_code == 200


def test_the_bench_measures_every_side(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    # Without the warm-up requests: half the test's time, and no figure of it is read.
    call_command("bench_sides", orders=300, repeat=2, warm=0, stdout=out)
    report = out.getvalue()
    assert "合成订单 300 个" in report and "p95 ms" in report
    for path in (
        "/regulator/orders/?page=5000",
        "/regulator/policies/",
        "/enterprise/orders/",
        "/service/orders/",
        "/regulator/statistics/?start=",
    ):
        assert path in report
    assert "统计分析 全部筛选" in report
    assert (
        Policy.objects.filter(order__remark=synthetic.MARK).count()
        == Order.objects.filter(remark=synthetic.MARK, status=OrderStatus.ISSUED).count()
    )
