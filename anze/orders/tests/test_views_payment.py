"""上传付款通知书 (docs/spec/user-manual.txt §3.1.3) and 支付审核 (docs/spec/user-manual.txt §3.1.4): uploads checked by
content, 通过 or 驳回 with a reason."""

from __future__ import annotations

import pytest

from anze.core.testing import hx_message
from anze.documents import testing as files
from anze.documents.tests import samples
from anze.notifications.models import Notification
from anze.orders import workflow
from anze.orders.models import Order, OrderStatus
from anze.orders.tests.support import HX, field_row, html, top_errors, url

S = OrderStatus
pytestmark = pytest.mark.django_db
TEN_MB = 10 * 1024 * 1024


# --- 上传付款通知书 ------------------------------------------------------------------------------------------------
def test_it_shows_the_upload_zone_with_its_hint(online, clerk):
    page = html(clerk.get(url(online(S.AWAITING_PAYMENT_NOTICE), "payment-notice"), **HX))
    assert "将文件拖到此处，或" in page and "只能上传jpg/png/pdf文件，且不超过10MB" in page
    assert "12,000.00 元" in page


@pytest.mark.parametrize(
    ("name", "data"),
    [("付款通知书.pdf", files.pdf_bytes("付款通知书")), ("付款通知书.png", files.png_bytes())],
)
def test_it_uploads_the_payment_notice_as_pdf_or_image(online, clerk, name, data):
    order = online(S.AWAITING_PAYMENT_NOTICE)
    response = clerk.post(url(order, "payment-notice"), {"file": files.upload(name, data)}, **HX)
    assert response.status_code == 204 and hx_message(response).startswith("付款通知书已上传")
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT and order.payment_notice.original_name == name


BAD_FILES = [
    ("通知书.pdf", samples.docx_bytes(), "文件内容不是有效的PDF文件"),  # a Word file renamed
    ("通知书.pdf", files.pdf_bytes()[:600], "PDF文件已损坏或不完整"),  # truncated
    ("通知书.pdf", files.pdf_bytes(size=TEN_MB + 1), "文件大小不能超过10MB"),  # 10 MB + 1 byte
    ("通知书.docx", samples.docx_bytes(), "只能上传jpg/png/pdf文件"),
    ("通知书.pdf", samples.encrypted_pdf(), "PDF文件已加密"),
    ("通知书.pdf", samples.pdf_with_open_action_javascript(), "PDF文件包含脚本等不安全内容"),
    ("通知书.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片文件已损坏"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[m for *_, m in BAD_FILES])
def test_it_refuses_a_bad_file_beside_the_field(online, clerk, name, data, message):
    order = online(S.AWAITING_PAYMENT_NOTICE)
    response = clerk.post(url(order, "payment-notice"), {"file": files.upload(name, data)}, **HX)
    assert response.status_code == 422
    assert message in field_row(html(response), "file")
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_NOTICE and order.payment_notice is None


def test_it_cuts_an_oversized_upload_short_with_the_upload_limit_handler(online, clerk, monkeypatch):
    """Past 10 MB the handler stops storing the file: the form gets a stand-in, never the bytes."""
    from anze.documents import uploadhandlers

    seen: list[int] = []
    original = uploadhandlers.SizeLimitUploadHandler.file_complete

    def spy(self, file_size):  # type: ignore[no-untyped-def]
        seen.append(self.max_bytes)
        return original(self, file_size)

    monkeypatch.setattr(uploadhandlers.SizeLimitUploadHandler, "file_complete", spy)
    order = online(S.AWAITING_PAYMENT_NOTICE)
    big = files.upload("大文件.pdf", files.pdf_bytes(size=TEN_MB + 1))
    response = clerk.post(url(order, "payment-notice"), {"file": big}, **HX)
    assert response.status_code == 422 and seen == [TEN_MB]


def test_it_asks_for_the_file(online, clerk):
    response = clerk.post(url(online(S.AWAITING_PAYMENT_NOTICE), "payment-notice"), {}, **HX)
    assert response.status_code == 422 and "请上传付款通知书" in field_row(html(response), "file")


def test_it_refuses_the_upload_before_the_quote_is_confirmed(online, clerk):
    order = online(S.AWAITING_CONFIRMATION)
    assert "不能上传付款通知书" in hx_message(clerk.get(url(order, "payment-notice"), **HX))
    upload = {"file": files.upload("付款通知书.pdf", files.pdf_bytes())}
    response = clerk.post(url(order, "payment-notice"), upload, **HX)
    assert response.status_code == 422 and "不能上传付款通知书" in top_errors(html(response))


def test_it_guards_the_payment_notice(online, as_user, other_clerk):
    order = online(S.AWAITING_PAYMENT_NOTICE)
    assert as_user("order.view", "order.quote").get(url(order, "payment-notice")).status_code == 403
    assert other_clerk.get(url(order, "payment-notice")).status_code == 404


# --- 支付审核 ------------------------------------------------------------------------------------------------------
def test_it_shows_the_voucher_inline_beside_the_quote(online, clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    page = html(clerk.get(url(order, "payment-review"), **HX))
    voucher = order.payment_voucher
    assert f'<img src="{url(order)}files/{voucher.uuid}/"' in page
    assert "12,000.00 元" in page and "5,000,000.00 元" in page
    assert 'value="approve"' in page and 'value="reject"' in page


def test_it_frames_a_pdf_voucher(cast, online, clerk):
    order = online(S.AWAITING_PAYMENT)
    workflow.order_upload_payment_voucher(
        order=order, actor=cast.applicant, file=files.upload("转账回单.pdf", files.pdf_bytes("转账回单"))
    )
    page = html(clerk.get(url(order, "payment-review"), **HX))
    assert f'<iframe src="{url(order)}files/{order.payment_voucher.uuid}/"' in page


def test_it_approves_the_payment(online, clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    response = clerk.post(url(order, "payment-review"), {"decision": "approve"}, **HX)
    assert response.status_code == 204 and hx_message(response).startswith("支付审核已通过")
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE


def test_it_rejects_the_payment_with_a_reason_and_tells_the_enterprise(cast, online, clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    response = clerk.post(url(order, "payment-review"), {"decision": "reject", "reason": "金额不符"}, **HX)
    assert response.status_code == 204
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT and order.last_reason == "金额不符"
    assert Notification.objects.filter(organisation=cast.enterprise, body__contains="金额不符").exists()


def test_it_requires_a_reason_to_reject_beside_the_field(online, clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    response = clerk.post(url(order, "payment-review"), {"decision": "reject", "reason": "  "}, **HX)
    assert response.status_code == 422
    assert "请填写支付审核驳回的原因" in field_row(html(response), "reason")
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_PAYMENT_REVIEW


def test_it_requires_a_decision(online, clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    response = clerk.post(url(order, "payment-review"), {"decision": "maybe"}, **HX)
    assert response.status_code == 422 and "请选择通过或驳回" in html(response)


def test_it_guards_the_payment_review(online, as_user, other_clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    viewer = as_user("order.view")
    assert viewer.post(url(order, "payment-review"), {"decision": "approve"}).status_code == 403
    assert other_clerk.post(url(order, "payment-review"), {"decision": "approve"}).status_code == 404
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_PAYMENT_REVIEW
