"""``manage.py worker``: django-tasks-db's ``db_worker`` plus a heartbeat that ``/readyz`` checks.

A thread of the worker process writes its row of :class:`anze.core.models.WorkerHeartbeat` every
ANZE_WORKER_HEARTBEAT_SECONDS; a worker that hangs or dies stops beating, and ``/readyz`` answers 503 once the
newest beat is older than ANZE_HEALTH_HEARTBEAT_MAX_AGE. Code reloading (db_worker's ``--reload``) is off:
the reloader's parent process would beat for a child that may be dead.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from anze.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers gone for this long are removed by the beats of the others.
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str, started_at: Any) -> None:
    """Record that this worker is alive now (one upsert), and forget workers gone for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "beat_at": now},
        create_defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "beat_at": now,
            "started_at": started_at,
        },
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, every: float) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        # The first beat was written by the worker's main thread before this thread started.
        while not self.stopped.wait(self.every):
            try:
                beat(self.worker_id, self.started_at)
            except Exception:  # the database may be away for a moment: the next beat tries again
                logger.exception("worker heartbeat failed")
            finally:
                connection.close()  # this thread's own connection; not held between beats

    def stop(self) -> None:
        self.stopped.set()


class Command(DbWorkerCommand):
    help = "运行后台任务进程（django-tasks-db 的 db_worker，附带 /readyz 检查的心跳）"

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat-seconds",
            type=float,
            default=None,
            help="心跳间隔秒数（默认 ANZE_WORKER_HEARTBEAT_SECONDS）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options.pop("heartbeat_seconds") or settings.WORKER_HEARTBEAT_SECONDS
        options["reload"] = False
        heartbeat = Heartbeat(options["worker_id"], every)
        beat(heartbeat.worker_id, heartbeat.started_at)  # ready at once, not after the first interval
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)
