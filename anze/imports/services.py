"""Running an import: the one way every 批量导入 goes, whatever it imports.

1. ``batch_create`` (the upload view) stores the workbook (and the zip of attachments) with an ``ImportBatch``
   row; the importer's task is then enqueued, and the page polls the row.
2. ``batch_run`` (the task, in the worker) reads the sheet and asks the importer to **check every row** — no
   write — then either hands the same workbook back with a 错误说明 column (``error_report``, status 校验未通过) or
   **writes every row in one transaction** through the importer. A row the write refuses after all (a 保单编号
   taken meanwhile, a PDF the documents' checks refuse) rolls the whole transaction back and is annotated the
   same way: nothing is ever half imported.

An importer (``Importer``) is the owning app's: its columns, its checks — which call that app's own rules and
workflow functions, never a copy — and its writes. The batch and its pages know nothing of orders or registers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.audit.oplog import log_business_entry
from anze.core.errors import Refused
from anze.documents.services import clean_original_name

from .archives import Archive, ArchiveError, open_archive
from .models import ImportBatch, ImportStatus
from .sheets import Column, Sheet, SheetError, annotated_workbook, read_sheet

logger = logging.getLogger(__name__)

FAILED = "导入时发生系统错误，未导入任何数据。请稍后重新上传，或联系平台管理员"
PROGRESS_EVERY = 200  # rows between two updates of the progress row while checking
# A batch still being checked or written this long after its worker took it lost that worker (killed
# mid-import: its transaction rolled back). One waiting for a worker is not stalled: it runs when one starts.
STALLED_AFTER = timedelta(hours=1)

RowErrors = dict[int, list[tuple[str | None, str]]]


class RowsRefused(Exception):
    """Rows the write refused: raised inside the import's transaction, so that it rolls back."""

    def __init__(self, errors: RowErrors) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


@dataclass
class Checked:
    """What an importer's check found: the problems of each row (by Excel row number) and, when there are none,
    the plan its write carries out."""

    errors: RowErrors = field(default_factory=dict)
    plan: Any = None


class Importer(Protocol):
    kind: str
    max_rows: int

    def columns(self) -> Sequence[Column]: ...

    def check(
        self, sheet: Sheet, *, batch: ImportBatch, archive: Archive | None, progress: Callable[[int], None]
    ) -> Checked:
        """Every problem of every row, reading only (file-level problems: ``Refused``)."""
        ...

    def write(self, plan: Any, *, batch: ImportBatch, archive: Archive | None) -> list[tuple[str, int]]:
        """Write the plan (inside the import's transaction); raise ``RowsRefused`` for rows refused now. Returns
        what was done, as (label, count) lines: [("新增线下订单", 5000), ("其中出函", 200)]."""
        ...


def add_error(errors: RowErrors, number: int, column: str | None, message: str) -> None:
    found = errors.setdefault(number, [])
    if (column, message) not in found:
        found.append((column, message))


def refused_errors(exc: Refused, columns: Mapping[str, str] | None = None) -> list[tuple[str | None, str]]:
    """A workflow's refusal as a row's errors: its fields are the importer's column keys (``columns`` renames
    the others), an error of no field is the row's."""
    names = columns or {}
    return [
        (names.get(name, name) if name else None, text)
        for name, texts in exc.errors.items()
        for text in texts
    ]


# --- starting ---------------------------------------------------------------------------------------------------
def batch_create(
    *, actor: User, kind: str, workbook: UploadedFile, archive: UploadedFile | None = None
) -> ImportBatch:
    """Store the uploaded files as a new batch of ``actor``'s organisation, waiting for its task."""
    batch = ImportBatch(
        kind=kind,
        organisation=actor.organisation,
        created_by=actor,
        workbook_name=_shown_name(workbook.name),
        archive_name=_shown_name(archive.name) if archive is not None else "",
    )
    batch.workbook.save("workbook.xlsx", workbook, save=False)
    try:
        if archive is not None:
            batch.archive.save("archive.zip", archive, save=False)
        batch.save()
    except BaseException:
        _delete_files(batch, "workbook", "archive")
        raise
    return batch


def _shown_name(name: str | None) -> str:
    return clean_original_name(name or "")


