"""Content checks for every uploaded file: a file is what its bytes say, not what its name or the browser says.

One entry point, :func:`validate_upload`, used by :class:`~anze.documents.forms.DocumentField` and again by
:func:`~anze.documents.services.document_create`. It reads the upload through ``seek``/``read``/``chunks``
only: a 200 MB video is checked by reading its box headers, never by loading it.

Formats: ``"pdf"`` (real, unencrypted, at least one page, no active content), ``"image"`` (JPEG or PNG that
decodes) and ``"video"`` (MP4). Every refusal is a ``ValidationError`` with a Chinese message for the user.
"""

from __future__ import annotations

import io
import itertools
import logging
import multiprocessing
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, UnidentifiedImageError

from . import mp4
from .uploadhandlers import OversizedUpload

logger = logging.getLogger(__name__)

PDF = "pdf"
IMAGE = "image"
VIDEO = "video"
FORMATS = frozenset({PDF, IMAGE, VIDEO})

# File name extensions per format, in the order the hints list them.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    IMAGE: (".jpg", ".jpeg", ".png"),
    PDF: (".pdf",),
    VIDEO: (".mp4",),
}
# The order formats appear in hints and in ``data-accept``: "只能上传jpg/png/pdf文件".
_DISPLAY_ORDER = (IMAGE, PDF, VIDEO)
_DISPLAY_NAMES = {IMAGE: "jpg/png", PDF: "pdf", VIDEO: "mp4"}

CONTENT_TYPE_PDF = "application/pdf"
CONTENT_TYPE_JPEG = "image/jpeg"
CONTENT_TYPE_PNG = "image/png"
CONTENT_TYPE_MP4 = "video/mp4"
# The extension a stored file gets, from what its content is (never from the user's file name).
EXTENSION_FOR_CONTENT_TYPE = {
    CONTENT_TYPE_PDF: ".pdf",
    CONTENT_TYPE_JPEG: ".jpg",
    CONTENT_TYPE_PNG: ".png",
    CONTENT_TYPE_MP4: ".mp4",
}

EMPTY = "文件为空"
NOT_PDF = "文件内容不是有效的PDF文件"
PDF_DAMAGED = "PDF文件已损坏或不完整，无法打开"
PDF_ENCRYPTED = "PDF文件已加密，请上传未加密的文件"
PDF_ACTIVE_CONTENT = "PDF文件包含脚本等不安全内容，请重新导出后上传"
PDF_NO_PAGES = "PDF文件没有页面，请检查后重新上传"
NOT_IMAGE = "文件内容不是有效的JPG/PNG图片"
IMAGE_DAMAGED = "图片文件已损坏或不完整，请重新上传"
IMAGE_TOO_LARGE = "图片尺寸过大，请压缩后上传"
NOT_MP4 = "文件内容不是有效的MP4视频"
MP4_DAMAGED = "MP4视频文件已损坏或不完整，请重新上传"
MP4_NO_VIDEO = "MP4文件中没有可播放的视频画面，请上传拍摄的现场视频"
MP4_CODEC = "视频编码格式不受支持，请上传H.264、H.265、AV1或VP9编码的MP4视频"

# Pixels an image may have. Decoding allocates width × height × 4 bytes (a 64-megapixel PNG is 256 MB), and
# a 10 MB PNG can declare far more pixels than that; 64 megapixels still admits a 48-megapixel phone photo.
MAX_IMAGE_PIXELS = 64_000_000

_HEAD_BYTES = 64
_SCAN_CHUNK = 1024 * 1024


# --- limits and messages (shared with the drop zone widget) -----------------------------------------------
def normalise_accept(accept: Iterable[str]) -> frozenset[str]:
    """The accepted formats as a frozenset; an empty or unknown set is a programming error."""
    formats = frozenset(accept)
    if not formats or not formats <= FORMATS:
        raise ValueError(f"accept must be a non-empty subset of {sorted(FORMATS)}, got {sorted(formats)}")
    return formats


def limit_for(fmt: str) -> int:
    """The size limit of one format, read from settings at call time (so ``override_settings`` applies)."""
    return settings.VIDEO_UPLOAD_MAX_BYTES if fmt == VIDEO else settings.UPLOAD_MAX_BYTES


def max_bytes_for(accept: Iterable[str]) -> int:
    """The largest size any accepted format may have."""
    return max(limit_for(fmt) for fmt in normalise_accept(accept))


