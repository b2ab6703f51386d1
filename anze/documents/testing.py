"""Real small files for tests and demo data: a PDF with Chinese text, PNG, JPEG, MP4, and an upload wrapper.

::

    from anze.documents import testing
    upload = testing.upload("保单.pdf", testing.pdf_bytes("保单", ["保单号：PICC2026001"]))
    document = document_from_bytes(organisation=org, kind="policy", data=testing.pdf_bytes(), name="保单.pdf")
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"  # one of reportlab's built-in CID fonts: Chinese text without a font file
DEFAULT_LINES = (
    "安全生产责任保险",
    "投保人：泉州市丰泽区测试企业有限公司",
    "保险期间：2026-01-01 至 2026-12-31",
)
_MARGIN = 72
_LINE_HEIGHT = 22


@cache
def _register_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _render_pdf(title: str, lines: Sequence[str], padding: int) -> bytes:
    _register_font()
    buffer = io.BytesIO()
    # invariant: no timestamps or random ids, so the same arguments give the same bytes (and sha256).
    # Padding is a comment in an uncompressed content stream, so the file grows by exactly its length.
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True, pageCompression=0 if padding else 1)
    pdf.setTitle(title)
    width, height = A4
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - _MARGIN, title)
    pdf.setFont(FONT, 12)
    y = height - _MARGIN - 2 * _LINE_HEIGHT
    for line in lines:
        if y < _MARGIN:
            pdf.showPage()
            pdf.setFont(FONT, 12)
            y = height - _MARGIN
        pdf.drawString(_MARGIN, y, line)
        y -= _LINE_HEIGHT
    if padding:
        pdf.addLiteral("%" + "0" * padding)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_bytes(title: str = "保单", lines: Sequence[str] = DEFAULT_LINES, *, size: int | None = None) -> bytes:
    """A real PDF (A4, Chinese text in STSong-Light). ``size``: pad it to exactly that many bytes, still valid
    (for tests at the size limit)."""
    data = _render_pdf(title, lines, 0)
    if size is None:
        return data
    padding = max(1, size - len(_render_pdf(title, lines, 1)) + 1)
    # The stream's /Length and the xref offsets gain digits as the padding grows: converge on the exact size.
    for _ in range(8):
        data = _render_pdf(title, lines, padding)
        if len(data) == size:
            return data
        padding += size - len(data)
        if padding < 1:
            break
    raise ValueError(f"cannot make a PDF of exactly {size} bytes")


def _image_bytes(pillow_format: str, width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format=pillow_format)
    return buffer.getvalue()


def png_bytes(width: int = 16, height: int = 16, color: tuple[int, int, int] = (64, 158, 255)) -> bytes:
    return _image_bytes("PNG", width, height, color)


def jpeg_bytes(width: int = 16, height: int = 16, color: tuple[int, int, int] = (103, 194, 58)) -> bytes:
    return _image_bytes("JPEG", width, height, color)


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def _mvhd() -> bytes:
    """A version-0 movie header: timescale 1000, duration 1 s, normal rate and volume, identity matrix."""
    matrix = b"".join(v.to_bytes(4, "big") for v in (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000))
    payload = (
        bytes(4)  # version 0, flags
        + bytes(8)  # creation and modification time
        + (1000).to_bytes(4, "big")
        + (1000).to_bytes(4, "big")
        + (0x10000).to_bytes(4, "big")  # rate 1.0
        + (0x100).to_bytes(2, "big")  # volume 1.0
        + bytes(10)  # reserved
        + matrix
        + bytes(24)  # pre_defined
        + (2).to_bytes(4, "big")  # next track id
    )
    return _box(b"mvhd", payload)


def _full_box(kind: bytes, payload: bytes, version: int = 0) -> bytes:
    return _box(kind, bytes([version, 0, 0, 0]) + payload)


def _video_trak() -> bytes:
    """One H.264 video track of 1 s (timescale 1000): media header, handler 'vide', an avc1 sample entry and
    empty sample tables — the structure the upload check reads, not a decodable stream."""
    mdhd = _full_box(b"mdhd", bytes(8) + (1000).to_bytes(4, "big") + (1000).to_bytes(4, "big") + bytes(4))
    hdlr = _full_box(b"hdlr", bytes(4) + b"vide" + bytes(12) + b"VideoHandler\x00")
    visual = bytes(6) + (1).to_bytes(2, "big") + bytes(16) + (64).to_bytes(2, "big") + (48).to_bytes(2, "big")
    visual += (0x480000).to_bytes(4, "big") * 2 + bytes(4) + (1).to_bytes(2, "big") + bytes(32)
    visual += (0x18).to_bytes(2, "big") + b"\xff\xff"
    stsd = _full_box(b"stsd", (1).to_bytes(4, "big") + _box(b"avc1", visual))
    empty_table = (0).to_bytes(4, "big")
    stbl = _box(
        b"stbl",
        stsd
        + _full_box(b"stts", empty_table)
        + _full_box(b"stsc", empty_table)
        + _full_box(b"stsz", bytes(4) + empty_table)
        + _full_box(b"stco", empty_table),
    )
    minf = _box(b"minf", _full_box(b"vmhd", bytes(8)) + stbl)
    return _box(b"trak", _box(b"mdia", mdhd + hdlr + minf))


def mp4_bytes(size: int | None = None) -> bytes:
    """A small ISO base media file as the upload check wants it: ftyp (isom, mp41), moov with a movie header
    and one H.264 video track of 1 s, mdat with non-zero bytes. ``size``: pad the media data to make exactly
    that many bytes. For a real, decodable video see documents/tests/fixtures/."""
    ftyp = _box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")
    moov = _box(b"moov", _mvhd() + _video_trak())
    head = ftyp + moov
    media = 16 if size is None else size - len(head) - 8
    if media < 0:
        raise ValueError(f"an MP4 needs at least {len(head) + 8} bytes")
    pattern = bytes(range(1, 256))
    return head + _box(b"mdat", (pattern * (media // len(pattern) + 1))[:media])


def upload(name: str, data: bytes, content_type: str | None = None) -> SimpleUploadedFile:
    """An uploaded file as a form receives it; the content type is guessed from the name when not given."""
    guessed = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return SimpleUploadedFile(name, data, content_type=guessed)


def storages_in(location: Path, storages: Mapping[str, Any]) -> dict[str, Any]:
    """``STORAGES`` with the default (private) storage moved to ``location``: tests keep their files out of
    var/files. In a conftest::

        @pytest.fixture(autouse=True)
        def files_in_tmp(settings, tmp_path):
            settings.STORAGES = testing.storages_in(tmp_path / "files", settings.STORAGES)
    """
    default = storages["default"]
    options = {**default.get("OPTIONS", {}), "location": str(location)}
    return {**storages, "default": {**default, "OPTIONS": options}}
