"""基础数据 screens: access, 服务项目 (rename, reorder, retire), 行业, 行政区划, 地区投保规则 and their rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anze.basedata import services
from anze.basedata.models import Industry, Region, RegionalRule, RegionLevel, ServiceItem
from anze.core.errors import Refused

pytestmark = pytest.mark.django_db

D = Decimal


def urls() -> list[tuple[str, str]]:
    item = ServiceItem.objects.first()
    industry = Industry.objects.first()
    rule = RegionalRule.objects.get(region__isnull=True)
    return [
        ("get", "/platform/basedata/service-items/"),
        ("get", "/platform/basedata/service-items/add/"),
        ("get", f"/platform/basedata/service-items/{item.pk}/edit/"),
        ("post", f"/platform/basedata/service-items/{item.pk}/move/"),
        ("post", f"/platform/basedata/service-items/{item.pk}/active/"),
        ("get", "/platform/basedata/industries/"),
        ("get", "/platform/basedata/industries/add/"),
        ("get", f"/platform/basedata/industries/{industry.pk}/edit/"),
        ("post", f"/platform/basedata/industries/{industry.pk}/active/"),
        ("get", "/platform/basedata/regions/"),
        ("get", "/platform/basedata/regions/add/"),
        ("get", "/platform/basedata/rules/"),
        ("get", "/platform/basedata/rules/add/"),
        ("get", f"/platform/basedata/rules/{rule.pk}/edit/"),
        ("get", f"/platform/basedata/rules/{rule.pk}/delete/"),
    ]


# --- access -------------------------------------------------------------------------------------------------
def test_it_opens_every_page_for_the_platform_admin(platform):
    client = platform.client(platform.admin)
    for method, url in urls():
        if method == "get":
            assert client.get(url).status_code == 200, url
    # The POST-only actions answer a GET with 405, not a page.
    assert client.get(urls()[3][1]).status_code == 405


def test_it_refuses_a_platform_user_without_the_permission(platform):
    client = platform.client(platform.limited)
    for method, url in urls():
        assert getattr(client, method)(url).status_code == 403, url


def test_it_refuses_the_admin_of_another_side(insurer_admin):
    client = Client()
    client.force_login(insurer_admin)
    for method, url in urls():
        assert getattr(client, method)(url).status_code == 403, url


def test_it_sends_an_anonymous_visitor_to_the_platform_login():
    for method, url in urls():
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response.url.startswith("/platform/login/?next="), url


def test_it_404s_for_a_missing_object(platform):
    client = platform.client(platform.admin)
    for url in ("/platform/basedata/service-items/999999/edit/", "/platform/basedata/rules/999999/edit/"):
        assert client.get(url).status_code == 404


def test_an_empty_submission_is_answered_with_what_is_missing(platform):
    """An empty POST is a submission (``core.views.bind``): the form comes back with the missing field marked
    (422), not as an empty form, and nothing is saved."""
    client = platform.client(platform.admin)
    before = Industry.objects.count()
    response = client.post("/platform/basedata/industries/add/", {}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["请输入行业名称"]
    assert Industry.objects.count() == before


# --- 服务项目 ------------------------------------------------------------------------------------------------
def names() -> list[str]:
    return list(ServiceItem.objects.order_by("sort", "id").values_list("name", flat=True))


def test_it_lists_the_seven_service_items_in_order(platform):
    html = platform.client(platform.admin).get("/platform/basedata/service-items/").content.decode()
    positions = [html.index(name) for name in names()]
    assert len(positions) == 7 and positions == sorted(positions)
    assert "安全生产宣传教育培训" in html and "其他有关事故预防工作" in html


def test_it_adds_a_service_item_at_the_end(platform):
    response = platform.client(platform.admin).post(
        "/platform/basedata/service-items/add/", {"name": "职业健康检查"}
    )
    assert response.status_code == 302
    assert names()[-1] == "职业健康检查"


def test_it_renames_a_service_item_and_refuses_a_duplicate_name(platform):
    item = ServiceItem.objects.get(code="other")
    client = platform.client(platform.admin)
    response = client.post(
        f"/platform/basedata/service-items/{item.pk}/edit/", {"name": "安全生产宣传教育培训"}
    )
    assert response.status_code == 422 and "服务项目名称已存在" in response.content.decode()
    item.refresh_from_db()
    assert item.name == "其他有关事故预防工作"
    client.post(f"/platform/basedata/service-items/{item.pk}/edit/", {"name": "其他事故预防工作"})
    item.refresh_from_db()
    assert item.name == "其他事故预防工作" and item.code == "other"


def test_it_sets_a_service_items_unit_price_shown_in_the_list(platform):
    """单价（元/次）: the default 服务费用 of a record and the measure of a policy's plan per item."""
    item = ServiceItem.objects.get(code="training")
    client = platform.client(platform.admin)
    dialog = client.get(f"/platform/basedata/service-items/{item.pk}/edit/").content.decode()
    assert "单价（元/次）" in dialog and 'value="0.00"' in dialog
    response = client.post(
        f"/platform/basedata/service-items/{item.pk}/edit/", {"name": item.name, "unit_price": "450.5"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.unit_price == D("450.50")
    html = client.get("/platform/basedata/service-items/").content.decode()
    row = html[html.index(f'data-item="{item.name}"') :]
    assert '<td class="num" data-testid="unit-price">450.50</td>' in row[: row.index("</tr>")]
    client.post("/platform/basedata/service-items/add/", {"name": "职业健康检查", "unit_price": "800"})
    assert ServiceItem.objects.get(name="职业健康检查").unit_price == D("800.00")
    client.post("/platform/basedata/service-items/add/", {"name": "安全文化建设"})
    assert ServiceItem.objects.get(name="安全文化建设").unit_price == D("0.00")  # empty is 0


@pytest.mark.parametrize(
    "price, message",
    [
        ("abc", "单价须为数字（单位：元）"),
        ("-1", "单价不能为负数"),
        ("1.234", "单价最多保留2位小数"),
        ("99999999999", "单价过大，请核对"),
    ],
)
def test_it_refuses_a_bad_unit_price_beside_the_field(platform, price, message):
    item = ServiceItem.objects.get(code="training")
    response = platform.client(platform.admin).post(
        f"/platform/basedata/service-items/{item.pk}/edit/", {"name": "改过的名字", "unit_price": price}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["unit_price"] == [message]
    item.refresh_from_db()
    assert (item.name, item.unit_price) == ("安全生产宣传教育培训", D("0.00"))  # nothing half-saved


def test_it_moves_a_service_item_up_and_down(platform):
    client = platform.client(platform.admin)
    before = names()
    second = ServiceItem.objects.get(name=before[1])
    response = client.post(
        f"/platform/basedata/service-items/{second.pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert names()[:2] == [before[1], before[0]]
    client.post(f"/platform/basedata/service-items/{second.pk}/move/", {"direction": "down"})
    assert names() == before


def test_it_refuses_to_move_the_first_item_up(platform):
    first = ServiceItem.objects.order_by("sort", "id").first()
    response = platform.client(platform.admin).post(
        f"/platform/basedata/service-items/{first.pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and "anze:error" in response["HX-Trigger"]
    assert names()[0] == first.name


def test_it_retires_and_reactivates_a_service_item_without_deleting_it(platform):
    item = ServiceItem.objects.get(code="technology")
    client = platform.client(platform.admin)
    response = client.post(f"/platform/basedata/service-items/{item.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_active and ServiceItem.objects.count() == 7
    assert item not in ServiceItem.objects.active()
    html = client.get("/platform/basedata/service-items/").content.decode()
    assert "已停用" in html and item.name in html
    client.post(f"/platform/basedata/service-items/{item.pk}/active/", {"active": "1"})
    item.refresh_from_db()
    assert item.is_active


def test_it_keeps_at_least_one_service_item_active():
    items = list(ServiceItem.objects.all())
    for item in items[1:]:
        services.service_item_set_active(item=item, active=False)
    with pytest.raises(Refused, match="至少需要保留一个启用的服务项目"):
        services.service_item_set_active(item=items[0], active=False)
    assert ServiceItem.objects.active().count() == 1


# --- 行业 ------------------------------------------------------------------------------------------------------
def test_it_adds_edits_and_disables_an_industry(platform):
    client = platform.client(platform.admin)
    client.post("/platform/basedata/industries/add/", {"name": "冶金", "is_compulsory": "on"})
    industry = Industry.objects.get(name="冶金")
    assert industry.is_compulsory and industry.is_active
    client.post(f"/platform/basedata/industries/{industry.pk}/edit/", {"name": "钢铁冶金"})
    industry.refresh_from_db()
    assert industry.name == "钢铁冶金" and not industry.is_compulsory
    client.post(f"/platform/basedata/industries/{industry.pk}/active/", {"active": "0"})
    industry.refresh_from_db()
    assert not industry.is_active
    # A disabled industry is no longer offered to new enterprises.
    assert "钢铁冶金" not in client.get("/platform/orgs/enterprises/add/").content.decode()


def test_it_refuses_a_duplicate_industry_name(platform):
    count = Industry.objects.count()
    response = platform.client(platform.admin).post("/platform/basedata/industries/add/", {"name": "矿山"})
    assert response.status_code == 422 and "行业名称已存在" in response.content.decode()
    assert Industry.objects.count() == count


def test_it_filters_industries_by_compulsory_flag(platform):
    page = platform.client(platform.admin).get("/platform/basedata/industries/?compulsory=1").context["page"]
    assert page.total == 8 and all(i.is_compulsory for i in page.rows)


# --- 行政区划 -------------------------------------------------------------------------------------------------
def test_it_shows_the_region_tree(platform):
    html = platform.client(platform.admin).get("/platform/basedata/regions/").content.decode()
    assert html.index("福建省") < html.index("泉州市") < html.index("鲤城区") < html.index("南安市")


def test_it_adds_a_county_under_a_city(platform):
    city = Region.objects.get(code="350500")
    client = platform.client(platform.admin)
    response = client.post(
        "/platform/basedata/regions/add/", {"parent": city.pk, "code": "350599", "name": "泉州台商投资区"}
    )
    assert response.status_code == 302
    county = Region.objects.get(code="350599")
    assert county.parent == city and county.level == RegionLevel.COUNTY


@pytest.mark.parametrize(
    ("code", "name", "field", "message"),
    [
        ("350582", "新区", "code", "行政区划代码已存在"),
        ("360101", "新区", "code", "区县代码应以3505开头"),
        ("35059x", "新区", "code", "行政区划代码应为6位数字"),
        ("350598", "晋江市", "name", "泉州市下已有“晋江市”"),
    ],
)
def test_it_refuses_a_bad_county(platform, code, name, field, message):
    city = Region.objects.get(code="350500")
    count = Region.objects.count()
    response = platform.client(platform.admin).post(
        "/platform/basedata/regions/add/", {"parent": city.pk, "code": code, "name": name}
    )
    assert response.status_code == 422
    assert any(message in e for e in response.context["form"].errors[field])
    assert Region.objects.count() == count


# --- 地区投保规则 -----------------------------------------------------------------------------------------------
def rule_data(**values: object) -> dict[str, object]:
    data = {"min_per_person_injury_limit": "", "min_fee_ratio": "", "max_fee_ratio": "", "note": "泉州市规定"}
    data.update(values)
    return data


def test_it_adds_a_rule_for_a_county(platform):
    jinjiang = Region.objects.get(code="350582")
    response = platform.client(platform.admin).post(
        "/platform/basedata/rules/add/", rule_data(region=jinjiang.pk, min_fee_ratio="10")
    )
    assert response.status_code == 302
    rule = RegionalRule.objects.get(region=jinjiang)
    assert rule.min_fee_ratio == D("10") and rule.min_per_person_injury_limit is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"min_fee_ratio": "30", "max_fee_ratio": "20"}, "min_fee_ratio", "服务费比例下限不能大于上限"),
        ({"min_fee_ratio": "-1"}, "min_fee_ratio", "比例不能为负数"),
        ({"max_fee_ratio": "100.01"}, "max_fee_ratio", "比例不能超过100"),
        ({"min_per_person_injury_limit": "-5"}, "min_per_person_injury_limit", "限额不能为负数"),
        ({"min_fee_ratio": "10.123"}, "min_fee_ratio", "最多保留2位小数"),
        ({}, None, "请至少设置一项限制"),
    ],
)
def test_it_refuses_a_bad_rule_and_saves_nothing(platform, values, field, message):
    jinjiang = Region.objects.get(code="350582")
    response = platform.client(platform.admin).post(
        "/platform/basedata/rules/add/", rule_data(region=jinjiang.pk, **values)
    )
    assert response.status_code == 422
    errors = response.context["form"].errors.get(field or "__all__", [])
    assert any(message in e for e in errors), response.context["form"].errors
    assert message in response.content.decode()
    assert not RegionalRule.objects.filter(region=jinjiang).exists()


def test_it_refuses_min_above_max_when_editing_the_default_rule(platform):
    rule = RegionalRule.objects.get(region__isnull=True)
    response = platform.client(platform.admin).post(
        f"/platform/basedata/rules/{rule.pk}/edit/",
        rule_data(min_per_person_injury_limit="400000", min_fee_ratio="25", max_fee_ratio="15"),
    )
    assert response.status_code == 422 and "服务费比例下限不能大于上限" in response.content.decode()
    rule.refresh_from_db()
    assert rule.min_fee_ratio is None and rule.max_fee_ratio is None


def test_it_offers_only_regions_without_a_rule(platform):
    RegionalRule.objects.create(region=Region.objects.get(code="350582"), min_fee_ratio=D("10"))
    form = platform.client(platform.admin).get("/platform/basedata/rules/add/").context["form"]
    codes = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert "350582" not in codes and "350583" in codes


def test_it_refuses_a_second_rule_for_a_region():
    jinjiang = Region.objects.get(code="350582")
    RegionalRule.objects.create(region=jinjiang, min_fee_ratio=D("10"))
    with pytest.raises(Refused, match="晋江市已有投保规则") as exc:
        services.regional_rule_create(region=jinjiang, values=services.RuleValues(None, D("5"), None))
    assert exc.value.field == "region"


def test_it_refuses_a_change_that_would_invert_an_inherited_range(platform):
    """晋江市 asks for at least 20%; 泉州市 may not then cap the fee at 15%."""
    RegionalRule.objects.create(region=Region.objects.get(code="350582"), min_fee_ratio=D("20"))
    city = Region.objects.get(code="350500")
    response = platform.client(platform.admin).post(
        "/platform/basedata/rules/add/", rule_data(region=city.pk, max_fee_ratio="15")
    )
    assert response.status_code == 422
    assert "保存后晋江市的服务费比例下限（20%，晋江市）将大于上限（15%，泉州市）" in response.content.decode()
    assert not RegionalRule.objects.filter(region=city).exists()


def test_it_edits_and_deletes_a_regional_rule(platform):
    rule = RegionalRule.objects.create(region=Region.objects.get(code="350582"), min_fee_ratio=D("10"))
    client = platform.client(platform.admin)
    client.post(
        f"/platform/basedata/rules/{rule.pk}/edit/", rule_data(min_fee_ratio="12.5", max_fee_ratio="30")
    )
    rule.refresh_from_db()
    assert (rule.min_fee_ratio, rule.max_fee_ratio) == (D("12.5"), D("30"))
    response = client.post(f"/platform/basedata/rules/{rule.pk}/delete/")
    assert response.status_code == 302 and not RegionalRule.objects.filter(pk=rule.pk).exists()


def test_it_never_deletes_the_default_rule(platform):
    rule = RegionalRule.objects.get(region__isnull=True)
    response = platform.client(platform.admin).post(
        f"/platform/basedata/rules/{rule.pk}/delete/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and "anze:error" in response["HX-Trigger"]
    assert RegionalRule.objects.filter(pk=rule.pk).exists()
    assert (
        f"rules/{rule.pk}/delete/"
        not in platform.client(platform.admin).get("/platform/basedata/rules/").content.decode()
    )


def test_it_shows_what_each_county_enforces(platform):
    RegionalRule.objects.create(region=Region.objects.get(code="350582"), min_fee_ratio=D("10"))
    html = platform.client(platform.admin).get("/platform/basedata/rules/").content.decode()
    row = html[html.index('data-county="350582"') :]
    row = row[: row.index("</tr>")]
    assert (
        '10% <span class="muted">晋江市</span>' in row
        and '40.00万元 <span class="muted">默认规则</span>' in row
    )


# --- queries --------------------------------------------------------------------------------------------------
def _make_rows(kind: str, n: int, start: int) -> None:
    if kind == "industries":
        for i in range(start, start + n):
            services.industry_create(name=f"测试行业{i}", is_compulsory=i % 2 == 0)
    elif kind == "service-items":
        for i in range(start, start + n):
            services.service_item_create(name=f"测试服务项目{i}")
    else:
        city = Region.objects.get(code="350500")
        for i in range(start, start + n):
            county = services.region_create_county(city=city, code=f"3505{30 + i:02d}", name=f"测试区{i}")
            services.regional_rule_create(
                region=county, values=services.RuleValues(D("500000"), D("5"), None)
            )


@pytest.mark.parametrize("kind", ["industries", "service-items", "rules", "regions"])
def test_it_lists_with_a_constant_number_of_queries(platform, kind, django_assert_max_num_queries):
    client = platform.client(platform.admin)
    url = f"/platform/basedata/{kind}/?size=50"
    _make_rows("rules" if kind == "regions" else kind, 5, 0)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    _make_rows("rules" if kind == "regions" else kind, 25, 5)
    with django_assert_max_num_queries(len(five)):
        assert client.get(url).status_code == 200
