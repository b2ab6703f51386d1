"""Serving a stored document. Access control is the caller's: a domain view first fetches its own object
through its tenant-scoped selector, checks the document is one of that object's (:func:`document_among`),
then returns :func:`document_response`.

Single byte ranges are served (206) so that browsers can seek in MP4 videos and resume downloads; Django's
``FileResponse`` always sends the whole file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import IO
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from .models import Document

logger = logging.getLogger(__name__)

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_RANGE_BLOCK = 256 * 1024


class RangeNotSatisfiable(Exception):
    """The requested range starts beyond the end of the file: 416."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``Range: bytes=…`` → (first, last) byte positions, inclusive, clamped to the file.

    None when the header is to be ignored and the whole file sent (RFC 9110 §14.2 allows ignoring it): several
    ranges, another unit, or a malformed value. Raises :class:`RangeNotSatisfiable` for a well-formed range
    that selects no byte of the file.
    """
    match = _RANGE.fullmatch(header.strip())
    if not match:
        return None
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text:
            return None
        suffix = int(last_text)  # bytes=-500: the last 500 bytes
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # invalid: ignore, as the RFC requires
    if first >= size:
        raise RangeNotSatisfiable
    return first, (min(int(last_text), size - 1) if last_text else size - 1)


class _RangeIterator:
    """Yields bytes first..last of an open file. Django calls ``close()`` when the response is closed, even if
    the body was never read, so the file is always closed."""

    def __init__(self, handle: IO[bytes], first: int, last: int) -> None:
        self._handle = handle
        self._remaining = last - first + 1
        handle.seek(first)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if self._remaining <= 0:
            raise StopIteration
        data = self._handle.read(min(_RANGE_BLOCK, self._remaining))
        if not data:
            raise StopIteration
        self._remaining -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


def _etag(document: Document) -> str:
    # Documents never change, so their content digest is a strong validator.
    return f'"{document.sha256}"'


def _finish(response: HttpResponseBase, document: Document, *, inline: bool) -> HttpResponseBase:
    disposition = content_disposition_header(not inline, document.original_name)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = _etag(document)
    return response


def document_response(request: HttpRequest, document: Document, *, inline: bool = False) -> HttpResponseBase:
    """The stored file, ``inline`` (preview in the browser: PDF, image, video) or as an attachment, with the
    original (Chinese) file name. A GET with one byte range gets 206 (or 416 past the end)."""
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        logger.error("document %s: stored file %s is missing", document.uuid, document.file.name)
        raise Http404("文件不存在") from None
    size = handle.size
    header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    # Ranges only for GET (RFC 9110), and only while the client's copy is this one (If-Range; a date cannot be
    # checked because no Last-Modified is sent, so it gets the whole file).
    if header and request.method == "GET" and (if_range is None or if_range.strip() == _etag(document)):
        try:
            byte_range = parse_range(header, size)
        except RangeNotSatisfiable:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _finish(response, document, inline=inline)
        if byte_range is not None:
            first, last = byte_range
            partial = StreamingHttpResponse(
                _RangeIterator(handle, first, last), status=206, content_type=document.content_type
            )
            partial["Content-Range"] = f"bytes {first}-{last}/{size}"
            partial["Content-Length"] = str(last - first + 1)
            return _finish(partial, document, inline=inline)
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=not inline,
        filename=document.original_name,
    )
    return _finish(response, document, inline=inline)


def document_among(documents: Iterable[Document | None], uuid: str | UUID) -> Document:
    """The document with this UUID among an object's own documents (``[order.business_licence,
    order.legal_id]``), else 404: a UUID of any other document, of this tenant or another, is not found here."""
    try:
        wanted = uuid if isinstance(uuid, UUID) else UUID(str(uuid))
    except ValueError:
        raise Http404("文件不存在") from None
    for document in documents:
        if document is not None and document.uuid == wanted:
            return document
    raise Http404("文件不存在")
