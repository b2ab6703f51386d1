from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from anze.documents import testing
from anze.documents.models import Document
from anze.documents.responses import RangeNotSatisfiable, document_among, document_response, parse_range
from anze.documents.services import document_from_bytes

VIDEO_SIZE = 5000


@pytest.fixture
def policy(org) -> Document:
    return document_from_bytes(
        organisation=org, kind="policy", data=testing.pdf_bytes(), name="保单（2026）.pdf"
    )


@pytest.fixture
def video(org) -> Document:
    return document_from_bytes(
        organisation=org, kind="video", data=testing.mp4_bytes(size=VIDEO_SIZE), name="现场视频.mp4"
    )


def body(response) -> bytes:
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()


def get(rf: RequestFactory, document: Document, *, inline: bool = False, **headers: str):
    return document_response(rf.get("/", headers=headers), document, inline=inline)


def test_it_sends_an_attachment_with_the_chinese_name(rf, policy) -> None:
    response = get(rf, policy)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("保单（2026）.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(policy.size)
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == testing.pdf_bytes()


def test_it_sends_inline_for_a_preview(rf, policy) -> None:
    response = get(rf, policy, inline=True)
    assert response["Content-Disposition"] == "inline; filename*=utf-8''" + quote("保单（2026）.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    body(response)


def test_it_quotes_a_plain_ascii_name(rf, org) -> None:
    document = document_from_bytes(
        organisation=org, kind="policy", data=testing.pdf_bytes(), name='policy "v2".pdf'
    )
    response = get(rf, document)
    assert response["Content-Disposition"] == 'attachment; filename="policy \\"v2\\".pdf"'
    body(response)


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=4900-", 4900, VIDEO_SIZE - 1),
        ("bytes=-100", VIDEO_SIZE - 100, VIDEO_SIZE - 1),
        ("bytes=4990-999999", 4990, VIDEO_SIZE - 1),
        ("bytes=-999999", 0, VIDEO_SIZE - 1),
    ],
)
def test_it_serves_a_byte_range_of_a_video(rf, video, header: str, first: int, last: int) -> None:
    response = get(rf, video, inline=True, range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{VIDEO_SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == testing.mp4_bytes(size=VIDEO_SIZE)[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=5000-", "bytes=99999-100000", "bytes=-0"])
def test_it_answers_416_for_a_range_past_the_end(rf, video, header: str) -> None:
    response = get(rf, video, inline=True, range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{VIDEO_SIZE}"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "bytes=9-3", "items=0-9", "bytes=a-b", "bytes=-"])
def test_it_sends_the_whole_file_for_a_range_it_does_not_serve(rf, video, header: str) -> None:
    response = get(rf, video, inline=True, range=header)
    assert response.status_code == 200
    assert len(body(response)) == VIDEO_SIZE


def test_it_honours_if_range_only_for_the_current_file(rf, video) -> None:
    current = get(rf, video, range="bytes=0-9", if_range=f'"{video.sha256}"')
    assert current.status_code == 206
    body(current)
    stale = get(rf, video, range="bytes=0-9", if_range='"0000"')
    assert stale.status_code == 200
    body(stale)


def test_it_ignores_ranges_outside_get(rf, video) -> None:
    response = document_response(rf.head("/", headers={"range": "bytes=0-9"}), video)
    assert response.status_code == 200
    body(response)


def test_it_closes_the_file_even_when_the_body_is_never_read(rf, video, monkeypatch) -> None:
    opened = []
    original = FileSystemStorage.open

    def spy(self, name, mode="rb"):
        handle = original(self, name, mode)
        opened.append(handle)
        return handle

    monkeypatch.setattr(FileSystemStorage, "open", spy)
    get(rf, video, range="bytes=0-9").close()
    get(rf, video).close()
    get(rf, video, range="bytes=99999-").close()
    assert len(opened) == 3 and all(handle.closed for handle in opened)


def test_it_answers_404_when_the_stored_file_is_missing(rf, policy, storage_dir) -> None:
    (storage_dir / policy.file.name).unlink()
    with pytest.raises(Http404):
        get(rf, policy)


def test_it_finds_a_document_only_among_the_objects_own(org, policy, video) -> None:
    assert document_among([None, policy], str(policy.uuid)) == policy
    assert document_among([policy], policy.uuid) == policy
    with pytest.raises(Http404):
        document_among([policy, None], str(video.uuid))
    with pytest.raises(Http404):
        document_among([policy], "not-a-uuid")


@given(size=st.integers(1, 10_000), first=st.integers(0, 20_000), last=st.integers(0, 20_000))
def test_it_parses_any_range_within_the_file(size: int, first: int, last: int) -> None:
    for header in (f"bytes={first}-{last}", f"bytes={first}-", f"bytes=-{last}"):
        try:
            result = parse_range(header, size)
        except RangeNotSatisfiable:
            continue
        if result is not None:
            start, end = result
            assert 0 <= start <= end < size


# --- through the whole stack, from a domain view that fetched the document within its tenant ---------------
@pytest.mark.urls("anze.documents.tests.urls")
def test_it_streams_a_video_range_through_a_view(enterprise) -> None:
    document = document_from_bytes(
        organisation=enterprise.org,
        kind="video",
        data=testing.mp4_bytes(size=VIDEO_SIZE),
        name="巡查视频.mp4",
    )
    client = enterprise.client(enterprise.admin)
    response = client.get(f"/files/{document.uuid}/?inline=1", headers={"range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{VIDEO_SIZE}"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''" + quote("巡查视频.mp4")
    assert body(response) == testing.mp4_bytes(size=VIDEO_SIZE)[100:200]


@pytest.mark.urls("anze.documents.tests.urls")
def test_it_gives_another_organisation_404(enterprise) -> None:
    document = document_from_bytes(
        organisation=enterprise.org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf"
    )
    response = enterprise.client(enterprise.other_org_admin).get(f"/files/{document.uuid}/")
    assert response.status_code == 404
