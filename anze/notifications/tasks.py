"""Sending the outbox: the ``send_sms`` task, its retries with back-off, and the sweep for lost tasks.

How a message travels:

1. ``services.notify`` / ``services.sms_enqueue`` write an ``SmsMessage`` (pending) in the caller's transaction
   and call ``enqueue_send``. With the database task backend (``django_tasks_db``, the default outside tests)
   the task row is written in that same transaction, so the message and its task commit together or not at
   all. With any other backend (the ImmediateBackend of the tests runs a task the moment it is enqueued) the
   enqueue waits for ``transaction.on_commit``: nothing is ever sent for a transaction that rolls back.
2. ``send_sms`` claims the message with a conditional UPDATE (pending → sending): a second worker, a
   duplicate task or a stray early task claims nothing and does nothing.
3. Success → sent. Failure → back to pending with ``next_attempt_at`` after 1 min, 5 min, 30 min, 2 h, 6 h,
   and a new task with ``run_after`` (written in the same transaction as that UPDATE); after the sixth
   attempt, or a refusal no retry can cure (a bad number), → failed, and the SMS log offers 重发.
4. ``sweep`` (the ``sms_sweep`` command, or the ``sweep_sms`` task) is the safety net of the outbox: it
   re-enqueues pending messages overdue for longer than ``SWEEP_GRACE`` (their task was lost: a crash
   between commit and an after-commit enqueue, a task backend without ``run_after``, a purged queue) and
   takes back claims whose lease expired (the worker died mid-send).

The worker that runs the tasks is started by ``make run`` (bin/run-dev: ``manage.py worker``); in
production run ``manage.py worker`` as a service and ``manage.py sms_sweep`` every few minutes (cron), or
``manage.py sms_sweep --every 60`` as a second service.

Delivery is at least once: the single case where a message can go out twice is a worker that dies after the
provider accepted it and before the result was written (the sweep then sends it again once the lease has
passed). Anything else — duplicate tasks, two workers, a repeated ``notify`` — sends it once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from anze.core.leases import Leased
from anze.core.tasks import enqueue_many_with_transaction, enqueue_with_transaction
from anze.core.validators import mask_mobile

from . import codes
from .models import SmsMessage, SmsStatus
from .sms import Sms, SmsError, get_backend

logger = logging.getLogger("anze.notifications")

# Waits after the 1st, 2nd, … failed attempt; after the last one the message is failed.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A pending message this long overdue has lost its task; younger ones are still waiting in the queue.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500
INTERRUPTED = "发送中断（发送进程退出或超时），已重新排队"
INTERRUPTED_FINAL = "发送中断（发送进程退出或超时），已达最大发送次数"
CODE_EXPIRED = "验证码已过期，未再发送（用户可重新获取）"
CODE_UNREADABLE = "验证码无法解密（密钥已更换），未发送（用户可重新获取）"


# --- enqueueing ----------------------------------------------------------------------------------------------
def enqueue_send(message_id: int, *, run_after: datetime | None = None) -> None:
    """Arrange for ``send_sms(message_id)`` to run once the current transaction has committed."""
    enqueue_outbox(send_sms, message_id, run_after=run_after)


def enqueue_sends(message_ids: Sequence[int]) -> None:
    """``enqueue_send`` of many messages at once (an import's SMS): their tasks in one insert."""
    enqueue_many_with_transaction(send_sms, [(message_id,) for message_id in message_ids])


def enqueue_outbox(outbox_task: Task[[int], Any], row_id: int, *, run_after: datetime | None = None) -> None:
    """Arrange for ``outbox_task(row_id)`` — the sending of one outbox row (an SMS, a webhook delivery) — to run
    once the current transaction has committed (``core.tasks``), not before ``run_after``."""
    if run_after is not None:
        if not outbox_task.get_backend().supports_defer:
            # A backend that cannot wait (the tests' ImmediateBackend): the sweep enqueues it when due.
            return
        outbox_task = outbox_task.using(run_after=run_after)
    enqueue_with_transaction(outbox_task, row_id)


# --- sending -------------------------------------------------------------------------------------------------
def sending_lease() -> timedelta:
    """How long a claim (status sending) is trusted: far above the providers' timeouts (sms.READ_TIMEOUT).
    ANZE_SMS_SENDING_LEASE_SECONDS, 5 minutes unless set: the longest an SMS waits after its worker died."""
    return timedelta(seconds=settings.SMS_SENDING_LEASE_SECONDS)


# The outbox's rows as leased rows (``core.leases``): claimed by ``deliver``, taken back by ``sweep``.
OUTBOX = Leased(
    model=SmsMessage,
    waiting=SmsStatus.PENDING,
    working=SmsStatus.SENDING,
    due="next_attempt_at",
    max_attempts=MAX_ATTEMPTS,
    lease=sending_lease,
    enqueue=enqueue_send,
)


@task()
def send_sms(message_id: int) -> str:
    """Send one outbox message; returns what happened (stored with the task result)."""
    return deliver(message_id)


def deliver(message_id: int) -> str:
    if not OUTBOX.claim(message_id, now=timezone.now()):
        # Already sent or failed, claimed by another worker, or not due yet (a stray or duplicate task).
        return "skipped"
    message = SmsMessage.objects.get(pk=message_id)
    provider = ""
    try:
        backend = get_backend()
        provider = backend.name
        provider_id = backend.send(_as_sms(message))
    except Exception as exc:  # whatever happens, the message must leave "sending" with the reason recorded
        return _record_failure(message, exc, provider)
    return _record_success(message, provider, provider_id)


def _as_sms(message: SmsMessage) -> Sms:
    """What the provider gets: for a code message, the stored text with the code decrypted into it (the only
    place the code exists in clear after ``code_send``); ``shown_text`` stays masked for logs."""
    text = message.text
    params = {str(k): str(v) for k, v in (message.params or {}).items()}
    if message.is_code:
        code = _code_of(message)
        params = {k: codes.unmask(v, code) for k, v in params.items()}
        text = codes.unmask(text, code)
    return Sms(
        phone=message.phone,
        text=text,
        template_code=message.template_code,
        params=params,
        reference=str(message.uuid),
        shown_text=message.text,
    )


def _code_of(message: SmsMessage) -> str:
    """The message's code, or a permanent failure: a code past its lifetime is useless to the user (who asks
    for a new one), and one sealed with a key no longer known cannot be read."""
    assert message.secret_expires_at is not None
    if not message.secret or message.secret_expires_at <= timezone.now():
        raise SmsError(CODE_EXPIRED, permanent=True)
    try:
        return codes.reveal(message.secret)
    except codes.InvalidToken:
        raise SmsError(CODE_UNREADABLE, permanent=True) from None


def _own_claim(message: SmsMessage) -> Any:
    """The message as long as it is still this worker's claim (the sweep may have taken it back)."""
    return SmsMessage.objects.filter(pk=message.pk, status=SmsStatus.SENDING, attempts=message.attempts)


def _record_success(message: SmsMessage, provider: str, provider_id: str) -> str:
    updated = _own_claim(message).update(
        status=SmsStatus.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        provider=provider,
        provider_message_id=(provider_id or "")[:100],
        secret="",  # a code is sent once: nothing keeps it after
    )
    if not updated:
        logger.warning("短信 %s 已发送，但其发送租约已过期并被收回", message.uuid)
    logger.info("短信已发送 %s（%s，第%d次）", mask_mobile(message.phone), provider, message.attempts)
    return "sent"


def _record_failure(message: SmsMessage, exc: Exception, provider: str) -> str:
    if isinstance(exc, SmsError):
        error, permanent = str(exc), exc.permanent
        logger.warning("短信发送失败 %s（第%d次）：%s", mask_mobile(message.phone), message.attempts, error)
    else:  # not the provider's answer: a bug or a configuration problem — keep the traceback in the log
        error, permanent = f"{type(exc).__name__}: {exc}", False
        logger.exception("短信发送出错 %s（第%d次）", mask_mobile(message.phone), message.attempts)
    final = permanent or message.attempts >= MAX_ATTEMPTS
    retry_at = None if final else timezone.now() + BACKOFF[message.attempts - 1]
    wipe = {"secret": ""} if final else {}  # a retry needs the code; a final failure does not
    with transaction.atomic():
        updated = _own_claim(message).update(
            status=SmsStatus.FAILED if final else SmsStatus.PENDING,
            next_attempt_at=retry_at,
            last_error=error[:500],
            provider=provider,
            **wipe,
        )
        if updated and retry_at is not None:
            enqueue_send(message.pk, run_after=retry_at)
    return "failed" if final else "retry"


# --- the sweep -----------------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    requeued: int = 0  # overdue pending messages enqueued again
    released: int = 0  # expired claims taken back and enqueued again
    failed: int = 0  # expired claims that had no attempt left
    wiped: int = 0  # codes past their lifetime whose encrypted copy was erased


def sweep(*, limit: int = SWEEP_BATCH) -> SweepResult:
    result = SweepResult()
    now = timezone.now()
    result.released, result.failed = OUTBOX.take_back(
        now=now,
        limit=limit,
        retry={"last_error": INTERRUPTED},
        final={"status": SmsStatus.FAILED, "last_error": INTERRUPTED_FINAL, "secret": ""},
    )
    result.requeued = OUTBOX.requeue_overdue(now=now, grace=SWEEP_GRACE, limit=limit)
    # Codes that outlived their lifetime unsent (a provider down for longer): nothing may keep them.
    result.wiped = SmsMessage.objects.filter(secret_expires_at__lte=now).exclude(secret="").update(secret="")
    if result.requeued or result.released or result.failed or result.wiped:
        logger.info("短信补发扫描：%s", result)
    return result


@task()
def sweep_sms() -> dict[str, int]:
    """The sweep as a task, for a scheduler that enqueues tasks periodically."""
    return asdict(sweep())
