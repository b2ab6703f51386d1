"""Demo policies (demo.py): 出函 of the demo orders the orders' demo left for it, through the real 出函; and
人保财险泉州's 冲正 requests in each state, the approved one issued again under a new number."""

from __future__ import annotations

import io

import pytest

from anze.accounts import demo as accounts_demo
from anze.basedata import demo as basedata_demo
from anze.notifications.models import SmsMessage
from anze.orders import demo as orders_demo
from anze.orders.models import INSURER_STATUSES, Order, OrderStatus, OrderType
from anze.policies import demo
from anze.policies.models import Policy, PolicyReversal, PolicyStatus, ReversalStatus

pytestmark = pytest.mark.django_db


def test_it_issues_the_demo_orders_left_for_it_once(db):
    for module in (basedata_demo, accounts_demo, orders_demo):
        module.load(io.StringIO())
    demo.load(io.StringIO())
    for spec in accounts_demo.INSURERS:
        orders = Order.objects.filter(insurer__code=spec["code"])
        assert set(orders.values_list("status", flat=True)) == set(INSURER_STATUSES)
        issued = orders.filter(status=OrderStatus.ISSUED).exclude(
            project_name__in=[project for _, project, _, _ in demo.REVERSAL_PROJECTS]
        )
        assert set(issued.values_list("project_name", flat=True)) == set(orders_demo.TO_ISSUE)
        assert issued.filter(order_type=OrderType.OFFLINE).count() == 1
        assert Policy.objects.filter(order__in=issued).count() == 3
        prefix = spec["code"].split("-")[0].upper()
        assert all(no.startswith(prefix) for no in issued.values_list("policy_no", flat=True))
    assert SmsMessage.objects.filter(text__contains="已出函").exists()
    counts = (Policy.objects.count(), PolicyReversal.objects.count())
    demo.load(io.StringIO())
    assert (Policy.objects.count(), PolicyReversal.objects.count()) == counts


def test_it_shows_a_reversal_in_every_state_the_approved_one_issued_again(db):
    for module in (basedata_demo, accounts_demo, orders_demo):
        module.load(io.StringIO())
    demo.load(io.StringIO())
    reversals = PolicyReversal.objects.select_related("policy__order", "requested_by", "reviewed_by")
    assert sorted(r.status for r in reversals) == sorted(ReversalStatus.values)
    for r in reversals:
        assert r.insurer.code == "picc-qz" and r.requested_by.username == "picc_clerk"
        assert (r.reviewed_by.username if r.reviewed_by else None) == (
            None if r.status == ReversalStatus.PENDING else "picc_reviewer"
        )
    approved = reversals.get(status=ReversalStatus.APPROVED)
    assert approved.policy.status == PolicyStatus.REVERSED
    order = approved.policy.order
    assert order.status == OrderStatus.ISSUED and order.policy.policy_no not in (
        "",
        approved.policy.policy_no,
    )
    assert {p.status for p in order.policies.all()} == {PolicyStatus.ACTIVE, PolicyStatus.REVERSED}
    assert SmsMessage.objects.filter(phone=order.contact_phone, text__contains="冲正作废").exists()
    for r in reversals.exclude(status=ReversalStatus.APPROVED):
        assert r.policy.status == PolicyStatus.ACTIVE
