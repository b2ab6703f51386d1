"""The worker's side of an export: progress, the permission asked again, failures, a claim taken back, the
sweep (dead workers, lost tasks, expiry) and the moves of an export's status, as a literal matrix."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl.worksheet import _writer

from anze.core.testing import factories
from anze.downloads import registry, tasks
from anze.downloads.models import Export, ExportStatus
from anze.downloads.testing import finished_export
from anze.orders.models import Order

from .support import DOWNLOADS, EXPORT, HTMX, body, workbook_rows

pytestmark = pytest.mark.django_db
S = ExportStatus


def _queue(client: Any, callbacks: Any, url: str = EXPORT) -> Export:
    """Ask for an export (the POST of the dialog) without letting its task run yet."""
    with callbacks(execute=False) as queued:
        assert client.post(url, headers=HTMX).status_code == 204
    assert len(queued) == 1
    return Export.objects.get()


def _run(callbacks: Any) -> None:
    """Run the task of the export just queued (what the worker does after the commit)."""
    for callback in callbacks:
        callback()


# --- progress ---------------------------------------------------------------------------------------------------
def test_the_worker_moves_rows_done_on_with_one_update_every_n_rows(
    orders, clerk, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    total = orders(25)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 10)
    monkeypatch.setattr("anze.core.exports.WIDTH_SAMPLE", 3)  # rows are written from the fourth one on
    seen: list[tuple[int, int, str]] = []
    update = tasks._progress

    def watched(claim: Any, done: int, **kwargs: Any) -> None:
        with CaptureQueriesContext(connection) as queries:
            update(claim, done, **kwargs)
        assert len(queries) == 1 and queries[0]["sql"].startswith("UPDATE")
        seen.append(Export.objects.values_list("rows_done", "rows_total", "status").get())

    monkeypatch.setattr(tasks, "_progress", watched)
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(EXPORT, headers=HTMX)
    assert seen == [(0, total, S.RUNNING), (10, total, S.RUNNING), (20, total, S.RUNNING)]
    export = Export.objects.get()
    assert (export.status, export.rows_done, export.rows_total, export.percent) == (S.DONE, total, total, 100)


def test_the_download_centre_shows_the_progress_and_polls_while_an_export_is_pending(cast, clerk):
    running = Export.objects.create(
        user=cast.clerk,
        organisation=cast.insurer,
        kind="orders.insurer",
        label="订单列表",
        status=S.RUNNING,
        rows_total=300_000,
        rows_done=120_000,
    )
    html = clerk.get(DOWNLOADS).content.decode()
    assert "生成中" in html and "120000 / 300000 行（40%）" in html and 'style="width: 40%"' in html
    assert "every 2s" in html and "data-pending" in html
    region = clerk.get(DOWNLOADS, headers={**HTMX, "HX-Target": "list-region"}).content.decode()
    assert region.lstrip().startswith('<div id="list-region"') and "every 2s" in region
    Export.objects.filter(pk=running.pk).update(status=S.DONE, rows_done=300_000)
    html = clerk.get(DOWNLOADS).content.decode()
    assert "every 2s" not in html and "data-pending" not in html


# --- the permission, asked again by the worker -------------------------------------------------------------------
def test_a_user_whose_permission_was_removed_meanwhile_gets_a_failed_export(
    orders, cast, small_threshold, django_capture_on_commit_callbacks
):
    orders(3)
    role = factories.role(cast.insurer, ["order.view", "order.export"])
    clerk = cast.client(factories.user(cast.insurer, roles=[role]))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        clerk.post(EXPORT, headers=HTMX)
    role.permissions = ["order.view"]
    role.save()
    _run(queued)
    export = Export.objects.get()
    assert (export.status, export.error, export.file.name) == (S.FAILED, "没有该操作的权限", "")
    html = clerk.get(DOWNLOADS).content.decode()
    assert "失败" in html and "没有该操作的权限" in html and "/file/" not in html


def test_a_user_disabled_meanwhile_gets_a_failed_export(
    orders, cast, clerk, small_threshold, django_capture_on_commit_callbacks
):
    orders(3)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        clerk.post(EXPORT, headers=HTMX)
    cast.clerk.is_active = False
    cast.clerk.save()
    _run(queued)
    assert Export.objects.values_list("status", "error").get() == (S.FAILED, "没有该操作的权限")


def test_the_worker_reads_the_rows_the_user_may_see_when_it_runs(
    orders, cast, clerk, small_threshold, django_capture_on_commit_callbacks
):
    """The scope is the user's own insurer's, asked when the file is built: an order moved to another insurer
    meanwhile is not in it."""
    orders(4)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        clerk.post(EXPORT, headers=HTMX)
    moved = Order.objects.filter(insurer=cast.insurer).order_by("pk").first()
    Order.objects.filter(pk=moved.pk).update(insurer=cast.other_insurer)
    _run(queued)
    export = Export.objects.get()
    rows = workbook_rows(body(clerk.get(f"{DOWNLOADS}{export.uuid}/file/")))[1:]
    assert moved.application_no not in {row[0] for row in rows} and len(rows) == export.rows_total == 3


# --- failures ---------------------------------------------------------------------------------------------------
def _kind(monkeypatch: Any, key: str, rows: Any) -> registry.ExportKind:
    """A kind of the tests: the insurer's orders, their rows made by ``rows(queryset)``."""
    orders_kind = registry.get("orders.insurer")
    assert orders_kind is not None
    kind = registry.ExportKind(
        key=key,
        label="测试列表",
        permission="order.export",
        headers=["申请编号"],
        widths=[20],
        select=orders_kind.select,
        rows=rows,
    )
    monkeypatch.setitem(registry._KINDS, key, kind)
    return kind


