from __future__ import annotations

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from anze.documents import testing
from anze.documents.models import Document
from anze.documents.uploadhandlers import OversizedUpload, SizeLimitUploadHandler, set_upload_limit

MB = 1024 * 1024
WITH_LIMIT_HANDLER = [
    "anze.documents.uploadhandlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DJANGO_DEFAULT = WITH_LIMIT_HANDLER[1:]


# --- the handler inside Django's multipart parser ----------------------------------------------------------
class RecordingHandler(FileUploadHandler):
    """Stands for the storing handlers: keeps what it is given."""

    chunk_size = 256

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        self.files.append(self.file)
        self.received.append(0)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.file.write(raw_data)
        self.received[-1] += len(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        return SimpleUploadedFile(self.file_name, self.file.getvalue())


class FakeRequest:
    def __init__(self) -> None:
        self.upload_handlers: list[FileUploadHandler] = []


def parse(fields: dict, limit: int) -> tuple[dict, dict, RecordingHandler]:
    body = encode_multipart(BOUNDARY, fields)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    request = FakeRequest()
    limiter = SizeLimitUploadHandler(request, max_bytes=limit)
    limiter.chunk_size = 256  # small chunks, so that "stopped near the limit" is measurable
    recorder = RecordingHandler(request)
    recorder.files, recorder.received = [], []
    request.upload_handlers = [limiter, recorder]
    post, files = MultiPartParser(meta, io.BytesIO(body), request.upload_handlers).parse()
    return post, files, recorder


def test_it_stops_passing_a_file_on_past_its_limit() -> None:
    post, files, recorder = parse(
        {"before": "前", "doc": testing.upload("大.pdf", b"x" * 5000), "after": "后"}, limit=1000
    )
    assert isinstance(files["doc"], OversizedUpload)
    assert files["doc"].size == 5000 and files["doc"].limit == 1000
    assert recorder.received[0] <= 1000  # the storing handler stopped getting bytes at the limit
    assert recorder.files[0].closed  # and its partial copy was closed (a temporary file: deleted)
    assert post["before"] == "前" and post["after"] == "后"  # the fields after the file are still parsed


def test_it_passes_a_file_of_exactly_the_limit_through() -> None:
    _, files, _ = parse({"doc": testing.upload("刚好.pdf", b"y" * 1000)}, limit=1000)
    assert not isinstance(files["doc"], OversizedUpload)
    assert files["doc"].read() == b"y" * 1000


def test_it_counts_each_file_separately_and_closes_only_the_partial_copy() -> None:
    _, files, recorder = parse(
        {
            "first": testing.upload("小.pdf", b"a" * 900),
            "big": testing.upload("大.pdf", b"x" * 1500),
            "small": testing.upload("小.pdf", b"z" * 900),
        },
        limit=1000,
    )
    assert isinstance(files["big"], OversizedUpload)
    assert files["first"].read() == b"a" * 900
    assert files["small"].read() == b"z" * 900
    assert [copy.closed for copy in recorder.files] == [False, True, False]


def test_it_refuses_to_let_anything_read_a_discarded_upload() -> None:
    upload = OversizedUpload(
        name="大.pdf", content_type="application/pdf", size=11 * MB, limit=10 * MB, charset=None
    )
    with pytest.raises(OSError):
        upload.read()
    with pytest.raises(OSError):
        b"".join(upload.chunks())
    upload.close()  # HttpRequest.close() closes every upload: must not fail


# --- choosing the limit ------------------------------------------------------------------------------------
def test_it_sets_the_limit_on_the_configured_handler(settings, rf: RequestFactory) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    request = rf.post("/", {"a": "1"})
    set_upload_limit(request, 5 * MB)
    limiters = [h for h in request.upload_handlers if isinstance(h, SizeLimitUploadHandler)]
    assert len(request.upload_handlers) == 3
    assert [h.max_bytes for h in limiters] == [5 * MB]


def test_it_adds_a_handler_when_settings_lack_one(settings, rf: RequestFactory) -> None:
    settings.FILE_UPLOAD_HANDLERS = DJANGO_DEFAULT
    request = rf.post("/", {"a": "1"})
    set_upload_limit(request, 5 * MB)
    assert isinstance(request.upload_handlers[0], SizeLimitUploadHandler)
    assert request.upload_handlers[0].max_bytes == 5 * MB


def test_it_refuses_to_set_a_limit_once_the_body_was_read(rf: RequestFactory) -> None:
    request = rf.post("/", {"a": "1"})
    assert request.POST["a"] == "1"
    with pytest.raises(RuntimeError):
        set_upload_limit(request, 5 * MB)


# --- through real requests -----------------------------------------------------------------------------------
@pytest.fixture
def spy_stored_bytes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes the temporary-file handler was given, per chunk: what reached the disk."""
    seen: list[int] = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def receive(self: TemporaryFileUploadHandler, raw_data: bytes, start: int) -> None:
        seen.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", receive)
    return seen


@pytest.fixture
def temporary_files(monkeypatch: pytest.MonkeyPatch) -> list[TemporaryUploadedFile]:
    """The temporary files the upload created."""
    created: list[TemporaryUploadedFile] = []
    original = TemporaryFileUploadHandler.new_file

    def new_file(self: TemporaryFileUploadHandler, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        created.append(self.file)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", new_file)
    return created


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return match.group(1) if match else None


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_shows_the_size_error_beside_the_field_for_10mb_and_one_byte(
    enterprise, settings, spy_stored_bytes, temporary_files
) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    client = enterprise.client(enterprise.admin)
    too_big = testing.upload(
        "保单.pdf", testing.pdf_bytes() + b"\n" * (10 * MB + 1 - len(testing.pdf_bytes()))
    )
    # The remark comes after the file in the body: parsing must go on past the discarded file.
    response = client.post("/policy/", {"policy": too_big, "remark": "第二次上传"})
    assert response.status_code == 422
    html = response.content.decode()
    assert '<div class="invalid-feedback d-block">文件大小不能超过10MB</div>' in html
    assert field_value(html, "remark") == "第二次上传"
    assert sum(spy_stored_bytes) <= 10 * MB
    [partial] = temporary_files
    assert partial.closed and not os.path.exists(partial.temporary_file_path())  # the partial copy is gone
    assert not Document.objects.exists()


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_stores_a_pdf_of_exactly_10mb(enterprise, settings) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    client = enterprise.client(enterprise.admin)
    data = testing.pdf_bytes(size=10 * MB)
    response = client.post("/policy/", {"policy": testing.upload("保单.pdf", data), "remark": "正好"})
    assert response.status_code == 201, response.content[:500]
    assert Document.objects.get().size == 10 * MB


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_cuts_an_oversized_video_at_the_video_limit(enterprise, settings, spy_stored_bytes) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    settings.VIDEO_UPLOAD_MAX_BYTES = 1 * MB  # the same path as 200 MB + 1, without sending 200 MB
    client = enterprise.client(enterprise.admin)
    response = client.post(
        "/video/", {"video": testing.upload("现场.mp4", testing.mp4_bytes(size=MB + 1)), "remark": "巡查"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "文件大小不能超过1MB" in html
    assert "只能上传mp4视频，且不超过1MB" in html  # the hint tells the same limit
    assert field_value(html, "remark") == "巡查"
    assert sum(spy_stored_bytes) <= MB


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_accepts_a_video_larger_than_10mb_where_the_view_raised_the_limit(
    enterprise, settings, spy_stored_bytes
) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    client = enterprise.client(enterprise.admin)
    data = testing.mp4_bytes(size=11 * MB)
    response = client.post("/video/", {"video": testing.upload("现场.mp4", data), "remark": "巡查"})
    assert response.status_code == 201, response.content[:500]
    document = Document.objects.get()
    assert (document.size, document.content_type) == (11 * MB, "video/mp4")
    assert sum(spy_stored_bytes) == 11 * MB


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_raises_the_limit_for_a_class_based_view(enterprise, settings) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    settings.UPLOAD_MAX_BYTES = 1 * MB
    client = enterprise.client(enterprise.admin)
    data = testing.mp4_bytes(size=2 * MB)
    response = client.post("/video-cbv/", {"video": testing.upload("现场.mp4", data), "remark": "巡查"})
    assert response.status_code == 201, response.content[:500]


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_limits_a_decorated_view_even_without_the_handler_in_settings(
    enterprise, settings, caplog
) -> None:
    settings.FILE_UPLOAD_HANDLERS = DJANGO_DEFAULT
    client = enterprise.client(enterprise.admin)
    photo = testing.png_bytes() + b"\x00" * (100 * 1024)
    response = client.post("/photo-small/", {"photo": testing.upload("现场.png", photo), "remark": "照片"})
    assert response.status_code == 422
    assert "文件大小不能超过64KB" in response.content.decode()
    assert "upload_limit" in caplog.text


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_keeps_csrf_protection_on_a_decorated_view(enterprise, settings) -> None:
    settings.FILE_UPLOAD_HANDLERS = WITH_LIMIT_HANDLER
    client = Client(enforce_csrf_checks=True)
    client.force_login(enterprise.admin)
    fields = {"video": testing.upload("现场.mp4", testing.mp4_bytes()), "remark": "巡查"}
    assert client.post("/video/", fields).status_code == 403

    page = client.get("/video/")
    assert page.status_code == 200
    token = field_value(page.content.decode(), "csrfmiddlewaretoken")
    fields = {
        "video": testing.upload("现场.mp4", testing.mp4_bytes()),
        "remark": "巡查",
        "csrfmiddlewaretoken": token,
    }
    assert client.post("/video/", fields).status_code == 201
