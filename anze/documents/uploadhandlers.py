"""Stop storing an uploaded file once it passes its size limit, while the rest of the form is still parsed.

``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count files, so without this a 2 GB upload is written to a temporary
file in full before the form can refuse it. :class:`SizeLimitUploadHandler` sits first in
``FILE_UPLOAD_HANDLERS``: past the limit it stops passing chunks to the handlers that store them and, at the
end of that file, puts an :class:`OversizedUpload` in ``request.FILES`` instead. The form field then shows
"文件大小不能超过10MB" beside the field; nothing is dropped, nothing raises.

The limit is ``UPLOAD_MAX_BYTES`` (10 MB). A view taking videos raises it with a decorator::

    @video_upload_limit              # settings.VIDEO_UPLOAD_MAX_BYTES, read per request
    @requires("prevention.video.add")
    def video_upload(request): ...

    @upload_limit(50 * 1024 * 1024)  # any other limit

Class-based views: ``@method_decorator(video_upload_limit, name="dispatch")``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]


class UploadDiscardedError(OSError):
    """Reading an :class:`OversizedUpload`: its content was never kept. Use ``DocumentField`` (or call
    ``validate_upload``), which turns it into the size error for the user."""


class OversizedUpload(UploadedFile):
    """Stands in ``request.FILES`` for a file that passed its limit: name and size, no content.

    ``size`` is the number of bytes received (the whole file, counted while it was discarded); ``limit`` the
    limit the handler enforced.
    """

    def __init__(self, *, name: str, content_type: str, size: int, limit: int, charset: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size, charset=charset)
        self.limit = limit

    def open(self, mode: str | None = None) -> OversizedUpload:
        raise UploadDiscardedError(f"upload {self.name!r} exceeded {self.limit} bytes and was discarded")

    def read(self, *args: Any) -> bytes:
        raise UploadDiscardedError(f"upload {self.name!r} exceeded {self.limit} bytes and was discarded")

    def close(self) -> None:
        """Nothing to close; ``HttpRequest.close()`` closes every entry of ``request.FILES``."""


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each file's bytes; past ``max_bytes`` the later (storing) handlers get nothing more.

    Must come before ``MemoryFileUploadHandler`` and ``TemporaryFileUploadHandler``. The part they stored
    before the limit was reached (at most ``max_bytes``) is closed, and so deleted, when the file ends.
    """

    def __init__(self, request: HttpRequest | None = None, max_bytes: int | None = None) -> None:
        super().__init__(request)
        self.max_bytes: int = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
        self.received = 0
        self.oversized = False
        self._held_before: list[tuple[FileUploadHandler, Any]] = []

    def _storing_handlers(self) -> list[FileUploadHandler]:
        handlers = list(getattr(self.request, "upload_handlers", None) or [])
        return handlers[handlers.index(self) + 1 :] if self in handlers else []

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False
        # This handler runs first, so the storing handlers still hold the previous file (already handed to
        # request.FILES, or nothing): whatever else they hold when this file ends is this file's partial copy.
        self._held_before = [
            (handler, getattr(handler, "file", None)) for handler in self._storing_handlers()
        ]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.received > self.max_bytes:
            self.oversized = True
            return None  # None: the handlers after this one do not see the chunk
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.oversized:
            return None  # the storing handler after this one returns the file
        logger.info("upload %r discarded: %d bytes, limit %d", self.file_name, self.received, self.max_bytes)
        for handler, before in self._held_before:
            partial = getattr(handler, "file", None)
            if partial is not None and partial is not before:
                partial.close()  # a temporary file is deleted when closed
        return OversizedUpload(
            name=self.file_name or "",
            content_type=self.content_type or "",
            size=self.received,
            limit=self.max_bytes,
            charset=self.charset,
        )


def set_upload_limit(request: HttpRequest, max_bytes: int) -> None:
    """Set this request's per-file limit; must run before anything reads ``request.POST`` or ``FILES``.

    Works whether or not ``SizeLimitUploadHandler`` is in ``FILE_UPLOAD_HANDLERS``: when it is missing, one is
    put first.
    """
    if hasattr(request, "_files"):
        # Changing the handlers now would silently do nothing: the body has already been parsed.
        raise RuntimeError(
            "set_upload_limit() called after request.POST/FILES was read; use the upload_limit decorator, "
            "which runs before the CSRF check reads the body."
        )
    handlers = request.upload_handlers
    for handler in handlers:
        if isinstance(handler, SizeLimitUploadHandler):
            handler.max_bytes = max_bytes
            return
    handlers.insert(0, SizeLimitUploadHandler(request, max_bytes=max_bytes))


def upload_limit(max_bytes: int | Callable[[], int]) -> Callable[[View], View]:
    """Decorate a view so that each uploaded file may have up to ``max_bytes`` (an int, or a callable read at
    each request so that settings overrides apply).

    ``CsrfViewMiddleware`` reads ``request.POST`` before the view runs, after which the upload handlers cannot
    change. As Django documents for changing upload handlers, the view is exempted from the middleware's check
    and the same check runs inside (``csrf_protect``) after the limit is set: CSRF protection is unchanged.
    """

    def decorator(view: View) -> View:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            set_upload_limit(request, max_bytes() if callable(max_bytes) else max_bytes)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


def _video_max_bytes() -> int:
    return settings.VIDEO_UPLOAD_MAX_BYTES


video_upload_limit: Callable[[View], View] = upload_limit(_video_max_bytes)
"""For views with a video field: files up to ``VIDEO_UPLOAD_MAX_BYTES`` (200 MB)."""
