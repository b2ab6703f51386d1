"""理赔统计 with figures computed by hand: two insurers, an enterprise in 丰泽区 (建筑施工) and one in 晋江市
(机械制造), five claims in various states — seen whole by the city's regulator and in part by each county's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anze.basedata.models import Industry, Region
from anze.claims import scenarios, statistics
from anze.claims.models import Claim, ClaimStatus
from anze.claims.statistics import Filters
from anze.core.sides import Side
from anze.core.testing import factories
from anze.policies.models import Policy, PolicyStatus
from anze.prevention import scenarios as policy_scenarios

from .conftest import LIMITS

pytestmark = pytest.mark.django_db
S = ClaimStatus
D = Decimal
STATS = "/regulator/claim-statistics/"


def _backdate(claim: Claim, days: int) -> None:
    """The claim was reported ``days`` days ago (its report time is data; the workflow stamps now)."""
    Claim.objects.filter(pk=claim.pk).update(reported_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def world(cast):
    _fengze, jinjiang = Region.objects.get(code="350503"), Region.objects.get(code="350582")
    machinery = Industry.objects.get(code="machinery")
    jinjiang_org = factories.organisation(
        Side.ENTERPRISE, name="晋江测试机械有限公司", region=jinjiang, industry=machinery
    )
    jinjiang_user = factories.user(jinjiang_org, admin=True)
    p1 = cast.policy(scheme_overrides={**LIMITS, "premium": D("20000")})
    p2 = policy_scenarios.issued_policy(
        insurer_user=cast.other_clerk,
        enterprise_user=jinjiang_user,
        scheme_overrides={**LIMITS, "premium": D("10000")},
    )
    p3 = cast.policy(scheme_overrides={**LIMITS, "premium": D("8000")})
    Policy.objects.filter(pk=p3.pk).update(status=PolicyStatus.REVERSED)  # its premium is no base
    c1 = scenarios.drive(scenarios.report(p1, cast.applicant), cast.clerk, S.SETTLED)  # 8,000 + 4,000
    c2 = scenarios.drive(scenarios.report(p1, cast.applicant), cast.clerk, S.REGISTERED)
    c5 = scenarios.report(p1, cast.applicant)
    c3 = scenarios.drive(
        scenarios.report(p2, jinjiang_user),
        cast.other_clerk,
        S.SETTLED,
        people=scenarios.lines(("3000", "2000")),
    )
    c4 = scenarios.drive(scenarios.report(p2, jinjiang_user), cast.other_clerk, S.CANCELLED)
    _backdate(c1, 10)
    _backdate(c3, 4)
    _backdate(c2, 100)
    _backdate(c5, 40)
    regulators = {
        code: factories.user(
            factories.organisation(Side.REGULATOR, region=Region.objects.get(code=code)), admin=True
        )
        for code in ("350500", "350503", "350582")
    }
    today = timezone.localdate()
    return {
        "claims": (c1, c2, c3, c4, c5),
        "regulators": regulators,
        "filters": Filters(start=today - timedelta(days=200), end=today),
    }


def test_the_citys_regulator_sees_every_figure(world):
    city = world["regulators"]["350500"]
    summary = statistics.summary(user=city, filters=world["filters"])
    total = summary.total
    assert (total.reported, total.registered, total.settled) == (5, 3, 2)
    assert (total.paid, total.premium, total.loss_ratio) == (D("17000"), D("30000"), "56.67%")
    assert summary.average_days == D("7.0")  # (10 + 4) / 2
    assert summary.open_now == 2 and summary.open_over == {30: 2, 90: 1}


def test_by_insurer_region_and_industry(world):
    city, filters = world["regulators"]["350500"], world["filters"]
    rows = {
        dim: [
            (r.name, r.reported, r.registered, r.settled, r.paid, r.premium, r.loss_ratio)
            for r in statistics.by(dim, user=city, filters=filters)
        ]
        for dim in ("insurer", "region", "industry")
    }
    a = (3, 2, 1, D("12000"), D("20000"), "60.00%")
    b = (2, 1, 1, D("5000"), D("10000"), "50.00%")
    assert rows["insurer"] == [("人保财险测试分公司", *a), ("平安财险测试支公司", *b)]
    assert rows["region"] == [("丰泽区", *a), ("晋江市", *b)]
    assert rows["industry"] == [("建筑施工", *a), ("机械制造", *b)]


def test_the_months_add_up_to_the_period(world):
    city, filters = world["regulators"]["350500"], world["filters"]
    months = statistics.by_month(user=city, filters=filters)
    assert [m.name for m in months] == statistics.months(filters)
    assert sum(m.reported for m in months) == 5 and sum(m.settled for m in months) == 2
    assert sum((m.paid for m in months), D(0)) == D("17000") and sum((m.premium for m in months), D(0)) == D(
        "30000"
    )
    this_month = months[-1]
    assert this_month.name == timezone.localdate().strftime("%Y-%m") and this_month.settled == 2


def test_a_county_regulator_sees_its_county(world):
    filters = world["filters"]
    fengze = statistics.summary(user=world["regulators"]["350503"], filters=filters).total
    assert (fengze.reported, fengze.paid, fengze.premium, fengze.loss_ratio) == (
        3,
        D("12000"),
        D("20000"),
        "60.00%",
    )
    jinjiang = statistics.summary(user=world["regulators"]["350582"], filters=filters).total
    assert (jinjiang.reported, jinjiang.paid, jinjiang.premium, jinjiang.loss_ratio) == (
        2,
        D("5000"),
        D("10000"),
        "50.00%",
    )
    oldest = statistics.oldest_open(user=world["regulators"]["350582"], filters=filters)
    assert oldest == []


def test_the_filters_narrow_every_figure(world):
    city = world["regulators"]["350500"]
    filters = Filters(
        start=world["filters"].start,
        end=world["filters"].end,
        industry=Industry.objects.get(code="machinery"),
    )
    total = statistics.summary(user=city, filters=filters).total
    assert (total.reported, total.paid, total.premium) == (2, D("5000"), D("10000"))
    # A period before everything: no step, no premium.
    early = Filters(
        start=world["filters"].start - timedelta(days=400), end=world["filters"].start - timedelta(days=300)
    )
    total = statistics.summary(user=city, filters=early).total
    assert (total.reported, total.settled, total.paid, total.loss_ratio) == (0, 0, D("0"), "—")


def test_the_oldest_open_cases(world):
    _c1, c2, _c3, _c4, c5 = world["claims"]
    found = statistics.oldest_open(user=world["regulators"]["350500"], filters=world["filters"])
    assert [c.pk for c in found] == [c2.pk, c5.pk]
    assert [statistics.days_open(c) for c in found] == [100, 40]


def test_the_page_shows_the_figures_and_how_they_are_counted(world, client_for):
    client = client_for(world["regulators"]["350500"])
    filters = world["filters"]
    html = client.get(STATS, {"start": filters.start, "end": filters.end}).content.decode()
    assert 'data-figure="loss-ratio">56.67%<' in html and 'data-figure="paid">17,000.00<' in html
    assert 'data-figure="open-90">1 件<' in html
    assert "保费为统计期间内出函的保单（不含已冲正）的当前保费" in html
    assert world["claims"][1].report_no in html  # 100 days open


def test_the_page_refuses_a_bad_filter_beside_it_and_shows_unfiltered_figures(world, client_for):
    client = client_for(world["regulators"]["350503"])
    jinjiang = Region.objects.get(code="350582")
    html = client.get(STATS, {"region": jinjiang.pk}).content.decode()
    assert "请选择您辖区内的区县" in html and "统计数字未按条件筛选" in html


def test_the_page_runs_a_constant_number_of_queries(world, cast, client_for, django_assert_max_num_queries):
    client = client_for(world["regulators"]["350500"])
    client.get(STATS)
    with django_assert_max_num_queries(25) as before:
        assert client.get(STATS).status_code == 200
    policy = cast.policy(scheme_overrides=LIMITS)
    for state in (S.SETTLED, S.DECLINED, S.ADJUSTED):
        scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, state)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(STATS).status_code == 200


def test_only_regulators_with_the_statistics_permission_open_it(world, cast, client_for):
    viewer = world["regulators"]["350500"]
    member = factories.user(viewer.organisation)
    assert client_for(member).get(STATS).status_code == 403
    assert client_for(cast.clerk).get(STATS).status_code == 403


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_the_pages_figures_one_sheet_per_table(world, client_for):
    filters = world["filters"]
    client = client_for(world["regulators"]["350500"])
    book = _workbook(client.get(f"{STATS}export/", {"start": filters.start, "end": filters.end}))
    assert book.sheetnames == ["汇总", "按保险公司", "按区县", "按行业", "按月份", "超30天未结案"]
    summary = dict(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary["统计起始日期"].date() == filters.start and summary["统计截止日期"].date() == filters.end
    assert summary["赔款总额（元）"] == 17000 and summary["赔付率"] == "56.67%"
    assert summary["报案超过90天未结案"] == 1
    counties = {row[0]: row for row in book["按区县"].iter_rows(min_row=2, values_only=True)}
    assert set(counties) == {"丰泽区", "晋江市"} and counties["晋江市"][5] == 10000
    open_cases = [row[0] for row in book["超30天未结案"].iter_rows(min_row=2, values_only=True)]
    c2, c5 = world["claims"][1], world["claims"][4]
    assert open_cases == [c2.report_no, c5.report_no]


def test_the_export_follows_the_filters_and_the_jurisdiction(world, client_for):
    filters = world["filters"]
    jinjiang = Region.objects.get(code="350582")
    city = client_for(world["regulators"]["350500"])
    chosen = {"start": filters.start, "end": filters.end, "region": jinjiang.pk}
    summary = dict(
        _workbook(city.get(f"{STATS}export/", chosen))["汇总"].iter_rows(min_row=2, values_only=True)
    )
    assert summary["区县"] == "晋江市" and summary["赔款总额（元）"] == 5000
    county = client_for(world["regulators"]["350503"])
    book = _workbook(county.get(f"{STATS}export/", {"start": filters.start, "end": filters.end}))
    assert [row[0] for row in book["按区县"].iter_rows(min_row=2, values_only=True)] == ["丰泽区"]
    # A region outside the jurisdiction is refused by the form: the export then holds the county's own figures.
    refused = _workbook(county.get(f"{STATS}export/", {"region": jinjiang.pk}))
    assert dict(refused["汇总"].iter_rows(min_row=2, values_only=True))["区县"] == "全部"


def test_the_export_needs_the_statistics_permission(world, cast, client_for):
    member = factories.user(world["regulators"]["350500"].organisation)
    assert client_for(member).get(f"{STATS}export/").status_code == 403
    assert client_for(cast.clerk).get(f"{STATS}export/").status_code == 403
