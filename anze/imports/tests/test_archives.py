"""The zip beside an import: an entry's content check is done once, and goes only with that entry's bytes."""

from __future__ import annotations

import io
import os
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


def _many(count: int) -> tuple[Archive, list[str]]:
    """``count`` entries: every fifth broken, every seventh a picture named .pdf, the rest real PDFs."""
    entries, names = [], []
    for n in range(count):
        data = files.pdf_bytes("保单", [f"B{n}"])
        if n % 5 == 4:
            data = b"%PDF-1.4 broken" + b" " * 2000
        elif n % 7 == 6:
            data = files.png_bytes()
        names.append(f"保单/B{n}.pdf")
        entries.append((names[-1], data))
    return _zip(*entries), names


def test_many_entries_are_checked_in_worker_processes_with_the_same_results_in_order(monkeypatch):
    monkeypatch.setattr(validation, "PARALLEL_FROM", 4)
    monkeypatch.setattr(validation, "_WINDOW_FILES", 7)  # several windows, the last one short
    monkeypatch.setattr(validation, "check_processes", lambda: 2)
    archive, names = _many(30)
    pairs = [(archive.find(name), PDF) for name in names]
    in_workers = archive.validate_all(pairs)
    expected = []
    for entry, accept in pairs:
        try:
            validation.validate_upload(archive.upload(entry), accept=accept)
            expected.append(None)
        except ValidationError as exc:
            expected.append(exc.messages)
    assert [None if found is None else found.messages for found in in_workers] == expected
    assert expected.count(None) == 20 and None in expected[:4]
    assert set(map(tuple, filter(None, expected))) == {
        (validation.PDF_DAMAGED,),
        (validation.NOT_PDF,),
    }
    # The accepted ones are marked: storing them parses nothing again; the refused ones are not.
    for (entry, _accept), found in zip(pairs, in_workers, strict=True):
        assert (validation.accepted_as(archive.upload(entry)) is not None) is (found is None)


def test_the_checks_of_many_entries_run_in_other_processes(monkeypatch):
    def pid(upload, size):
        raise ValidationError(str(os.getpid()), code="pid")

    monkeypatch.setitem(validation._CHECKS, "pdf", pid)
    monkeypatch.setattr(validation, "PARALLEL_FROM", 4)
    monkeypatch.setattr(validation, "check_processes", lambda: 2)
    archive, names = _many(12)
    found = archive.validate_all([(archive.find(name), PDF) for name in names])
    pids = {int(refusal.messages[0]) for refusal in found if refusal is not None}
    assert pids and os.getpid() not in pids
    # A handful of files: checked here, without starting workers.
    few = archive.validate_all([(archive.find(name), PDF) for name in names[:3]])
    assert {int(refusal.messages[0]) for refusal in few if refusal is not None} == {os.getpid()}
