"""报案 reaches the insurer's core system by webhook (issue 15: 报案 among the events), in the report's own
transaction, for the policy's insurer only; a refused report sends nothing."""

from __future__ import annotations

import pytest

from anze.claims import reports, scenarios
from anze.core.errors import Refused
from anze.notifications import webhooks
from anze.notifications.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _endpoint(actor):  # type: ignore[no-untyped-def]
    endpoint, _ = webhooks.endpoint_create(
        actor=actor, name="核心系统", url="http://127.0.0.1:9/hook", events=[reports.REPORTED]
    )
    return endpoint


def test_a_report_online_or_by_phone_is_announced_to_the_insurers_system(cast, policy):
    mine, theirs = _endpoint(cast.clerk), _endpoint(cast.other_clerk)
    online = reports.claim_report(policy=policy, actor=cast.applicant, accident=scenarios.accident())
    phone = reports.claim_report(policy=policy, actor=cast.clerk, accident=scenarios.accident(days_ago=2))
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.endpoint_id, d.event) for d in deliveries] == [
        (mine.pk, "claim.reported"),
        (mine.pk, "claim.reported"),
    ]
    assert theirs.pk not in {d.endpoint_id for d in deliveries}
    data = deliveries[0].payload["data"]
    assert (data["report_no"], data["policy_no"], data["channel"]) == (
        online.report_no,
        policy.policy_no,
        "online",
    )
    assert (data["accident_type_label"], data["injured"], data["estimated_loss"]) == (
        "高处坠落",
        1,
        "20000.00",
    )
    assert deliveries[1].payload["data"]["report_no"] == phone.report_no


def test_a_refused_report_announces_nothing(cast, policy):
    _endpoint(cast.clerk)
    with pytest.raises(Refused):
        reports.claim_report(policy=policy, actor=cast.applicant, accident=scenarios.accident(days_ago=-3))
    assert not WebhookDelivery.objects.exists()
