"""The zip beside an import: an entry's content check is done once, and goes only with that entry's bytes."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError

from anze.documents import testing as files
from anze.documents import validation
from anze.imports.archives import Archive, Entry

PDF = frozenset({"pdf"})


def _zip(*entries: tuple[str, bytes]) -> Archive:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": the case under test
        for name, data in entries:
            archive.writestr(name, data)
    buffer.seek(0)
    return Archive(buffer)


def test_an_entry_checked_once_is_not_parsed_again_when_stored(monkeypatch):
    parsed: list[str] = []
    check = validation._CHECKS["pdf"]
    monkeypatch.setitem(
        validation._CHECKS, "pdf", lambda upload, size: parsed.append(upload.name) or check(upload, size)
    )
    archive = _zip(("保单/B1.pdf", files.pdf_bytes("保单")))
    entry = archive.find("B1.pdf")
    archive.validate(entry, accept=PDF)
    upload = archive.upload(entry)
    assert validation.validate_upload(upload, accept=PDF) == "application/pdf"
    assert parsed == ["B1.pdf"]


def test_a_refused_entry_is_refused_again():
    archive = _zip(("B1.pdf", b"%PDF-1.4 not really"))
    entry = archive.find("B1.pdf")
    with pytest.raises(ValidationError):
        archive.validate(entry, accept=PDF)
    assert validation.accepted_as(archive.upload(entry)) is None


def test_two_entries_of_one_name_keep_their_own_check():
    good, bad = files.pdf_bytes("保单"), b"%PDF-1.4 broken" + b" " * 2000
    archive = _zip(("B1.pdf", good), ("B1.pdf", bad))
    first, second = (Entry(name="B1.pdf", info=info) for info in archive._zip.infolist())
    archive.validate(first, accept=PDF)
    assert validation.accepted_as(archive.upload(first)) is not None
    upload = archive.upload(second)
    assert validation.accepted_as(upload) is None
    with pytest.raises(ValidationError):
        validation.validate_upload(upload, accept=PDF)
