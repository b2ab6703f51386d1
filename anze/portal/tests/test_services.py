"""Linking offline orders to an enterprise that registers later: only the link changes."""

from __future__ import annotations

import pytest

from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders.models import OrderEvent, OrderStatus
from anze.policies import scenarios as policy_scenarios
from anze.portal.services import offline_orders_link

pytestmark = pytest.mark.django_db


def test_it_links_only_the_unlinked_offline_orders_of_the_credit_code(cast):
    code = factories.credit_code(770001)
    issued = policy_scenarios.offline_order(insurer_user=cast.clerk, applicant_credit_code=code, issued=True)
    waiting = policy_scenarios.offline_order(insurer_user=cast.clerk, applicant_credit_code=code)
    other = policy_scenarios.offline_order(insurer_user=cast.clerk)
    events = OrderEvent.objects.count()
    enterprise = factories.organisation(Side.ENTERPRISE, credit_code=code)
    assert offline_orders_link(enterprise=enterprise) == 2
    for order in (issued, waiting, other):
        order.refresh_from_db()
    assert issued.enterprise == enterprise and waiting.enterprise == enterprise and other.enterprise is None
    assert issued.status == OrderStatus.ISSUED and waiting.status == OrderStatus.AWAITING_ISSUE
    assert issued.policy.enterprise == enterprise
    assert OrderEvent.objects.count() == events  # not a workflow step: the timelines are unchanged
    assert offline_orders_link(enterprise=enterprise) == 0


def test_it_never_moves_an_order_already_linked(cast):
    order = policy_scenarios.offline_order(insurer_user=cast.clerk, enterprise=cast.enterprise)
    twin = factories.organisation(Side.ENTERPRISE)
    # Another enterprise with the same code cannot exist (unique); an order linked elsewhere stays there.
    order.applicant_credit_code = twin.credit_code
    order.save(update_fields=["applicant_credit_code"])
    assert offline_orders_link(enterprise=twin) == 0
    order.refresh_from_db()
    assert order.enterprise == cast.enterprise


def test_it_is_for_enterprises_only(cast):
    with pytest.raises(ValueError):
        offline_orders_link(enterprise=cast.insurer)
