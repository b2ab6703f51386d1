"""Two clerks assigning at once, an organisation double-clicking 接受, two enterprise users confirming the last
two records at once: exactly one transition each time, and the completion is never missed."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from anze.core.errors import Refused
from anze.policies import workflow
from anze.policies.models import Policy, ServiceEvent, ServiceStatus
from anze.prevention import records, scenarios
from anze.prevention.models import ServiceRecord

ATTEMPTS = 12


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


def _fresh(pk: int) -> Policy:
    return Policy.objects.select_related("order", "insurer", "service_org").get(pk=pk)


@pytest.mark.django_db(transaction=True)
def test_it_lets_one_of_two_clerks_assigning_at_once_through(cast):
    policy = cast.policy()
    copies = [_fresh(policy.pk) for _ in range(ATTEMPTS)]
    orgs = [cast.org if i % 2 else cast.other_org for i in range(ATTEMPTS)]
    outcomes = _race(
        [
            (lambda c=c, o=o: workflow.policy_assign_service(policy=c, actor=cast.clerk, service_org=o))
            for c, o in zip(copies, orgs, strict=True)
        ]
    )
    assert outcomes == {"ok": 1, workflow.SERVICE.stale_message(): ATTEMPTS - 1}
    assert ServiceEvent.objects.filter(policy=policy, action="assign").count() == 1
    assert _fresh(policy.pk).service_status == ServiceStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_it_accepts_once_on_a_double_click(cast):
    policy = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    copies = [_fresh(policy.pk) for _ in range(ATTEMPTS)]
    outcomes = _race(
        [(lambda c=c: workflow.policy_accept_service(policy=c, actor=cast.org_admin)) for c in copies]
    )
    assert outcomes == {"ok": 1, workflow.SERVICE.stale_message(): ATTEMPTS - 1}
    assert ServiceEvent.objects.filter(policy=policy, action="accept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_does_not_miss_the_completion_when_the_last_two_records_are_confirmed_at_once(cast):
    policy = cast.in_service(counts={"training": 2})
    made = [scenarios.record(policy, cast.org_admin, "training", [cast.staff]) for _ in range(2)]
    copies = [scenarios.fresh_record(r) for r in made]
    outcomes = _race([(lambda r=r: records.record_confirm(record=r, actor=cast.applicant)) for r in copies])
    assert outcomes == {"ok": 2}
    assert _fresh(policy.pk).service_status == ServiceStatus.COMPLETED
    assert ServiceEvent.objects.filter(policy=policy, action="complete").count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_confirms_a_record_once_on_a_double_click(cast):
    policy = cast.in_service(counts={"training": 2})
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    copies = [scenarios.fresh_record(record) for _ in range(ATTEMPTS)]
    outcomes = _race([(lambda r=r: records.record_confirm(record=r, actor=cast.applicant)) for r in copies])
    assert outcomes == {"ok": 1, "该服务记录状态已变化，请刷新后重试": ATTEMPTS - 1}
    assert ServiceEvent.objects.filter(subject_uuid=record.uuid, action="confirm").count() == 1
    assert ServiceRecord.objects.get(pk=record.pk).status == "confirmed"
