"""Sending: claim, retries with back-off, the sweep, and never twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anze.accounts.models import Organisation
from anze.notifications import tasks
from anze.notifications.models import SmsMessage, SmsStatus

from .conftest import PHONE
from .fakes import FAILING, RECORDING, REFUSING, SLOW, FailingBackend

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def pending_message(**fields) -> SmsMessage:
    defaults = {
        "phone": PHONE,
        "text": "测试短信",
        "status": SmsStatus.PENDING,
        "next_attempt_at": timezone.now(),
    }
    defaults.update(fields)
    return SmsMessage.objects.create(**defaults)


def time_passes(message: SmsMessage, by: timedelta = timedelta(hours=7)) -> None:
    """Move the message's schedule into the past, as if ``by`` had gone by."""
    SmsMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - by)


@pytest.mark.django_db(transaction=True)
def test_it_commits_the_transition_while_the_provider_is_down_and_sends_once_it_recovers(
    sms, settings, notify_issued, insurer_org
):
    settings.SMS_BACKEND = FAILING
    before = timezone.now()
    with transaction.atomic():  # the transition: its own write, then the notification
        Organisation.objects.filter(pk=insurer_org.pk).update(short_name="已出函")
        notify_issued()
    insurer_org.refresh_from_db()
    assert insurer_org.short_name == "已出函"  # the transition committed
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.PENDING
    assert message.attempts == 1
    assert "短信服务暂不可用" in message.last_error
    assert before + timedelta(minutes=1) <= message.next_attempt_at <= timezone.now() + timedelta(minutes=1)

    assert tasks.sweep().requeued == 0  # not due yet: nothing happens
    settings.SMS_BACKEND = RECORDING  # the provider recovers
    time_passes(message)
    assert tasks.sweep().requeued == 1
    assert tasks.sweep().requeued == 0
    assert tasks.deliver(message.pk) == "skipped"
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.attempts == 2
    assert len(sms.sent) == 1
    assert FailingBackend.calls == 1


def test_it_backs_off_then_gives_up(sms, settings):
    settings.SMS_BACKEND = FAILING
    message = pending_message()
    waits = []
    for _ in range(tasks.MAX_ATTEMPTS):
        started = timezone.now()
        tasks.deliver(message.pk)
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - started)
            time_passes(message)
    assert message.status == SmsStatus.FAILED
    assert message.attempts == tasks.MAX_ATTEMPTS == 6
    assert message.next_attempt_at is None
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 30, 120, 360]
    assert tasks.deliver(message.pk) == "skipped"
    assert FailingBackend.calls == 6


def test_it_gives_up_at_once_when_the_provider_refuses_the_number(sms, settings):
    settings.SMS_BACKEND = REFUSING
    message = pending_message()
    assert tasks.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and message.attempts == 1
    assert "isv.MOBILE_NUMBER_ILLEGAL" in message.last_error


def test_it_records_a_configuration_error_and_retries(settings, sms):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ""
    message = pending_message()
    assert tasks.deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.status == SmsStatus.PENDING
    assert "ANZE_SMS_ALIYUN_ACCESS_KEY_ID" in message.last_error


def test_it_does_not_send_a_message_before_it_is_due(sms):
    message = pending_message(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert tasks.deliver(message.pk) == "skipped"
    assert sms.sent == []


def test_it_leaves_a_message_whose_task_is_still_queued_to_that_task(sms):
    pending_message(next_attempt_at=timezone.now() - timedelta(seconds=30))
    assert tasks.sweep().requeued == 0
    assert sms.sent == []


def test_it_takes_back_the_claim_of_a_worker_that_died(sms, django_capture_on_commit_callbacks):
    message = pending_message(
        status=SmsStatus.SENDING, attempts=1, next_attempt_at=timezone.now() + tasks.sending_lease()
    )
    assert tasks.sweep().released == 0  # the lease has not expired: the worker may still be sending
    time_passes(message, timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep().released == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.attempts == 2
    assert len(sms.sent) == 1


def test_it_fails_a_dead_claim_that_had_no_attempt_left(sms):
    message = pending_message(status=SmsStatus.SENDING, attempts=tasks.MAX_ATTEMPTS)
    time_passes(message, timedelta(seconds=1))
    assert tasks.sweep().failed == 1
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED
    assert sms.sent == []


def test_the_sweep_command_sends_what_is_overdue(sms, django_capture_on_commit_callbacks):
    message = pending_message()
    time_passes(message, timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sms_sweep", verbosity=0)
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_message_once_when_two_workers_run_it_together(sms, settings):
    settings.SMS_BACKEND = SLOW
    message = pending_message()
    start = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(tasks.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "skipped"]
    assert len(sms.sent) == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_and_schedules_the_retry(sms, settings, notify_issued):
    settings.TASKS = DATABASE_TASKS
    settings.SMS_BACKEND = FAILING
    notify_issued()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.PENDING and message.attempts == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after == message.next_attempt_at  # the worker will not pick it before it is due

    settings.SMS_BACKEND = RECORDING
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now() - timedelta(minutes=2))
    time_passes(message, timedelta(minutes=2))
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert len(sms.sent) == 1
