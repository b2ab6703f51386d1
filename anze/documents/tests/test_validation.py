from __future__ import annotations

import io
import re
from functools import cache

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from anze.documents import testing, validation
from anze.documents.uploadhandlers import OversizedUpload
from anze.documents.validation import validate_upload

from . import samples

MB = 1024 * 1024


@cache
def pdf_of_exactly(size: int) -> bytes:
    return testing.pdf_bytes(size=size)


def refusal(name: str, data: bytes, accept: set[str]) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(testing.upload(name, data), accept=accept)
    return caught.value.messages[0]


# --- PDF -----------------------------------------------------------------------------------------------------
def test_it_accepts_a_real_pdf() -> None:
    upload = testing.upload("保单.pdf", testing.pdf_bytes("保单", ["保单号：PICC2026001"]))
    assert validate_upload(upload, accept={"pdf"}) == "application/pdf"
    assert upload.tell() == 0  # left at the start, ready to be stored


def test_an_upload_is_read_once_for_the_same_formats(monkeypatch) -> None:
    """A form's field checks the upload, then ``document_create`` does: the contents are parsed once. Other
    formats, or a refused upload, are checked again."""
    parsed: list[str] = []
    check = validation._CHECKS["pdf"]
    monkeypatch.setitem(
        validation._CHECKS, "pdf", lambda upload, size: parsed.append(upload.name) or check(upload, size)
    )
    upload = testing.upload("保单.pdf", testing.pdf_bytes())
    assert (
        validate_upload(upload, accept={"pdf"})
        == validate_upload(upload, accept={"pdf"})
        == "application/pdf"
    )
    assert parsed == ["保单.pdf"] and upload.tell() == 0
    assert validate_upload(upload, accept={"pdf", "image"}) == "application/pdf"
    assert len(parsed) == 2
    with pytest.raises(ValidationError):
        validate_upload(upload, accept={"image"})
    broken = testing.upload("坏.pdf", b"%PDF-1.4 not a pdf")
    for _ in range(2):
        with pytest.raises(ValidationError):
            validate_upload(broken, accept={"pdf"})
    assert parsed.count("坏.pdf") == 2


def test_an_accepted_check_carries_only_to_the_same_name_and_size() -> None:
    upload = testing.upload("保单.pdf", testing.pdf_bytes())
    validate_upload(upload, accept={"pdf"})
    accepted = validation.accepted_as(upload)
    assert accepted is not None
    other = testing.upload("保单.pdf", b"%PDF-1.4 not a pdf")  # other bytes: another size
    validation.accept_again(other, accepted)
    with pytest.raises(ValidationError):
        validate_upload(other, accept={"pdf"})


def test_it_accepts_a_pdf_name_in_upper_case() -> None:
    assert (
        validate_upload(testing.upload("保单.PDF", testing.pdf_bytes()), accept={"pdf"}) == "application/pdf"
    )


def test_it_refuses_a_word_document_renamed_pdf() -> None:
    assert refusal("保单.pdf", samples.docx_bytes(), {"pdf"}) == "文件内容不是有效的PDF文件"


def test_it_refuses_png_content_named_pdf_on_a_pdf_field() -> None:
    assert refusal("保单.pdf", testing.png_bytes(), {"pdf"}) == "文件内容不是有效的PDF文件"


def test_it_refuses_png_content_named_pdf_even_where_images_are_accepted() -> None:
    assert refusal("营业执照.pdf", testing.png_bytes(), {"pdf", "image"}) == "文件内容不是有效的PDF文件"


def test_it_refuses_a_truncated_pdf() -> None:
    data = testing.pdf_bytes()
    assert refusal("保单.pdf", data[: len(data) // 2], {"pdf"}) == "PDF文件已损坏或不完整，无法打开"


def test_it_refuses_a_pdf_that_lost_its_last_bytes() -> None:
    assert refusal("保单.pdf", testing.pdf_bytes()[:-4], {"pdf"}) == "PDF文件已损坏或不完整，无法打开"


def test_it_refuses_a_corrupt_pdf_with_an_intact_ending() -> None:
    data = b"%PDF-1.4\n" + b"\x00garbage" * 200 + b"\nstartxref\n99999\n%%EOF\n"
    assert refusal("保单.pdf", data, {"pdf"}) == "PDF文件已损坏或不完整，无法打开"


def test_it_refuses_an_encrypted_pdf() -> None:
    assert refusal("保单.pdf", samples.encrypted_pdf(), {"pdf"}) == "PDF文件已加密，请上传未加密的文件"


def test_it_refuses_a_pdf_without_pages() -> None:
    assert refusal("保单.pdf", samples.pdf_without_pages(), {"pdf"}) == "PDF文件没有页面，请检查后重新上传"


ACTIVE = [
    samples.pdf_with_open_action_javascript,
    samples.pdf_with_javascript_names_tree,
    samples.pdf_with_launch_link,
    samples.pdf_with_page_additional_action,
    samples.pdf_with_attachment,
    samples.pdf_with_escaped_javascript_name,
    samples.pdf_with_submit_form_link,
    samples.pdf_with_rich_media_execute_link,
    samples.pdf_with_xfa_form,
    samples.pdf_with_embedded_file_object,
    samples.pdf_opening_with_a_web_page,
]


@pytest.mark.parametrize("make", ACTIVE, ids=lambda make: make.__name__)
def test_it_refuses_a_pdf_with_active_content(make) -> None:
    assert refusal("保单.pdf", make(), {"pdf"}) == "PDF文件包含脚本等不安全内容，请重新导出后上传"


@pytest.mark.parametrize("make", ACTIVE, ids=lambda make: make.__name__)
def test_it_finds_active_content_through_the_pdf_objects_alone(make, monkeypatch) -> None:
    # The byte scan is only a second guard: with it disabled, walking the PDF's objects must still find each one.
    monkeypatch.setattr(validation, "_FORBIDDEN_BYTES", re.compile(rb"(?!)"))
    assert refusal("保单.pdf", make(), {"pdf"}) == "PDF文件包含脚本等不安全内容，请重新导出后上传"


def test_it_finds_javascript_behind_an_escaped_name_that_a_byte_scan_misses() -> None:
    data = samples.pdf_with_escaped_javascript_name()
    assert not validation._FORBIDDEN_BYTES.search(data)
    assert refusal("保单.pdf", data, {"pdf"}) == "PDF文件包含脚本等不安全内容，请重新导出后上传"


def test_it_accepts_a_pdf_that_only_opens_at_its_first_page() -> None:
    data = samples.pdf_opening_at_first_page()
    assert b"/OpenAction" in data
    assert validate_upload(testing.upload("保单.pdf", data), accept={"pdf"}) == "application/pdf"


# --- size ----------------------------------------------------------------------------------------------------
def test_it_accepts_a_pdf_of_exactly_10mb() -> None:
    data = pdf_of_exactly(10 * MB)
    assert len(data) == 10 * MB
    assert validate_upload(testing.upload("保单.pdf", data), accept={"pdf"}) == "application/pdf"


def test_it_refuses_10mb_and_one_byte() -> None:
    data = pdf_of_exactly(10 * MB) + b"\n"
    assert refusal("保单.pdf", data, {"pdf"}) == "文件大小不能超过10MB"


def test_it_derives_the_size_message_from_the_limit(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 2 * MB
    assert refusal("保单.pdf", b"%PDF-" + b"0" * (2 * MB), {"pdf"}) == "文件大小不能超过2MB"


def test_it_refuses_an_image_over_10mb_where_videos_may_be_larger() -> None:
    data = testing.png_bytes() + b"\x00" * (10 * MB)
    assert refusal("现场.png", data, {"image", "video"}) == "文件大小不能超过10MB"


def test_it_refuses_an_empty_file() -> None:
    assert refusal("保单.pdf", b"", {"pdf"}) == "文件为空"


def test_it_refuses_a_file_the_upload_handler_discarded() -> None:
    upload = OversizedUpload(
        name="保单.pdf", content_type="application/pdf", size=11 * MB, limit=10 * MB, charset=None
    )
    with pytest.raises(ValidationError, match="文件大小不能超过10MB"):
        validate_upload(upload, accept={"pdf"})


def test_it_states_the_lower_limit_when_the_handler_cut_a_video_at_10mb() -> None:
    upload = OversizedUpload(
        name="现场.mp4", content_type="video/mp4", size=11 * MB, limit=10 * MB, charset=None
    )
    with pytest.raises(ValidationError, match="文件大小不能超过10MB"):
        validate_upload(upload, accept={"video"})


@pytest.mark.parametrize(
    ("size", "text"),
    [(10 * MB, "10MB"), (200 * MB, "200MB"), (1536, "1.5KB"), (512, "512B"), (10 * MB + 1, "10MB")],
)
def test_it_formats_limits_as_users_read_them(size: int, text: str) -> None:
    assert validation.format_size(size) == text


# --- names and types -----------------------------------------------------------------------------------------
def test_it_refuses_an_extension_the_field_does_not_accept() -> None:
    assert refusal("照片.jpg", testing.jpeg_bytes(), {"pdf"}) == "只能上传pdf文件"


def test_it_refuses_a_file_without_extension() -> None:
    assert refusal("保单", testing.pdf_bytes(), {"pdf", "image"}) == "只能上传jpg/png/pdf文件"


def test_it_refuses_an_unknown_format_name_as_a_programming_error() -> None:
    with pytest.raises(ValueError):
        validate_upload(testing.upload("a.pdf", testing.pdf_bytes()), accept={"docx"})
    with pytest.raises(ValueError):
        validate_upload(testing.upload("a.pdf", testing.pdf_bytes()), accept="pdf")


# --- images --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("现场.png", testing.png_bytes(), "image/png"),
        ("现场.jpg", testing.jpeg_bytes(), "image/jpeg"),
        ("现场.JPEG", testing.jpeg_bytes(), "image/jpeg"),
        (
            "截图.png",
            testing.jpeg_bytes(),
            "image/jpeg",
        ),  # phones and chat apps mislabel JPEG: content decides
    ],
)
def test_it_accepts_real_images(name: str, data: bytes, content_type: str) -> None:
    assert validate_upload(testing.upload(name, data), accept={"image"}) == content_type


def test_it_refuses_a_text_file_renamed_jpg() -> None:
    assert refusal("现场.jpg", "这不是图片".encode(), {"image"}) == "文件内容不是有效的JPG/PNG图片"


def test_it_refuses_a_gif_renamed_png() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    assert refusal("现场.png", buffer.getvalue(), {"image"}) == "文件内容不是有效的JPG/PNG图片"


def test_it_refuses_a_pdf_renamed_jpg() -> None:
    assert refusal("现场.jpg", testing.pdf_bytes(), {"image", "pdf"}) == "文件内容不是有效的JPG/PNG图片"


@pytest.mark.parametrize(
    "data", [testing.jpeg_bytes(64, 64)[:200], testing.png_bytes(64, 64)[:60]], ids=["jpeg", "png"]
)
def test_it_refuses_a_truncated_image(data: bytes) -> None:
    assert refusal("现场.jpg", data, {"image"}) == "图片文件已损坏或不完整，请重新上传"


def test_it_refuses_an_image_with_too_many_pixels() -> None:
    buffer = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(buffer, format="PNG")  # 70 megapixels in a few kilobytes
    assert refusal("现场.png", buffer.getvalue(), {"image"}) == "图片尺寸过大，请压缩后上传"


# --- MP4 -----------------------------------------------------------------------------------------------------
def test_it_accepts_an_mp4() -> None:
    assert validate_upload(testing.upload("现场.mp4", testing.mp4_bytes()), accept={"video"}) == "video/mp4"


def test_it_refuses_a_text_file_renamed_mp4() -> None:
    assert refusal("现场.mp4", "这不是视频".encode() * 10, {"video"}) == "文件内容不是有效的MP4视频"


def test_it_refuses_an_iso_media_file_that_is_not_mp4() -> None:
    heic = testing.mp4_bytes().replace(
        b"isom\x00\x00\x02\x00isomiso2avc1mp41", b"heic\x00\x00\x00\x00mif1heicheicheic"
    )
    assert refusal("现场.mp4", heic, {"video"}) == "文件内容不是有效的MP4视频"


def test_it_refuses_a_truncated_mp4() -> None:
    data = testing.mp4_bytes(size=4096)
    assert refusal("现场.mp4", data[:3000], {"video"}) == "MP4视频文件已损坏或不完整，请重新上传"


def test_it_refuses_an_mp4_without_a_movie_box() -> None:
    data = testing.mp4_bytes().replace(b"moov", b"free")
    assert refusal("现场.mp4", data, {"video"}) == "MP4视频文件已损坏或不完整，请重新上传"


def test_it_refuses_a_video_over_its_limit(settings) -> None:
    settings.VIDEO_UPLOAD_MAX_BYTES = 1 * MB
    assert refusal("现场.mp4", testing.mp4_bytes(size=MB + 1), {"video"}) == "文件大小不能超过1MB"


def test_it_accepts_a_video_larger_than_the_document_limit(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 1 * MB
    data = testing.mp4_bytes(size=2 * MB)
    assert validate_upload(testing.upload("现场.mp4", data), accept={"video"}) == "video/mp4"


class CountingReader(io.RawIOBase):
    def __init__(self, inner) -> None:
        self.inner = inner
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.bytes_read += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()


def test_it_checks_a_video_by_its_box_headers_without_reading_it() -> None:
    upload = TemporaryUploadedFile("现场.mp4", "video/mp4", 0, None)
    upload.write(testing.mp4_bytes(size=20 * MB))
    upload.size = 20 * MB
    upload.seek(0)
    counting = CountingReader(upload.file)
    upload.file = counting
    try:
        assert validate_upload(upload, accept={"video"}) == "video/mp4"
        assert counting.bytes_read < 64 * 1024
    finally:
        counting.inner.close()


# --- anything else -------------------------------------------------------------------------------------------
@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=512).map(lambda tail: b"%PDF-1.7\n" + tail + b"\n%%EOF"),
        st.binary(max_size=512).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),
        st.binary(max_size=512).map(lambda tail: b"\xff\xd8\xff\xe0" + tail),
        st.binary(max_size=512).map(lambda tail: b"\x00\x00\x00\x18ftypisom" + tail),
        st.integers(min_value=1, max_value=3000).map(lambda cut: testing.pdf_bytes()[:cut]),
    ),
    name=st.sampled_from(["a.pdf", "a.jpg", "a.png", "a.mp4", "a.txt"]),
)
def test_it_answers_any_bytes_with_a_chinese_message_or_a_content_type(data: bytes, name: str) -> None:
    # A 500 is a bug: whatever arrives, the answer is a ValidationError for the user or an accepted type.
    try:
        content_type = validate_upload(testing.upload(name, data), accept={"pdf", "image", "video"})
    except ValidationError as exc:
        assert re.search(r"[\u4e00-\u9fff]", exc.messages[0])
    else:
        assert content_type in validation.EXTENSION_FOR_CONTENT_TYPE
