"""接口推送: published in the caller's transaction, delivered signed to a real local receiver, retried with
back-off while it is down, never lost, never twice."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications import webhooks
from anze.notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from anze.notifications.testing import WebhookReceiver

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EVENT = webhooks.register_event("test.happened", "测试事件")
OTHER_EVENT = webhooks.register_event("test.other", "另一测试事件")


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def insurer_admin(db):  # type: ignore[no-untyped-def]
    return factories.user(factories.organisation(Side.INSURER), admin=True)


def endpoint_to(url: str, actor, events=(EVENT,)) -> tuple[WebhookEndpoint, str]:  # type: ignore[no-untyped-def]
    return webhooks.endpoint_create(actor=actor, name="核心系统", url=url, events=list(events))


@pytest.fixture
def publish(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """``publish(organisation_id, key=…)`` in a step's transaction, its deliveries sent once it commits."""

    def call(organisation_id: int, key: str = "test:1", event: str = EVENT) -> int:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return webhooks.publish(organisation_id=organisation_id, event=event, data={"n": "一"}, key=key)

    return call


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def call() -> webhooks.SweepResult:
        with django_capture_on_commit_callbacks(execute=True):
            return webhooks.sweep()

    return call


def time_passes(delivery: WebhookDelivery, by: timedelta = timedelta(days=2)) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - by)


# --- publishing -------------------------------------------------------------------------------------------------
def test_it_queues_one_delivery_per_subscribed_active_endpoint_once(insurer_admin, receiver, publish):
    org = insurer_admin.organisation
    endpoint, _ = endpoint_to(receiver.url, insurer_admin)
    endpoint_to(receiver.url, insurer_admin, events=[OTHER_EVENT])  # not subscribed
    off, _ = endpoint_to(receiver.url, insurer_admin)
    webhooks.endpoint_update(endpoint=off, name="停用的", url=off.url, events=[EVENT], is_active=False)
    stranger = factories.user(factories.organisation(Side.INSURER), admin=True)
    endpoint_to(receiver.url, stranger)
    assert publish(org.pk) == 1
    assert publish(org.pk) == 0  # the same occurrence again: nothing new
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == endpoint and delivery.status == DeliveryStatus.DELIVERED
    assert delivery.payload == {
        "id": str(delivery.uuid),
        "event": EVENT,
        "label": "测试事件",
        "created_at": timezone.localtime(delivery.created_at).isoformat(),
        "data": {"n": "一"},
    }


@pytest.mark.django_db(transaction=True)
def test_it_is_queued_with_the_step_or_not_at_all(insurer_admin, receiver):
    endpoint_to(receiver.url, insurer_admin)
    with pytest.raises(Refused), transaction.atomic():
        webhooks.publish(
            organisation_id=insurer_admin.organisation_id, event=EVENT, data={}, key="rolled-back"
        )
        raise Refused("该订单状态已变化，请刷新后重试")
    assert not WebhookDelivery.objects.exists()
    with pytest.raises(TransactionManagementError):
        webhooks.publish(organisation_id=insurer_admin.organisation_id, event=EVENT, data={}, key="no-step")
    with pytest.raises(ValueError, match="unregistered"), transaction.atomic():
        webhooks.publish(
            organisation_id=insurer_admin.organisation_id, event="nobody.knows", data={}, key="k"
        )


