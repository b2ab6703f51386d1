"""The enterprise's actions on 我的订单: 确认报价, 拒绝报价 (reason required), 上传付款凭证 (again after a 驳回), 取消
(before 出函). Each: allowed, wrong state (refused, nothing changed), another enterprise (404), bad input."""

from __future__ import annotations

import pytest

from anze.documents import testing as files
from anze.documents.tests import samples
from anze.notifications.models import Notification
from anze.orders import workflow
from anze.orders.models import OrderStatus
from anze.portal.tests.support import HX, field_row, flash, html, url

S = OrderStatus
pytestmark = pytest.mark.django_db


def told_insurer(cast, title: str) -> bool:  # type: ignore[no-untyped-def]
    return Notification.objects.filter(organisation=cast.insurer, title=title).exists()


# --- 确认报价 -------------------------------------------------------------------------------------------------------
def test_the_confirm_dialog_shows_the_quote(cast, me, online):
    order = online(S.AWAITING_CONFIRMATION)
    page = html(me.get(url(order, "confirm-quote"), **HX))
    assert "确认报价（申请编号" in page and "500.00万元" in page and "12,000.00 元" in page


def test_it_confirms_the_quote_and_tells_the_insurer(cast, me, online):
    order = online(S.AWAITING_CONFIRMATION)
    response = me.post(url(order, "confirm-quote"), **HX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert flash(response) == "已确认报价，请等待保险公司上传付款通知书"
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_NOTICE
    assert told_insurer(cast, "报价已确认")


@pytest.mark.parametrize("state", [S.AWAITING_QUOTE, S.AWAITING_PAYMENT, S.ISSUED])
def test_it_refuses_to_confirm_in_another_state(cast, me, online, state):
    order = online(state)
    opened = me.get(url(order, "confirm-quote"), **HX)
    assert opened.status_code == 204 and "不能确认报价" in flash(opened)
    response = me.post(url(order, "confirm-quote"), **HX)
    assert response.status_code == 422 and "不能确认报价" in html(response)
    order.refresh_from_db()
    assert order.status == state


def test_a_confirm_from_a_stale_page_says_the_order_moved_on(cast, me, online):
    order = online(S.AWAITING_CONFIRMATION)
    workflow.order_cancel(order=order, actor=cast.clerk, reason="客户要求")
    response = me.post(url(order, "confirm-quote"), **HX)
    assert "订单当前状态为“已取消”，不能确认报价" in html(response)


def test_another_enterprise_cannot_confirm(cast, them, online):
    order = online(S.AWAITING_CONFIRMATION)
    assert them.post(url(order, "confirm-quote"), **HX).status_code == 404
    order.refresh_from_db()
    assert order.status == S.AWAITING_CONFIRMATION


# --- 拒绝报价 -------------------------------------------------------------------------------------------------------
def test_it_rejects_the_quote_with_a_reason(cast, me, online):
    order = online(S.AWAITING_CONFIRMATION)
    response = me.post(url(order, "reject-quote"), {"reason": "保费高于年度预算"}, **HX)
    assert response.status_code == 204 and flash(response) == "已拒绝报价，保险公司可重新报价"
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE and order.last_reason == "保费高于年度预算"
    assert told_insurer(cast, "报价被拒绝")
    page = html(me.get(url(order)))
    assert "您已拒绝报价，等待保险公司重新报价。拒绝原因：<strong>保费高于年度预算</strong>" in page


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写拒绝原因"), ("   ", "请填写拒绝原因"), ("理" * 501, "原因不能超过500个字")],
)
def test_it_requires_a_reason_to_reject(cast, me, online, reason, message):
    order = online(S.AWAITING_CONFIRMATION)
    response = me.post(url(order, "reject-quote"), {"reason": reason}, **HX)
    assert response.status_code == 422 and message in field_row(html(response), "reason")
    order.refresh_from_db()
    assert order.status == S.AWAITING_CONFIRMATION


def test_it_refuses_to_reject_in_another_state(cast, me, online):
    order = online(S.AWAITING_PAYMENT_NOTICE)
    response = me.post(url(order, "reject-quote"), {"reason": "太贵"}, **HX)
    assert response.status_code == 422 and "不能拒绝报价" in html(response)
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_NOTICE and order.last_reason == ""


def test_another_enterprise_cannot_reject(cast, them, online):
    order = online(S.AWAITING_CONFIRMATION)
    assert them.post(url(order, "reject-quote"), {"reason": "x"}, **HX).status_code == 404


# --- 上传付款凭证 ---------------------------------------------------------------------------------------------------
def test_the_voucher_dialog_offers_the_payment_notice(cast, me, online):
    order = online(S.AWAITING_PAYMENT)
    page = html(me.get(url(order, "payment-voucher"), **HX))
    assert "付款通知书.pdf" in page and f"files/{order.payment_notice.uuid}/download/" in page
    assert "只能上传jpg/png/pdf文件，且不超过10MB" in page