# --- running ----------------------------------------------------------------------------------------------------
def batch_run(batch_id: int, importer: Importer) -> ImportBatch | None:
    """Check, then import or refuse, the batch; None when it is not waiting (another worker took it)."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, started_at=timezone.now()
    )
    if not claimed:
        return None
    batch = ImportBatch.objects.select_related("organisation", "created_by__organisation").get(pk=batch_id)
    try:
        _run(batch, importer)
    except (SheetError, ArchiveError) as exc:
        _finish(batch, ImportStatus.REFUSED, message=exc.message)
    except Refused as exc:
        _finish(batch, ImportStatus.REFUSED, message=exc.message)
    except Exception:
        logger.exception("import %s (%s) failed", batch.uuid, batch.kind)
        _finish(batch, ImportStatus.FAILED, message=FAILED)
    finally:
        if batch.archive:
            _delete_files(batch, "archive")  # its PDFs are documents now, or the user uploads it again
            ImportBatch.objects.filter(pk=batch.pk).update(archive="")
    return batch


def _run(batch: ImportBatch, importer: Importer) -> None:
    columns = importer.columns()
    with batch.workbook.open("rb") as handle:
        sheet = read_sheet(handle, columns, max_rows=importer.max_rows)
    batch.total_rows = len(sheet.rows)
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=batch.total_rows)

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == batch.total_rows:
            ImportBatch.objects.filter(pk=batch.pk).update(checked_rows=done)

    archive_file = batch.archive.open("rb") if batch.archive else None
    try:
        with open_archive(archive_file) as archive:
            started = time.perf_counter()
            checked = importer.check(sheet, batch=batch, archive=archive, progress=progress)
            batch.check_seconds = round(time.perf_counter() - started, 3)
            if checked.errors:
                _refuse(batch, columns, checked.errors)
                return
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.WRITING, checked_rows=batch.total_rows, check_seconds=batch.check_seconds
            )
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    lines = importer.write(checked.plan, batch=batch, archive=archive)
                    batch.write_seconds = round(time.perf_counter() - started, 3)
                    batch.summary = {"lines": [[label, count] for label, count in lines]}
                    _finish(batch, ImportStatus.DONE)
                    _log(batch, lines)
            except RowsRefused as exc:
                _refuse(batch, columns, exc.errors)
    finally:
        if archive_file is not None:
            archive_file.close()


def _refuse(batch: ImportBatch, columns: Sequence[Column], errors: RowErrors) -> None:
    """Hand the workbook back with its 错误说明 column; nothing was imported."""
    with batch.workbook.open("rb") as handle:
        report = annotated_workbook(handle, columns, errors)
    batch.error_report.save("errors.xlsx", ContentFile(report), save=False)
    batch.error_rows = len(errors)
    _finish(
        batch,
        ImportStatus.REFUSED,
        message=f"{len(errors)}行有错误，未导入任何数据。请下载错误说明，按“错误说明”列修改后重新上传",
    )


def _finish(batch: ImportBatch, status: str, *, message: str = "") -> None:
    batch.status = status
    batch.message = message[:500]
    batch.finished_at = timezone.now()
    batch.save(
        update_fields=[
            "status",
            "message",
            "finished_at",
            "error_report",
            "error_rows",
            "total_rows",
            "summary",
            "check_seconds",
            "write_seconds",
        ]
    )


def _log(batch: ImportBatch, lines: list[tuple[str, int]]) -> LogEntry:
    """The import's own 操作日志 entry (each order it created has its own too), in its transaction."""
    return log_business_entry(
        batch,
        actor=batch.created_by,
        action="import",
        label=batch.get_kind_display(),
        object_repr=f"{batch.get_kind_display()} {batch.workbook_name}",
        changes={
            "导入文件": ["", batch.workbook_name],
            **{label: ["", str(count)] for label, count in lines},
        },
    )


def _delete_files(batch: ImportBatch, *names: str) -> None:
    for name in names:
        stored = getattr(batch, name)
        if stored:
            try:
                stored.storage.delete(stored.name)
            except OSError:
                logger.warning("import %s: could not delete %s", batch.uuid, stored.name)


def stalled(batch: ImportBatch) -> bool:
    """A batch whose worker is gone: still checking or writing long after the worker took it."""
    started = batch.started_at
    return batch.running and started is not None and started < timezone.now() - STALLED_AFTER
