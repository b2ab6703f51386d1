"""Random sequences of actions by random people: the status stays on the graph, each transition writes one
event and at most one SMS, and no order is visible to another insurer or enterprise."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from anze.basedata.seed import ensure_base_data
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications.models import SmsMessage
from anze.orders import scenarios, scopes
from anze.orders.models import Order, OrderEvent, OrderStatus
from anze.orders.tests.test_workflow_table import CALLS, STATE_ACTIONS
from anze.orders.transitions import ORDER

REACHABLE = set(OrderStatus.values)


class OrderWorkflowMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    @initialize()
    def set_up(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        ensure_base_data()
        self.insurers = [factories.organisation(Side.INSURER) for _ in range(2)]
        self.clerks = [factories.user(org, admin=True) for org in self.insurers]
        self.enterprises = [factories.organisation(Side.ENTERPRISE) for _ in range(2)]
        self.applicants = [factories.user(org, admin=True) for org in self.enterprises]
        self.transitions = 0

    def teardown(self) -> None:
        if hasattr(self, "_atomic"):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    @rule(target=orders, insurer=st.integers(0, 1), enterprise=st.integers(0, 1))
    def apply_online(self, insurer: int, enterprise: int) -> int:
        order = scenarios.online_order(
            insurer_user=self.clerks[insurer], enterprise_user=self.applicants[enterprise]
        )
        self.transitions += 1
        return order.pk

    @rule(target=orders, insurer=st.integers(0, 1), enterprise=st.integers(0, 1))
    def create_offline(self, insurer: int, enterprise: int) -> int:
        order = scenarios.offline_order(
            insurer_user=self.clerks[insurer], enterprise=self.enterprises[enterprise]
        )
        self.transitions += 1
        return order.pk

    @rule(
        order_id=orders,
        action=st.sampled_from(STATE_ACTIONS),
        who=st.sampled_from(["own_clerk", "other_clerk", "own_applicant", "other_applicant"]),
    )
    def act(self, order_id: int, action: str, who: str) -> None:
        order = Order.objects.get(pk=order_id)
        insurer_index = self.insurers.index(order.insurer)
        enterprise_index = self.enterprises.index(order.enterprise) if order.enterprise else 0
        actor: Any = {
            "own_clerk": self.clerks[insurer_index],
            "other_clerk": self.clerks[1 - insurer_index],
            "own_applicant": self.applicants[enterprise_index],
            "other_applicant": self.applicants[1 - enterprise_index],
        }[who]
        t = ORDER.transition(action, actor.side)
        expected = bool(
            t
            and order.status in t.sources
            and (t.guard is None or t.guard(order, t) is None)
            and ORDER.owns(order, actor, actor.side)
        )
        events, sms, status = order.events.count(), SmsMessage.objects.count(), order.status
        try:
            CALLS[action](order, actor)
            happened = True
        except Refused:
            happened = False
        fresh = Order.objects.get(pk=order_id)
        assert happened == expected, (action, who, status)
        if happened:
            assert t is not None and fresh.status == t.target
            assert fresh.events.count() == events + 1
            assert SmsMessage.objects.count() - sms <= 1
            self.transitions += 1
        else:
            assert (fresh.status, fresh.events.count(), SmsMessage.objects.count()) == (status, events, sms)

    @invariant()
    def statuses_stay_on_the_graph(self) -> None:
        if hasattr(self, "insurers"):
            assert set(Order.objects.values_list("status", flat=True)) <= REACHABLE
            assert OrderEvent.objects.filter(order__insurer__in=self.insurers).count() == self.transitions

    @invariant()
    def nothing_is_visible_across_organisations(self) -> None:
        if not hasattr(self, "insurers"):
            return
        for clerk in self.clerks:
            assert not scopes.orders_visible_to(clerk).exclude(insurer=clerk.organisation).exists()
        for applicant in self.applicants:
            assert not scopes.orders_visible_to(applicant).exclude(enterprise=applicant.organisation).exists()


@pytest.mark.django_db
def test_it_keeps_the_workflow_consistent_under_random_actions():
    run_state_machine_as_test(
        OrderWorkflowMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
