"""新增线下订单: a registered enterprise prefills the form; an unregistered one is typed in."""

from __future__ import annotations

import json
import re

import pytest

from anze.basedata.models import Industry, Region
from anze.core.testing import hx_message
from anze.orders.models import Order, OrderStatus, OrderType
from anze.orders.tests.support import HX, field_row, html

pytestmark = pytest.mark.django_db
ADD = "/insurer/orders/offline/add/"


def offline_data(**overrides):
    data = {
        "applicant_name": "泉州市洛江区万安建材有限公司",
        "applicant_credit_code": "91350504MA2YL8H37T",
        "contact_name": "郭建新",
        "contact_phone": "13860710021",
        "project_name": "洛江区万安建材厂区",
        "project_address": "泉州市洛江区万安街道",
        "region": Region.objects.get(code="350504").pk,
        "industry": Industry.objects.get(code="ceramics").pk,
        "headcount": "40",
        "remark": "",
    }
    data.update(overrides)
    return data


def test_it_offers_the_registered_enterprises_with_what_they_fill_in(cast, clerk):
    page = html(clerk.get(ADD, **HX))
    option = re.search(rf'<option value="{cast.enterprise.pk}" data-fill="([^"]+)"', page)
    assert option, "the registered enterprise is offered"
    fill = json.loads(option.group(1).replace("&quot;", '"'))
    assert fill["applicant_name"] == cast.enterprise.name
    assert fill["applicant_credit_code"] == cast.enterprise.credit_code
    assert fill["region"] == cast.enterprise.region_id


def test_it_creates_an_offline_order_waiting_for_its_backfill(cast, clerk):
    response = clerk.post(ADD, offline_data(), **HX)
    assert response.status_code == 204
    order = Order.objects.get(project_name="洛江区万安建材厂区")
    assert hx_message(response) == f"新增成功，申请编号 {order.application_no}，请进行保单信息补录"
    assert order.order_type == OrderType.OFFLINE and order.status == OrderStatus.AWAITING_ISSUE
    assert order.insurer == cast.insurer and order.enterprise is None and order.headcount == 40
    assert order.region.code == "350504" and order.created_by == cast.clerk


def test_it_links_the_order_to_a_registered_enterprise_by_its_credit_code(cast, clerk):
    clerk.post(ADD, offline_data(applicant_credit_code=cast.enterprise.credit_code.lower()), **HX)
    assert Order.objects.get().enterprise == cast.enterprise


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_name", "", "请输入投保人名称"),
        ("applicant_credit_code", "91350504MA2YL8H370", "校验位不正确"),
        ("applicant_credit_code", "123", "统一社会信用代码应为18位"),
        ("contact_phone", "1386071002", "请输入正确的11位手机号码"),
        ("project_name", "", "请输入项目名称"),
        ("region", "", "请选择所在区县"),
        ("industry", "", "请选择行业"),
        ("headcount", "0", "参保人数须为大于0的整数"),
    ],
)
def test_it_refuses_bad_input_beside_its_field(clerk, field, value, message):
    response = clerk.post(ADD, offline_data(**{field: value}), **HX)
    assert response.status_code == 422 and message in field_row(html(response), field)
    assert not Order.objects.exists()


def test_it_shows_all_errors_at_once_and_keeps_what_was_typed(clerk):
    page = html(
        clerk.post(ADD, offline_data(contact_phone="12", headcount="-3", project_name="保留的项目名"), **HX)
    )
    assert "请输入正确的11位手机号码" in field_row(page, "contact_phone")
    assert "参保人数须为大于0的整数" in field_row(page, "headcount")
    assert 'value="保留的项目名"' in field_row(page, "project_name")


def test_it_is_only_for_those_who_may_create_offline_orders(as_user, other_clerk, client):
    assert as_user("order.view", "order.issue").get(ADD).status_code == 403
    assert as_user("order.view", "order.issue").post(ADD, offline_data()).status_code == 403
    assert client.get(ADD).status_code == 302
    assert not Order.objects.exists()
