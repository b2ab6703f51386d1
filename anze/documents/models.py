"""Every uploaded file of the platform. Other apps hold a ForeignKey to :class:`Document`; create one only
through :mod:`anze.documents.services`, serve one only through :func:`anze.documents.responses.document_response`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .validation import CONTENT_TYPE_MP4, CONTENT_TYPE_PDF, EXTENSION_FOR_CONTENT_TYPE, IMAGE, PDF, VIDEO


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", "营业执照"
    LEGAL_ID = "legal_id", "法人身份证"
    PAYMENT_NOTICE = "payment_notice", "付款通知书"
    PAYMENT_VOUCHER = "payment_voucher", "付款凭证"
    POLICY = "policy", "保单文件"
    INVOICE = "invoice", "发票文件"
    CONTRACT = "contract", "合同文件"
    SERVICE_REPORT = "service_report", "服务报告"
    PHOTO = "photo", "现场照片"
    VIDEO = "video", "现场视频"
    OTHER = "other", "其他"


# The widest set of formats each kind may hold; a form may narrow it (付款通知书: accept={"pdf"}), never widen
# it. Scans and phone photos are accepted where paper originals are common.
KIND_ACCEPT: dict[str, frozenset[str]] = {
    DocumentKind.BUSINESS_LICENCE: frozenset({PDF, IMAGE}),
    DocumentKind.LEGAL_ID: frozenset({PDF, IMAGE}),
    DocumentKind.PAYMENT_NOTICE: frozenset({PDF, IMAGE}),
    DocumentKind.PAYMENT_VOUCHER: frozenset({PDF, IMAGE}),
    DocumentKind.POLICY: frozenset({PDF}),
    DocumentKind.INVOICE: frozenset({PDF}),
    DocumentKind.CONTRACT: frozenset({PDF}),
    DocumentKind.SERVICE_REPORT: frozenset({PDF, IMAGE}),
    DocumentKind.PHOTO: frozenset({IMAGE}),
    DocumentKind.VIDEO: frozenset({VIDEO}),
    DocumentKind.OTHER: frozenset({PDF, IMAGE}),
}

ORIGINAL_NAME_MAX = 200


def document_upload_to(instance: Document, filename: str) -> str:
    """docs/2026/11/<uuid hex>.pdf — the user's file name never reaches the storage (it may hold path tricks,
    reserved device names or characters the storage cannot take); the extension comes from the content."""
    created = timezone.localtime(instance.created_at)
    extension = EXTENSION_FOR_CONTENT_TYPE.get(instance.content_type, "")
    return f"docs/{created:%Y/%m}/{instance.uuid.hex}{extension}"


class DocumentImmutableError(Exception):
    """A document is never changed once created: upload a new one and point to it instead."""


class Document(models.Model):
    uuid = models.UUIDField("文件编号", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="上传机构",
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("文件类型", max_length=30, choices=DocumentKind.choices)
    original_name = models.CharField("文件名", max_length=ORIGINAL_NAME_MAX)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("文件", upload_to=document_upload_to, max_length=255)
    created_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "文件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DocumentImmutableError(f"文件 {self.uuid} 已保存，不能修改")
        super().save(*args, **kwargs)

    @property
    def is_pdf(self) -> bool:
        return self.content_type == CONTENT_TYPE_PDF

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.content_type == CONTENT_TYPE_MP4


# A file that passed its checks in a form refused for another reason is kept this long for its user.
KEPT_FOR_HOURS = 24
KEPT_PREFIX = "tmp/uploads"


def kept_upload_to(instance: KeptUpload, filename: str) -> str:
    """tmp/uploads/<uuid hex>.pdf: apart from the documents, so a sweep (or a bucket's lifecycle rule) can
    clean the prefix; the user's file name never reaches the storage."""
    extension = EXTENSION_FOR_CONTENT_TYPE.get(instance.content_type, "")
    return f"{KEPT_PREFIX}/{instance.uuid.hex}{extension}"


def _kept_until() -> Any:
    return timezone.now() + timedelta(hours=KEPT_FOR_HOURS)


class KeptUpload(models.Model):
    """A temporary upload: a file that passed its field's checks, kept for its user while the form is refused
    for another reason (保单编号已存在, …), so it need not be picked again. It becomes a :class:`Document` when
    the form succeeds (:func:`anze.documents.services.document_create` deletes the row then) and is removed by
    ``manage.py sweep_uploads`` once expired. Only its owner can use it, through a signed token
    (:mod:`anze.documents.kept`)."""

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="上传机构", on_delete=models.CASCADE, related_name="+"
    )
    accept = models.CharField("允许格式", max_length=30)
    original_name = models.CharField("文件名", max_length=ORIGINAL_NAME_MAX)
    content_type = models.CharField("内容类型", max_length=100)
    size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    file = models.FileField("文件", upload_to=kept_upload_to, max_length=255)
    created_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("过期时间", default=_kept_until, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "暂存文件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()