def format_size(size: int) -> str:
    """10485760 → "10MB"; 1536 → "1.5KB": the number users see in "不超过10MB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}".rstrip("0").rstrip(".") + unit
    return f"{size}B"


def size_message(limit: int) -> str:
    return f"文件大小不能超过{format_size(limit)}"


def _ordered(accept: frozenset[str]) -> list[str]:
    return [fmt for fmt in _DISPLAY_ORDER if fmt in accept]


def accept_extensions(accept: Iterable[str]) -> list[str]:
    """[".jpg", ".jpeg", ".png", ".pdf"]: the ``accept`` attribute and what anze.js checks in the browser."""
    return [ext for fmt in _ordered(normalise_accept(accept)) for ext in EXTENSIONS[fmt]]


def _describe(accept: frozenset[str]) -> tuple[str, str]:
    """("jpg/png/pdf文件", "mp4视频") — the documents part and the video part of a hint, either may be empty."""
    documents = "/".join(_DISPLAY_NAMES[fmt] for fmt in _ordered(accept) if fmt != VIDEO)
    return (f"{documents}文件" if documents else "", "mp4视频" if VIDEO in accept else "")


def type_message(accept: Iterable[str]) -> str:
    """只能上传pdf文件 / 只能上传jpg/png/pdf文件 / 只能上传mp4视频."""
    documents, video = _describe(normalise_accept(accept))
    return "只能上传" + "或".join(part for part in (documents, video) if part)


def hint(accept: Iterable[str]) -> str:
    """The line under a drop zone: 只能上传pdf文件，且不超过10MB."""
    formats = normalise_accept(accept)
    documents, video = _describe(formats)
    document_limit = format_size(settings.UPLOAD_MAX_BYTES)
    video_limit = format_size(settings.VIDEO_UPLOAD_MAX_BYTES)
    if documents and video:
        return f"只能上传{documents}（不超过{document_limit}）或{video}（不超过{video_limit}）"
    if video:
        return f"只能上传{video}，且不超过{video_limit}"
    return f"只能上传{documents}，且不超过{document_limit}"


def format_of_name(name: str) -> str | None:
    """The format a file name claims by its extension (case-insensitive), or None."""
    ext = posixpath.splitext(name or "")[1].lower()
    for fmt, extensions in EXTENSIONS.items():
        if ext in extensions:
            return fmt
    return None


# --- the entry point -------------------------------------------------------------------------------------------
# The attribute an upload carries once ``validate_upload`` accepted it: (formats, name, size, content type).
_ACCEPTED = "_anze_accepted"
Accepted = tuple[frozenset[str], str, int, str]


def validate_upload(upload: File, *, accept: Iterable[str]) -> str:
    """Check an uploaded file against the accepted formats; return its content type as detected from its bytes.

    ``accept`` ⊆ {"pdf", "image", "video"}. Raises ``ValidationError`` (Chinese message) when the file is
    empty, too large, named with an extension the field does not accept, or its content is not a valid file
    of the format its name claims. Leaves the file positioned at its start.

    The contents are checked once per upload: the same upload checked again for the same formats (a form's
    field, then ``document_create``) returns what the first check found (``accepted_as``).
    """
    formats = normalise_accept(accept)
    found: Accepted | None = getattr(upload, _ACCEPTED, None)
    if found is not None and found[:3] == (formats, upload.name or "", upload.size):
        upload.seek(0)
        return found[3]
    content_type = _validate(upload, formats)
    setattr(upload, _ACCEPTED, (formats, upload.name or "", upload.size, content_type))
    return content_type


def accepted_as(upload: File) -> Accepted | None:
    """What ``validate_upload`` found of this upload (None when it was not accepted): to hand to
    ``accept_again`` for an upload of the same bytes read again — a zip entry an import checked, then stores."""
    return getattr(upload, _ACCEPTED, None)


def accept_again(upload: File, accepted: Accepted) -> None:
    """Mark ``upload`` as accepted by an earlier ``validate_upload`` of the very same bytes (``accepted_as``
    of that upload); only for bytes that cannot have changed since (an entry of a zip the caller holds open)."""
    setattr(upload, _ACCEPTED, accepted)


# --- many files at once (an import's zip) ----------------------------------------------------------------------
# Fewer files than this are checked in this process: starting the workers costs more than it saves.
PARALLEL_FROM = 48
# Files handed to the workers at a time (and their bytes at most): what is in memory at once.
_WINDOW_FILES = 600
_WINDOW_BYTES = 64 * 1024 * 1024
_MAX_PROCESSES = 8


def check_processes() -> int:
    """The worker processes ``validate_many`` starts: one per core this process may run on (at most 8)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # the workers inherit this process's set-up by forking: none without it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, _MAX_PROCESSES)


