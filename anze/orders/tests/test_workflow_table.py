"""The transition table, driven as data: every state × every action × every side — allowed or refused.

For each reachable (state, order type) one order is built through the workflow; then every action is
attempted by a fully-permitted user of each side inside a savepoint that is rolled back. The attempt must
succeed exactly when the table has (action, side) with that state as a source; otherwise it must raise
``Refused`` and leave the order, its events and the outbox untouched.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from anze.accounts.models import User
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.documents import testing as files
from anze.notifications.models import SmsMessage
from anze.orders import applications, scenarios, transitions, workflow
from anze.orders.models import Order, OrderEvent, OrderStatus, OrderType
from anze.orders.transitions import ORDER
from anze.policies import scenarios as policy_scenarios
from anze.policies import services as policy_services

S = OrderStatus
pytestmark = pytest.mark.django_db


def _pdf(name: str) -> Any:
    return files.upload(name, files.pdf_bytes(name))


# A policy number of its own for every 出函: the state machine (test_workflow_state_machine.py) issues several
# orders of one insurer, and a repeated number is refused (保单编号已存在) where the table expects the 出函.
_POLICY_NUMBERS = itertools.count(1)


def _policy_no() -> str:
    return f"TBL{next(_POLICY_NUMBERS):04d}"


CALLS: dict[str, Callable[[Order, User], Order]] = {
    "submit": lambda o, u: applications.order_submit(order=o, actor=u),
    "quote": lambda o, u: workflow.order_quote(order=o, actor=u, scheme=scenarios.scheme()),
    "confirm_quote": lambda o, u: workflow.order_confirm_quote(order=o, actor=u),
    "reject_quote": lambda o, u: workflow.order_reject_quote(order=o, actor=u, reason="保费太高"),
    "upload_payment_notice": lambda o, u: workflow.order_upload_payment_notice(
        order=o, actor=u, file=_pdf("付款通知书.pdf")
    ),
    "upload_payment_voucher": lambda o, u: workflow.order_upload_payment_voucher(
        order=o, actor=u, file=_pdf("付款凭证.pdf")
    ),
    "approve_payment": lambda o, u: workflow.order_approve_payment(order=o, actor=u),
    "reject_payment": lambda o, u: workflow.order_reject_payment(order=o, actor=u, reason="金额不符"),
    "issue": lambda o, u: policy_services.policy_issue(
        order=o, actor=u, policy_no=_policy_no(), **policy_scenarios.policy_files()
    ),
    "issue_offline": lambda o, u: policy_services.policy_issue_offline(
        order=o, actor=u, scheme=scenarios.scheme(), policy_no=_policy_no(), **policy_scenarios.policy_files()
    ),
    "cancel": lambda o, u: workflow.order_cancel(order=o, actor=u, reason="测试取消"),
    "reverse": lambda o, u: _reverse(o, u),
}


def _reverse(order: Order, actor: User) -> Order:
    """冲正, taken by the approval of a request: another clerk of the insurer asks, ``actor`` approves (two
    people). An order without a live policy has nothing to reverse: its refusal is the order machine's own."""
    from anze.policies import reversal
    from anze.policies.tests.reversal_scenarios import requester_of

    with transaction.atomic():  # a refused approval takes its request back with it
        policy = order.policy
        if policy is None:
            ORDER.begin("reverse", actor, order)
            raise AssertionError(f"an order in {order.status} without a policy was allowed 冲正")
        asked = reversal.reversal_request(
            policy=policy, actor=requester_of(order.insurer), reason="保单编号录入错误"
        )
        reversal.reversal_approve(reversal=asked, actor=actor)
    return order


STATE_ACTIONS = [action for action in transitions.ACTIONS if action in CALLS]


def test_it_has_a_caller_for_every_state_changing_action():
    creating = {t.action for t in transitions.TRANSITIONS if not t.sources}
    assert set(transitions.ACTIONS) == set(CALLS) | creating


def _build(cast: Any, status: str, order_type: str) -> Order | None:
    clerk, applicant = cast.clerk, cast.applicant
    if order_type == OrderType.OFFLINE:
        if status == S.AWAITING_ISSUE:
            return policy_scenarios.offline_order(insurer_user=clerk, enterprise=cast.enterprise)
        if status == S.ISSUED:
            return policy_scenarios.offline_order(insurer_user=clerk, enterprise=cast.enterprise, issued=True)
        if status == S.CANCELLED:
            order = policy_scenarios.offline_order(insurer_user=clerk, enterprise=cast.enterprise)
            return workflow.order_cancel(order=order, actor=clerk, reason="取消")
        return None  # an offline order never passes through the online-only states
    if status == S.DRAFT:
        return applications.order_apply(
            actor=applicant,
            submit=False,
            application=scenarios.application(cast.insurer, cast.enterprise),
        )
    return policy_scenarios.online_order(insurer_user=clerk, enterprise_user=applicant, until=status)


def _expected(order: Order, action: str, side: str) -> bool:
    """The table's answer for a fully-permitted owner: a row for (action, side) with the order's state as a
    source, and its guard (the order type) passed."""
    t = ORDER.transition(action, side)
    return t is not None and order.status in t.sources and (t.guard is None or t.guard(order, t) is None)


def _snapshot(order: Order) -> tuple[Any, ...]:
    fresh = Order.objects.get(pk=order.pk)
    return (
        fresh.status,
        fresh.updated_at,
        OrderEvent.objects.filter(order=order).count(),
        SmsMessage.objects.count(),
    )


# Every state an order of each type can be in (an offline order starts at 待出函).
REACHABLE = [(status, OrderType.ONLINE) for status in S.values] + [
    (S.AWAITING_ISSUE, OrderType.OFFLINE),
    (S.ISSUED, OrderType.OFFLINE),
    (S.CANCELLED, OrderType.OFFLINE),
]


@pytest.mark.parametrize(("status", "order_type"), REACHABLE)
def test_it_allows_exactly_the_transitions_of_the_table(cast, status, order_type):
    actors = {Side.INSURER: cast.clerk, Side.ENTERPRISE: cast.applicant}
    order = _build(cast, status, order_type)
    assert order is not None and order.status == status
    outcomes: dict[tuple[str, str], bool] = {}
    for action in STATE_ACTIONS:
        for side, actor in actors.items():
            before = _snapshot(order)
            try:
                CALLS[action](Order.objects.get(pk=order.pk), actor)
            except Refused:
                outcomes[(action, side)] = False
                assert _snapshot(order) == before, (
                    f"a refused {action} by {side} from {status} changed something"
                )
            else:
                outcomes[(action, side)] = True
                t = ORDER.transition(action, side)
                assert t is not None and Order.objects.get(pk=order.pk).status == t.target
                assert OrderEvent.objects.filter(order=order).count() == before[2] + 1
                order = _build(cast, status, order_type)  # a fresh one for the remaining attempts
    expected = {(action, side): _expected(order, action, side) for action in STATE_ACTIONS for side in actors}
    assert outcomes == expected
    assert any(expected.values()) or status in (S.ISSUED, S.CANCELLED)
