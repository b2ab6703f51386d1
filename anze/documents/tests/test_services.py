from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing
from anze.documents.models import Document, DocumentImmutableError
from anze.documents.services import _HashingFile, clean_original_name, document_create, document_from_bytes

from .conftest import stored_files

GENERATED = re.compile(r"^docs/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|jpg|png|mp4)$")


def test_it_stores_under_a_generated_name_never_the_users(org, uploader, storage_dir) -> None:
    data = testing.pdf_bytes("保单", ["保单号：PICC2026001"])
    upload = testing.upload("../../保单（2026）最终版.pdf", data)
    document = document_create(organisation=org, uploaded_by=uploader, kind="policy", upload=upload)

    assert GENERATED.match(document.file.name)
    assert document.uuid.hex in document.file.name
    assert f"docs/{timezone.localtime(document.created_at):%Y/%m}/" in document.file.name
    assert "保单" not in document.file.name
    assert document.original_name == "保单（2026）最终版.pdf"
    assert [path.read_bytes() for path in stored_files(storage_dir)] == [data]
    assert (storage_dir / document.file.name).is_file()


def test_it_records_size_type_digest_and_who(org, uploader) -> None:
    data = testing.pdf_bytes()
    document = document_create(
        organisation=org, uploaded_by=uploader, kind="policy", upload=testing.upload("保单.pdf", data)
    )
    document = Document.objects.get(pk=document.pk)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert (document.size, document.content_type, document.kind) == (len(data), "application/pdf", "policy")
    assert (document.organisation, document.uploaded_by) == (org, uploader)
    assert document.is_pdf and not document.is_video


def test_it_streams_a_temporary_upload_into_storage_and_hashes_it(org, uploader, storage_dir) -> None:
    data = testing.mp4_bytes(size=3 * 1024 * 1024)
    upload = TemporaryUploadedFile("现场.mp4", "video/mp4", len(data), None)
    upload.write(data)
    upload.seek(0)
    document = document_create(organisation=org, uploaded_by=uploader, kind="video", upload=upload)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert (storage_dir / document.file.name).read_bytes() == data
    upload.close()


def test_it_names_the_stored_file_after_its_content(org) -> None:
    document = document_from_bytes(organisation=org, kind="photo", data=testing.jpeg_bytes(), name="现场.png")
    assert document.content_type == "image/jpeg"
    assert document.file.name.endswith(".jpg")
    assert document.original_name == "现场.png"


def test_it_validates_again_whatever_the_form_did(org, uploader, storage_dir) -> None:
    with pytest.raises(ValidationError, match="只能上传jpg/png文件"):
        document_create(
            organisation=org,
            uploaded_by=uploader,
            kind="photo",
            upload=testing.upload("现场.pdf", testing.pdf_bytes()),
        )
    with pytest.raises(ValidationError, match="文件内容不是有效的PDF文件"):
        document_create(
            organisation=org,
            uploaded_by=uploader,
            kind="policy",
            upload=testing.upload("保单.pdf", b"PK\x03\x04"),
        )
    assert not Document.objects.exists()
    assert stored_files(storage_dir) == []


def test_it_removes_the_stored_file_when_the_row_cannot_be_saved(
    org, uploader, storage_dir, monkeypatch
) -> None:
    def fail(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(IntegrityError):
        document_from_bytes(organisation=org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf")
    assert stored_files(storage_dir) == []


def test_it_keeps_documents_immutable(org) -> None:
    document = document_from_bytes(organisation=org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf")
    document.original_name = "改名.pdf"
    with pytest.raises(DocumentImmutableError):
        document.save()
    assert Document.objects.get().original_name == "保单.pdf"


def test_it_refuses_an_uploader_of_another_organisation(org) -> None:
    stranger = factories.user(factories.organisation(Side.INSURER))
    with pytest.raises(ValueError):
        document_create(
            organisation=org,
            uploaded_by=stranger,
            kind="policy",
            upload=testing.upload("保单.pdf", testing.pdf_bytes()),
        )


def test_it_refuses_an_unknown_kind(org) -> None:
    with pytest.raises(ValueError):
        document_from_bytes(organisation=org, kind="résumé", data=testing.pdf_bytes(), name="a.pdf")


def test_it_keeps_the_uploader_optional_for_generated_files(org) -> None:
    document = document_from_bytes(
        organisation=org, kind="invoice", data=testing.pdf_bytes("发票"), name="发票.pdf"
    )
    assert document.uploaded_by is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("安全生产责任保险保单.pdf", "安全生产责任保险保单.pdf"),
        ("C:\\Users\\张三\\Desktop\\营业执照.jpg", "营业执照.jpg"),
        ("报告\u202efdp.exe", "报告fdp.exe"),  # a right-to-left override would show "exe.pdf"
        ("  \t", "未命名文件"),
        ("..", "未命名文件"),
    ],
)
def test_it_cleans_the_original_name(name: str, expected: str) -> None:
    assert clean_original_name(name) == expected


def test_it_shortens_a_long_chinese_name_keeping_its_extension() -> None:
    name = clean_original_name("很长的文件名" * 50 + ".pdf")
    assert len(name) == 200
    assert name == ("很长的文件名" * 50)[:196] + ".pdf"


def test_it_hashes_only_an_in_order_read() -> None:
    data = b"0123456789" * 1000
    content = _HashingFile(File(io.BytesIO(data), name="a.bin"))
    assert b"".join(content.chunks(333)) == data
    assert content.hexdigest() == hashlib.sha256(data).hexdigest()
    content.seek(500)
    content.read()
    assert content.hexdigest() is None  # the caller then hashes the file itself