def validate_many(uploads: Iterable[tuple[File, Iterable[str]]]) -> list[str | ValidationError]:
    """``validate_upload`` of many (upload, accept) pairs: each one's content type, or the ``ValidationError``
    that refused it, in their order; each accepted upload marked as ``validate_upload`` marks it.

    Each check is independent and most of an import's time (15,000 PDFs in a 5,000-row file), so many are
    checked in worker processes, one per core — forked from this one: Django's settings as here, and no
    database (a check never reads it). The uploads are read a window at a time (``_WINDOW_FILES``, at most
    ``_WINDOW_BYTES``), so that a zip of large PDFs is never in memory whole. A handful of files, or one core,
    are checked here."""
    pairs = iter(uploads)
    window = _window(pairs)
    processes = check_processes()
    if len(window) < PARALLEL_FROM or processes < 2:
        results = [_validate_one(upload, accept) for upload, accept in window]
        results.extend(_validate_one(upload, accept) for upload, accept in pairs)
        return results
    results: list[str | ValidationError] = []
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        while window:
            # An upload whose content the upload handler discarded is refused by its size, here.
            here = [isinstance(upload, OversizedUpload) for upload, _accept in window]
            jobs = [
                (upload.name or "", _bytes_of(upload), normalise_accept(accept))
                for (upload, accept), local in zip(window, here, strict=True)
                if not local
            ]
            found = iter(pool.map(_check_in_worker, jobs, chunksize=max(1, len(jobs) // (processes * 4))))
            for (upload, accept), local in zip(window, here, strict=True):
                if local:
                    results.append(_validate_one(upload, accept))
                    continue
                outcome = next(found)
                if isinstance(outcome, str):
                    setattr(
                        upload, _ACCEPTED, (normalise_accept(accept), upload.name or "", upload.size, outcome)
                    )
                    results.append(outcome)
                else:
                    results.append(ValidationError(outcome[0], code=outcome[1]))
            window = _window(pairs)
    return results


def _window(pairs: Iterator[tuple[File, Iterable[str]]]) -> list[tuple[File, Iterable[str]]]:
    window: list[tuple[File, Iterable[str]]] = []
    size = 0
    for pair in itertools.islice(pairs, _WINDOW_FILES):
        window.append(pair)
        size += pair[0].size or 0
        if size >= _WINDOW_BYTES:
            break
    return window


def _validate_one(upload: File, accept: Iterable[str]) -> str | ValidationError:
    try:
        return validate_upload(upload, accept=accept)
    except ValidationError as exc:
        return exc


def _bytes_of(upload: File) -> bytes:
    """The upload's bytes, at most one more than the largest limit (a larger file is refused by its size)."""
    upload.seek(0)
    data = upload.read(max_bytes_for(FORMATS) + 1)
    upload.seek(0)
    return data


def _check_in_worker(job: tuple[str, bytes, frozenset[str]]) -> str | tuple[str, str | None]:
    """In a worker: the content type, or the refusal's (message, code)."""
    name, data, formats = job
    upload = SimpleUploadedFile(name, data)
    try:
        return _validate(upload, formats)
    except ValidationError as exc:
        return exc.messages[0], exc.code
    finally:
        upload.close()


def _validate(upload: File, formats: frozenset[str]) -> str:
    if isinstance(upload, OversizedUpload):
        # The upload handler discarded the content; say the limit that applies to this field (or the lower
        # one the handler enforced, when a view forgot to raise it for a video field).
        raise ValidationError(size_message(min(upload.limit, max_bytes_for(formats))), code="too_large")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    if size > (limit := max_bytes_for(formats)):
        raise ValidationError(size_message(limit), code="too_large")
    claimed = format_of_name(upload.name or "")
    if claimed is None or claimed not in formats:
        raise ValidationError(type_message(formats), code="invalid_type")
    if size > (limit := limit_for(claimed)):
        raise ValidationError(size_message(limit), code="too_large")
    try:
        return _CHECKS[claimed](upload, size)
    finally:
        upload.seek(0)


# --- PDF -------------------------------------------------------------------------------------------------------
# Dictionary keys that only occur in active content: scripts, actions run on events, embedded files, XFA forms
# (whose XML carries scripts for Acrobat). Looked for in every object reachable from the trailer, so the
# catalog, the names tree, pages, annotations and form fields are all covered, whatever their nesting.
_FORBIDDEN_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/XFA"}
)
# Action types (/S) and object types that run code, start programs, send data or carry files.
_FORBIDDEN_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/RichMediaExecute"}
)
_FORBIDDEN_TYPES = frozenset({"/EmbeddedFile"})
# Names whose raw bytes are looked for as a second guard (they also find objects no longer referenced). Only
# long names: "/JS" occurs by chance in compressed image data often enough to refuse honest scans.
_FORBIDDEN_BYTES = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?)")
_PDF_MAGIC = b"%PDF-"
# The end-of-file marker must be within the last 1 KB (what Acrobat requires); a truncated upload lacks it.
_PDF_TAIL = 1024
# More objects than an honest 10 MB file holds: stop instead of spending the worker's time.
_PDF_MAX_OBJECTS = 2_000_000


