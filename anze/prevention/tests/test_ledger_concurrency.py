"""Two enterprise users confirming at once two records that fit the prevention fee only one at a time: exactly
one is booked, the other is refused with what remains — never both (the policy's row lock taken before the
check, on PostgreSQL and SQLite alike)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from anze.core.errors import Refused
from anze.core.testing import factories
from anze.prevention import ledger, records, scenarios
from anze.prevention.models import FeeEntry, RecordStatus, ServiceRecord

D = Decimal
ATTEMPTS = 6


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
def test_two_confirmations_at_once_cannot_together_overspend(cast):
    policy = cast.in_service(counts={"training": ATTEMPTS}, scheme_overrides={"prevention_fee": D("1000.00")})
    confirmers = [cast.applicant] + [
        factories.user(
            cast.enterprise, admin=False, roles=[factories.role(cast.enterprise, ["portal.service.confirm"])]
        )
        for _ in range(ATTEMPTS - 1)
    ]
    made = [
        scenarios.record(policy, cast.org_admin, "training", [cast.staff], cost=D("600.00"))
        for _ in range(ATTEMPTS)
    ]
    copies = [scenarios.fresh_record(r) for r in made]
    outcomes = _race(
        [
            (lambda r=r, u=u: records.record_confirm(record=r, actor=u))
            for r, u in zip(copies, confirmers, strict=True)
        ]
    )
    refusal = (
        "事故预防服务费余额不足：本保单剩余可用 400.00 元，该服务记录需记账 600.00 元，超出 200.00 元。"
        "请联系保险公司批准超支后再确认。"
    )
    assert outcomes == {"ok": 1, refusal: ATTEMPTS - 1}
    assert ledger.spent_total(policy) == D("600.00")
    assert FeeEntry.objects.count() == 1
    assert ServiceRecord.objects.filter(policy=policy, status=RecordStatus.CONFIRMED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_confirmations_at_once_that_all_fit_are_all_booked(cast):
    policy = cast.in_service(counts={"training": 4}, scheme_overrides={"prevention_fee": D("1000.00")})
    made = [
        scenarios.record(policy, cast.org_admin, "training", [cast.staff], cost=D("250.00")) for _ in range(4)
    ]
    copies = [scenarios.fresh_record(r) for r in made]
    outcomes = _race([(lambda r=r: records.record_confirm(record=r, actor=cast.applicant)) for r in copies])
    assert outcomes == {"ok": 4}
    assert ledger.spent_total(policy) == D("1000.00")
