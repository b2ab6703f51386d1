"""/healthz and /readyz: each check passing and failing under real conditions, the JSON shape, 503, and
nothing secret or stored in the answer; the worker's heartbeat."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from anze.core.models import WorkerHeartbeat
from anze.notifications.models import SmsMessage, SmsStatus

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CHECK_NAMES = {"database", "cache", "storage", "task_queue", "worker", "sms"}


def readyz(client: Client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def beat(seconds_ago: float) -> None:
    moment = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id="w1", hostname="h", pid=1, started_at=moment, beat_at=moment)


def test_healthz_answers_without_the_database(client: Client) -> None:
    """No django_db mark: any query would raise."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_passes_with_every_check_named(client: Client) -> None:
    status, body = readyz(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECK_NAMES
    assert all(check["ok"] is True and isinstance(check["ms"], float) for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_with_a_worker_queue_passes_on_a_fresh_heartbeat(client: Client, settings) -> None:
    settings.TASKS = DB_TASKS
    beat(seconds_ago=5)
    status, body = readyz(client)
    assert status == 200, body
    assert body["checks"]["worker"]["heartbeat_age_seconds"] < settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    assert body["checks"]["task_queue"] == {
        "ok": True,
        "lag_seconds": 0.0,
        "max_seconds": 300,
        "ms": pytest.approx(0, abs=1e4),
    }


@pytest.mark.django_db
def test_a_stale_worker_heartbeat_fails_readyz(client: Client, settings) -> None:
    """The worker hangs or died: its last beat is older than the threshold → 503."""
    settings.TASKS = DB_TASKS
    beat(seconds_ago=settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS + 30)
    status, body = readyz(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_no_worker_ever_started_fails_readyz(client: Client, settings) -> None:
    settings.TASKS = DB_TASKS
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["worker"] == {
        "ok": False,
        "heartbeat_age_seconds": None,
        "max_seconds": 90,
        "ms": body["checks"]["worker"]["ms"],
    }


@pytest.mark.django_db
def test_a_task_waiting_too_long_fails_readyz(client: Client, settings) -> None:
    """Workers run but do not keep up: the oldest due task waits longer than ANZE_HEALTH_TASK_LAG_MAX."""
    from anze.notifications.tasks import send_sms

    settings.TASKS = DB_TASKS
    beat(seconds_ago=1)
    result = send_sms.enqueue(123)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=10))
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["task_queue"]["ok"] is False
    assert body["checks"]["task_queue"]["lag_seconds"] >= 600
    # A task scheduled for later is not late.
    DBTaskResult.objects.all().delete()
    send_sms.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(123)
    assert readyz(client)[0] == 200


@pytest.mark.django_db
def test_an_old_pending_sms_fails_readyz(client: Client, settings) -> None:
    """The SMS outbox is stuck: a pending message was due an hour ago."""
    SmsMessage.objects.create(
        phone="13800000000",
        text="保单已出函",
        status=SmsStatus.PENDING,
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["sms"]["ok"] is False
    assert body["checks"]["sms"]["oldest_pending_seconds"] >= 3600
    assert "13800000000" not in json.dumps(body) and "保单" not in json.dumps(body)
    # Not yet due (a retry an hour from now): not late.
    SmsMessage.objects.update(next_attempt_at=timezone.now() + timedelta(hours=1))
    assert readyz(client)[0] == 200


@pytest.mark.django_db
def test_an_unwritable_file_storage_fails_readyz_without_naming_the_path(
    client: Client, settings, tmp_path
) -> None:
    """The storage's location cannot be written (here: below a regular file, which even root cannot write)."""
    from anze.documents import testing

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.STORAGES = testing.storages_in(blocker / "files", settings.STORAGES)
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["storage"] == {"ok": False, "error": True, "ms": body["checks"]["storage"]["ms"]}
    assert str(tmp_path) not in json.dumps(body)


@pytest.mark.django_db
def test_a_cache_that_keeps_nothing_fails_readyz(client: Client, settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    status, body = readyz(client)
    assert status == 503
    assert body["checks"]["cache"]["ok"] is False


@pytest.mark.django_db
def test_readyz_tells_no_secret_and_no_configuration(client: Client, settings) -> None:
    settings.TASKS = DB_TASKS
    beat(seconds_ago=settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS + 30)
    text = client.get("/readyz").content.decode()
    for secret in (
        settings.SECRET_KEY,
        str(settings.DATABASES["default"]["NAME"]),
        str(settings.VAR_DIR),
        "h:1",
    ):
        assert secret not in text
    allowed = {
        "ok",
        "ms",
        "error",
        "skipped",
        "lag_seconds",
        "heartbeat_age_seconds",
        "oldest_pending_seconds",
        "max_seconds",
    }
    for check in json.loads(text)["checks"].values():
        assert set(check) <= allowed
        assert all(isinstance(value, (bool, int, float, type(None))) for value in check.values())


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_tasks_and_beats(settings) -> None:
    """``manage.py worker`` is db_worker plus a heartbeat row written by the worker process."""
    from django_tasks_db.models import DBTaskResult

    from anze.notifications.tasks import send_sms

    settings.TASKS = DB_TASKS
    result = send_sms.enqueue(0)  # no such message: the task returns at once
    call_command(
        "worker",
        batch=True,
        startup_delay=False,
        heartbeat_seconds=0.05,
        worker_id="test-worker",
        verbosity=0,
    )
    assert DBTaskResult.objects.get(pk=result.id).status != "READY"
    row = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert timezone.now() - row.beat_at < timedelta(seconds=30)
    assert row.started_at <= row.beat_at
