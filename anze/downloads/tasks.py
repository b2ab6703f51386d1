"""Exports built by the worker: the request, the ``build_export`` task, its lease, and the sweep.

How an export travels:

1. ``export_request`` (the export view, once the user confirmed): an :class:`Export` row (排队中) and its
   ``build_export`` task, in one transaction (``core.tasks.enqueue_with_transaction``).
2. ``build_export`` claims the row with a conditional UPDATE (排队中 → 生成中, one more attempt, a lease): a
   duplicate task, or a second worker, claims nothing and does nothing.
3. The rows are those the user may see *now*: the account must still hold the export's permission (else 失败
   “没有该操作的权限”) and the list's own tenant-scoped selector reads the query string captured with the
   request. They are counted (bounded), written one by one into a temporary file by the same writer as an
   export built in the request (``core.exports.write_xlsx``: write-only workbook, queryset ``iterator``), with
   ``rows_done`` and the lease moved on by one UPDATE every ``PROGRESS_EVERY`` rows; the file is then saved to
   the private storage and the export is 已完成 for ``KEPT_FOR_HOURS``. Any error: 失败 with a Chinese reason
   (the traceback goes to the log).
4. ``sweep`` (``manage.py exports_cleanup``, also run by every round of ``sms_sweep``): a claim whose lease
   passed (the worker was killed, the machine lost power) goes back to 排队中 with a new task, or to 失败 after
   ``MAX_ATTEMPTS``; a queued export whose task seems lost is enqueued again; files past their 24 hours are
   deleted (已过期) and old rows forgotten.

A worker that finds its claim taken back (swept, or the export deleted by its user) stops at its next progress
update, and deletes what it stored if it got that far: an export is never marked done twice.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from anze.core import exports
from anze.core.errors import Refused
from anze.core.leases import Leased
from anze.core.tasks import enqueue_with_transaction
from anze.core.workflow import NO_PERMISSION

from . import registry
from .models import KEPT_FOR_HOURS, PENDING, Export, ExportStatus

if TYPE_CHECKING:
    from anze.accounts.models import User

logger = logging.getLogger("anze.downloads")

S = ExportStatus
PROGRESS_EVERY = 2000  # rows between two progress updates (one UPDATE each)
MAX_ATTEMPTS = 2  # an export whose worker died twice is not tried a third time
MAX_PENDING = 3  # exports one user may have queued or running at once
SWEEP_GRACE = timedelta(minutes=10)  # a queued export this long without a worker: its task may be lost
FORGET_AFTER = timedelta(days=7)  # failed and expired exports stay listed this long after they expired
SWEEP_BATCH = 500
# The query string's keys that do not choose rows.
IGNORED_PARAMS = frozenset({"page", "size"})

SUBMITTED = "导出任务已提交，完成后可在下载中心下载"
TOO_MANY_PENDING = f"已有{MAX_PENDING}个导出任务正在生成，请等待完成后再导出"
FAILED = "导出失败（系统错误），请稍后重试；如仍失败请联系管理员"
UNKNOWN_KIND = "导出失败：该列表已不支持导出"
INTERRUPTED = "导出中断（任务进程退出或超时），请重新导出"


class ClaimLost(Exception):
    """The export is no longer this worker's: the sweep took it back, or its user deleted it."""


def lease() -> timedelta:
    """How long a claim is trusted without a progress update: ANZE_EXPORT_LEASE_SECONDS (10 minutes unless
    set), far above the time between two updates and the time to save a large file to the storage."""
    return timedelta(seconds=settings.EXPORT_LEASE_SECONDS)


def kept_for() -> timedelta:
    return timedelta(hours=KEPT_FOR_HOURS)


# --- the request --------------------------------------------------------------------------------------------
def export_request(*, user: User, kind: registry.ExportKind, params: QueryDict, rows_total: int) -> Export:
    """Queue an export of ``kind`` with the list's query string ``params`` for ``user`` (the view checked the
    permission and counted ``rows_total``). Refused while the user already has ``MAX_PENDING`` exports
    queued or running."""
    if Export.objects.filter(user=user, status__in=PENDING).count() >= MAX_PENDING:
        raise Refused(TOO_MANY_PENDING)
    filters = {key: params.getlist(key) for key in sorted(params) if key not in IGNORED_PARAMS}
    with transaction.atomic():
        export = Export.objects.create(
            user=user,
            organisation_id=user.organisation_id,
            kind=kind.key,
            label=kind.label,
            filters=filters,
            rows_total=rows_total,
            lease_until=timezone.now(),
        )
        enqueue_with_transaction(build_export, export.pk)
    logger.info("导出任务已提交 %s：%s，%d 行，用户 %s", export.uuid, kind.key, rows_total, user.pk)
    return export


# --- building -------------------------------------------------------------------------------------------------
@task()
def build_export(export_id: int) -> str:
    """Build one export; returns what happened (stored with the task result)."""
    return export_build(export_id)


# The exports as leased rows (``core.leases``): claimed by ``export_build``, whose progress updates move the
# lease on; taken back by ``sweep``. Queued rows are claimed at once (no retry waits).
EXPORTS = Leased(
    model=Export,
    waiting=S.QUEUED,
    working=S.RUNNING,
    due="lease_until",
    max_attempts=MAX_ATTEMPTS,
    lease=lease,
    enqueue=lambda pk: enqueue_with_transaction(build_export, pk),
    claim_when_due=False,
)


