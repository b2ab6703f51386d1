"""The enterprise's 申请批改 and 申请退保 reach the insurer's core system by webhook (issue 15: 批改申请), queued
in the step's transaction, for the policy's insurer only; the insurer's own 发起批改 is not announced to it."""

from __future__ import annotations

import pytest

from anze.endorsements import scenarios, steps
from anze.notifications import webhooks
from anze.notifications.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _endpoint(actor):  # type: ignore[no-untyped-def]
    endpoint, _ = webhooks.endpoint_create(
        actor=actor,
        name="核心系统",
        url="http://127.0.0.1:9/hook",
        events=list(steps.WEBHOOK_EVENTS.values()),
    )
    return endpoint


def test_the_enterprises_requests_are_announced_to_its_insurer_only(cast):
    mine, theirs = _endpoint(cast.clerk), _endpoint(cast.other_clerk)
    policy = cast.policy()
    endorsement = scenarios.apply(policy, cast.applicant, headcount_change=30)
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.endpoint_id, d.event) for d in deliveries] == [(mine.pk, "endorsement.applied")]
    data = deliveries[0].payload["data"]
    assert (data["uuid"], data["policy_no"], data["kind"]) == (
        str(endorsement.uuid),
        policy.policy_no,
        "change",
    )
    assert data["headcount_after"] - data["headcount_before"] == 30
    assert data["premium_delta"] == str(endorsement.premium_delta)
    assert theirs.pk not in {d.endpoint_id for d in WebhookDelivery.objects.all()}


def test_the_insurers_own_endorsement_is_not_announced_to_it(cast):
    _endpoint(cast.clerk)
    scenarios.apply(cast.policy(), cast.clerk, headcount_change=5)
    assert not WebhookDelivery.objects.exists()


def test_a_surrender_request_is_announced(cast):
    _endpoint(cast.clerk)
    surrender = scenarios.surrender(cast.policy(), cast.applicant)
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["surrender.applied"]
    assert WebhookDelivery.objects.get().payload["data"]["uuid"] == str(surrender.uuid)