def _queued(user: Any, kind: str, rows_total: int = 1) -> Export:
    return Export.objects.create(
        user=user,
        organisation_id=user.organisation_id,
        kind=kind,
        label="测试列表",
        rows_total=rows_total,
        lease_until=timezone.now(),
    )


def test_an_error_while_building_fails_the_export_with_a_chinese_message_and_leaves_no_file(
    orders, cast, monkeypatch, caplog
):
    orders(700)

    def broken(queryset: Any) -> Any:
        for number, order in enumerate(queryset.iterator()):
            if number == 600:  # after the sample: the sheet's temporary file exists
                raise RuntimeError("数据库连接中断")
            yield [order.application_no]

    _kind(monkeypatch, "tests.broken", broken)
    export = _queued(cast.clerk, "tests.broken")
    temporary = list(_writer.ALL_TEMP_FILES)
    assert tasks.export_build(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == S.FAILED and export.error == tasks.FAILED and not export.file
    assert export.finished_at is not None and export.expires_at is not None and export.lease_until is None
    assert temporary == _writer.ALL_TEMP_FILES  # openpyxl's file of the sheet is gone too
    assert "数据库连接中断" in caplog.text  # the traceback is in the log, not on the screen


def test_an_export_of_a_kind_no_longer_registered_fails(cast):
    export = _queued(cast.clerk, "tests.gone")
    assert tasks.export_build(export.pk) == "failed"
    assert Export.objects.values_list("status", "error").get() == (S.FAILED, tasks.UNKNOWN_KIND)


def test_more_rows_than_a_sheet_when_the_worker_counts_fails_the_export(orders, cast, monkeypatch):
    orders(4)
    monkeypatch.setattr("anze.core.exports.MAX_EXPORT_ROWS", 3)
    export = _queued(cast.clerk, "orders.insurer")
    assert tasks.export_build(export.pk) == "failed"
    assert Export.objects.values_list("status", "error").get() == (
        S.FAILED,
        "导出数据超过3条，请缩小查询范围后再导出",
    )


def test_a_worker_whose_export_was_deleted_meanwhile_stops_and_keeps_nothing(orders, cast, monkeypatch):
    orders(30)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 5)
    monkeypatch.setattr("anze.core.exports.WIDTH_SAMPLE", 1)
    export = _queued(cast.clerk, "orders.insurer")

    def deleting(queryset: Any) -> Any:
        for number, order in enumerate(queryset.iterator()):
            if number == 3:
                tasks.export_delete(export=Export.objects.get(pk=export.pk))  # its user pressed 删除
            yield [order.application_no]

    _kind(monkeypatch, "tests.deleted", deleting)
    Export.objects.filter(pk=export.pk).update(kind="tests.deleted")
    assert tasks.export_build(export.pk) == "interrupted"
    assert not Export.objects.exists()


def test_a_worker_that_lost_its_claim_after_saving_deletes_its_file(orders, cast, monkeypatch):
    orders(3)
    export = _queued(cast.clerk, "orders.insurer")
    stored: list[str] = []
    original_save = FieldFile.save

    def save_then_lose_the_claim(self: FieldFile, name: str, content: Any, save: bool = True) -> None:
        original_save(self, name, content, save)
        stored.append(str(self.name))
        Export.objects.filter(pk=export.pk).update(status=S.QUEUED)  # the sweep took it back meanwhile

    monkeypatch.setattr(FieldFile, "save", save_then_lose_the_claim)
    assert tasks.export_build(export.pk) == "interrupted"
    assert stored and not Export.file.field.storage.exists(stored[0])
    assert Export.objects.get().status == S.QUEUED  # the next attempt builds it


def test_on_sqlite_the_worker_reads_without_mapping_the_database_file(orders, cast, monkeypatch):
    """A scan through SQLite's memory map keeps each page it read resident in the worker (docs/BENCH.md)."""
    if connection.vendor != "sqlite":
        pytest.skip("a setting of SQLite's")

    def mapped() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            return int(cursor.fetchone()[0])

    before = mapped()
    assert before > 0  # ANZE_SQLITE_MMAP_MB
    orders(3)
    seen: list[int] = []

    def watching(queryset: Any) -> Any:
        for order in queryset.iterator():
            seen.append(mapped())
            yield [order.application_no]

    _kind(monkeypatch, "tests.mapped", watching)
    export = _queued(cast.clerk, "tests.mapped")
    assert tasks.export_build(export.pk) == "done"
    assert seen == [0, 0, 0] and mapped() == before


def test_a_duplicate_task_does_nothing(cast):
    done = finished_export(cast.clerk)
    assert tasks.export_build(done.pk) == "skipped"
    assert tasks.export_build(0) == "skipped"


# --- the sweep ----------------------------------------------------------------------------------------------
def test_a_dead_workers_export_is_built_again_then_failed_after_two_attempts(
    orders, cast, django_capture_on_commit_callbacks
):
    orders(3)
    export = _queued(cast.clerk, "orders.insurer")
    past = timezone.now() - timedelta(seconds=1)
    Export.objects.filter(pk=export.pk).update(status=S.RUNNING, attempts=1, lease_until=past, rows_done=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.sweep()
    assert (result.released, result.failed) == (1, 0)
    export.refresh_from_db()
    assert (export.status, export.attempts, export.rows_done) == (S.DONE, 2, 3)
    Export.objects.filter(pk=export.pk).update(status=S.RUNNING, lease_until=past, attempts=2)
    result = tasks.sweep()
    assert (result.released, result.failed) == (0, 1)
    export.refresh_from_db()
    assert (export.status, export.error) == (S.FAILED, tasks.INTERRUPTED)


def test_a_claim_whose_lease_has_not_passed_is_left_alone(cast):
    export = _queued(cast.clerk, "orders.insurer")
    Export.objects.filter(pk=export.pk).update(
        status=S.RUNNING, attempts=1, lease_until=timezone.now() + timedelta(seconds=30)
    )
    assert tasks.sweep() == tasks.SweepResult()
    assert Export.objects.get().status == S.RUNNING


def test_a_queued_export_whose_task_was_lost_is_enqueued_again_once(
    orders, cast, django_capture_on_commit_callbacks
):
    orders(3)
    export = _queued(cast.clerk, "orders.insurer")
    Export.objects.filter(pk=export.pk).update(lease_until=timezone.now() - tasks.SWEEP_GRACE)
    fresh = _queued(factories.user(cast.insurer, admin=True), "orders.insurer")  # just queued: waits
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert tasks.sweep().requeued == 1
        assert tasks.sweep().requeued == 0  # moved on: not enqueued again by the next round
    assert len(queued) == 1
    _run(queued)
    assert Export.objects.get(pk=export.pk).status == S.DONE
    assert Export.objects.get(pk=fresh.pk).status == S.QUEUED


def test_files_past_their_24_hours_are_deleted_and_old_rows_forgotten(cast, clerk):
    now = timezone.now()
    expired = finished_export(cast.clerk, expires_at=now - timedelta(minutes=1))
    kept = finished_export(cast.clerk)
    name, storage = expired.file.name, expired.file.storage
    assert clerk.get(f"{DOWNLOADS}{expired.uuid}/file/").status_code == 404  # past its time: not served
    result = tasks.sweep()
    assert result.expired == 1 and not storage.exists(name) and storage.exists(kept.file.name)
    expired.refresh_from_db()
    assert (expired.status, expired.file.name) == (S.EXPIRED, "")
    html = clerk.get(DOWNLOADS).content.decode()
    assert "已过期" in html and html.count("/file/") == 1
    forget_at = expired.expires_at + tasks.FORGET_AFTER
    assert tasks.sweep(now=forget_at - timedelta(seconds=1)).forgotten == 0
    assert tasks.sweep(now=forget_at).forgotten == 1
    assert list(Export.objects.all()) == [kept]


def test_the_cleanup_command_and_every_sms_sweep_round_run_the_sweep(cast, capsys):
    finished_export(cast.clerk, expires_at=timezone.now() - timedelta(minutes=1))
    call_command("exports_cleanup")
    assert "清除过期导出文件 1 个" in capsys.readouterr().out
    finished_export(cast.clerk, expires_at=timezone.now() - timedelta(minutes=1))
    call_command("sms_sweep")
    assert "清除过期导出文件 1 个" in capsys.readouterr().out
    assert set(Export.objects.values_list("status", flat=True)) == {S.EXPIRED}


# --- the moves, as a literal matrix ------------------------------------------------------------------------------
# What each step does to an export in each status: the worker's build (a task), the sweep (its lease or its
# 24 hours passed), a progress update of a worker that holds (or held) the claim. "—": nothing changes.
COLUMNS = (S.QUEUED, S.RUNNING, S.DONE, S.FAILED, S.EXPIRED)
MATRIX = {
    "build": (S.DONE, "—", "—", "—", "—"),
    "sweep, lease passed": (S.DONE, S.DONE, "—", "—", "—"),  # queued: its task re-enqueued
    "sweep, 24 hours passed": ("—", "—", S.EXPIRED, "—", "—"),
    "progress of the claim": ("lost", "—", "lost", "lost", "lost"),
}


def _in(status: str, user: Any, step: str) -> Export:
    """An export in ``status`` whose lease (the sweep of a lost or dead worker) or 24 hours (the sweep of
    expired files) passed, as ``step`` needs."""
    export = finished_export(user)
    now = timezone.now()
    long_ago, later = now - timedelta(hours=25), now + timedelta(hours=1)
    lease_passed, expired = step == "sweep, lease passed", step == "sweep, 24 hours passed"
    Export.objects.filter(pk=export.pk).update(
        status=status,
        attempts=1,
        lease_until=long_ago if lease_passed else later,
        expires_at=long_ago if expired else later,
    )
    export.refresh_from_db()
    return export


def test_the_moves_of_an_export_match_the_literal_matrix(orders, cast, django_capture_on_commit_callbacks):
    orders(3)
    found = []
    for step, cells in MATRIX.items():
        for status, expected in zip(COLUMNS, cells, strict=True):
            Export.objects.all().delete()
            export = _in(status, cast.clerk, step)
            claim = Export.objects.filter(pk=export.pk, status=S.RUNNING, attempts=1)
            outcome = "—"
            with django_capture_on_commit_callbacks(execute=True):
                if step == "build":
                    tasks.export_build(export.pk)
                elif step.startswith("sweep"):
                    tasks.sweep()
                else:
                    try:
                        tasks._progress(claim, 1)
                    except tasks.ClaimLost:
                        outcome = "lost"
            after = Export.objects.get(pk=export.pk).status
            if outcome == "—" and after != status:
                outcome = after
            if outcome != expected:
                found.append(f"{step} on {status}: expected {expected}, got {outcome}")
    assert found == []
