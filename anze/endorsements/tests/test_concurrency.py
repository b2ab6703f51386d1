"""Two clerks acting on the same 批改 or 退保 at once, an enterprise double-clicking 申请: exactly one wins, the
others are told the request has moved on, and nothing is done twice (one event, one SMS, one order update, one
policy surrender). Threads on real connections; the suite runs them on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from anze.core.errors import Refused
from anze.endorsements import scenarios, steps, surrenders, workflow
from anze.endorsements.models import Endorsement, EndorsementEvent, EndorsementStatus
from anze.notifications.models import SmsMessage
from anze.orders.models import Order
from anze.policies.models import Policy, PolicyStatus

ATTEMPTS = 8
S = EndorsementStatus
STALE_CHANGE = "该批改状态已变化，请刷新后重试"
STALE_SURRENDER = "该退保申请状态已变化，请刷新后重试"


def _race(attempts: list[Callable[[], object]]) -> Counter:
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(fn: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=60)
            try:
                fn()
                result = "ok"
            except Refused as exc:
                result = exc.message
            except Exception as exc:  # anything else would be a 500 in a view
                result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_approving_at_once_move_it_once(cast):
    e = scenarios.apply(cast.policy(), cast.applicant)
    copies = [scenarios.fresh(e) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [(lambda c=c: workflow.endorsement_approve(endorsement=c, actor=cast.clerk)) for c in copies]
    )
    assert outcomes == {"ok": 1, STALE_CHANGE: ATTEMPTS - 1}
    assert EndorsementEvent.objects.filter(endorsement=e, action="approve_charge").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_rejection_at_once_one_wins(cast):
    e = scenarios.apply(cast.policy(), cast.applicant)
    mine, theirs = scenarios.fresh(e), scenarios.fresh(e)
    outcomes = _race(
        [
            lambda: workflow.endorsement_approve(endorsement=mine, actor=cast.clerk),
            lambda: workflow.endorsement_reject(endorsement=theirs, actor=cast.clerk, reason="不符"),
        ]
    )
    assert outcomes == {"ok": 1, STALE_CHANGE: 1}
    assert EndorsementEvent.objects.filter(endorsement=e).exclude(action="apply").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_issuing_the_批单_at_once_update_the_order_once(cast):
    policy = cast.policy()
    e = scenarios.drive(
        scenarios.apply(policy, cast.applicant),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.AWAITING_DOCUMENT,
    )
    copies = [scenarios.fresh(e) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [
            (
                lambda c=c, n=n: workflow.endorsement_issue(
                    endorsement=c, actor=cast.clerk, endorsement_no=f"PD-RACE-{n}", file=scenarios.pdf()
                )
            )
            for n, c in enumerate(copies)
        ]
    )
    assert outcomes == {"ok": 1, STALE_CHANGE: ATTEMPTS - 1}
    order = Order.objects.get(pk=policy.order_id)
    assert order.headcount == 150 and order.premium == Decimal("12000.00") + scenarios.fresh(e).premium_delta
    assert SmsMessage.objects.filter(text__contains="批改已完成").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_批单_of_one_insurer_with_the_same_number_at_once_one_wins(cast):
    ready = [
        scenarios.drive(
            scenarios.apply(cast.policy(), cast.applicant, headcount_change=-1),
            clerk=cast.clerk,
            applicant=cast.applicant,
            until=S.AWAITING_DOCUMENT,
        )
        for _ in range(2)
    ]
    copies = [scenarios.fresh(e) for e in ready]
    outcomes = _race(
        [
            (
                lambda c=c: workflow.endorsement_issue(
                    endorsement=c, actor=cast.clerk, endorsement_no="PD-SAME", file=scenarios.pdf()
                )
            )
            for c in copies
        ]
    )
    assert outcomes == {"ok": 1, steps.NUMBER_TAKEN: 1}
    assert Endorsement.objects.filter(endorsement_no="PD-SAME").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_申请_makes_one_request(cast):
    policy = cast.policy()
    changes = [
        scenarios.change(scenarios.fresh_policy(policy), headcount_change=n + 1) for n in range(ATTEMPTS)
    ]
    outcomes = _race(
        [
            (
                lambda c=c: workflow.endorsement_apply(
                    policy=scenarios.fresh_policy(policy), actor=cast.applicant, change=c
                )
            )
            for c in changes
        ]
    )
    assert outcomes["ok"] == 1 and outcomes[steps.ALREADY_OPEN] == ATTEMPTS - 1
    assert Endorsement.objects.filter(policy=policy).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_approving_a_surrender_at_once_surrender_the_policy_once(cast):
    policy = cast.policy()
    e = scenarios.surrender(policy, cast.applicant)
    copies = [scenarios.fresh(e) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [
            (
                lambda c=c, n=n: surrenders.surrender_approve(
                    endorsement=c, actor=cast.clerk, endorsement_no=f"TB-RACE-{n}", file=scenarios.pdf()
                )
            )
            for n, c in enumerate(copies)
        ]
    )
    assert outcomes == {"ok": 1, STALE_SURRENDER: ATTEMPTS - 1}
    assert Policy.objects.get(pk=policy.pk).status == PolicyStatus.SURRENDERED
    assert EndorsementEvent.objects.filter(endorsement=e, action="approve").count() == 1
