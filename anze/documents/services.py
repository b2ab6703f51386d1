"""Creating documents: the only writes of this app (documents are never changed afterwards)."""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from .models import KIND_ACCEPT, ORIGINAL_NAME_MAX, Document, DocumentKind
from .validation import validate_upload

if TYPE_CHECKING:
    from anze.accounts.models import Organisation, User

logger = logging.getLogger(__name__)

UNNAMED = "未命名文件"
# An extension longer than this is not one worth keeping when a long name is shortened.
_MAX_KEPT_EXTENSION = 16
_HASH_CHUNK = 1024 * 1024


def clean_original_name(name: str) -> str:
    """The user's file name as shown and offered on download: Chinese kept, path parts, control and
    direction-override characters (which can show "exe.pdf" for "fdp.exe") removed, at most 200 characters
    with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if not name or name in {".", ".."}:
        return UNNAMED
    if len(name) <= ORIGINAL_NAME_MAX:
        return name
    stem, extension = posixpath.splitext(name)
    if not extension or len(extension) > _MAX_KEPT_EXTENSION:
        return name[:ORIGINAL_NAME_MAX]
    return stem[: ORIGINAL_NAME_MAX - len(extension)] + extension


class _HashingFile(File):
    """Hands the upload to the storage and hashes the bytes as the storage reads them, so a 200 MB video is
    read once. Not exposing ``temporary_file_path`` is deliberate: FileSystemStorage would otherwise move the
    temporary file into place without reading it."""

    def __init__(self, upload: File) -> None:
        super().__init__(upload, name=upload.name)
        self._digest = hashlib.sha256()
        self._hashed = 0
        self._in_order = True

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        if self._in_order:
            self._digest.update(data)
            self._hashed += len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self.file.seek(offset, whence)
        if offset == 0 and whence == os.SEEK_SET:
            # Storages rewind before streaming (File.chunks does): start the digest again.
            self._digest = hashlib.sha256()
            self._hashed = 0
            self._in_order = True
        else:
            self._in_order = False  # bytes may now come out of order: recompute afterwards
        return position

    def hexdigest(self) -> str | None:
        """The digest of the whole file, or None when the storage did not read it once from start to end."""
        return self._digest.hexdigest() if self._in_order and self._hashed == self.size else None


def _sha256_of(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks(_HASH_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_create(
    *, organisation: Organisation, uploaded_by: User | None, kind: str, upload: File
) -> Document:
    """Validate ``upload`` by content (again: a form may have been bypassed), store it under a generated name
    and record it. Raises ``ValidationError`` (Chinese message) for a file the kind does not allow.

    ``organisation`` is the tenant uploading it: the uploader's own organisation. An upload kept after a
    refused submission (``upload.kept``, see :mod:`anze.documents.kept`) is released once stored.
    """
    return documents_create(organisation=organisation, uploaded_by=uploaded_by, uploads=[(kind, upload)])[0]


def documents_create(
    *, organisation: Organisation, uploaded_by: User | None, uploads: Sequence[tuple[str, File]]
) -> list[Document]:
    """``document_create`` of many (kind, upload) pairs at once — the Excel import's PDFs: the same checks and
    storage for each, one insert of their rows. A refused upload stores none of them."""
    if uploaded_by is not None and uploaded_by.organisation_id != organisation.pk:
        raise ValueError("uploaded_by must belong to the uploading organisation")
    checked = [
        (DocumentKind(kind), upload, validate_upload(upload, accept=KIND_ACCEPT[DocumentKind(kind)]))
        for kind, upload in uploads
    ]
    documents: list[Document] = []
    try:
        for kind, upload, content_type in checked:
            document = Document(
                organisation=organisation,
                uploaded_by=uploaded_by,
                kind=kind,
                original_name=clean_original_name(upload.name or ""),
                content_type=content_type,
                size=upload.size,
            )
            content = _HashingFile(upload)
            # The name passed here is ignored by Document.file's upload_to, which generates
            # docs/<yyyy>/<mm>/<uuid>.
            document.file.save(document.original_name, content, save=False)
            documents.append(document)
            document.sha256 = content.hexdigest() or _sha256_of(upload)
        if len(documents) == 1:
            documents[0].save()
        else:
            Document.objects.bulk_create(documents)
    except BaseException:
        # Without its row a stored file is unreachable: remove it rather than keep an orphan.
        for document in documents:
            document.file.storage.delete(document.file.name)
        raise
    if len(documents) == 1:
        document = documents[0]
        logger.info("document %s stored: %s, %d bytes", document.uuid, document.file.name, document.size)
    elif documents:  # an import's files: one line for them all (their rows name each), not 15,000 lines
        logger.info(
            "%d documents stored for organisation %s: %d bytes, %s … %s",
            len(documents),
            organisation.pk,
            sum(d.size for d in documents),
            documents[0].file.name,
            documents[-1].file.name,
        )
    for _kind, upload, _type in checked:
        if (kept := getattr(upload, "kept", None)) is not None:
            # The file kept for its user after a refused submission is now a document: the copy is no
            # longer needed.
            from .kept import KeptFile, kept_release

            kept_release(kept)
            if isinstance(upload, KeptFile):
                upload.close()  # opened from the storage by the field: nothing else reads it now
    return documents


def document_from_bytes(
    *,
    organisation: Organisation,
    kind: str,
    data: bytes,
    name: str,
    uploaded_by: User | None = None,
) -> Document:
    """A document from bytes in memory (demo data, tests, files the platform generates), through the same
    checks as an upload."""
    upload = SimpleUploadedFile(name, data)
    return document_create(organisation=organisation, uploaded_by=uploaded_by, kind=kind, upload=upload)
