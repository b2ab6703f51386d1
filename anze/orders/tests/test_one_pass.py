"""One-pass validation (issue 12 §4): a submission with several bad fields at once — format errors and business
rules together — answers 422 with every error beside its field in the one response, and saves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from anze.basedata.models import RegionalRule
from anze.documents import testing as files
from anze.documents.models import Document
from anze.orders.models import Order, OrderStatus
from anze.orders.tests.support import HX, field_row, html, scheme_data, url
from anze.orders.tests.test_views_issue import backfill_data, issue_data
from anze.orders.tests.test_views_offline import ADD, offline_data

S = OrderStatus
pytestmark = pytest.mark.django_db


def _beside(page: str, expected: dict[str, str]) -> None:
    for field, message in expected.items():
        assert message in field_row(page, field), (field, message)


def test_the_quote_reports_format_errors_rules_and_the_regional_minimum_at_once(online, clerk):
    """Before: a bad amount hid 保费=0 and the reversed period, and 保费=0 hid the 40万 minimum."""
    order = online()
    RegionalRule.objects.update_or_create(
        region=order.region, defaults={"min_per_person_injury_limit": 400000}
    )
    data = scheme_data(
        aggregate_limit="五百万",  # format
        premium="0",
        prevention_fee="0",
        period_start="2027-03-01",
        period_end="2027-01-01",  # reversed
        per_person_injury_limit="300000",  # under the regional 40万
        per_person_medical_limit="30000",
    )
    data["per_accident_limit"] = "1000000"
    response = clerk.post(url(order, "quote"), data, **HX)
    assert response.status_code == 422
    _beside(
        html(response),
        {
            "aggregate_limit": "累积赔偿限额须为数字",
            "premium": "保费必须大于0",
            "period_end": "保险期间止期必须晚于起期",
            "per_person_injury_limit": "每人伤亡责任限额不得低于400,000.00元",
        },
    )
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE and order.premium is None


def test_the_quote_reports_a_bad_date_format_beside_the_rules(online, clerk):
    order = online()
    data = scheme_data(
        period_start="2027/13/45", premium="0", prevention_fee="0", per_person_injury_limit="1"
    )
    response = clerk.post(url(order, "quote"), data, **HX)
    assert response.status_code == 422
    _beside(
        html(response),
        {
            "period_start": "请选择正确的日期",
            "premium": "保费必须大于0",
            "per_person_injury_limit": "每人伤亡责任限额不得低于",
        },
    )


def test_the_issue_reports_a_used_policy_number_even_when_a_file_failed(online, clerk):
    """Before: 保单编号已存在 appeared only after the files passed."""
    online(S.ISSUED, policy_no="PZAA2026DUP")
    order = online(S.AWAITING_ISSUE)
    documents = Document.objects.count()
    data = issue_data(policy_no="PZAA2026DUP", policy_file=None)
    data["invoice_file"] = files.upload("发票.png", files.png_bytes())
    response = clerk.post(url(order, "issue"), data, **HX)
    assert response.status_code == 422
    _beside(
        html(response),
        {
            "policy_no": "保单编号已存在，请核对",
            "policy_file": "请上传保单文件",
            "invoice_file": "只能上传pdf文件",
        },
    )
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE
    assert Document.objects.count() == documents


def test_the_backfill_reports_a_used_policy_number_scheme_rules_and_file_errors_at_once(
    online, offline, clerk
):
    online(S.ISSUED, policy_no="PZAA2026DUP")
    order = offline()
    documents = Document.objects.count()
    data: dict[str, Any] = backfill_data(
        policy_no="PZAA2026DUP", premium="0", prevention_fee="0", period_end="2000-01-01", contract_file=None
    )
    response = clerk.post(url(order, "issue"), data, **HX)
    assert response.status_code == 422
    _beside(
        html(response),
        {
            "policy_no": "保单编号已存在，请核对",
            "premium": "保费必须大于0",
            "period_end": "保险期间止期必须晚于起期",
            "contract_file": "请上传合同文件",
        },
    )
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE
    assert Document.objects.count() == documents


def test_the_offline_order_reports_every_bad_field_at_once(cast, clerk):
    count = Order.objects.count()
    data = offline_data(
        applicant_name="",
        applicant_credit_code="91350504MA2YL8H37X",  # bad check digit
        contact_phone="1386071",
        headcount="0",
        region="",
    )
    response = clerk.post(ADD, data, **HX)
    assert response.status_code == 422
    page = html(response)
    _beside(
        page,
        {
            "applicant_name": "请输入投保人名称",
            "contact_phone": "手机号码",
            "headcount": "参保人数须为大于0的整数",
            "region": "请选择所在区县",
        },
    )
    assert "代码" in field_row(page, "applicant_credit_code")
    assert Order.objects.count() == count
