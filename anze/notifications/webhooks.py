"""接口推送 (webhooks): an organisation's own system hears of the events it waits for, through the outbox.

The events are registered by the apps that cause them (``register_event("order.submitted", "投保申请提交")``,
``anze.orders.notices``): the registry is what the 推送设置 screen offers and what ``publish`` accepts. An
app adds an event with one call; nothing here knows the apps above it.

How an event travels — the SMS outbox's way (``tasks``), with its enqueueing, lease and sweep:

1. ``publish`` is called inside the transaction of the step (``anze.orders.steps.record_event``): one
   ``WebhookDelivery`` row per active endpoint of the organisation subscribed to the event, and its task, commit
   with the step or not at all.
2. ``deliver_webhook`` claims the row (pending → sending), POSTs the JSON body signed with the endpoint's secret —
   ``X-Anze-Signature: sha256=<hex HMAC-SHA256 over "<X-Anze-Timestamp>." + body>`` — and records the answer:
   a 2xx → delivered; anything else (refused, timeout, 500, a redirect) → pending again after ``BACKOFF``, then
   failed after the last attempt (about three days), and the 管理员 may 重新推送 it.
3. ``sweep`` (run by ``manage.py sms_sweep`` with the SMS sweep) re-enqueues deliveries whose task was lost and
   takes back claims of workers that died. A receiver that is down delays its events; it never loses them.

Only the status code and a short error are kept of an answer, never its body: the URL is the organisation's
own choice, and the log must not become a way to read another server's pages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django_tasks import task

from anze.accounts.models import User
from anze.core.errors import STALE, Problems, Refused
from anze.core.leases import Leased

from . import codes
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .tasks import enqueue_outbox, sending_lease

logger = logging.getLogger("anze.notifications")

# Waits after the 1st, 2nd, … failed attempt (about three days in all); after the last one the delivery fails.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500
SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "X-Anze-Signature"
TIMESTAMP_HEADER = "X-Anze-Timestamp"
INTERRUPTED = "推送中断（任务进程退出或超时），已重新排队"
INTERRUPTED_FINAL = "推送中断（任务进程退出或超时），已达最大推送次数"
ENDPOINT_DISABLED = "推送地址已停用"
SECRET_UNREADABLE = "签名密钥无法解密（SECRET_KEY 已更换），请重置密钥后重新推送"


# --- the registry -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WebhookEvent:
    code: str  # "order.submitted": what the receiver switches on (``event`` in the body, X-Anze-Event)
    label: str  # 投保申请提交: what the 推送设置 screen and the 推送记录 show


EVENTS: dict[str, WebhookEvent] = {}


def register_event(code: str, label: str) -> str:
    """Declare an event an app publishes (at import time of the module that publishes it); returns its code."""
    existing = EVENTS.get(code)
    if existing is not None and existing.label != label:
        raise ValueError(f"webhook event {code!r} registered twice with different labels")
    EVENTS[code] = WebhookEvent(code, label)
    return code


def event_label(code: str) -> str:
    event = EVENTS.get(code)
    return event.label if event else code


# --- publishing -------------------------------------------------------------------------------------------------
def publish(*, organisation_id: int | None, event: str, data: dict[str, Any], key: str) -> int:
    """Queue ``event`` with ``data`` for every active endpoint of the organisation subscribed to it, in the
    caller's transaction; returns how many. ``key``: unique per occurrence ("order-event:<event id>"), so that one
    step never delivers twice to one endpoint."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("publish() 须在业务操作的事务内调用，推送与操作一同提交")
    if event not in EVENTS:
        raise ValueError(f"unregistered webhook event {event!r}")
    if organisation_id is None:
        return 0
    queued = 0
    for endpoint in WebhookEndpoint.objects.filter(organisation_id=organisation_id, is_active=True):
        if event not in endpoint.events:
            continue
        delivery = WebhookDelivery(endpoint=endpoint, organisation_id=organisation_id, event=event)
        delivery.payload = {
            "id": str(delivery.uuid),
            "event": event,
            "label": event_label(event),
            "created_at": timezone.localtime(delivery.created_at).isoformat(),
            "data": data,
        }
        delivery.dedupe_key = f"{key}:{endpoint.pk}"[:160]
        delivery.next_attempt_at = delivery.created_at
        try:
            with transaction.atomic():
                delivery.save()
        except IntegrityError:
            if WebhookDelivery.objects.filter(dedupe_key=delivery.dedupe_key).exists():
                continue  # published already for this occurrence
            raise
        enqueue_outbox(deliver_webhook, delivery.pk)
        queued += 1
    return queued


# --- signing ------------------------------------------------------------------------------------------------------
def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with the endpoint's secret over ``"<timestamp>." + body`` (the receiver
    recomputes it over the bytes it received and compares in constant time, and refuses an old timestamp)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


# --- the endpoints (推送设置) ----------------------------------------------------------------------------------
def _check_endpoint(name: str, url: str, events: list[str]) -> tuple[str, str, list[str]]:
    problems = Problems()
    name, url = (name or "").strip(), (url or "").strip()
    if not name:
        problems.add("name", "请输入名称")
    elif len(name) > 30:
        problems.add("name", "名称不能超过30个字")
    if not url.lower().startswith(("http://", "https://")):
        problems.add("url", "请输入以 http:// 或 https:// 开头的推送地址")
    elif len(url) > 300:
        problems.add("url", "推送地址不能超过300个字符")
    chosen = list(dict.fromkeys(events or []))
    if not chosen:
        problems.add("events", "请至少选择一个订阅事件")
    elif unknown := [code for code in chosen if code not in EVENTS]:
        problems.add("events", f"不支持的事件：{'、'.join(unknown)}")
    problems.raise_if_any()
    return name, url, chosen


