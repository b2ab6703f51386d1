"""The assignment table, driven as data: every service state × every action × every side — allowed exactly
when the table says so, otherwise refused with nothing changed (state, events, outbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from anze.accounts.models import User
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.notifications.models import Notification, SmsMessage
from anze.policies import workflow
from anze.policies.models import Policy, ServiceEvent, ServiceStatus
from anze.prevention import scenarios

A = ServiceStatus
pytestmark = pytest.mark.django_db


def _call(cast: Any) -> dict[str, Callable[[Policy, User], Policy]]:
    return {
        "assign": lambda p, u: workflow.policy_assign_service(policy=p, actor=u, service_org=cast.org),
        "accept": lambda p, u: workflow.policy_accept_service(policy=p, actor=u),
        "decline": lambda p, u: workflow.policy_decline_service(policy=p, actor=u, reason="人手不足"),
        "complete": lambda p, u: _complete(p, u),
        "withdraw": lambda p, u: _withdraw(p, u),
    }


def _complete(policy: Policy, user: User) -> Policy:
    from django.db import transaction

    with transaction.atomic():
        return workflow.policy_complete_service(policy=policy, actor=user)


def _withdraw(policy: Policy, user: User) -> Policy:
    """撤销安全服务 is taken by the approval of a 冲正 of the policy: another clerk of the insurer asks, ``user``
    approves (two people). A policy with no service to withdraw gets its refusal from the machine itself."""
    from django.db import transaction

    from anze.policies import reversal
    from anze.policies.tests.reversal_scenarios import requester_of

    with transaction.atomic():  # a refused approval takes its request back with it
        if policy.service_status not in (A.PENDING, A.IN_SERVICE):
            workflow.SERVICE.begin("withdraw", user, policy)
            raise AssertionError(f"withdraw was allowed from {policy.service_status}")
        asked = reversal.reversal_request(policy=policy, actor=requester_of(policy.insurer), reason="录错")
        reversal.reversal_approve(reversal=asked, actor=user)
    return policy


def test_it_has_a_caller_for_every_action(cast):
    assert set(_call(cast)) == set(workflow.SERVICE.actions)


def _build(cast: Any, status: str) -> Policy:
    policy = cast.policy()
    if status in (A.PENDING, A.IN_SERVICE, A.COMPLETED):
        scenarios.assign(policy, cast.clerk, cast.org)
    if status in (A.IN_SERVICE, A.COMPLETED):
        scenarios.accept(policy, cast.org_admin)
    if status == A.COMPLETED:
        scenarios.complete(policy, cast.org_admin, cast.applicant, [cast.staff])
    fresh = scenarios.fresh(policy)
    assert fresh.service_status == status
    return fresh


def _snapshot(policy: Policy) -> tuple[Any, ...]:
    fresh = Policy.objects.get(pk=policy.pk)
    return (
        fresh.service_status,
        fresh.service_org_id,
        ServiceEvent.objects.filter(policy=policy).count(),
        SmsMessage.objects.count(),
        Notification.objects.count(),
    )


@pytest.mark.parametrize("status", A.values)
def test_it_allows_exactly_the_transitions_of_the_table(cast, status):
    actors = {Side.INSURER: cast.clerk, Side.SERVICE_ORG: cast.org_admin, Side.ENTERPRISE: cast.applicant}
    calls = _call(cast)
    outcomes: dict[tuple[str, str], bool] = {}
    for action in workflow.SERVICE.actions:
        for side, actor in actors.items():
            policy = _build(cast, status)
            before = _snapshot(policy)
            try:
                calls[action](scenarios.fresh(policy), actor)
            except Refused:
                outcomes[(action, side)] = False
                assert _snapshot(policy) == before, (
                    f"a refused {action} by {side} from {status} changed something"
                )
            else:
                outcomes[(action, side)] = True
                t = workflow.SERVICE.transition(action, side)
                assert t is not None and Policy.objects.get(pk=policy.pk).service_status == t.target
                assert ServiceEvent.objects.filter(policy=policy).count() == before[2] + 1
    # "complete" is automatic: its guard (every contracted count confirmed) never holds on a policy that
    # the workflow left in 服务中 — confirming the last record completes it at once (test_workflow.py).
    # "withdraw" is automatic too, taken by the approval of a 冲正: its caller goes through one.
    expected = {
        (action, side): (
            (t := workflow.SERVICE.transition(action, side)) is not None
            and status in t.sources
            and (not t.automatic or action == "withdraw")
        )
        for action in workflow.SERVICE.actions
        for side in actors
    }
    assert outcomes == expected
