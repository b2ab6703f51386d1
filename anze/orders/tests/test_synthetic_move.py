"""Orders put in 已出函 by synthetic.move (bench_writes' bare state changes) have no 出函 time or period:
policies/synthetic.issue (bench_sides) passes them by and still issues the others (a second `make bench` on one
database failed on policies_policy.issued_at NOT NULL)."""

from __future__ import annotations

import io

import pytest

from anze.accounts import demo as accounts_demo
from anze.accounts.models import User
from anze.basedata import demo as basedata_demo
from anze.orders import synthetic
from anze.orders.models import Order, OrderStatus
from anze.policies import synthetic as policies_synthetic
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db


def test_orders_moved_to_issued_get_no_policy_and_the_others_do():
    basedata_demo.load(io.StringIO())
    accounts_demo.load(io.StringIO())
    insurer = User.objects.get(username=accounts_demo.INSURERS[0]["admin"][0]).organisation
    synthetic.top_up([insurer], 30)
    moved = Order.objects.filter(remark=synthetic.MARK, status=OrderStatus.AWAITING_QUOTE).first()
    assert moved is not None
    synthetic.move(moved.pk, OrderStatus.ISSUED)
    issued = Order.objects.filter(status=OrderStatus.ISSUED).exclude(pk=moved.pk)
    assert issued.exists()
    assert policies_synthetic.issue(Order.objects.all()) == issued.count()
    assert not Policy.objects.filter(order=moved).exists()
    assert Policy.objects.filter(order__in=issued).count() == issued.count()
