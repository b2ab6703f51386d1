"""The steps the insurer's system hears of by webhook (``notices.WEBHOOK_EVENTS``): queued by ``record_event`` in
the step's own transaction, for the order's insurer only."""

from __future__ import annotations

import pytest

from anze.core.errors import Refused
from anze.documents import testing as files
from anze.notifications import webhooks
from anze.notifications.models import WebhookDelivery
from anze.orders import notices, scenarios, workflow
from anze.orders.models import OrderStatus

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def endpoint(cast):  # type: ignore[no-untyped-def]
    endpoint, _ = webhooks.endpoint_create(
        actor=cast.clerk,
        name="核心系统",
        url="http://127.0.0.1:9/hook",
        events=list(notices.WEBHOOK_EVENTS.values()),
    )
    return endpoint


def events() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))


def test_the_enterprises_steps_reach_the_insurers_system(cast, endpoint, online):
    order = online()  # 投保申请: submitted
    workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
    workflow.order_reject_quote(order=order, actor=cast.applicant, reason="保费过高")
    assert events() == ["order.submitted", "order.quote_rejected"]  # its own 报价 is not announced to it
    rejected = WebhookDelivery.objects.get(event="order.quote_rejected").payload["data"]
    assert rejected == {
        "application_no": order.application_no,
        "order_type": "online",
        "status": "awaiting_quote",
        "status_label": "待报价",
        "applicant_name": order.applicant_name,
        "applicant_credit_code": order.applicant_credit_code,
        "project_name": order.project_name,
        "action": "reject_quote",
        "action_label": "拒绝报价",
        "reason": "保费过高",
        "actor": "蔡投保",
        "actor_organisation": cast.enterprise.name,
    }
    paid = online(until=S.AWAITING_PAYMENT_REVIEW)
    workflow.order_cancel(order=paid, actor=cast.applicant, reason="不再需要")
    assert events()[2:] == [
        "order.submitted",
        "order.quote_confirmed",
        "order.payment_voucher_uploaded",
        "order.cancelled",
    ]
    assert {d.endpoint_id for d in WebhookDelivery.objects.all()} == {endpoint.pk}


def test_a_refused_step_announces_nothing(cast, endpoint, online):
    order = online(until=S.AWAITING_PAYMENT)
    before = WebhookDelivery.objects.count()
    with pytest.raises(Refused):
        workflow.order_upload_payment_voucher(
            order=order, actor=cast.applicant, file=files.upload("x.pdf", b"junk")
        )
    assert WebhookDelivery.objects.count() == before


def test_another_insurers_system_hears_nothing(cast, online):
    webhooks.endpoint_create(
        actor=cast.other_clerk,
        name="别家",
        url="http://127.0.0.1:9/hook",
        events=list(notices.WEBHOOK_EVENTS.values()),
    )
    online(until=S.AWAITING_PAYMENT_REVIEW)
    assert not WebhookDelivery.objects.exists()
