"""The files of the service archive: a service report (PDF), photos and videos (MP4) of a record, an
inspection or a hazard — the content checked by type, stored as ``documents.Document`` and linked by an
``Attachment``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from anze.accounts.models import Organisation, User
from anze.core.errors import Refused
from anze.documents.models import DocumentKind
from anze.documents.services import document_create
from anze.documents.validation import CONTENT_TYPE_MP4, CONTENT_TYPE_PDF, validate_upload

from .models import Attachment

ATTACHMENTS = ("pdf", "image", "video")


def _kind_of(upload: UploadedFile, field: str) -> str:
    """The document kind of an upload by its content: a PDF is a service report, an MP4 a video, else a photo."""
    try:
        content_type = validate_upload(upload, accept=ATTACHMENTS)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field) from None
    if content_type == CONTENT_TYPE_PDF:
        return DocumentKind.SERVICE_REPORT
    if content_type == CONTENT_TYPE_MP4:
        return DocumentKind.VIDEO
    return DocumentKind.PHOTO


def attach(
    *,
    actor: User,
    service_org: Organisation,
    upload: UploadedFile,
    field: str = "file",
    kind: str | None = None,
    caption: str = "",
    **owner: Any,
) -> Attachment:
    """Store an upload (report PDF, photo or MP4, streamed to storage) as a file of ``record=``,
    ``inspection=`` or ``hazard=``; a content problem refuses at ``field``."""
    try:
        document = document_create(
            organisation=actor.organisation,
            uploaded_by=actor,
            kind=kind or _kind_of(upload, field),
            upload=upload,
        )
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field) from None
    return Attachment.objects.create(
        document=document, service_org=service_org, caption=caption[:100], **owner
    )


@dataclass
class Uploads:
    """The files of a record form: 服务报告 (PDF), 现场照片, 现场视频 — each optional."""

    report: UploadedFile | None = None
    photo: UploadedFile | None = None
    video: UploadedFile | None = None

    def attach_to(self, actor: User, service_org: Organisation, **owner: Any) -> list[Attachment]:
        kinds = (
            ("report", DocumentKind.SERVICE_REPORT, "服务报告"),
            ("photo", DocumentKind.PHOTO, "现场照片"),
            ("video", DocumentKind.VIDEO, "现场视频"),
        )
        return [
            attach(
                actor=actor,
                service_org=service_org,
                upload=upload,
                field=name,
                kind=kind,
                caption=caption,
                **owner,
            )
            for name, kind, caption in kinds
            if (upload := getattr(self, name)) is not None
        ]
