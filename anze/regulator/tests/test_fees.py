"""统计分析 · 事故预防服务费 (``regulator.fees``): collected vs spent by insurer, 区县, 行业 and month against figures
worked out by hand; 服务费使用滞后 (behind plan with under 60 days left) with its boundaries, export and cap; scope by
region; 403 without the permission; a constant number of queries."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.policies.models import Policy
from anze.prevention import scenarios
from anze.prevention.models import FeeEntry

pytestmark = pytest.mark.django_db
D = Decimal
STATS = "/regulator/statistics/"
LAGGING = "/regulator/fees/lagging/"


class World:
    """Two insurers; 晋江 (建筑施工) and 丰泽 (机械制造) enterprises; three policies:

    =====  ========  =======  ========  =====  =======================
    P1     人保测试  晋江市   建筑施工   2000   confirmed 500 + 300 = 800
    P2     平安测试  丰泽区   机械制造   1000   confirmed 300
    P3     人保测试  丰泽区   机械制造   3000   nothing
    =====  ========  =======  ========  =====  =======================
    """

    def __init__(self) -> None:
        ensure_base_data()
        jinjiang = Region.objects.get(code="350582")
        fengze = Region.objects.get(code="350503")
        construction = Industry.objects.get(code="construction")
        machinery = Industry.objects.get(code="machinery")
        self.insurer = factories.organisation(Side.INSURER, name="人保测试", short_name="人保测试")
        self.clerk = factories.user(self.insurer, admin=True)
        other = factories.organisation(Side.INSURER, name="平安测试", short_name="平安测试")
        self.other_clerk = factories.user(other, admin=True)
        org = factories.organisation(Side.SERVICE_ORG, name="测试安全服务公司")
        self.org_user = factories.user(org, admin=True)
        self.staff = scenarios.staff(org)

        def enterprise(name, region, industry):
            e = factories.organisation(Side.ENTERPRISE, name=name, region=region, industry=industry)
            return factories.user(e, admin=True)

        self.jj = enterprise("晋江建筑公司", jinjiang, construction)
        self.fz = enterprise("丰泽机械公司", fengze, machinery)
        self.p1 = self.policy(self.clerk, self.jj, "2000.00", [D("500.00"), D("300.00")])
        self.p2 = self.policy(self.other_clerk, self.fz, "1000.00", [D("300.00")])
        self.p3 = self.policy(self.clerk, self.fz, "3000.00", [])
        city = factories.organisation(Side.REGULATOR, region=Region.objects.get(code="350500"))
        self.city = factories.user(city, admin=True)
        self.city_limited = factories.user(city)
        self.county = factories.user(factories.organisation(Side.REGULATOR, region=jinjiang), admin=True)

    def policy(self, clerk, enterprise_user, fee: str, costs: list[Decimal], **counts) -> Policy:
        policy = scenarios.issued_policy(
            insurer_user=clerk,
            enterprise_user=enterprise_user,
            counts=counts or {"training": 4},
            scheme_overrides={"prevention_fee": D(fee)},
        )
        if costs:
            scenarios.in_service(policy, clerk, self.org_user)
            for cost in costs:
                made = scenarios.record(policy, self.org_user, "training", [self.staff], cost=cost)
                scenarios.confirm(made, enterprise_user)
        return scenarios.fresh(policy)


@pytest.fixture
def world(db) -> World:
    return World()


def chart_data(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )


def fee_tables(html: str) -> dict[str, list[list[str]]]:
    tables = {}
    for title, body in re.findall(r'<table class="table" data-fee-table="([^"]+)">(.*?)</table>', html, re.S):
        rows = re.findall(r'<tr data-row="[^"]*">(.*?)</tr>', body, re.S)
        tables[title] = [
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows
        ]
    return tables


def figure(html: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">([^<]*)<', html)[1]


# --- collected vs spent ----------------------------------------------------------------------------------------
def test_the_statistics_show_collected_and_spent_as_worked_out_by_hand(world, client_for):
    html = client_for(world.city).get(STATS).content.decode()
    # 2000 + 1000 + 3000 collected; 800 + 300 spent; 1100 / 6000 = 18.3%
    assert (figure(html, "fee-collected"), figure(html, "fee-spent"), figure(html, "fee-rate")) == (
        "6,000.00",
        "1,100.00",
        "18.3%",
    )
    assert fee_tables(html) == {
        "各保险公司": [
            ["人保测试", "2", "5,000.00", "800.00", "16.0%"],
            ["平安测试", "1", "1,000.00", "300.00", "30.0%"],
        ],
        "各区县": [
            ["丰泽区", "2", "4,000.00", "300.00", "7.5%"],
            ["晋江市", "1", "2,000.00", "800.00", "40.0%"],
        ],
        "各行业": [
            ["机械制造", "2", "4,000.00", "300.00", "7.5%"],
            ["建筑施工", "1", "2,000.00", "800.00", "40.0%"],
        ],
    }


def test_the_month_chart_counts_collected_at_issue_and_spent_at_booking(world, client_for):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    moment = timezone.make_aware(datetime.combine(last_month, time(12)))
    Policy.objects.filter(pk=world.p3.pk).update(issued_at=moment)
    FeeEntry.objects.filter(policy=world.p1, amount=D("500.00")).update(booked_at=moment)
    months = chart_data(client_for(world.city).get(STATS).content.decode())["fee_month"]
    assert len(months) == 12 and months[-1]["month"] == today.strftime("%Y-%m")
    by_month = {m["month"]: (m["collected"], m["spent"]) for m in months if m["collected"] or m["spent"]}
    assert by_month == {
        last_month.strftime("%Y-%m"): (3000.0, 500.0),
        today.strftime("%Y-%m"): (3000.0, 600.0),
    }


def test_the_fee_figures_follow_the_filters(world, client_for):
    c = client_for(world.city)
    html = c.get(STATS, {"insurer": world.insurer.pk}).content.decode()
    assert (figure(html, "fee-collected"), figure(html, "fee-spent")) == ("5,000.00", "800.00")
    fengze = Region.objects.get(code="350503")
    html = c.get(STATS, {"region": fengze.pk}).content.decode()
    assert (figure(html, "fee-collected"), figure(html, "fee-spent"), figure(html, "fee-rate")) == (
        "4,000.00",
        "300.00",
        "7.5%",
    )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    html = c.get(STATS, {"start": tomorrow}).content.decode()
    assert (figure(html, "fee-collected"), figure(html, "fee-rate")) == ("0.00", "—")


def test_a_reversed_policy_is_void_and_its_fee_not_counted(world, client_for):
    """A 冲正 voids the policy (the order is issued again under a new one, whose fee is the one collected);
    a surrendered policy keeps its fee and spending."""
    Policy.objects.filter(pk=world.p3.pk).update(status="reversed")
    Policy.objects.filter(pk=world.p2.pk).update(status="surrendered")
    html = client_for(world.city).get(STATS).content.decode()
    assert (figure(html, "fee-collected"), figure(html, "fee-spent")) == ("3,000.00", "1,100.00")


def test_a_county_regulator_sees_its_county_only(world, client_for):
    html = client_for(world.county).get(STATS).content.decode()
    assert (figure(html, "fee-collected"), figure(html, "fee-spent")) == ("2,000.00", "800.00")
    assert [row[0] for row in fee_tables(html)["各保险公司"]] == ["人保测试"]


def test_the_statistics_page_runs_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    c = client_for(world.city)
    c.get(STATS)
    with django_assert_max_num_queries(12) as few:  # (19 before: docs/BENCH.md, 2026-12-04)
        c.get(STATS)
    world.policy(world.other_clerk, world.jj, "1500.00", [D("100.00"), D("200.00")])
    world.policy(world.clerk, world.fz, "800.00", [D("50.00")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(STATS)


# --- 服务费使用滞后 -------------------------------------------------------------------------------------------------
def period(policy: Policy, started: int, ends_in: int) -> None:
    today = timezone.localdate()
    Policy.objects.filter(pk=policy.pk).update(
        period_start=today - timedelta(days=started), period_end=today + timedelta(days=ends_in)
    )


@pytest.fixture
def lagging(world):
    """P1 40% spent, 87.7% of its period gone, 45 days left: behind. P2 30% spent, 60 days left: not yet
    (under 60 only). P3 nothing spent, ends today: behind. P4 exactly on plan (90% spent, 90 of 100 days):
    not behind. P5 ended yesterday, P6 has no fee: never."""
    period(world.p1, 320, 45)
    period(world.p2, 305, 60)
    period(world.p3, 365, 0)
    p4 = world.policy(world.clerk, world.jj, "1000.00", [D("900.00")])
    period(p4, 90, 10)
    p5 = world.policy(world.clerk, world.jj, "1000.00", [])
    period(p5, 366, -1)
    p6 = world.policy(world.clerk, world.jj, "0.00", [])
    period(p6, 330, 35)
    return world


def lagging_rows(html: str) -> list[tuple[str, ...]]:
    rows = []
    for no, body in re.findall(r'<tr data-policy="([^"]+)">(.*?)</tr>', html, re.S):
        cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        rows.append((no, " ".join(cells[5]), *(" ".join(c) for c in cells[6:10])))
    return rows


def test_it_lists_the_policies_behind_plan_with_under_60_days_left(lagging, client_for):
    html = client_for(lagging.city).get(LAGGING).content.decode()
    assert lagging_rows(html) == [
        # 保单编号, 剩余天数, 服务费, 已支出, 使用率, 期间已过
        (lagging.p3.policy_no, "0 天", "3,000.00", "0.00", "0.0%", "100.0%"),
        (lagging.p1.policy_no, "45 天", "2,000.00", "800.00", "40.0%", "87.7%"),
    ]
    stats = client_for(lagging.city).get(STATS).content.decode()
    assert figure(stats, "fee-lagging") == "2"


@pytest.mark.parametrize("status", ["reversed", "surrendered"])
def test_a_policy_no_longer_in_force_is_never_behind(lagging, client_for, status):
    Policy.objects.filter(pk=lagging.p3.pk).update(status=status)
    html = client_for(lagging.city).get(LAGGING).content.decode()
    assert [row[0] for row in lagging_rows(html)] == [lagging.p1.policy_no]


def test_the_lagging_list_is_searched_and_scoped(lagging, client_for):
    c = client_for(lagging.city)
    assert [r[0] for r in lagging_rows(c.get(LAGGING, {"q": lagging.p1.policy_no}).content.decode())] == [
        lagging.p1.policy_no
    ]
    fengze = Region.objects.get(code="350503")
    assert [r[0] for r in lagging_rows(c.get(LAGGING, {"region": fengze.pk}).content.decode())] == [
        lagging.p3.policy_no
    ]
    county = lagging_rows(client_for(lagging.county).get(LAGGING).content.decode())
    assert [r[0] for r in county] == [lagging.p1.policy_no]
    html = c.get(LAGGING, {"start": "2026-13-45"}).content.decode()
    assert "请输入正确的日期" in html and len(lagging_rows(html)) == 2  # never a 500


def test_it_exports_the_lagging_list(lagging, client_for):
    response = client_for(lagging.city).get(f"{LAGGING}export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][8:13] == ("剩余天数", "事故预防服务费（元）", "已支出（元）", "使用率", "保险期间已过")
    assert [(r[0], r[8], r[9], r[10], r[11], r[12]) for r in rows[1:]] == [
        (lagging.p3.policy_no, 0, 3000, 0, "0.0%", "100.0%"),
        (lagging.p1.policy_no, 45, 2000, 800, "40.0%", "87.7%"),
    ]


def test_it_refuses_an_export_over_one_sheet(lagging, client_for, monkeypatch):
    monkeypatch.setattr("anze.core.exports.MAX_EXPORT_ROWS", 1)
    response = client_for(lagging.city).get(f"{LAGGING}export/", follow=True)
    assert "导出数据超过1条，请缩小查询范围后再导出" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(LAGGING)


def test_the_lagging_list_runs_a_constant_number_of_queries(
    lagging, client_for, django_assert_max_num_queries
):
    c = client_for(lagging.city)
    with django_assert_max_num_queries(30) as few:
        c.get(LAGGING)
    for _ in range(3):
        period(lagging.policy(lagging.clerk, lagging.fz, "1000.00", [D("10.00")]), 340, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = c.get(LAGGING).content.decode()
    assert len(lagging_rows(html)) == 5


@pytest.mark.parametrize("url", [LAGGING, f"{LAGGING}export/"])
def test_it_is_forbidden_without_the_permission_and_to_other_sides(world, client_for, url):
    assert client_for(world.city_limited).get(url).status_code == 403
    assert client_for(world.clerk).get(url).status_code == 403
    response = client_for(None).get(url)
    assert response.status_code == 302 and response.url.startswith("/regulator/login/")
