"""Property: whatever sequence of 批改 a policy goes through — increases and decreases on any day of the period,
some endorsed (with or without a clerk's amount), some rejected or withdrawn, some refused — the order's current
headcount, premium and prevention fee are the policy's values as issued plus the changes of its endorsed
批改, and each of those recorded the values it was made from."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.core.errors import Refused
from anze.endorsements import scenarios, workflow
from anze.endorsements.models import Endorsement, EndorsementStatus
from anze.orders.models import Order
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db
S = EndorsementStatus

OUTCOMES = ("endorse", "adjust", "reject", "withdraw")
steps_strategy = st.lists(
    st.tuples(
        st.integers(min_value=-130, max_value=80),  # headcount change (may be refused: below 1 person)
        st.integers(min_value=0, max_value=400),  # effective day, days from today (past the end: refused)
        st.sampled_from(OUTCOMES),
        st.decimals(min_value=-3000, max_value=3000, places=2, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=5,
)


def _step(policy: Policy, cast, change: int, offset: int, outcome: str, amount: Decimal) -> None:
    day = timezone.localdate() + timedelta(days=offset)
    try:
        e = scenarios.apply(policy, cast.applicant, headcount_change=change, effective_on=day)
    except Refused:
        return  # nothing changed, fewer than one person, or outside the period: nothing recorded
    if outcome == "reject":
        scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.REJECTED)
        return
    if outcome == "withdraw":
        scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.WITHDRAWN)
        return
    if outcome == "adjust" and amount != e.premium_delta:
        try:
            e = workflow.endorsement_adjust(
                endorsement=scenarios.fresh(e), actor=cast.clerk, premium_delta=amount, reason="协商调整"
            )
        except Refused:
            scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.REJECTED)
            return
    scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.ENDORSED)


def test_the_current_scheme_is_the_issued_one_plus_the_endorsed_changes(cast):
    policy = cast.policy(started_days_ago=100)

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(steps=steps_strategy)
    def check(steps: list[tuple[int, int, str, Decimal]]) -> None:
        with transaction.atomic():
            for change, offset, outcome, amount in steps:
                _step(policy, cast, change, offset, outcome, amount)
            issued = Policy.objects.get(pk=policy.pk)
            order = Order.objects.get(pk=policy.order_id)
            done = list(
                Endorsement.objects.filter(policy=policy, status=S.ENDORSED).order_by("endorsed_at", "id")
            )
            assert order.headcount == issued.issued_headcount + sum(e.headcount_change for e in done)
            assert order.premium == issued.issued_premium + sum(e.premium_delta for e in done)
            assert order.prevention_fee == issued.issued_prevention_fee + sum(
                e.prevention_fee_delta for e in done
            )
            # Each endorsed 批改 was made from the values the one before left.
            headcount, premium = issued.issued_headcount, issued.issued_premium
            for e in done:
                assert (e.headcount_before, e.premium_before) == (headcount, premium)
                headcount, premium = e.headcount_after, e.premium_after
            assert order.headcount >= 1 and order.premium > 0
            assert not Endorsement.objects.filter(policy=policy, status__in=[S.PENDING_REVIEW]).exists()
            transaction.set_rollback(True)

    check()