def _check_pdf(upload: File, size: int) -> str:
    upload.seek(0)
    if upload.read(len(_PDF_MAGIC)) != _PDF_MAGIC:
        raise ValidationError(NOT_PDF, code="invalid_content")
    upload.seek(max(0, size - _PDF_TAIL))
    if b"%%EOF" not in upload.read(_PDF_TAIL):
        raise ValidationError(PDF_DAMAGED, code="damaged")
    _scan_bytes(upload)
    upload.seek(0)
    # Parsed from memory (at most the 10 MB limit, checked above) by qpdf (pikepdf): a third of the time
    # pypdf took for the same walk. qpdf recovers small xref errors of real-world PDFs (scanners, office
    # suites), as pypdf's lenient mode did; a file it cannot open at all is damaged.
    data = upload.read(size + 1)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise ValidationError(PDF_ENCRYPTED, code="encrypted") from None
    except (
        Exception
    ) as exc:  # qpdf raises PdfError, pikepdf others on hostile input; each means "cannot open"
        logger.info("PDF refused, cannot open %r: %r", upload.name, exc)
        raise ValidationError(PDF_DAMAGED, code="damaged") from None
    with pdf:
        if pdf.is_encrypted:  # an empty user password opens it; still encrypted
            raise ValidationError(PDF_ENCRYPTED, code="encrypted")
        try:
            pages = len(pdf.pages)
            active = _has_active_content(pdf)
        except ValidationError:
            raise
        except Exception as exc:
            logger.info("PDF refused, broken structure %r: %r", upload.name, exc)
            raise ValidationError(PDF_DAMAGED, code="damaged") from None
    if pages < 1:
        raise ValidationError(PDF_NO_PAGES, code="no_pages")
    if active:
        raise ValidationError(PDF_ACTIVE_CONTENT, code="active_content")
    return CONTENT_TYPE_PDF


def _scan_bytes(upload: File) -> None:
    overlap = b""
    for chunk in upload.chunks(_SCAN_CHUNK):
        window = overlap + chunk
        if _FORBIDDEN_BYTES.search(window):
            raise ValidationError(PDF_ACTIVE_CONTENT, code="active_content")
        overlap = window[-16:]  # a name split across two chunks is still found


def _has_active_content(pdf: pikepdf.Pdf) -> bool:
    """Walk every object reachable from the trailer (iteratively: nesting depth is the file's choice).

    pikepdf resolves a reference when its value is read: an object read through a reference is indirect and
    walked once (by its object and generation number). Names are compared as qpdf decoded them, so an escaped
    name (``/J#61vaScript``) is the name it spells. Numbers, strings and booleans come out as Python values:
    nothing below them to walk."""
    stack: list[Any] = [pdf.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            raise ValidationError(PDF_DAMAGED, code="damaged")
        if not isinstance(item, pikepdf.Object):
            continue
        if item.is_indirect:
            ref = item.objgen
            if ref in seen:
                continue
            seen.add(ref)
        if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):  # a stream's dictionary is checked
            for key, value in item.items():
                if key in _FORBIDDEN_KEYS:
                    return True
                if key == "/OpenAction" and not _is_harmless_open_action(value):
                    return True
                if key in ("/S", "/Type"):
                    forbidden = _FORBIDDEN_ACTIONS if key == "/S" else _FORBIDDEN_TYPES
                    if isinstance(value, pikepdf.Name) and str(value) in forbidden:
                        return True
                stack.append(value)
        elif isinstance(item, pikepdf.Array):
            stack.extend(item)
    return False


