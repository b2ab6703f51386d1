"""出函 (docs/spec/user-manual.txt §3.1.5) of an online order, and 保单信息补录 (docs/spec/user-manual.txt §3.1.1,
figure 3.1.2) of an offline one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from anze.core.testing import hx_message
from anze.documents import testing as files
from anze.documents.models import Document
from anze.documents.tests import samples
from anze.notifications.models import SmsMessage
from anze.orders.models import Order, OrderStatus
from anze.orders.tests.support import HX, field_row, html, scheme_data, top_errors, url
from anze.policies import scenarios as policy_scenarios
from anze.policies.models import Policy

S = OrderStatus
pytestmark = pytest.mark.django_db
TEN_MB = 10 * 1024 * 1024


def pdf(name: str) -> Any:
    return files.upload(name, files.pdf_bytes(name))


def issue_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "policy_no": "PZAA202635050001",
        "policy_file": pdf("电子保单.pdf"),
        "invoice_file": pdf("电子发票.pdf"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- online 出函 ---------------------------------------------------------------------------------------------------
def test_it_shows_the_form_with_the_applicant_the_quote_and_the_pdf_hint(online, clerk):
    order = online(S.AWAITING_ISSUE)
    page = html(clerk.get(url(order, "issue"), **HX))
    assert order.applicant_name in page and "5,000,000.00 元" in page
    assert page.count("只能上传pdf文件，且不超过10MB") == 3
    assert "required" in field_row(page, "policy_file") and "required" not in field_row(page, "contract_file")


def test_it_issues_creates_the_policy_and_texts_the_contact(online, clerk):
    order = online(S.AWAITING_ISSUE)
    response = clerk.post(url(order, "issue"), issue_data(), **HX)
    assert response.status_code == 204 and hx_message(response).startswith("出函成功")
    order.refresh_from_db()
    assert order.status == S.ISSUED and order.policy_no == "PZAA202635050001"
    assert order.policy_file.original_name == "电子保单.pdf" and order.contract_file is None
    assert Policy.objects.get(order=order).policy_no == "PZAA202635050001"
    sms = SmsMessage.objects.get(phone=order.contact_phone, text__contains="已出函")
    assert f"您的投保申请{order.application_no}已出函，保单号PZAA202635050001" in sms.text


def test_it_keeps_an_optional_contract(online, clerk):
    order = online(S.AWAITING_ISSUE)
    clerk.post(url(order, "issue"), issue_data(contract_file=pdf("保险合同.pdf")), **HX)
    assert Order.objects.get(pk=order.pk).contract_file.original_name == "保险合同.pdf"


BAD = [
    ("policy_file", files.upload("保单.png", files.png_bytes()), "只能上传pdf文件"),  # an image
    (
        "policy_file",
        files.upload("保单.pdf", files.png_bytes()),
        "文件内容不是有效的PDF文件",
    ),  # renamed image
    ("invoice_file", files.upload("发票.pdf", files.pdf_bytes()[:500]), "PDF文件已损坏或不完整"),
    ("invoice_file", files.upload("发票.pdf", files.pdf_bytes(size=TEN_MB + 1)), "文件大小不能超过10MB"),
    ("contract_file", files.upload("合同.pdf", samples.pdf_with_launch_link()), "不安全内容"),
    ("invoice_file", None, "请上传发票文件"),
    ("policy_no", "", "请输入保单编号"),
    ("policy_no", "P" * 51, "保单编号不能超过50个字符"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=[m for *_, m in BAD])
def test_it_refuses_bad_input_beside_its_field(online, clerk, field, value, message):
    order = online(S.AWAITING_ISSUE)
    documents = Document.objects.count()
    response = clerk.post(url(order, "issue"), issue_data(**{field: value}), **HX)
    assert response.status_code == 422
    assert message in field_row(html(response), field)
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE
    assert Document.objects.count() == documents


def test_it_refuses_a_policy_number_the_insurer_already_used(online, clerk):
    online(S.ISSUED, policy_no="PZAA2026DUP")
    order = online(S.AWAITING_ISSUE)
    response = clerk.post(url(order, "issue"), issue_data(policy_no="PZAA2026DUP"), **HX)
    page = html(response)
    assert response.status_code == 422 and "保单编号已存在，请核对" in field_row(page, "policy_no")
    assert 'value="PZAA2026DUP"' in field_row(page, "policy_no")
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE


def test_it_allows_the_same_policy_number_at_another_insurer(cast, online, clerk):
    policy_scenarios.online_order(
        insurer_user=cast.other_clerk, enterprise_user=cast.applicant, until=S.ISSUED, policy_no="SAME1"
    )
    order = online(S.AWAITING_ISSUE)
    assert clerk.post(url(order, "issue"), issue_data(policy_no="SAME1"), **HX).status_code == 204


def test_it_refuses_to_issue_twice(online, clerk):
    order = online(S.ISSUED)
    response = clerk.post(url(order, "issue"), issue_data(policy_no="AGAIN"), **HX)
    assert response.status_code == 422 and "不能出函" in top_errors(html(response))
    assert Policy.objects.filter(order=order).count() == 1


def test_it_guards_the_issue(online, as_user, other_clerk):
    order = online(S.AWAITING_ISSUE)
    assert as_user("order.view", "order.quote").post(url(order, "issue"), issue_data()).status_code == 403
    assert other_clerk.post(url(order, "issue"), issue_data()).status_code == 404
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE


# --- 保单信息补录 ------------------------------------------------------------------------------------------------
def backfill_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {**scheme_data(), **issue_data(contract_file=pdf("保险合同.pdf"))}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_it_lays_out_the_backfill_form_as_the_seed(offline, clerk):
    order = offline()
    page = html(clerk.get(url(order, "issue"), **HX))
    order_of = [
        "投保信息",
        order.applicant_name,
        "投保资料",
        "意向服务项目",
        "保险方案",
        "累积赔偿限额（元）",
        "实际服务项目",
        'name="service_',
        "保险期间",
        "保费（元）",
        "事故预防服务费（元）",
        "保单编号",
        "保单文件",
        "发票文件",
        "合同文件",
    ]
    positions = [page.index(text) for text in order_of]
    assert positions == sorted(positions)
    assert "required" in field_row(page, "contract_file")


def test_it_backfills_and_issues_an_offline_order_in_one_step(offline, clerk):
    order = offline()
    response = clerk.post(url(order, "issue"), backfill_data(premium="8800", prevention_fee="1760"), **HX)
    assert response.status_code == 204
    order.refresh_from_db()
    assert order.status == S.ISSUED and order.premium == Decimal("8800.00")
    assert order.aggregate_limit == Decimal("5000000.00") and order.contract_file is not None
    assert order.service_counts.count() == 2
    assert SmsMessage.objects.filter(phone=order.contact_phone, text__contains="已出函").count() == 1


def test_it_requires_the_contract_of_an_offline_order(offline, clerk):
    response = clerk.post(url(offline(), "issue"), backfill_data(contract_file=None), **HX)
    assert response.status_code == 422 and "请上传合同文件" in field_row(html(response), "contract_file")


def test_it_shows_scheme_and_file_errors_of_the_backfill_together(offline, clerk):
    order = offline()
    data = backfill_data(per_person_injury_limit="100000", invoice_file=files.upload("发票.pdf", b"%PDF-1.4"))
    page = html(clerk.post(url(order, "issue"), data, **HX))
    assert "每人伤亡责任限额不得低于" in field_row(page, "per_person_injury_limit")
    assert "PDF文件已损坏或不完整" in field_row(page, "invoice_file")
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE
