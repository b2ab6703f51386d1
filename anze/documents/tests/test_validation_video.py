"""现场视频: an MP4 is accepted only when it holds a video that browsers play (security review, finding 11).

The box structure alone let through a 32-byte ftyp+moov file, an HTML page inside a ``free`` box and 12 MB of
zeros in ``mdat``, all stored and served as video/mp4. The fixtures in ``fixtures/`` are real H.264 videos
(64×48, 1 s, about 2 KB), encoded once with FFmpeg's libx264 — one with the movie box first (``faststart``),
one with it after the media data as cameras write it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from anze.documents import testing, validation
from anze.documents.validation import validate_upload

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = ["h264-faststart.mp4", "h264-moov-at-end.mp4"]
MB = 1024 * 1024
NO_VIDEO = validation.MP4_NO_VIDEO
CODEC = validation.MP4_CODEC


def real(name: str = "h264-faststart.mp4") -> bytes:
    return (FIXTURES / name).read_bytes()


def box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """The top-level boxes of ``data``: (type, start, end)."""
    found, position = [], 0
    while position < len(data):
        size = int.from_bytes(data[position : position + 4], "big")
        found.append((data[position + 4 : position + 8], position, position + size))
        position += size
    return found


def refusal(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(testing.upload("现场.mp4", data), accept={"video"})
    return caught.value.messages[0]


FTYP = box(b"ftyp", b"isom" + (512).to_bytes(4, "big") + b"isomiso2avc1mp41")


@pytest.mark.parametrize("name", REAL)
def test_it_accepts_a_real_h264_video(name: str) -> None:
    upload = testing.upload("现场.mp4", real(name))
    assert validate_upload(upload, accept={"video"}) == "video/mp4"
    assert upload.tell() == 0


def test_it_accepts_the_test_helpers_video() -> None:
    assert validate_upload(testing.upload("现场.mp4", testing.mp4_bytes()), accept={"video"}) == "video/mp4"
    data = testing.mp4_bytes(size=5000)
    assert len(data) == 5000
    assert validate_upload(testing.upload("现场.mp4", data), accept={"video"}) == "video/mp4"


def test_it_refuses_a_32_byte_ftyp_and_moov() -> None:
    """Reported fake 1: an ftyp and an empty moov, nothing else."""
    data = box(b"ftyp", b"isom" + bytes(4) + b"isommp41") + box(b"moov", b"")
    assert len(data) == 32
    assert refusal(data) == NO_VIDEO


def test_it_refuses_an_html_page_inside_a_free_box() -> None:
    """Reported fake 2: a web page wrapped in MP4 boxes."""
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    data = FTYP + box(b"moov", testing._mvhd()) + box(b"free", html)
    assert refusal(data) == NO_VIDEO


def test_it_refuses_twelve_megabytes_of_zeros_as_media_data() -> None:
    """Reported fake 3, made harder: a real video's movie box (track, duration, codec) over 12 MB of zeros."""
    data = real()
    kinds = {kind: (start, end) for kind, start, end in boxes(data)}
    start, end = kinds[b"mdat"]
    zeros = box(b"mdat", bytes(12 * MB))
    faked = data[:start] + zeros + data[end:]
    assert refusal(faked) == NO_VIDEO


def test_it_refuses_an_empty_media_data_box() -> None:
    data = real()
    start, end = next((s, e) for kind, s, e in boxes(data) if kind == b"mdat")
    assert refusal(data[:start] + box(b"mdat", b"") + data[end:]) == NO_VIDEO


def test_it_refuses_a_video_without_media_data() -> None:
    data = real()
    start, end = next((s, e) for kind, s, e in boxes(data) if kind == b"mdat")
    assert refusal(data[:start] + box(b"free", data[start + 8 : end]) + data[end:]) == NO_VIDEO


def test_it_refuses_a_sound_track_without_a_video_track() -> None:
    assert refusal(real().replace(b"vide", b"soun")) == NO_VIDEO


def test_it_refuses_a_video_track_without_duration() -> None:
    data = real()
    at = data.index(b"mdhd") + 4  # version 0: flags(4) creation(4) modification(4) timescale(4) duration(4)
    no_duration = data[: at + 16] + bytes(4) + data[at + 20 :]
    at = no_duration.index(b"mvhd") + 4
    no_duration = no_duration[: at + 16] + bytes(4) + no_duration[at + 20 :]
    assert refusal(no_duration) == NO_VIDEO


@pytest.mark.parametrize("codec", [b"mp4v", b"s263", b"xxxx"])
def test_it_refuses_a_codec_browsers_do_not_play(codec: bytes) -> None:
    assert refusal(real().replace(b"avc1", codec).replace(b"isom" + codec, b"isomavc1")) in {CODEC, NO_VIDEO}
    assert refusal(_with_sample_entry(codec)) == CODEC


def _with_sample_entry(codec: bytes) -> bytes:
    """The real video with its sample entry's format changed (the ftyp's brands untouched)."""
    data = real()
    at = data.index(b"stsd") + 4 + 8 + 4  # version/flags, entry count, the entry's size
    return data[:at] + codec + data[at + 4 :]


@pytest.mark.parametrize("codec", [b"avc3", b"hvc1", b"hev1", b"av01", b"vp09"])
def test_it_accepts_the_codecs_browsers_play(codec: bytes) -> None:
    assert (
        validate_upload(testing.upload("现场.mp4", _with_sample_entry(codec)), accept={"video"})
        == "video/mp4"
    )


def test_it_refuses_a_moov_nested_too_deep_or_with_broken_children() -> None:
    broken = (
        FTYP + box(b"moov", box(b"trak", (9999).to_bytes(4, "big") + b"mdia")) + box(b"mdat", b"\x01" * 64)
    )
    assert refusal(broken) in {NO_VIDEO, validation.MP4_DAMAGED}


@pytest.mark.parametrize(
    ("payload", "duration"),
    [
        (bytes([0, 0, 0, 0]) + bytes(8) + (1000).to_bytes(4, "big") + (2500).to_bytes(4, "big"), 2500),
        (bytes([1, 0, 0, 0]) + bytes(16) + (1000).to_bytes(4, "big") + (2**33).to_bytes(8, "big"), 2**33),
        (bytes([0, 0, 0, 0]) + bytes(8) + (1000).to_bytes(4, "big") + b"\xff" * 4, 0),  # "unknown"
        (b"", 0),
    ],
)
def test_it_reads_version_0_and_1_durations(payload: bytes, duration: int) -> None:
    import io

    from anze.documents import mp4

    data = box(b"mdhd", payload)
    assert mp4._duration(io.BytesIO(data), mp4.Box(b"mdhd", 8, len(data))) == duration
