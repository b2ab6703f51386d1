"""The upload form of an import: the filled-in workbook, and for the offline orders the zip of their PDFs.

Checked here only as files (type by content, size); what is in them is the importer's check, in the worker."""

from __future__ import annotations

import posixpath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from anze.core.forms import StyledFormMixin
from anze.documents.uploadhandlers import OversizedUpload
from anze.documents.validation import format_size

WORKBOOK_MAX_BYTES = 20 * 1024 * 1024
# The zip of an offline import's PDFs: with the workbook, within the largest body the platform takes (200 MB, a
# video's), so that the same nginx and gunicorn limits serve it (deploy/nginx/anze.conf).
ARCHIVE_MAX_BYTES = 175 * 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an .xlsx is a zip too; an empty zip starts with its end record


def _checked(upload: UploadedFile, *, extension: str, limit: int, type_message: str) -> UploadedFile:
    if isinstance(upload, OversizedUpload) or (upload.size or 0) > limit:
        raise forms.ValidationError(f"文件大小不能超过{format_size(limit)}")
    if not upload.size:
        raise forms.ValidationError("文件为空")
    if posixpath.splitext(upload.name or "")[1].lower() != extension:
        raise forms.ValidationError(type_message)
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head not in _ZIP_MAGIC:
        raise forms.ValidationError(type_message)
    return upload


class ImportForm(StyledFormMixin, forms.Form):
    workbook = forms.FileField(
        label="导入文件",
        error_messages={"required": "请选择填写好的Excel文件", "empty": "文件为空"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        help_text=f"使用下载的模板填写，.xlsx格式，不超过{format_size(WORKBOOK_MAX_BYTES)}",
    )
    archive = forms.FileField(
        label="附件压缩包",
        required=False,
        error_messages={"empty": "文件为空"},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
        help_text=(
            "出函的行所需的保单、发票、合同PDF打包成一个.zip，表格中写压缩包内的文件名；"
            f"不超过{format_size(ARCHIVE_MAX_BYTES)}，每个文件不超过10MB"
        ),
    )

    def __init__(self, *args: Any, with_archive: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_archive:
            del self.fields["archive"]

    def clean_workbook(self) -> UploadedFile:
        return _checked(
            self.cleaned_data["workbook"],
            extension=".xlsx",
            limit=WORKBOOK_MAX_BYTES,
            type_message="只能上传.xlsx格式的Excel文件（请使用下载的模板填写）",
        )

    def clean_archive(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("archive")
        if not upload:
            return None
        return _checked(
            upload, extension=".zip", limit=ARCHIVE_MAX_BYTES, type_message="附件只能上传.zip压缩包"
        )
