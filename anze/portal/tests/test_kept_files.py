"""Files survive a refused submission (issue 12.5) on the enterprise side: a 付款凭证 refused by the server is
kept for the enterprise user, and the next submission without a file uploads that same voucher."""

from __future__ import annotations

import re
from typing import Any

import pytest

from anze.core.errors import Refused
from anze.core.testing import factories
from anze.documents import testing as files
from anze.documents.models import KeptUpload
from anze.orders import workflow
from anze.orders.models import Order, OrderStatus
from anze.portal.tests.support import HX, field_row, flash, html, url

S = OrderStatus
pytestmark = pytest.mark.django_db


def refuse_once(monkeypatch: Any) -> None:
    """The workflow refuses the first upload (as it does for any server-side reason), then accepts."""
    real = workflow.order_upload_payment_voucher
    calls: list[int] = []

    def flaky(**kwargs: Any) -> Order:
        calls.append(1)
        if len(calls) == 1:
            raise Refused("付款凭证暂时无法保存，请稍后重试", field="file")
        return real(**kwargs)

    monkeypatch.setattr(workflow, "order_upload_payment_voucher", flaky)


def test_a_refused_voucher_is_kept_and_goes_in_without_picking_it_again(cast, me, online, monkeypatch):
    order = online(S.AWAITING_PAYMENT)
    refuse_once(monkeypatch)
    data = files.jpeg_bytes()
    response = me.post(url(order, "payment-voucher"), {"file": files.upload("转账截图.jpg", data)}, **HX)
    assert response.status_code == 422
    row = field_row(html(response), "file")
    assert "付款凭证暂时无法保存" in row and "已上传：转账截图.jpg" in row and "移除" in row
    token = re.search(r'name="file__kept" value="([^"]+)"', row).group(1)  # type: ignore[union-attr]

    response = me.post(url(order, "payment-voucher"), {"file__kept": token}, **HX)
    assert response.status_code == 204 and flash(response) == "付款凭证已上传，等待保险公司支付审核"
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_REVIEW
    assert order.payment_voucher.original_name == "转账截图.jpg"
    with order.payment_voucher.file.open("rb") as stored:
        assert stored.read() == data
    assert not KeptUpload.objects.exists()


def test_a_colleagues_token_is_a_field_error_not_the_colleagues_file(cast, me, online, monkeypatch):
    order = online(S.AWAITING_PAYMENT)
    refuse_once(monkeypatch)
    response = me.post(
        url(order, "payment-voucher"), {"file": files.upload("凭证.png", files.png_bytes())}, **HX
    )
    token = re.search(r'name="file__kept" value="([^"]+)"', html(response)).group(1)  # type: ignore[union-attr]
    colleague = cast.client(factories.user(cast.enterprise, admin=True, name="蔡同事"))
    response = colleague.post(url(order, "payment-voucher"), {"file__kept": token}, **HX)
    assert response.status_code == 422
    assert "已上传的文件无效，请重新上传" in field_row(html(response), "file")
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT and order.payment_voucher is None
