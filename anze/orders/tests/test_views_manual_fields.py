"""The manual's fields (docs/spec/user-manual.txt §3.1.1, figure 3.1.2): 投保资料 (营业执照, 法人身份证) and 意向服务项目 on
新增线下订单, on the 出函 / 保单信息补录 dialogs, and the enterprise's 意向服务项目 beside the 报价 service counts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from anze.basedata.models import ServiceItem
from anze.documents import testing as files
from anze.documents.models import Document
from anze.orders.models import Order, OrderStatus
from anze.orders.tests.support import HX, field_row, html, scheme_data, url
from anze.orders.tests.test_views_offline import ADD, offline_data

S = OrderStatus
pytestmark = pytest.mark.django_db


def licence() -> Any:
    return files.upload("营业执照.pdf", files.pdf_bytes("营业执照"))


def legal_id() -> Any:
    return files.upload("法人身份证.jpg", files.jpeg_bytes())


def service_row(page: str, item: ServiceItem) -> str:
    return field_row(page, f"service_{item.pk}")


# --- 新增线下订单 ---------------------------------------------------------------------------------------------------
def test_the_offline_form_offers_the_documents_and_the_active_service_items(cast, clerk):
    page = html(clerk.get(ADD, **HX))
    assert 'enctype="multipart/form-data"' in page
    assert "营业执照" in field_row(page, "business_licence") and "法人身份证" in field_row(page, "legal_id")
    for item in ServiceItem.objects.active():
        assert re.search(rf'name="intended_items" value="{item.pk}"', page), item.name


def test_the_offline_order_saves_its_files_and_intended_items(cast, clerk):
    items = list(ServiceItem.objects.active()[:2])
    data = {
        **offline_data(),
        "business_licence": licence(),
        "legal_id": legal_id(),
        "intended_items": [item.pk for item in items],
    }
    response = clerk.post(ADD, data, **HX)
    assert response.status_code == 204
    order = Order.objects.get()
    assert order.business_licence.original_name == "营业执照.pdf"
    assert order.legal_id.original_name == "法人身份证.jpg"
    assert order.business_licence.organisation == cast.insurer  # stored as the clerk's documents
    assert set(order.intended_items.all()) == set(items)


def test_a_bad_file_type_is_refused_beside_its_field_with_nothing_saved(cast, clerk):
    """A Word file renamed .pdf must not become an order's 营业执照, nor half an order."""
    fake = files.upload("营业执照.pdf", b"PK\x03\x04 this is a docx, not a pdf" * 20)
    data = {**offline_data(), "business_licence": fake, "legal_id": legal_id()}
    response = clerk.post(ADD, data, **HX)
    assert response.status_code == 422
    assert "只能上传" in field_row(html(response), "business_licence")
    assert not Order.objects.exists() and not Document.objects.exists()


def test_an_unknown_service_item_is_refused_beside_its_field(cast, clerk):
    response = clerk.post(ADD, {**offline_data(), "intended_items": ["999999"]}, **HX)
    assert response.status_code == 422 and not Order.objects.exists()
    assert "服务项目" in html(response)


def test_another_insurer_gets_404_for_the_offline_orders_files(cast, clerk, other_clerk):
    clerk.post(ADD, {**offline_data(), "business_licence": licence(), "legal_id": legal_id()}, **HX)
    order = Order.objects.get()
    file_url = url(order, f"files/{order.business_licence.uuid}")
    assert clerk.get(file_url).status_code == 200
    assert other_clerk.get(file_url).status_code == 404
    assert other_clerk.get(f"{file_url}download/").status_code == 404


# --- 保单信息补录 -------------------------------------------------------------------------------------------------
def test_the_backfill_dialog_shows_the_offline_orders_documents_and_items(cast, clerk):
    items = list(ServiceItem.objects.active()[:2])
    clerk.post(
        ADD,
        {**offline_data(), "business_licence": licence(), "intended_items": [i.pk for i in items]},
        **HX,
    )
    order = Order.objects.get()
    page = html(clerk.get(url(order, "issue"), **HX))
    assert "投保资料" in page and "意向服务项目" in page
    assert f"files/{order.business_licence.uuid}/download/" in page
    for item in items:
        assert re.search(rf'name="intended_items" value="{item.pk}"[^>]*checked', page), item.name
    assert "意向" in service_row(page, items[0])


def test_the_backfill_completes_the_missing_documents_and_items(cast, clerk, offline):
    order = offline()
    items = list(ServiceItem.objects.active()[2:4])
    data = {
        **scheme_data(),
        "policy_no": "PXX-MANUAL-0001",
        "policy_file": files.upload("电子保单.pdf", files.pdf_bytes("保单")),
        "invoice_file": files.upload("电子发票.pdf", files.pdf_bytes("发票")),
        "contract_file": files.upload("合同.pdf", files.pdf_bytes("合同")),
        "business_licence": licence(),
        "legal_id": legal_id(),
        "intended_items": [item.pk for item in items],
    }
    response = clerk.post(url(order, "issue"), data, **HX)
    assert response.status_code == 204, html(response)
    order.refresh_from_db()
    assert order.status == S.ISSUED
    assert order.business_licence.original_name == "营业执照.pdf" and order.legal_id is not None
    assert set(order.intended_items.all()) == set(items)


def test_a_bad_document_at_backfill_is_refused_beside_its_field(cast, clerk, offline):
    order = offline()
    data = {
        **scheme_data(),
        "policy_no": "PXX-MANUAL-0002",
        "policy_file": files.upload("电子保单.pdf", files.pdf_bytes("保单")),
        "invoice_file": files.upload("电子发票.pdf", files.pdf_bytes("发票")),
        "contract_file": files.upload("合同.pdf", files.pdf_bytes("合同")),
        "legal_id": files.upload("法人身份证.jpg", b"not an image at all" * 10),
    }
    response = clerk.post(url(order, "issue"), data, **HX)
    assert response.status_code == 422
    assert "只能上传" in field_row(html(response), "legal_id")
    order.refresh_from_db()
    assert order.status == S.AWAITING_ISSUE and order.legal_id is None


# --- online 出函 and 报价 ------------------------------------------------------------------------------------------
def test_the_online_issue_dialog_shows_the_enterprises_documents_and_items_read_only(online, clerk):
    order = online(S.AWAITING_ISSUE)
    page = html(clerk.get(url(order, "issue"), **HX))
    assert f"files/{order.business_licence.uuid}/download/" in page
    assert f"files/{order.legal_id.uuid}/download/" in page
    for item in order.intended_items.all():
        assert item.name in page
    assert 'name="intended_items"' not in page and 'name="business_licence"' not in page


def test_the_quote_dialog_marks_the_items_the_enterprise_asked_for(online, clerk):
    intended = list(ServiceItem.objects.active()[1:3])
    order = online(intended_items=intended)
    page = html(clerk.get(url(order, "quote"), **HX))
    for item in ServiceItem.objects.active():
        assert ("意向" in service_row(page, item)) == (item in intended), item.name
    row = page[page.index("<th>意向服务项目</th>") :]
    row = row[: row.index("</tr>")]
    assert [name for name in re.findall(r'class="tag tag-primary">([^<]+)<', row)] == [
        i.name for i in intended
    ]
    assert f"files/{order.business_licence.uuid}/download/" in page


def test_the_order_detail_lists_the_intended_items(online, clerk):
    intended = list(ServiceItem.objects.active()[1:3])
    order = online(intended_items=intended)
    page = html(clerk.get(url(order)))
    row = page[page.index("<th>意向服务项目</th>") :]
    row = row[: row.index("</tr>")]
    for item in intended:
        assert item.name in row
