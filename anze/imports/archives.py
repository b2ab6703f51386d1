"""Reading a .zip an organisation uploads beside an import (the PDFs of the rows it issues) — without trusting it.

Nothing is ever extracted to disk: an entry is read into memory, at most its declared size (``zipfile`` stops
there and checks the CRC, so a size that lies fails), when a row names it. Refused with a Chinese message
(``ArchiveError``): a file that is not a zip, an encrypted entry, an entry whose path leaves the archive
(``../``, ``/etc/…``, ``C:\\…``), more entries than ``MAX_ENTRIES``, an entry larger than the upload limit of one
document, a total or a compression ratio only a zip bomb has.

Names are matched as users type them in a cell: Unicode NFC, case-insensitive, by full path inside the zip or by
the file's own name when that is unique. Zips made by the Windows explorer store Chinese names in GBK without the
UTF-8 flag; those are decoded as GBK (``zipfile`` would show them as CP437 mojibake).
"""

from __future__ import annotations

import posixpath
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anze.documents.validation import (
    Accepted,
    accept_again,
    format_size,
    normalise_accept,
    validate_many,
)

NOT_ZIP = "附件压缩包不是有效的zip文件"
ENCRYPTED = "附件压缩包中有加密的文件，请上传未加密的压缩包"
UNSAFE_PATH = "附件压缩包中有不安全的文件路径：{name}"
TOO_MANY = "附件压缩包中的文件超过{limit}个，请分批导入"
TOO_LARGE_ENTRY = "附件压缩包中的文件“{name}”超过{size}"
TOO_LARGE_TOTAL = "附件压缩包解压后超过{size}，请分批导入"
BOMB = "附件压缩包中的文件“{name}”压缩比异常，不能导入"
NOT_FOUND = "附件压缩包中没有文件“{name}”"
AMBIGUOUS = "附件压缩包中有多个名为“{name}”的文件，请写明所在文件夹，如 保单/{name}"

# Three PDFs (保单, 发票, 合同) for each of an import's at most 10,000 rows: a 5,000-row file of issued rows
# carries 15,000.
MAX_ENTRIES = 30_000
MAX_TOTAL_BYTES = 2 * 1024**3
# A PDF compresses a few times at most; text-only pages perhaps 20 times. A thousand times is a bomb.
MAX_RATIO = 200
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1


class ArchiveError(Exception):
    """The archive as a whole is refused: the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decoded_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author saw it: UTF-8 when flagged, else GBK when that reads (Windows explorer's
    zips of Chinese names), else what ``zipfile`` made of it."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            pass
        else:
            for encoding in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def match_key(name: str) -> str:
    """How a name is compared: NFC, ``\\`` as ``/``, no leading ``./``, case-folded, surrounding spaces gone."""
    name = unicodedata.normalize("NFC", (name or "").strip().replace("\\", "/"))
    while name.startswith("./"):
        name = name[2:]
    return name.casefold()


def _unsafe(name: str) -> bool:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in name.split("/")


@dataclass(frozen=True)
class Entry:
    name: str  # as shown: the path inside the zip
    info: zipfile.ZipInfo


class Archive:
    """An opened, checked zip: ``find(name)`` the entry a cell names, ``upload(entry)`` its bytes as an upload
    (what the documents' checks and ``document_create`` take), ``validate(entry, accept=…)`` the documents'
    content check of an entry — once: the entry's later uploads carry its result, so that ``document_create``
    does not check the same bytes again."""

    def __init__(self, handle: IO[bytes], *, entry_limit: int | None = None) -> None:
        try:
            self._zip = zipfile.ZipFile(handle)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise ArchiveError(NOT_ZIP) from None
        entry_limit = entry_limit or settings.UPLOAD_MAX_BYTES
        files = [info for info in infos if not info.is_dir()]
        if len(files) > MAX_ENTRIES:
            raise ArchiveError(TOO_MANY.format(limit=MAX_ENTRIES))
        total = 0
        # By the entry's place in the zip: a zip may hold two entries of one name.
        self._accepted: dict[int, Accepted] = {}
        self._by_path: dict[str, Entry] = {}
        self._by_base: dict[str, list[Entry]] = {}
        for info in files:
            name = decoded_name(info)
            if _unsafe(name):
                raise ArchiveError(UNSAFE_PATH.format(name=name))
            if info.flag_bits & _ENCRYPTED_FLAG:
                raise ArchiveError(ENCRYPTED)
            if info.file_size > entry_limit:
                raise ArchiveError(TOO_LARGE_ENTRY.format(name=name, size=format_size(entry_limit)))
            if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
                raise ArchiveError(BOMB.format(name=name))
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError(TOO_LARGE_TOTAL.format(size=format_size(MAX_TOTAL_BYTES)))
            if posixpath.basename(name).startswith(("__MACOSX", "._")) or name.startswith("__MACOSX/"):
                continue  # macOS's resource forks, never a file anyone named
            entry = Entry(name=name, info=info)
            self._by_path[match_key(name)] = entry
            self._by_base.setdefault(match_key(posixpath.basename(name)), []).append(entry)

    def __len__(self) -> int:
        return len(self._by_path)

    def find(self, name: str) -> Entry:
        """The entry a cell names, by its path inside the zip or by its own name; ``LookupError`` with the
        message for the user when there is none, or more than one of that name."""
        key = match_key(name)
        if key in self._by_path:
            return self._by_path[key]
        found = self._by_base.get(key, [])
        if len(found) == 1:
            return found[0]
        shown = (name or "").strip()
        raise LookupError(AMBIGUOUS.format(name=shown) if found else NOT_FOUND.format(name=shown))

    def upload(self, entry: Entry) -> SimpleUploadedFile:
        """The entry's bytes as an uploaded file named as in the zip (its extension is what the checks read)."""
        try:
            data = self._zip.read(entry.info)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise ArchiveError(NOT_ZIP) from None
        upload = SimpleUploadedFile(posixpath.basename(entry.name), data)
        if (accepted := self._accepted.get(entry.info.header_offset)) is not None:
            accept_again(upload, accepted)  # the same bytes (the zip checks their CRC): accepted already
        return upload

    def validate(self, entry: Entry, *, accept: frozenset[str]) -> None:
        """``validate_upload`` of the entry's bytes (``ValidationError`` when refused)."""
        if (refusal := self.validate_all([(entry, accept)])[0]) is not None:
            raise refusal

    def validate_all(self, entries: Sequence[tuple[Entry, frozenset[str]]]) -> list[ValidationError | None]:
        """``validate`` of many (entry, accept) pairs at once, in order: None for each accepted, the refusal
        otherwise. The documents' ``validate_many``: in worker processes, one per core, when there are many
        (an import's 15,000 PDFs); the entries read from the zip a window at a time, as the checks go."""
        # Each upload's name and size (not its bytes): what marks it accepted.
        read: list[tuple[str, int]] = []

        def uploads() -> Iterator[tuple[SimpleUploadedFile, frozenset[str]]]:
            for entry, accept in entries:
                upload = self.upload(entry)
                read.append((upload.name or "", entry.info.file_size))
                yield upload, accept

        results: list[ValidationError | None] = []
        found = validate_many(uploads())
        for (entry, accept), (name, size), outcome in zip(entries, read, found, strict=True):
            if isinstance(outcome, ValidationError):
                results.append(outcome)
            else:
                self._accepted[entry.info.header_offset] = (normalise_accept(accept), name, size, outcome)
                results.append(None)
        return results

    def close(self) -> None:
        self._zip.close()


@contextmanager
def open_archive(handle: IO[bytes] | None) -> Iterator[Archive | None]:
    """``Archive`` of an open file, closed afterwards; None when no archive was uploaded."""
    if handle is None:
        yield None
        return
    archive = Archive(handle)
    try:
        yield archive
    finally:
        archive.close()
