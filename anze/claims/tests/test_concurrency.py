"""Clerks acting at once (threads; PostgreSQL in CI's second run, SQLite with IMMEDIATE transactions here): two
settlements of one policy cannot together pass 累积赔偿限额 — each reads what the policy paid under the policy's
row lock — and a double-clicked 立案 happens once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from anze.claims import scenarios, workflow
from anze.claims.models import Claim, ClaimEvent, ClaimStatus
from anze.core.errors import Refused

S = ClaimStatus


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
def test_settlements_at_once_never_pass_the_aggregate_limit(cast, policy):
    """Six claims of 150,000 each, adjusted within the limits one by one; settled all at once, only four fit
    in the 600,000 累积赔偿限额."""
    claims = [
        scenarios.drive(
            scenarios.report(policy, cast.applicant),
            cast.clerk,
            S.ADJUSTED,
            people=scenarios.lines(("150000", "0")),
        )
        for _ in range(6)
    ]
    copies = [scenarios.fresh(c) for c in claims]
    payment = workflow.Payment(Decimal("150000"), timezone.localdate(), "企业")
    outcomes = _race(
        [(lambda c=c: workflow.claim_settle(claim=c, actor=cast.clerk, payment=payment)) for c in copies]
    )
    assert outcomes == {"ok": 4, "赔款金额超过累积赔偿限额（剩余 0.00 元）": 2}
    paid = Claim.objects.filter(policy=policy, status=S.SETTLED).aggregate(s=Sum("paid_amount"))["s"]
    assert paid == Decimal("600000.00")


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_register_happens_once(cast, policy):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ACCEPTED)
    copies = [scenarios.fresh(claim) for _ in range(8)]
    outcomes = _race(
        [
            (lambda c=c, n=n: workflow.claim_register(claim=c, actor=cast.clerk, case_no=f"LA-RACE-{n}"))
            for n, c in enumerate(copies)
        ]
    )
    assert outcomes == {"ok": 1, "该理赔案件状态已变化，请刷新后重试": 7}
    assert ClaimEvent.objects.filter(claim=claim, action="register").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_claims_registered_at_once_with_the_same_number_get_one_refusal(cast, policy):
    claims = [
        scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ACCEPTED) for _ in range(2)
    ]
    outcomes = _race(
        [
            (
                lambda c=c: workflow.claim_register(
                    claim=scenarios.fresh(c), actor=cast.clerk, case_no="LA-SAME"
                )
            )
            for c in claims
        ]
    )
    assert outcomes == {"ok": 1, "案件号已存在": 1}
