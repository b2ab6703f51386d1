"""取消订单 with a reason, before 出函."""

from __future__ import annotations

import pytest

from anze.core.testing import hx_message
from anze.notifications.models import Notification
from anze.orders.models import Order, OrderStatus
from anze.orders.tests.support import HX, field_row, html, top_errors, url

S = OrderStatus
pytestmark = pytest.mark.django_db


def test_it_asks_first_then_cancels_with_the_reason(cast, online, clerk):
    order = online(S.AWAITING_PAYMENT)
    assert f"是否确认取消订单 {order.application_no}" in html(clerk.get(url(order, "cancel"), **HX))
    response = clerk.post(url(order, "cancel"), {"reason": "企业已在他处投保"}, **HX)
    assert response.status_code == 204 and hx_message(response) == "订单已取消"
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.last_reason == "企业已在他处投保"
    assert Notification.objects.filter(organisation=cast.enterprise, title="订单已取消").exists()


def test_it_cancels_an_offline_order(offline, clerk):
    order = offline()
    assert clerk.post(url(order, "cancel"), {"reason": "录入重复"}, **HX).status_code == 204
    assert Order.objects.get(pk=order.pk).status == S.CANCELLED


def test_it_requires_a_reason_beside_the_field(online, clerk):
    order = online()
    response = clerk.post(url(order, "cancel"), {"reason": " "}, **HX)
    assert response.status_code == 422 and "请填写取消原因" in field_row(html(response), "reason")
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_QUOTE


def test_it_cannot_cancel_an_issued_order(online, clerk):
    order = online(S.ISSUED)
    assert hx_message(clerk.get(url(order, "cancel"), **HX)) == "订单当前状态为“已出函”，不能取消订单"
    response = clerk.post(url(order, "cancel"), {"reason": "想取消"}, **HX)
    assert response.status_code == 422 and "不能取消订单" in top_errors(html(response))
    assert Order.objects.get(pk=order.pk).status == S.ISSUED


def test_it_guards_the_cancel(online, as_user, other_clerk, client):
    order = online()
    assert as_user("order.view").post(url(order, "cancel"), {"reason": "x"}).status_code == 403
    assert other_clerk.post(url(order, "cancel"), {"reason": "x"}).status_code == 404
    assert client.post(url(order, "cancel"), {"reason": "x"}).status_code == 302
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_QUOTE
