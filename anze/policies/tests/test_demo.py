"""Demo policies (demo.py): 出函 of the demo orders the orders' demo left for it, through the real 出函."""

from __future__ import annotations

import io

import pytest

from anze.accounts import demo as accounts_demo
from anze.basedata import demo as basedata_demo
from anze.notifications.models import SmsMessage
from anze.orders import demo as orders_demo
from anze.orders.models import INSURER_STATUSES, Order, OrderStatus, OrderType
from anze.policies import demo
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db


def test_it_issues_the_demo_orders_left_for_it_once(db):
    for module in (basedata_demo, accounts_demo, orders_demo):
        module.load(io.StringIO())
    demo.load(io.StringIO())
    for spec in accounts_demo.INSURERS:
        orders = Order.objects.filter(insurer__code=spec["code"])
        assert set(orders.values_list("status", flat=True)) == set(INSURER_STATUSES)
        issued = orders.filter(status=OrderStatus.ISSUED)
        assert set(issued.values_list("project_name", flat=True)) == set(orders_demo.TO_ISSUE)
        assert issued.filter(order_type=OrderType.OFFLINE).count() == 1
        assert Policy.objects.filter(order__in=issued).count() == 3
        prefix = spec["code"].split("-")[0].upper()
        assert all(no.startswith(prefix) for no in issued.values_list("policy_no", flat=True))
    assert SmsMessage.objects.filter(text__contains="已出函").exists()
    count = Policy.objects.count()
    demo.load(io.StringIO())
    assert Policy.objects.count() == count
