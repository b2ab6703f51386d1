"""出函 and 保单信息补录 (services.py): the policy, its files, its unique number, the SMS."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anze.core.errors import Refused
from anze.core.testing import factories
from anze.documents import testing as files
from anze.notifications.models import SmsMessage
from anze.orders import scenarios
from anze.orders.models import Order, OrderServiceItem, OrderStatus
from anze.policies import scenarios as policy_scenarios
from anze.policies import services as policy_services
from anze.policies.models import Policy

S = OrderStatus
pytestmark = pytest.mark.django_db


def test_it_issues_the_policy_and_texts_the_contact_phone(cast):
    order = cast.online(until=S.ISSUED, policy_no="5457854121")
    assert order.policy_no == "5457854121" and order.issued_at is not None
    policy = Policy.objects.get(order=order)
    assert (policy.insurer, policy.enterprise, policy.policy_no) == (
        cast.insurer,
        cast.enterprise,
        "5457854121",
    )
    assert policy.period_start == order.period_start
    sms = SmsMessage.objects.filter(phone=order.contact_phone, text__contains="已出函").get()
    assert sms.text == (
        f"您的投保申请{order.application_no}已出函，保单号5457854121，请登录企业端查看电子保单。"
    )
    assert order.contract_file is not None


def test_it_issues_without_a_contract_for_online_orders(cast):
    order = cast.online(until=S.AWAITING_ISSUE)
    pdfs = policy_scenarios.policy_files()
    policy_services.policy_issue(
        order=order,
        actor=cast.clerk,
        policy_no="NO-CONTRACT-1",
        policy_file=pdfs["policy_file"],
        invoice_file=pdfs["invoice_file"],
    )
    assert order.status == S.ISSUED and order.contract_file is None


@pytest.mark.parametrize(
    ("missing", "field"), [("policy_file", "policy_file"), ("invoice_file", "invoice_file")]
)
def test_it_requires_the_policy_and_invoice_pdfs(cast, missing, field):
    order = cast.online(until=S.AWAITING_ISSUE)
    pdfs = policy_scenarios.policy_files()
    pdfs[missing] = None
    with pytest.raises(Refused) as exc:
        policy_services.policy_issue(order=order, actor=cast.clerk, policy_no="X1", **pdfs)
    assert exc.value.field == field
    assert not Policy.objects.exists()


def test_it_refuses_an_image_as_the_policy_file(cast):
    order = cast.online(until=S.AWAITING_ISSUE)
    pdfs = policy_scenarios.policy_files()
    pdfs["policy_file"] = files.upload("保单.png", files.png_bytes())
    with pytest.raises(Refused) as exc:
        policy_services.policy_issue(order=order, actor=cast.clerk, policy_no="X2", **pdfs)
    assert exc.value.field == "policy_file"


def test_it_keeps_policy_numbers_unique_within_the_insurer_only(cast):
    cast.online(until=S.ISSUED, policy_no="DUP-001")
    order = cast.online(until=S.AWAITING_ISSUE)
    with pytest.raises(Refused) as exc:
        policy_services.policy_issue(
            order=order, actor=cast.clerk, policy_no="DUP-001", **policy_scenarios.policy_files()
        )
    assert exc.value.field == "policy_no" and "已存在" in exc.value.message
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE
    other_applicant_org = factories.organisation("enterprise")
    other_order = policy_scenarios.online_order(
        insurer_user=cast.other_clerk,
        enterprise_user=factories.user(other_applicant_org, admin=True),
        until=S.ISSUED,
        policy_no="DUP-001",
    )
    assert other_order.status == S.ISSUED


def test_it_backfills_an_offline_order_in_one_step(cast):
    order = policy_scenarios.offline_order(
        insurer_user=cast.clerk, enterprise=cast.enterprise, issued=True, policy_no="OFF-2026-1"
    )
    assert (
        order.status == S.ISSUED and order.premium == Decimal("12000.00") and order.contract_file is not None
    )
    assert OrderServiceItem.objects.filter(order=order).count() == 3
    assert Policy.objects.filter(order=order, policy_no="OFF-2026-1").exists()
    assert SmsMessage.objects.filter(text__contains="OFF-2026-1").count() == 1


def test_it_requires_the_contract_for_an_offline_backfill(cast):
    order = policy_scenarios.offline_order(insurer_user=cast.clerk)
    pdfs = policy_scenarios.policy_files()
    pdfs["contract_file"] = None
    with pytest.raises(Refused) as exc:
        policy_services.policy_issue_offline(
            order=order, actor=cast.clerk, scheme=scenarios.scheme(), policy_no="C1", **pdfs
        )
    assert exc.value.field == "contract_file"
    order.refresh_from_db()
    assert order.status == S.AWAITING_ISSUE and order.premium is None