def _is_harmless_open_action(value: Any) -> bool:
    """/OpenAction that only opens the document at a page — ``[page /Fit]`` or a /GoTo action, as written by
    some office suites and LaTeX — is kept; any other action on opening is refused."""
    if isinstance(value, pikepdf.Array):
        # A page is a dictionary too, but one read through a reference; an action written into the array is not.
        return all(not isinstance(part, pikepdf.Dictionary) or part.is_indirect for part in value)
    if isinstance(value, pikepdf.Dictionary):
        return value.get("/S") == pikepdf.Name("/GoTo") and "/Next" not in value
    return False


# --- images ----------------------------------------------------------------------------------------------------
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def _check_image(upload: File, size: int) -> str:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    if head.startswith(_PNG_MAGIC):
        pillow_format, content_type = "PNG", CONTENT_TYPE_PNG
    elif head.startswith(_JPEG_MAGIC):
        pillow_format, content_type = "JPEG", CONTENT_TYPE_JPEG
    else:
        raise ValidationError(NOT_IMAGE, code="invalid_content")
    try:
        upload.seek(0)
        # Only the detected decoder runs: hostile bytes never reach Pillow's other, less used parsers.
        with Image.open(upload, formats=[pillow_format]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(IMAGE_TOO_LARGE, code="too_large")
            image.verify()  # structure and (PNG) chunk checksums
        upload.seek(0)
        with Image.open(upload, formats=[pillow_format]) as image:
            if pillow_format == "JPEG":
                # Decode at 1/8 scale: every byte of the entropy-coded data is still read (a truncated file
                # fails), for 1/64 of the memory.
                image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(IMAGE_TOO_LARGE, code="too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        # What Pillow raises for truncated or corrupt data (SyntaxError is its historical "broken file").
        logger.info("image refused, cannot decode %r: %r", upload.name, exc)
        raise ValidationError(IMAGE_DAMAGED, code="damaged") from None
    return content_type


# --- MP4 -------------------------------------------------------------------------------------------------------
# ISO base media brands that browsers play as MP4. QuickTime ("qt  "), HEIF/AVIF images and 3GP without an MP4
# compatible brand are not MP4 videos.
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9"}
    | {b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"mmp4", b"MSNV"}
)
_MAX_FTYP = 4096


def _check_mp4(upload: File, size: int) -> str:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    if len(head) < 16 or head[4:8] != b"ftyp":
        raise ValidationError(NOT_MP4, code="invalid_content")
    ftyp_size = int.from_bytes(head[0:4], "big")
    if not 16 <= ftyp_size <= min(_MAX_FTYP, size) or ftyp_size % 4:
        raise ValidationError(NOT_MP4, code="invalid_content")
    upload.seek(0)
    ftyp = upload.read(ftyp_size)
    brands = {ftyp[8:12]} | {ftyp[i : i + 4] for i in range(16, ftyp_size, 4)}
    if not brands & _MP4_BRANDS:
        raise ValidationError(NOT_MP4, code="invalid_content")
    try:
        movie = mp4.read_movie(upload, size)
    except mp4.Damaged:
        raise ValidationError(MP4_DAMAGED, code="damaged") from None
    if b"moov" not in movie.kinds():
        raise ValidationError(MP4_DAMAGED, code="damaged")
    # A video track with a duration, in a codec browsers play, over media data that is not all zeros: the box
    # structure alone admits an empty movie, a web page in a "free" box, or megabytes of zeros.
    tracks = movie.video_tracks
    if not tracks:
        raise ValidationError(MP4_NO_VIDEO, code="no_video")
    playable = [track for track in tracks if track.codec in mp4.PLAYABLE_CODECS]
    if not playable:
        raise ValidationError(MP4_CODEC, code="codec")
    if not any(movie.has_duration(track) for track in playable) or not mp4.media_holds_data(upload, movie):
        raise ValidationError(MP4_NO_VIDEO, code="no_video")
    return CONTENT_TYPE_MP4


_CHECKS: dict[str, Callable[[File, int], str]] = {PDF: _check_pdf, IMAGE: _check_image, VIDEO: _check_mp4}
