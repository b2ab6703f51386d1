"""One upload of an import (批量导入): its files, where it stands, and what it did — the row the import page
polls while the worker checks and writes it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportKind(models.TextChoices):
    """What is imported; each kind is an importer of the app that owns that data (``services.Importer``)."""

    OFFLINE_ORDERS = "offline_orders", "线下订单批量导入"
    REGISTER = "register", "高危行业企业名录导入"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    CHECKING = "checking", "校验中"
    WRITING = "writing", "导入中"
    REFUSED = "refused", "校验未通过"
    DONE = "done", "导入成功"
    FAILED = "failed", "导入失败"


RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
STATUS_TONE: dict[str, str] = {
    ImportStatus.QUEUED: "info",
    ImportStatus.CHECKING: "primary",
    ImportStatus.WRITING: "primary",
    ImportStatus.REFUSED: "danger",
    ImportStatus.DONE: "success",
    ImportStatus.FAILED: "danger",
}


def _stored_name(instance: ImportBatch, extension: str) -> str:
    """imports/2026/12/<uuid hex>-<n>.xlsx: the user's file name never reaches the storage."""
    created = timezone.localtime(instance.created_at)
    return f"imports/{created:%Y/%m}/{instance.uuid.hex}-{uuid.uuid4().hex[:8]}{extension}"


def workbook_upload_to(instance: ImportBatch, filename: str) -> str:
    return _stored_name(instance, ".xlsx")


def archive_upload_to(instance: ImportBatch, filename: str) -> str:
    return _stored_name(instance, ".zip")


class ImportBatch(models.Model):
    """An uploaded workbook (and, for the offline orders, the zip of their PDFs), checked as a whole and
    imported in one transaction — or handed back annotated (``error_report``) with nothing imported."""

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("导入类型", max_length=20, choices=ImportKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="机构", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    workbook = models.FileField("导入文件", upload_to=workbook_upload_to, max_length=255)
    workbook_name = models.CharField("导入文件名", max_length=200)
    archive = models.FileField("附件压缩包", upload_to=archive_upload_to, max_length=255, blank=True)
    archive_name = models.CharField("附件压缩包文件名", max_length=200, blank=True)
    error_report = models.FileField("错误说明文件", upload_to=workbook_upload_to, max_length=255, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    checked_rows = models.PositiveIntegerField("已校验行数", default=0)
    error_rows = models.PositiveIntegerField("错误行数", default=0)
    summary = models.JSONField("导入结果", default=dict, blank=True)
    check_seconds = models.FloatField("校验耗时（秒）", null=True, blank=True)
    write_seconds = models.FloatField("导入耗时（秒）", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导入"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The import page's recent imports of one organisation and kind.
            models.Index(fields=["organisation", "kind", "-created_at", "-id"], name="import_batch_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.workbook_name}"

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def tone(self) -> str:
        return STATUS_TONE.get(self.status, "info")

    @property
    def progress(self) -> int:
        """Percent shown on the progress bar: checking is the first half, writing the second."""
        if self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED):
            return 100
        if self.status == ImportStatus.WRITING:
            return 60
        if self.status == ImportStatus.CHECKING and self.total_rows:
            return min(50, 5 + 45 * self.checked_rows // self.total_rows)
        return 0
