"""Property of the 事故预防服务费台账: for random sequences of records entered, confirmed and corrected and of
overruns granted, the ledger agrees with a model kept beside it —

- a confirmation is refused exactly when it would take the spending past the fee plus the approved overruns;
- what the policy spent is the cost of the latest confirmed version of each visit (a correction replaces, never
  adds to, what it corrects);
- the spending never exceeds the fee plus the approved overruns.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.core.errors import Refused
from anze.prevention import ledger, records, scenarios
from anze.prevention.models import FeeEntry, RecordStatus, ServiceRecord

pytestmark = pytest.mark.django_db
FEE = Decimal("1000.00")

amounts = st.integers(min_value=0, max_value=18).map(lambda n: Decimal(n * 50))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("record"), amounts),
        st.tuples(st.just("confirm"), st.integers(min_value=0, max_value=9)),
        st.tuples(st.just("correct"), st.integers(min_value=0, max_value=9), amounts),
        st.tuples(st.just("grant"), st.integers(min_value=1, max_value=6).map(lambda n: Decimal(n * 100))),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_the_ledger_agrees_with_its_model_for_any_sequence(cast, sequence: list[tuple[Any, ...]]) -> None:
    with transaction.atomic():
        check(cast, sequence)
        transaction.set_rollback(True)


def check(cast: Any, sequence: list[tuple[Any, ...]]) -> None:
    policy = cast.in_service(counts={"training": 40}, scheme_overrides={"prevention_fee": FEE})
    booked: dict[
        int, Decimal
    ] = {}  # the visit (its original record) → the cost of its latest confirmed version
    allowed = Decimal(0)
    for step in sequence:
        kind = step[0]
        pending = list(
            ServiceRecord.objects.filter(policy=policy, status=RecordStatus.PENDING).order_by("id")
        )
        originals = list(
            ServiceRecord.objects.filter(
                policy=policy, status=RecordStatus.CONFIRMED, corrects__isnull=True
            ).order_by("id")
        )
        if kind == "record":
            with contextlib.suppress(Refused):
                scenarios.record(policy, cast.org_admin, "training", [cast.staff], cost=step[1])
        elif kind == "correct" and originals:
            original = originals[step[1] % len(originals)]
            data = scenarios.record_data(policy, "training", [cast.staff], cost=step[2])
            with contextlib.suppress(Refused):
                records.record_create(
                    policy=scenarios.fresh(policy),
                    actor=cast.org_admin,
                    data=data,
                    corrects=scenarios.fresh_record(original),
                )
        elif kind == "confirm" and pending:
            record = pending[step[1] % len(pending)]
            visit = record.corrects_id or record.pk
            adds = record.cost - booked.get(visit, Decimal(0))
            fits = sum(booked.values(), Decimal(0)) + adds <= FEE + allowed
            try:
                records.record_confirm(record=scenarios.fresh_record(record), actor=cast.applicant)
            except Refused as exc:
                assert not fits, (step, exc.message)
                assert exc.message.startswith("事故预防服务费余额不足")
            else:
                assert fits or adds <= 0, step
                booked[visit] = record.cost
        elif kind == "grant":
            ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=step[1], reason="追加服务")
            allowed += step[1]
        spent = ledger.spent_total(policy)
        assert spent == sum(booked.values(), Decimal(0)), step
        assert spent <= FEE + allowed == ledger.budget(policy) + ledger.allowance(policy)
        assert ledger.summary(policy).spent == spent
        assert FeeEntry.objects.filter(policy=policy, amount__lt=0, kind="cost").count() == 0