def export_build(export_id: int) -> str:
    now = timezone.now()
    if not EXPORTS.claim(export_id, now=now, started_at=now, rows_done=0, error=""):
        return "skipped"  # built, failed or deleted already, or being built (a duplicate task)
    export = Export.objects.select_related("user__organisation").get(pk=export_id)
    claim = Export.objects.filter(pk=export.pk, status=S.RUNNING, attempts=export.attempts)
    kind = registry.get(export.kind)
    if kind is None:
        logger.error("导出 %s：未知的导出类型 %s", export.uuid, export.kind)
        return _fail(claim, UNKNOWN_KIND)
    if not kind.may_export(export.user):
        return _fail(claim, NO_PERMISSION)
    try:
        return _build(export, kind, claim)
    except ClaimLost:
        logger.warning("导出 %s 已被收回或删除，停止生成", export.uuid)
        return "interrupted"
    except Exception:  # whatever happens, the export must leave 生成中 with the reason recorded
        logger.exception("导出 %s 失败", export.uuid)
        return _fail(claim, FAILED)


def _build(export: Export, kind: registry.ExportKind, claim: QuerySet[Export]) -> str:
    queryset = kind.select(export.user, export.params())
    with _unmapped(connections[queryset.db]):
        return _write(export, kind, claim, queryset)


def _write(
    export: Export, kind: registry.ExportKind, claim: QuerySet[Export], queryset: QuerySet[Any]
) -> str:
    total = exports.bounded_count(queryset, exports.MAX_EXPORT_ROWS)
    if message := exports.too_many_rows(total):
        return _fail(claim, message)
    _progress(claim, 0, total=total)
    with tempfile.TemporaryFile() as handle:
        written = exports.write_xlsx(
            handle,
            export.label,
            kind.headers,
            kind.rows(queryset),
            kind.widths,
            progress=lambda done: _progress(claim, done),
            every=PROGRESS_EVERY,
        )
        size = handle.seek(0, 2)
        handle.seek(0)
        export.file.save(f"{export.uuid.hex}.xlsx", File(handle), save=False)
    now = timezone.now()
    finished = claim.update(
        status=S.DONE,
        file=export.file.name,
        size=size,
        rows_done=written,
        rows_total=written,
        finished_at=now,
        expires_at=now + kept_for(),
        lease_until=None,
    )
    if not finished:
        _delete_file(export.file.storage, export.file.name)
        raise ClaimLost
    logger.info("导出完成 %s：%d 行，%d 字节", export.uuid, written, size)
    return "done"


@contextmanager
def _unmapped(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """SQLite reads the database file through a memory map (ANZE_SQLITE_MMAP_MB): every page an export scans
    stays mapped into the worker, ~290 MB of resident memory for 300,000 orders (docs/BENCH.md). The export
    reads without the map (4% more CPU time there) and puts it back after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        (mapped,) = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(mapped)}")


def _progress(claim: QuerySet[Export], done: int, *, total: int | None = None) -> None:
    """One UPDATE: the rows written so far, and the lease moved on (the worker is alive)."""
    fields: dict[str, Any] = {"rows_done": done, "lease_until": timezone.now() + lease()}
    if total is not None:
        fields["rows_total"] = total
    if not claim.update(**fields):
        raise ClaimLost


def _fail(claim: QuerySet[Export], message: str) -> str:
    now = timezone.now()
    claim.update(
        status=S.FAILED,
        error=message[:500],
        finished_at=now,
        expires_at=now + kept_for(),
        lease_until=None,
    )
    return "failed"


# --- the user's delete ----------------------------------------------------------------------------------------
def export_delete(*, export: Export) -> None:
    """Remove the export from the 下载中心: the row now, its file once the transaction commits. A worker still
    building it stops at its next progress update."""
    name, storage = export.file.name, export.file.storage
    Export.objects.filter(pk=export.pk).delete()
    if name:
        transaction.on_commit(lambda: _delete_file(storage, name))


def _delete_file(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the file is orphaned, not served (no row names it): log, do not fail the caller
        logger.exception("导出文件 %s 删除失败", name)


# --- the sweep ------------------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    requeued: int = 0  # queued exports whose task seemed lost, enqueued again
    released: int = 0  # expired claims (dead workers) taken back and enqueued again
    failed: int = 0  # expired claims that had no attempt left
    expired: int = 0  # files past their 24 hours, deleted
    forgotten: int = 0  # old failed and expired rows removed

    def summary(self) -> str:
        return (
            f"清除过期导出文件 {self.expired} 个，重新生成中断的导出 {self.released} 个，标记失败 {self.failed} 个，"
            f"重新排队导出 {self.requeued} 个，删除旧导出记录 {self.forgotten} 条"
        )


def sweep(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    result.released, result.failed = EXPORTS.take_back(
        now=now,
        limit=limit,
        retry={"rows_done": 0},
        final={"status": S.FAILED, "error": INTERRUPTED, "finished_at": now, "expires_at": now + kept_for()},
    )
    result.requeued = EXPORTS.requeue_overdue(now=now, grace=SWEEP_GRACE, limit=limit)
    done = Export.objects.filter(status=S.DONE, expires_at__lte=now).order_by("expires_at")
    for pk, name in done.values_list("pk", "file")[:limit]:
        if Export.objects.filter(pk=pk, status=S.DONE).update(status=S.EXPIRED, file="", lease_until=None):
            if name:
                _delete_file(Export.file.field.storage, name)
            result.expired += 1
    old = Export.objects.filter(
        status__in=[S.FAILED, S.EXPIRED], expires_at__lte=now - FORGET_AFTER
    ).order_by("expires_at")
    result.forgotten = Export.objects.filter(pk__in=list(old.values_list("pk", flat=True)[:limit])).delete()[
        0
    ]
    if result.requeued or result.released or result.failed or result.expired or result.forgotten:
        logger.info("导出清理：%s", result.summary())
    return result


@task()
def sweep_exports() -> dict[str, int]:
    """The sweep as a task, for a scheduler that enqueues tasks periodically."""
    return asdict(sweep())
