"""下载中心: an export of a list too large to build inside the request, built by the worker and kept 24 hours.

An :class:`Export` is requested by one user (``anze.downloads.responses.export_response``), built by the task
``build_export`` under that user's permissions at the time it runs (``anze.downloads.tasks``), and served only
to that user (``anze.downloads.views``). Its file lives in the private storage (the documents' default storage:
a local folder or an S3 bucket), under ``exports/``, never behind a URL of its own.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils import timezone

# A finished export's file is kept this long; then the sweep deletes it (the row stays, 已过期, a while longer).
KEPT_FOR_HOURS = 24
EXPORTS_PREFIX = "exports"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    EXPIRED = "expired", "已过期"


PENDING = (ExportStatus.QUEUED, ExportStatus.RUNNING)

# Tag colour of each status (docs/spec/UI.md): waiting → warning, done → success, failed → danger, gone → info.
STATUS_TONE: dict[str, str] = {
    ExportStatus.QUEUED: "warning",
    ExportStatus.RUNNING: "primary",
    ExportStatus.DONE: "success",
    ExportStatus.FAILED: "danger",
    ExportStatus.EXPIRED: "info",
}


def export_upload_to(instance: Export, filename: str) -> str:
    """exports/<uuid hex>.xlsx: apart from the documents, so that a sweep (or a bucket's lifecycle rule) can
    clean the prefix; the list's name is given to the browser by the download view, never to the storage."""
    return f"{EXPORTS_PREFIX}/{instance.uuid.hex}.xlsx"


class Export(models.Model):
    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属机构", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("导出类型", max_length=60)  # a key of anze.downloads.registry
    label = models.CharField("名称", max_length=60)  # 订单列表, 保单列表, …: the sheet and the file's name
    # The list's query string when the export was asked for (key → values): the worker reads it with the
    # list's own search form, as the list would.
    filters = models.JSONField("查询条件", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已生成行数", default=0)
    file = models.FileField("文件", upload_to=export_upload_to, max_length=255, blank=True)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    error = models.CharField("失败原因", max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField("生成次数", default=0)
    # queued: when the sweep may take its task for lost and enqueue it again; running: the end of the worker's
    # claim, moved on with every progress update (a worker that died stops moving it).
    lease_until = models.DateTimeField("租约到期", null=True, blank=True)
    created_at = models.DateTimeField("导出时间", default=timezone.now, editable=False)
    started_at = models.DateTimeField("开始生成", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # done: the file is deleted then; failed, expired: the row is forgotten some days later.
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="export_user_idx"),
            models.Index(fields=["status", "lease_until"], name="export_lease_idx"),
            models.Index(fields=["status", "expires_at"], name="export_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def tone(self) -> str:
        return STATUS_TONE[self.status]

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    def is_downloadable(self, now: datetime | None = None) -> bool:
        return (
            self.status == ExportStatus.DONE
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > (now or timezone.now())
        )

    def params(self) -> QueryDict:
        """The list's query string as it was asked for."""
        query = QueryDict(mutable=True)
        for key, values in (self.filters or {}).items():
            query.setlist(str(key), [str(value) for value in values])
        return query
