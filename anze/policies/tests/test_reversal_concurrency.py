"""冲正 under concurrency (SQLite and PostgreSQL): reviewers approving the same request at once, an approval
racing a rejection, clerks requesting the same policy at once — exactly one wins each time, the others are
told, and the policy, its order and the messages are changed once."""

from __future__ import annotations

from collections import Counter

import pytest

from anze.notifications.models import SmsMessage
from anze.orders.models import Order, OrderEvent, OrderStatus
from anze.policies import reversal
from anze.policies.models import Policy, PolicyReversal, PolicyStatus, ReversalEvent, ReversalStatus
from anze.policies.tests.reversal_scenarios import requester_of, reviewer_of
from anze.policies.tests.test_workflow_concurrency import ATTEMPTS, _race

STALE = "该冲正申请状态已变化，请刷新后重试"


def _fresh(made: PolicyReversal) -> PolicyReversal:
    return PolicyReversal.objects.select_related("policy__order", "policy__insurer").get(pk=made.pk)


@pytest.mark.django_db(transaction=True)
def test_of_reviewers_approving_at_once_exactly_one_wins(cast):
    policy = cast.policy()
    made = reversal.reversal_request(
        policy=policy, actor=requester_of(cast.insurer), reason="保单编号录入错误"
    )
    reviewers = [reviewer_of(cast.insurer) for _ in range(2)]
    copies = [_fresh(made) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [
            (lambda c=c, u=reviewers[i % 2]: reversal.reversal_approve(reversal=c, actor=u))
            for i, c in enumerate(copies)
        ]
    )
    assert outcomes == Counter({"ok": 1, STALE: ATTEMPTS - 1})
    assert Policy.objects.get(pk=policy.pk).status == PolicyStatus.REVERSED
    order = Order.objects.get(pk=policy.order_id)
    assert order.status == OrderStatus.AWAITING_ISSUE
    assert OrderEvent.objects.filter(order=order, action="reverse").count() == 1
    assert ReversalEvent.objects.filter(reversal=made, action="approve").count() == 1
    assert SmsMessage.objects.filter(phone=order.contact_phone, text__contains="冲正作废").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_rejection_leaves_one_decision(cast):
    policy = cast.policy()
    made = reversal.reversal_request(
        policy=policy, actor=requester_of(cast.insurer), reason="保单编号录入错误"
    )
    a, b = reviewer_of(cast.insurer), reviewer_of(cast.insurer)
    copies = [_fresh(made) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [
            (
                (lambda c=c: reversal.reversal_approve(reversal=c, actor=a))
                if i % 2
                else (lambda c=c: reversal.reversal_reject(reversal=c, actor=b, reason="无需冲正"))
            )
            for i, c in enumerate(copies)
        ]
    )
    assert outcomes == Counter({"ok": 1, STALE: ATTEMPTS - 1})
    decided = PolicyReversal.objects.get(pk=made.pk)
    expected_policy = (
        PolicyStatus.REVERSED if decided.status == ReversalStatus.APPROVED else PolicyStatus.ACTIVE
    )
    assert Policy.objects.get(pk=policy.pk).status == expected_policy
    assert ReversalEvent.objects.filter(reversal=made).exclude(action="request").count() == 1


@pytest.mark.django_db(transaction=True)
def test_of_clerks_requesting_the_same_policy_at_once_one_request_waits(cast):
    policy = cast.policy()
    clerks = [requester_of(cast.insurer) for _ in range(ATTEMPTS)]
    copies = [Policy.objects.select_related("order", "insurer").get(pk=policy.pk) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [
            (lambda p=p, u=u: reversal.reversal_request(policy=p, actor=u, reason="保单编号录入错误"))
            for p, u in zip(copies, clerks, strict=True)
        ]
    )
    assert outcomes == Counter({"ok": 1, reversal.PENDING_EXISTS: ATTEMPTS - 1})
    assert PolicyReversal.objects.filter(policy=policy, status=ReversalStatus.PENDING).count() == 1
    assert ReversalEvent.objects.filter(policy=policy).count() == 1
