"""监管端: read-only across insurers, scoped by region; statistics; 应保尽保."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.forms import DATE_INVALID
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders.models import OrderStatus
from anze.policies import scenarios as policy_scenarios
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    ensure_base_data()
    city = Region.objects.get(code="350500")
    jinjiang = Region.objects.get(code="350582")
    fengze = Region.objects.get(code="350503")
    construction = Industry.objects.get(code="construction")
    insurer = factories.organisation(Side.INSURER, name="人保测试")
    clerk = factories.user(insurer, admin=True)
    other_insurer = factories.organisation(Side.INSURER, name="平安测试")
    other_clerk = factories.user(other_insurer, admin=True)

    def enterprise(name, region):
        org = factories.organisation(Side.ENTERPRISE, name=name, region=region, industry=construction)
        return org, factories.user(org, admin=True)

    _, jj_user = enterprise("晋江建筑公司", jinjiang)
    _, fz_user = enterprise("丰泽建筑公司", fengze)
    never, _ = enterprise("从未投保建筑公司", fengze)
    jj_order = policy_scenarios.online_order(
        insurer_user=clerk, enterprise_user=jj_user, until=OrderStatus.ISSUED
    )
    fz_order = policy_scenarios.online_order(
        insurer_user=other_clerk, enterprise_user=fz_user, until=OrderStatus.ISSUED
    )
    pending = policy_scenarios.online_order(insurer_user=clerk, enterprise_user=fz_user)
    city_reg = factories.organisation(Side.REGULATOR, name="泉州市应急管理局", region=city)
    county_reg = factories.organisation(Side.REGULATOR, name="晋江市应急管理局", region=jinjiang)
    return {
        "city": factories.user(city_reg, admin=True),
        "county": factories.user(county_reg, admin=True),
        "city_limited": factories.user(city_reg),
        "jj_order": jj_order,
        "fz_order": fz_order,
        "pending": pending,
        "never": never,
        "clerk": clerk,
        "jj_user": jj_user,
    }


def test_it_shows_every_insurers_orders_in_the_city(world, client_for):
    html = client_for(world["city"]).get("/regulator/orders/").content.decode()
    for order in (world["jj_order"], world["fz_order"], world["pending"]):
        assert order.application_no in html
    assert "人保测试" in html and "平安测试" in html


def test_it_scopes_a_county_regulator_to_its_county(world, client_for):
    client = client_for(world["county"])
    html = client.get("/regulator/orders/").content.decode()
    assert world["jj_order"].application_no in html
    assert world["fz_order"].application_no not in html
    assert client.get(f"/regulator/orders/{world['fz_order'].application_no}/").status_code == 404
    assert client.get(f"/regulator/orders/{world['jj_order'].application_no}/").status_code == 200
    policies = client.get("/regulator/policies/").content.decode()
    assert world["jj_order"].policy_no in policies and world["fz_order"].policy_no not in policies


def test_it_filters_policies_by_standing(world, client_for):
    today = timezone.localdate()
    Policy.objects.filter(order=world["fz_order"]).update(
        period_start=today - timedelta(days=355), period_end=today + timedelta(days=10)
    )
    html = client_for(world["city"]).get("/regulator/policies/?standing=expiring").content.decode()
    assert world["fz_order"].policy_no in html and world["jj_order"].policy_no not in html


def test_it_lists_compulsory_enterprises_without_cover(world, client_for):
    Policy.objects.filter(order=world["fz_order"]).update(
        period_start=timezone.localdate() - timedelta(days=400),
        period_end=timezone.localdate() - timedelta(days=35),
    )
    client = client_for(world["city"])
    never = client.get("/regulator/cover/?cover=never").content.decode()
    assert "从未投保建筑公司" in never and "晋江建筑公司" not in never
    lapsed = client.get("/regulator/cover/?cover=lapsed").content.decode()
    assert "丰泽建筑公司" in lapsed and "已脱保" in lapsed


def test_it_draws_the_statistics(world, client_for):
    html = client_for(world["city"]).get("/regulator/statistics/").content.decode()
    assert 'id="chart-data"' in html and "高危行业投保率" in html and "echarts" in html


def test_it_shows_home_cards(world, client_for):
    html = client_for(world["city"]).get("/regulator/").content.decode()
    assert "30天内到期" in html and "高危行业已脱保" in html


def test_it_exports_policies(world, client_for):
    response = client_for(world["city"]).get("/regulator/policies/export/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_it_refuses_a_policy_export_too_large_for_one_sheet_before_building_it(
    world, client_for, monkeypatch
):
    """The region may hold more policies than one sheet: the export is refused with the message, on the list
    it came from, instead of building the workbook inside the request."""
    monkeypatch.setattr("anze.core.exports.MAX_EXPORT_ROWS", 1)
    response = client_for(world["city"]).get("/regulator/policies/export/?keyword=", follow=True)
    html = response.content.decode()
    assert "导出数据超过1条，请缩小查询范围后再导出" in html
    assert response.redirect_chain[-1][0].startswith("/regulator/policies/?")


@pytest.mark.parametrize(
    "url", ["/regulator/orders/", "/regulator/policies/", "/regulator/cover/", "/regulator/statistics/"]
)
def test_it_is_forbidden_without_permission_and_to_other_sides(world, client_for, url):
    assert client_for(world["city_limited"]).get(url).status_code == 403
    assert client_for(world["clerk"]).get(url).status_code == 403
    response = client_for(None).get(url)
    assert response.status_code == 302 and response.url.startswith("/regulator/login/")


def test_it_keeps_list_queries_constant(world, client_for, django_assert_max_num_queries):
    client = client_for(world["city"])
    for url in ["/regulator/policies/?size=50", "/regulator/orders/?size=50", "/regulator/cover/?size=50"]:
        with django_assert_max_num_queries(14) as few:
            client.get(url)
        for _ in range(3):
            policy_scenarios.online_order(
                insurer_user=world["clerk"], enterprise_user=world["jj_user"], until=OrderStatus.ISSUED
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


# --- 统计分析's filters (issue 12, point 7) ---------------------------------------------------------------------
def chart_data(html: str) -> dict:
    import json
    import re

    return json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )


def test_the_statistics_follow_the_insurer_county_and_industry_filters(world, client_for):
    client = client_for(world["city"])
    everything = chart_data(client.get("/regulator/statistics/").content.decode())
    assert {row["name"] for row in everything["county"]} == {"晋江市", "丰泽区"}
    insurer = world["jj_order"].insurer
    html = client.get(f"/regulator/statistics/?insurer={insurer.pk}").content.decode()
    charts = chart_data(html)
    assert [row["name"] for row in charts["county"]] == ["晋江市"]
    assert sum(row["policies"] for row in charts["insurer"]) == 1
    fengze = Region.objects.get(code="350503")
    charts = chart_data(client.get(f"/regulator/statistics/?region={fengze.pk}").content.decode())
    assert [row["name"] for row in charts["county"]] == ["丰泽区"]
    other = Industry.objects.exclude(code="construction").first()
    charts = chart_data(client.get(f"/regulator/statistics/?industry={other.pk}").content.decode())
    assert charts["county"] == [] and charts["industry"] == []


def test_the_statistics_follow_the_date_range(world, client_for):
    client = client_for(world["city"])
    today = timezone.localdate()
    Policy.objects.filter(order=world["fz_order"]).update(issued_at=timezone.now() - timedelta(days=100))
    html = client.get(
        f"/regulator/statistics/?start={(today - timedelta(days=7)).isoformat()}&end={today.isoformat()}"
    ).content.decode()
    charts = chart_data(html)
    assert [row["name"] for row in charts["county"]] == ["晋江市"]
    assert "所选期间保费" in html
    assert sum(m["policies"] for m in charts["month"]) == 1


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2026-13-45", DATE_INVALID),  # the one wording of every date filter (core.forms.SearchForm)
        ("start=2026-06-01&end=2026-01-01", "结束日期不能早于开始日期"),
        ("insurer=999999", "请选择列表中的保险公司"),
        ("region=abc", "请选择您辖区内的区县"),
    ],
)
def test_bad_statistics_filters_are_form_errors_not_500(world, client_for, query, message):
    response = client_for(world["city"]).get(f"/regulator/statistics/?{query}")
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "data-filter-errors" in html
    assert len(chart_data(html)["county"]) == 2  # unfiltered figures


def test_a_county_regulator_cannot_filter_on_another_county(world, client_for):
    fengze = Region.objects.get(code="350503")
    html = client_for(world["county"]).get(f"/regulator/statistics/?region={fengze.pk}").content.decode()
    assert "请选择您辖区内的区县" in html


# --- 统计分析's 导出 ------------------------------------------------------------------------------------------------
def _workbook(response):
    from io import BytesIO

    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_statistics_export_holds_the_pages_figures_one_sheet_per_table(world, client_for):
    client = client_for(world["city"])
    page = client.get("/regulator/statistics/")
    assert b"/regulator/statistics/export/?" in page.content  # the page's 导出 button
    book = _workbook(client.get("/regulator/statistics/export/"))
    assert book.sheetnames == ["汇总", "按保险公司", "按区县", "按行业", "按月份", "服务进度"]
    summary = dict(_rows(book["汇总"]))
    policies = Policy.objects.filter(order__in=[world["jj_order"], world["fz_order"]])
    premium = sum(p.order.premium for p in policies)
    today = timezone.localdate()
    in_force = sum(p.period_start <= today <= p.period_end for p in policies)
    assert summary["保障中保单"] == in_force and summary["出函保单数"] == 2
    assert summary["出函保单保费（元）"] == premium and summary["统计起始日期（出函）"] == "不限"
    assert summary["高危行业应保企业"] == 3 and summary["高危行业已投保企业"] == in_force
    insurers = {row[0]: row for row in _rows(book["按保险公司"])}
    names = {o: o.insurer.short_name or o.insurer.name for o in (world["jj_order"], world["fz_order"])}
    assert {name: row[1] for name, row in insurers.items()} == dict.fromkeys(names.values(), 1)
    assert insurers[names[world["jj_order"]]][2] == world["jj_order"].premium
    assert {row[0] for row in _rows(book["按区县"])} == {"晋江市", "丰泽区"}
    assert [(row[0], row[1], row[-1]) for row in _rows(book["按行业"])] == [
        (world["jj_order"].industry.name, 2, "是")
    ]
    months = _rows(book["按月份"])
    assert (
        len(months) == 12 and sum(row[1] for row in months) == 2 and sum(row[2] for row in months) == premium
    )
    assert sum(row[1] for row in _rows(book["服务进度"])) == 2
    # the page shows the same figures
    charts = chart_data(page.content.decode())
    assert {row["name"]: row["policies"] for row in charts["insurer"]} == dict.fromkeys(names.values(), 1)


def test_the_statistics_export_follows_the_filters_and_the_jurisdiction(world, client_for):
    fengze = Region.objects.get(code="350503")
    book = _workbook(client_for(world["city"]).get(f"/regulator/statistics/export/?region={fengze.pk}"))
    assert dict(_rows(book["汇总"]))["区县"] == "丰泽区"
    assert [row[0] for row in _rows(book["按区县"])] == ["丰泽区"]
    county = client_for(world["county"])
    book = _workbook(county.get("/regulator/statistics/export/"))
    assert [row[0] for row in _rows(book["按区县"])] == ["晋江市"]
    # another county is refused by the form, as on the page: the county's own figures, unfiltered
    refused = _workbook(county.get(f"/regulator/statistics/export/?region={fengze.pk}"))
    assert dict(_rows(refused["汇总"]))["区县"] == "全部"
    assert [row[0] for row in _rows(refused["按区县"])] == ["晋江市"]
    # a bad date is no 500: the figures unfiltered
    assert (
        dict(_rows(_workbook(county.get("/regulator/statistics/export/?start=2026-13-45"))["汇总"]))[
            "统计起始日期（出函）"
        ]
        == "不限"
    )


def test_the_statistics_export_needs_the_statistics_permission(world, client_for):
    assert client_for(world["city_limited"]).get("/regulator/statistics/export/").status_code == 403
    assert client_for(world["clerk"]).get("/regulator/statistics/export/").status_code == 403
    response = client_for(None).get("/regulator/statistics/export/")
    assert response.status_code == 302 and response.url.startswith("/regulator/login/")