# --- delivering -----------------------------------------------------------------------------------------------------
def test_a_delivery_is_signed_over_its_timestamp_and_body(insurer_admin, receiver, publish):
    _, secret = endpoint_to(receiver.url, insurer_admin)
    publish(insurer_admin.organisation_id)
    request = receiver.next()
    headers = request["headers"]
    expected = hmac.new(
        secret.encode(), headers["X-Anze-Timestamp"].encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(headers["X-Anze-Signature"], f"sha256={expected}")
    assert abs(int(headers["X-Anze-Timestamp"]) - time.time()) < 60
    assert headers["X-Anze-Event"] == EVENT and headers["Content-Type"].startswith("application/json")
    assert request["json"]["data"] == {"n": "一"} and headers["X-Anze-Delivery"] == request["json"]["id"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 200 and delivery.delivered_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_receiver_that_is_down_gets_its_events_once_it_is_up(insurer_admin, settings, publish):
    """The worker (django-tasks' database queue, ``db_worker``) tries, fails, schedules the retry after the
    back-off; the receiver comes up on the same port; the retry delivers. Nothing is lost, nothing twice."""
    settings.TASKS = DATABASE_TASKS
    receiver = WebhookReceiver()  # not started: the port refuses
    endpoint_to(receiver.url, insurer_admin)
    publish(insurer_admin.organisation_id)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error.startswith("无法连接接收方")
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == delivery.next_attempt_at
    assert timedelta(seconds=50) < delivery.next_attempt_at - timezone.now() <= timedelta(minutes=1)

    receiver.start()
    try:
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now() - timedelta(seconds=1))
        time_passes(delivery, timedelta(seconds=1))
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        assert receiver.next()["json"]["id"] == str(delivery.uuid)
        assert receiver.received.empty()
    finally:
        receiver.stop()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2


def test_an_error_answer_is_retried_until_the_last_attempt_then_failed(
    insurer_admin, receiver, publish, sweep, django_capture_on_commit_callbacks
):
    receiver.status = 500
    endpoint_to(receiver.url, insurer_admin)
    publish(insurer_admin.organisation_id)  # 1st attempt at once (immediate task backend)
    delivery = WebhookDelivery.objects.get()
    for attempt in range(2, webhooks.MAX_ATTEMPTS + 1):
        assert delivery.status == DeliveryStatus.PENDING and delivery.last_error == "接收方返回 HTTP 500"
        time_passes(delivery)
        assert sweep().requeued == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code == 500
    assert receiver.received.qsize() == webhooks.MAX_ATTEMPTS

    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    with pytest.raises(Refused, match="已送达"):
        webhooks.delivery_resend(delivery=delivery)


def test_a_redirect_is_not_followed_and_a_disabled_endpoint_gets_nothing(
    insurer_admin, receiver, publish, sweep
):
    receiver.status = 302
    endpoint, _ = endpoint_to(receiver.url, insurer_admin)
    publish(insurer_admin.organisation_id, key="redirected")
    assert WebhookDelivery.objects.get().last_error == "接收方返回 HTTP 302"
    assert receiver.received.qsize() == 1
    receiver.status = 200
    delivery = WebhookDelivery.objects.get()
    webhooks.endpoint_update(
        endpoint=endpoint, name=endpoint.name, url=endpoint.url, events=[EVENT], is_active=False
    )
    time_passes(delivery)
    sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_error == "推送地址已停用"


def test_the_sweep_takes_back_a_claim_whose_worker_died(insurer_admin, receiver, settings, publish):
    settings.TASKS = DATABASE_TASKS
    endpoint_to(receiver.url, insurer_admin)
    publish(insurer_admin.organisation_id)
    WebhookDelivery.objects.update(
        status=DeliveryStatus.SENDING, attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert webhooks.sweep().released == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error == webhooks.INTERRUPTED
    assert webhooks.sweep().released == 0
    call_command("sms_sweep", verbosity=0)


def test_an_endpoint_needs_a_name_an_http_url_and_an_event(insurer_admin):
    with pytest.raises(Refused) as refused:
        webhooks.endpoint_create(actor=insurer_admin, name="", url="ftp://core", events=["nobody.knows"])
    assert refused.value.errors == {
        "name": ["请输入名称"],
        "url": ["请输入以 http:// 或 https:// 开头的推送地址"],
        "events": ["不支持的事件：nobody.knows"],
    }
    endpoint, secret = endpoint_to("https://core.example.com/hook", insurer_admin)
    assert secret.startswith("whsec_") and secret not in endpoint.secret  # stored sealed
    new = webhooks.endpoint_reset_secret(endpoint=endpoint)
    assert new != secret and json.dumps(endpoint.secret).find(new) == -1
