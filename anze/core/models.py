"""Operational state of the platform itself (no business data)."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row per running task worker (``manage.py worker``), touched every ANZE_WORKER_HEARTBEAT_SECONDS by a
    thread of the worker process. ``/readyz`` fails when the newest beat is older than the threshold."""

    worker_id = models.CharField("工作进程", max_length=64, unique=True)
    hostname = models.CharField("主机", max_length=255, blank=True)
    pid = models.PositiveIntegerField("进程号", default=0)
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("最近心跳", db_index=True)

    class Meta:
        verbose_name = "任务进程心跳"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