@transaction.atomic
def endpoint_create(*, actor: User, name: str, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """新增推送地址 for the actor's organisation; returns it with its signing secret (shown once)."""
    name, url, events = _check_endpoint(name, url, events)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        organisation=actor.organisation,
        name=name,
        url=url,
        events=events,
        secret=codes.seal(secret),
        created_by=actor,
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, name: str, url: str, events: list[str], is_active: bool
) -> WebhookEndpoint:
    endpoint.name, endpoint.url, endpoint.events = _check_endpoint(name, url, events)
    endpoint.is_active = is_active
    endpoint.save(update_fields=["name", "url", "events", "is_active"])
    return endpoint


@transaction.atomic
def endpoint_reset_secret(*, endpoint: WebhookEndpoint) -> str:
    """重置密钥: the next deliveries are signed with a new secret (shown once)."""
    secret = new_secret()
    endpoint.secret = codes.seal(secret)
    endpoint.save(update_fields=["secret"])
    return secret


def delivery_resend(*, delivery: WebhookDelivery) -> None:
    """重新推送: a failed delivery gets one more attempt now; a pending one (waiting for its back-off) goes now."""
    if delivery.status == DeliveryStatus.DELIVERED:
        raise Refused("该推送已送达，不能重新推送")
    if delivery.status == DeliveryStatus.SENDING:
        raise Refused("该推送正在进行中，请稍后刷新查看结果")
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=delivery.status).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
        )
        if not updated:
            raise Refused(STALE)
        enqueue_outbox(deliver_webhook, delivery.pk)


# --- delivering -----------------------------------------------------------------------------------------------
class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: the body is never re-sent elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class DeliveryError(Exception):
    def __init__(self, message: str, *, status: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.permanent = permanent


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> int:
    """POST the delivery's body, signed; the status code of a 2xx answer, else DeliveryError."""
    if not endpoint.is_active:
        raise DeliveryError(ENDPOINT_DISABLED, permanent=True)
    try:
        secret = codes.reveal(endpoint.secret)
    except codes.InvalidToken:
        raise DeliveryError(SECRET_UNREADABLE, permanent=True) from None
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Anze-Webhook/1",
            "X-Anze-Event": delivery.event,
            "X-Anze-Delivery": str(delivery.uuid),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"接收方返回 HTTP {exc.code}", status=exc.code) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"无法连接接收方：{reason}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"接收方返回 HTTP {status}", status=status)
    return status


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Deliver one outbox row; returns what happened (stored with the task result)."""
    return deliver(delivery_id)


# The deliveries as leased rows (``core.leases``), as the SMS outbox's.
OUTBOX = Leased(
    model=WebhookDelivery,
    waiting=DeliveryStatus.PENDING,
    working=DeliveryStatus.SENDING,
    due="next_attempt_at",
    max_attempts=MAX_ATTEMPTS,
    lease=sending_lease,
    enqueue=lambda pk: enqueue_outbox(deliver_webhook, pk),
)


def deliver(delivery_id: int) -> str:
    if not OUTBOX.claim(delivery_id, now=timezone.now()):
        return "skipped"  # delivered or failed already, claimed by another worker, or not due yet
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    own = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts
    )
    try:
        status = _post(delivery.endpoint, delivery)
    except DeliveryError as exc:
        final = exc.permanent or delivery.attempts >= MAX_ATTEMPTS
        retry_at = None if final else timezone.now() + BACKOFF[delivery.attempts - 1]
        logger.warning("推送失败 %s %s（第%d次）：%s", delivery.event, delivery.uuid, delivery.attempts, exc)
        with transaction.atomic():
            updated = own.update(
                status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
                next_attempt_at=retry_at,
                last_status_code=exc.status,
                last_error=str(exc)[:500],
            )
            if updated and retry_at is not None:
                enqueue_outbox(deliver_webhook, delivery.pk, run_after=retry_at)
        return "failed" if final else "retry"
    own.update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=timezone.now(),
        next_attempt_at=None,
        last_status_code=status,
    )
    logger.info("推送已送达 %s %s（第%d次）", delivery.event, delivery.uuid, delivery.attempts)
    return "delivered"


# --- the sweep ------------------------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    requeued: int = 0
    released: int = 0
    failed: int = 0


def sweep(*, limit: int = SWEEP_BATCH) -> SweepResult:
    """As the SMS sweep (``tasks.sweep``): overdue pending deliveries get a new task, expired claims are taken
    back (or failed, with no attempt left)."""
    result = SweepResult()
    now = timezone.now()
    result.released, result.failed = OUTBOX.take_back(
        now=now,
        limit=limit,
        retry={"last_error": INTERRUPTED},
        final={"status": DeliveryStatus.FAILED, "last_error": INTERRUPTED_FINAL},
    )
    result.requeued = OUTBOX.requeue_overdue(now=now, grace=SWEEP_GRACE, limit=limit)
    if result.requeued or result.released or result.failed:
        logger.info("推送补发扫描：%s", result)
    return result