@pytest.mark.parametrize(
    ("name", "data"), [("付款凭证.pdf", files.pdf_bytes("付款凭证")), ("付款凭证.jpg", files.jpeg_bytes())]
)
def test_it_uploads_the_voucher_as_pdf_or_image(cast, me, online, name, data):
    order = online(S.AWAITING_PAYMENT)
    response = me.post(url(order, "payment-voucher"), {"file": files.upload(name, data)}, **HX)
    assert response.status_code == 204 and flash(response) == "付款凭证已上传，等待保险公司支付审核"
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_REVIEW and order.payment_voucher.original_name == name
    assert told_insurer(cast, "付款凭证待审核")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("付款凭证.pdf", samples.docx_bytes(), "文件内容不是有效的PDF文件"),
        ("付款凭证.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片文件已损坏"),
        ("付款凭证.xlsx", samples.docx_bytes(), "只能上传jpg/png/pdf文件"),
    ],
)
def test_it_refuses_a_bad_voucher_beside_the_field(cast, me, online, name, data, message):
    order = online(S.AWAITING_PAYMENT)
    response = me.post(url(order, "payment-voucher"), {"file": files.upload(name, data)}, **HX)
    assert response.status_code == 422 and message in field_row(html(response), "file")
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT and order.payment_voucher is None


def test_it_asks_for_the_file(cast, me, online):
    order = online(S.AWAITING_PAYMENT)
    response = me.post(url(order, "payment-voucher"), {}, **HX)
    assert response.status_code == 422 and "请上传付款凭证" in field_row(html(response), "file")


def test_after_a_rejection_the_reason_is_shown_and_a_new_voucher_goes_in(cast, me, online):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    first = order.payment_voucher
    workflow.order_reject_payment(order=order, actor=cast.clerk, reason="凭证模糊，请重新上传")
    dialog = html(me.get(url(order, "payment-voucher"), **HX))
    assert "上次付款凭证被驳回，驳回原因：凭证模糊，请重新上传" in dialog
    me.post(url(order, "payment-voucher"), {"file": files.upload("清晰凭证.png", files.png_bytes())}, **HX)
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_REVIEW and order.payment_voucher != first
    assert order.last_reason == ""


def test_it_refuses_a_voucher_in_another_state(cast, me, online):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    voucher = order.payment_voucher
    response = me.post(
        url(order, "payment-voucher"), {"file": files.upload("再传.png", files.png_bytes())}, **HX
    )
    assert response.status_code == 422 and "不能上传付款凭证" in html(response)
    order.refresh_from_db()
    assert order.payment_voucher == voucher


def test_another_enterprise_cannot_upload_a_voucher(cast, them, online):
    order = online(S.AWAITING_PAYMENT)
    response = them.post(
        url(order, "payment-voucher"), {"file": files.upload("x.png", files.png_bytes())}, **HX
    )
    assert response.status_code == 404


# --- 取消 ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", [S.AWAITING_QUOTE, S.AWAITING_PAYMENT, S.AWAITING_ISSUE])
def test_it_cancels_before_issue_with_a_reason(cast, me, online, state):
    order = online(state)
    response = me.post(url(order, "cancel"), {"reason": "已在其他保险公司投保"}, **HX)
    assert response.status_code == 204 and flash(response) == "订单已取消"
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.last_reason == "已在其他保险公司投保"
    assert told_insurer(cast, "订单已取消")


def test_it_requires_a_reason_to_cancel(cast, me, online):
    order = online(S.AWAITING_QUOTE)
    response = me.post(url(order, "cancel"), {"reason": ""}, **HX)
    assert response.status_code == 422 and "请填写取消原因" in field_row(html(response), "reason")


def test_it_refuses_to_cancel_an_issued_order(cast, me, online):
    order = online(S.ISSUED)
    opened = me.get(url(order, "cancel"), **HX)
    assert opened.status_code == 204 and "不能取消订单" in flash(opened)
    response = me.post(url(order, "cancel"), {"reason": "不要了"}, **HX)
    assert response.status_code == 422 and "订单当前状态为“已出函”，不能取消订单" in html(response)
    order.refresh_from_db()
    assert order.status == S.ISSUED


def test_another_enterprise_cannot_cancel(cast, them, online):
    order = online(S.AWAITING_QUOTE)
    assert them.post(url(order, "cancel"), {"reason": "x"}, **HX).status_code == 404
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE


def test_without_javascript_an_action_redirects_to_the_order(cast, me, online):
    order = online(S.AWAITING_CONFIRMATION)
    response = me.post(url(order, "confirm-quote"))
    assert response.status_code == 302 and response.url == url(order)
