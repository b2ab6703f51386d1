"""Random sequences of claims on one policy — reports, 理算 with random amounts (many at or near a limit),
结案 of random parts of them, 拒赔, 注销, in any order: whatever was accepted, paid claims never exceed any limit
of the scheme (每人伤亡, 每人医疗, 每次事故, 累积), and a refused step changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
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
from anze.claims import scenarios, workflow
from anze.claims.limits import Line
from anze.claims.models import Claim, ClaimEvent, ClaimStatus
from anze.core.errors import Refused
from anze.core.testing.cast import Cast

from .conftest import LIMITS

S = ClaimStatus
AGGREGATE = LIMITS["aggregate_limit"]
PER_ACCIDENT = LIMITS["per_accident_limit"]
INJURY = LIMITS["per_person_injury_limit"]
MEDICAL = LIMITS["per_person_medical_limit"]

# Amounts that sit on, just under and just over each limit, and plain ones.
EDGES = [
    Decimal(v)
    for v in (
        "0",
        "0.01",
        "1000",
        "49999.99",
        "50000",
        "50000.01",
        "150000",
        "399999.99",
        "400000",
        "400000.01",
    )
]
amounts = st.one_of(st.sampled_from(EDGES), st.decimals(min_value=0, max_value=450000, places=2))
people = st.lists(st.tuples(amounts, amounts), min_size=1, max_size=3)


class ClaimLimitsMachine(RuleBasedStateMachine):
    claims = Bundle("claims")

    @initialize()
    def set_up(self) -> None:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        ensure_base_data()
        self.cast = Cast()
        self.policy = self.cast.policy(scheme_overrides=LIMITS)

    def teardown(self) -> None:
        if hasattr(self, "_atomic"):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    def _snapshot(self, claim_id: int) -> tuple:
        claim = Claim.objects.get(pk=claim_id)
        return (
            claim.status,
            claim.adjusted_amount,
            claim.paid_amount,
            claim.people.count(),
            claim.events.count(),
        )

    def _try(self, claim_id: int, fn) -> None:
        before = self._snapshot(claim_id)
        events = ClaimEvent.objects.count()
        try:
            fn(scenarios.fresh(Claim(pk=claim_id)))
        except Refused:
            assert self._snapshot(claim_id) == before  # a refused step changes nothing
            assert ClaimEvent.objects.count() == events

    @rule(target=claims)
    def report(self) -> int:
        claim = scenarios.report(self.policy, self.cast.applicant)
        return scenarios.drive(claim, self.cast.clerk, S.SURVEYED).pk

    @rule(claim_id=claims, amounts=people)
    def adjust(self, claim_id: int, amounts: list[tuple[Decimal, Decimal]]) -> None:
        lines = [Line(f"伤者{n}", dd, med) for n, (dd, med) in enumerate(amounts)]
        self._try(claim_id, lambda c: workflow.claim_adjust(claim=c, actor=self.cast.clerk, lines=lines))

    @rule(claim_id=claims, part=st.sampled_from([Decimal("1"), Decimal("0.5"), Decimal("1.01")]))
    def settle(self, claim_id: int, part: Decimal) -> None:
        def pay(claim: Claim) -> None:
            amount = ((claim.adjusted_amount or Decimal(0)) * part).quantize(Decimal("0.01"))
            payment = workflow.Payment(amount, timezone.localdate(), "企业")
            workflow.claim_settle(claim=claim, actor=self.cast.clerk, payment=payment)

        self._try(claim_id, pay)

    @rule(claim_id=claims, decline=st.booleans())
    def close(self, claim_id: int, decline: bool) -> None:
        action = workflow.claim_decline if decline else workflow.claim_cancel
        self._try(claim_id, lambda c: action(claim=c, actor=self.cast.clerk, reason="随机关闭"))

    @invariant()
    def paid_claims_never_exceed_any_limit(self) -> None:
        if not hasattr(self, "policy"):
            return
        settled = Claim.objects.filter(policy=self.policy, status=S.SETTLED)
        assert (settled.aggregate(s=Sum("paid_amount"))["s"] or 0) <= AGGREGATE
        for claim in settled.prefetch_related("people"):
            lines = list(claim.people.all())
            assert claim.paid_amount <= claim.adjusted_amount <= PER_ACCIDENT
            assert sum((p.total for p in lines), Decimal(0)) == claim.adjusted_amount
            assert all(p.death_disability <= INJURY and p.medical <= MEDICAL for p in lines)


@pytest.mark.django_db
def test_paid_claims_never_exceed_any_limit():
    run_state_machine_as_test(
        ClaimLimitsMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
