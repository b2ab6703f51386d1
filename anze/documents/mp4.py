"""What the upload check needs to know of an MP4 (ISO/IEC 14496-12), read box header by box header with seeks.

A 200 MB video is never loaded: only box headers, a few dozen bytes of the headers that matter (movie and media
durations, handler type, the first sample entry's format) and a few small samples of the media data are read.
Only the path to those boxes is walked — moov › trak › mdia › (mdhd, hdlr, minf › stbl › stsd), moov › mvhd,
moov › mvex › mehd — so the work is bounded whatever the file holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

MAX_BOXES = 100_000  # children of one box: more than an honest file holds
_BOX_TYPE = re.compile(rb"[\x20-\x7e]{4}")
# Sample entry formats of the codecs that current browsers play in an MP4: H.264, H.265 (Safari, Chrome and
# Edge with hardware support), AV1, VP9.
PLAYABLE_CODECS = frozenset({b"avc1", b"avc3", b"hvc1", b"hev1", b"av01", b"vp09"})
MEDIA_SAMPLES = 8
MEDIA_SAMPLE_BYTES = 2048


class Damaged(Exception):
    """A box claims bytes its parent (or the file) does not have, or the boxes do not tile their parent."""


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # of the payload, after the header
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass
class Track:
    handler: bytes = b""
    duration: int = 0
    codec: bytes = b""


@dataclass
class Movie:
    top_level: list[Box]
    duration: int = 0  # mvhd
    fragment_duration: int = 0  # mvex › mehd
    fragmented: bool = False
    tracks: list[Track] = field(default_factory=list)

    @property
    def video_tracks(self) -> list[Track]:
        return [track for track in self.tracks if track.handler == b"vide"]

    def kinds(self) -> set[bytes]:
        return {box.kind for box in self.top_level}

    def has_duration(self, track: Track) -> bool:
        if track.duration > 0 or self.duration > 0 or self.fragment_duration > 0:
            return True
        # A fragmented file may leave every duration 0 and describe its samples in movie fragments.
        return self.fragmented and b"moof" in self.kinds()


def children(file: IO[bytes], start: int, end: int) -> Iterator[Box]:
    """The boxes that tile ``file[start:end]``; ``Damaged`` when they do not."""
    position = start
    for _ in range(MAX_BOXES):
        if position == end:
            return
        file.seek(position)
        header = file.read(8)
        if len(header) < 8 or not _BOX_TYPE.fullmatch(header[4:8]):
            raise Damaged
        box_size, header_size = int.from_bytes(header[0:4], "big"), 8
        if box_size == 1:  # a 64-bit size follows the type
            large = file.read(8)
            if len(large) < 8:
                raise Damaged
            box_size, header_size = int.from_bytes(large, "big"), 16
        elif box_size == 0:  # the box runs to the end of its parent
            box_size = end - position
        if box_size < header_size or position + box_size > end:
            raise Damaged
        yield Box(header[4:8], position + header_size, position + box_size)
        position += box_size
    raise Damaged


def _read(file: IO[bytes], box: Box, count: int) -> bytes:
    file.seek(box.start)
    return file.read(min(count, box.size))


def _duration(file: IO[bytes], box: Box) -> int:
    """mvhd/mdhd duration: after version/flags, creation and modification times and the timescale. An
    all-ones duration means "unknown" and counts as none."""
    head = _read(file, box, 32)
    if not head:
        return 0
    raw = head[24:32] if head[0] == 1 else head[16:20]  # version 1: 64-bit times and duration
    if not raw:
        return 0
    value = int.from_bytes(raw, "big")
    return 0 if value == (1 << (8 * len(raw))) - 1 else value


def _first(file: IO[bytes], parent: Box, kind: bytes) -> Box | None:
    return next((box for box in children(file, parent.start, parent.end) if box.kind == kind), None)


def _track(file: IO[bytes], trak: Box) -> Track:
    track = Track()
    mdia = _first(file, trak, b"mdia")
    if mdia is None:
        return track
    for box in children(file, mdia.start, mdia.end):
        if box.kind == b"mdhd":
            track.duration = _duration(file, box)
        elif box.kind == b"hdlr":
            track.handler = _read(file, box, 12)[8:12]  # version/flags, pre_defined, handler_type
        elif box.kind == b"minf":
            stbl = _first(file, box, b"stbl")
            stsd = _first(file, stbl, b"stsd") if stbl is not None else None
            if stsd is not None:
                entry = _read(file, stsd, 16)  # version/flags, entry_count, first entry's size and format
                if int.from_bytes(entry[4:8], "big") > 0:
                    track.codec = entry[12:16]
    return track


def read_movie(file: IO[bytes], size: int) -> Movie:
    """The top-level boxes and the movie's tracks; ``Damaged`` when a box on the walked path is broken."""
    movie = Movie(top_level=list(children(file, 0, size)))
    moov = next((box for box in movie.top_level if box.kind == b"moov"), None)
    if moov is None:
        return movie
    for box in children(file, moov.start, moov.end):
        if box.kind == b"mvhd":
            movie.duration = _duration(file, box)
        elif box.kind == b"trak":
            movie.tracks.append(_track(file, box))
        elif box.kind == b"mvex":
            movie.fragmented = True
            mehd = _first(file, box, b"mehd")
            if mehd is not None:
                head = _read(file, mehd, 12)
                raw = head[4:12] if head[:1] == b"\x01" else head[4:8]
                movie.fragment_duration = int.from_bytes(raw, "big") if raw else 0
    return movie


def media_holds_data(file: IO[bytes], movie: Movie) -> bool:
    """Whether the media data boxes hold anything but zeros, judged on MEDIA_SAMPLES evenly spread samples of
    MEDIA_SAMPLE_BYTES each (a 200 MB file is not read whole)."""
    media = [box for box in movie.top_level if box.kind == b"mdat" and box.size > 0]
    total = sum(box.size for box in media)
    if total == 0:
        return False
    step = max(1, total // MEDIA_SAMPLES)
    for offset in range(0, total, step):
        remaining = offset
        for box in media:
            if remaining < box.size:
                file.seek(box.start + remaining)
                if file.read(min(MEDIA_SAMPLE_BYTES, box.size - remaining)).strip(b"\x00"):
                    return True
                break
            remaining -= box.size
    return False
