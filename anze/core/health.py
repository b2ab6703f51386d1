"""``/healthz`` (the process answers) and ``/readyz`` (what it depends on answers, in time).

Each check of ``/readyz`` returns a small dict of numbers and booleans: never an error message, a host name,
a file name or a row, because the page is public (a load balancer calls it without signing in). A failing
check is logged with its exception on the server, and the answer is 503.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from anze.core.access import public

logger = logging.getLogger(__name__)

Check = Callable[[], dict[str, Any]]


class CheckFailed(Exception):
    """A check ran but its figure is over the threshold (the dict says which)."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


def tasks_run_in_worker() -> bool:
    """False when tasks run inside the request (tests, ANZE_TASKS_BACKEND=immediate): no queue, no worker."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    return backend.startswith("django_tasks_db.")


def age_seconds(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max(0.0, round((now - moment).total_seconds(), 1))


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict[str, Any]:
    key = f"anze:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=30)
    found = cache.get(key) == "1"
    cache.delete(key)
    if not found:
        raise CheckFailed({})
    return {}


def check_storage() -> dict[str, Any]:
    """Writes, reads and deletes a small file through the default storage (local folder or object store)."""
    storage = storages["default"]
    name = storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise CheckFailed({})
    finally:
        storage.delete(name)
    return {}


def check_task_queue() -> dict[str, Any]:
    """Age of the oldest task that is due and waits for a worker (django-tasks-db's queue)."""
    if not tasks_run_in_worker():
        return {"skipped": True}
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest_immediate = ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    oldest_scheduled = ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]
    lag = max(age_seconds(oldest_immediate, now), age_seconds(oldest_scheduled, now))
    result = {"lag_seconds": lag, "max_seconds": settings.HEALTH_TASK_LAG_MAX_SECONDS}
    if lag > settings.HEALTH_TASK_LAG_MAX_SECONDS:
        raise CheckFailed(result)
    return result


def check_worker() -> dict[str, Any]:
    """Seconds since the newest heartbeat of any task worker (``manage.py worker``)."""
    if not tasks_run_in_worker():
        return {"skipped": True}
    from .models import WorkerHeartbeat

    now = timezone.now()
    newest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    result = {
        "heartbeat_age_seconds": None if newest is None else age_seconds(newest, now),
        "max_seconds": limit,
    }
    if newest is None or (now - newest).total_seconds() > limit:
        raise CheckFailed(result)
    return result


CHECKS: dict[str, Check] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "task_queue": check_task_queue,
    "worker": check_worker,
}


def register_check(name: str, check: Check) -> None:
    """An app adds a check of its own to ``/readyz`` (from its ``AppConfig.ready``): the SMS outbox's age
    is the notifications app's, so that this module needs none of the apps above core."""
    CHECKS[name] = check


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = {"ok": True, **check()}
        except CheckFailed as failed:
            result = {"ok": False, **failed.result}
            logger.warning("readyz: check %s over its threshold: %s", name, failed.result)
        except Exception:
            # The exception (it may name a host or a path) goes to the server's log only.
            result = {"ok": False, "error": True}
            logger.exception("readyz: check %s failed", name)
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    return all(result["ok"] for result in results.values()), results


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answers; nothing else is asked (no database)."""
    return JsonResponse({"status": "ok"})


@public
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Database, cache, file storage, task queue lag, worker heartbeat and what the apps
    registered (pending SMS): 200 when every check
    passes, 503 when one fails."""
    ok, checks = run_checks()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
