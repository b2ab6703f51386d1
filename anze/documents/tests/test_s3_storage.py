"""Every stored file in an S3 bucket (``ANZE_STORAGE=s3``), against a real S3 server (SeaweedFS): uploads
stream to the bucket, downloads stream from it through the permission-checked view (Range for videos), the
objects are private, and a 200 MB video upload does not grow the web process's memory by more than 30 MB."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.test import Client

from anze.documents import testing
from anze.documents.models import Document
from anze.documents.services import document_create, document_from_bytes
from anze.documents.storage import PrivateS3Storage, S3ObjectReader
from anze.documents.tests.seaweedfs import SeaweedFS

logger = logging.getLogger(__name__)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("anze.documents.tests.urls")]

VIDEO_SIZE = 300_000
MB = 1024 * 1024
BIG_VIDEO_MB = 200
RSS_GROWTH_LIMIT_MB = 30


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    # The test client closes the response once its streaming content is consumed.
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_default_storage_is_the_bucket(s3_storage: str) -> None:
    assert isinstance(storages["default"], PrivateS3Storage)


def test_an_uploaded_video_is_stored_in_the_bucket_and_served_with_ranges(
    s3_storage: str, seaweedfs: SeaweedFS, enterprise
) -> None:
    data = testing.mp4_bytes(size=VIDEO_SIZE)
    client = enterprise.client(enterprise.admin)
    response = client.post("/video/", {"video": testing.upload("现场视频.mp4", data), "remark": "巡查"})
    assert response.status_code == 201, response.content.decode()
    document = Document.objects.get(uuid=response.json()["uuid"])
    assert seaweedfs.keys(s3_storage) == [document.file.name]
    assert document.sha256 == hashlib.sha256(data).hexdigest()

    whole = client.get(f"/files/{document.uuid}/?inline=1")
    assert whole.status_code == 200 and whole["Content-Length"] == str(VIDEO_SIZE)
    assert body(whole) == data

    ranged = client.get(f"/files/{document.uuid}/?inline=1", headers={"range": "bytes=200000-200099"})
    assert ranged.status_code == 206
    assert ranged["Content-Range"] == f"bytes 200000-200099/{VIDEO_SIZE}"
    assert body(ranged) == data[200000:200100]
    tail = client.get(f"/files/{document.uuid}/?inline=1", headers={"range": "bytes=-10"})
    assert tail.status_code == 206 and body(tail) == data[-10:]
    past = client.get(f"/files/{document.uuid}/?inline=1", headers={"range": f"bytes={VIDEO_SIZE}-"})
    assert past.status_code == 416

    # Another organisation's user asks for the same UUID: not found, nothing read from the bucket for them.
    assert enterprise.client(enterprise.other_org_admin).get(f"/files/{document.uuid}/").status_code == 404


def test_a_stored_object_is_not_publicly_readable(s3_storage: str, seaweedfs: SeaweedFS, org) -> None:
    document = document_from_bytes(organisation=org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf")
    for url in (
        f"{seaweedfs.endpoint_url}/{s3_storage}/{document.file.name}",
        f"{seaweedfs.endpoint_url}/{s3_storage}",
    ):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)  # unsigned: anonymous
        assert refused.value.code == 403
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018  (no URL is ever given out)


def test_a_missing_object_is_a_404_not_a_500(s3_storage: str, seaweedfs: SeaweedFS, enterprise) -> None:
    document = document_from_bytes(
        organisation=enterprise.org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf"
    )
    seaweedfs.client().delete_object(Bucket=s3_storage, Key=document.file.name)
    response = enterprise.client(enterprise.admin).get(f"/files/{document.uuid}/")
    assert response.status_code == 404


def test_a_refused_or_failed_save_leaves_no_object(
    s3_storage: str, seaweedfs: SeaweedFS, org, monkeypatch
) -> None:
    """A file stored but its row not saved (the database fails) is removed from the bucket: no orphan."""

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database down")

    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(RuntimeError):
        document_from_bytes(organisation=org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf")
    assert seaweedfs.keys(s3_storage) == []


def test_the_reader_seeks_and_reads_like_a_file(s3_storage: str, org) -> None:
    data = testing.mp4_bytes(size=VIDEO_SIZE)
    document = document_from_bytes(organisation=org, kind="video", data=data, name="v.mp4")
    with document.file.storage.open(document.file.name, "rb") as handle:
        assert isinstance(handle, S3ObjectReader) and handle.size == VIDEO_SIZE
        assert handle.read(4) == data[:4]
        handle.seek(-4, 2)
        assert handle.read() == data[-4:]
        handle.seek(1000)
        assert handle.read(10) == data[1000:1010] and handle.tell() == 1010
        assert handle.read(0) == b""


# --- memory: a 200 MB video streams to the bucket -----------------------------------------------------------
def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _multipart_video_body(path: Path, boundary: str, size: int) -> int:
    mp4_head = testing.mp4_bytes(size=1024)
    mdat_start = mp4_head.index(b"mdat") - 4
    prefix = mp4_head[:mdat_start]
    media = size - len(prefix) - 8
    with path.open("wb") as out:
        out.write(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="remark"\r\n\r\n巡查\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="big.mp4"\r\n'
                "Content-Type: video/mp4\r\n\r\n"
            ).encode()
        )
        out.write(prefix + (media + 8).to_bytes(4, "big") + b"mdat")
        block = bytes(range(1, 256)) * (MB // 255 + 1)
        left = media
        while left:
            out.write(block[: min(MB, left)])
            left -= min(MB, left)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return path.stat().st_size


def test_a_200_mb_video_upload_streams_to_the_bucket_in_bounded_memory(
    s3_storage: str, seaweedfs: SeaweedFS, enterprise, settings
) -> None:
    size = BIG_VIDEO_MB * MB
    settings.VIDEO_UPLOAD_MAX_BYTES = size + MB
    boundary = "anzeboundary7f3a"
    with tempfile.TemporaryDirectory() as scratch:
        request_body = Path(scratch) / "body"
        length = _multipart_video_body(request_body, boundary, size)
        client: Client = enterprise.client(enterprise.admin)
        client.get("/files/00000000-0000-0000-0000-000000000000/")  # warm up: imports, connections
        rss_before = _status_kb("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # peak RSS (VmHWM) starts again from now
        with request_body.open("rb") as stream:
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO="/video/",
                CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
                CONTENT_LENGTH=str(length),
                **{"wsgi.input": stream},
            )
        peak = _status_kb("VmHWM")
    growth_mb = (peak - rss_before) / 1024
    print(
        f"\n200 MB video upload to S3: peak RSS growth {growth_mb:.1f} MB (before {rss_before / 1024:.0f} MB)"
    )
    assert response.status_code == 201, response.content[:500]
    document = Document.objects.get(uuid=response.json()["uuid"])
    head = seaweedfs.client().head_object(Bucket=s3_storage, Key=document.file.name)
    assert head["ContentLength"] == size == document.size
    assert growth_mb <= RSS_GROWTH_LIMIT_MB


def test_document_create_streams_from_the_temporary_upload_file(s3_storage: str, org) -> None:
    """A TemporaryUploadedFile is read part by part (never ``read()`` whole)."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    data = testing.mp4_bytes(size=20 * MB)
    upload = TemporaryUploadedFile("v.mp4", "video/mp4", len(data), None)
    upload.write(data)
    upload.seek(0)
    reads: list[int] = []
    original = upload.file.read

    def counting(size: int = -1) -> bytes:
        chunk = original(size)
        reads.append(len(chunk))
        return chunk

    upload.file.read = counting  # type: ignore[method-assign]
    document = document_create(organisation=org, uploaded_by=None, kind="video", upload=upload)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert max(reads) <= 8 * MB
