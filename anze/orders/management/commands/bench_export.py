"""Measure a large 导出 built by the worker: ``python manage.py bench_export --rows 300000``.

Makes sure the first demo insurer holds N synthetic orders (``orders/synthetic.py``, bulk inserts that bypass
the workflow — see there why), then, in a fresh process as a worker is, builds the insurer's 订单管理 export of
all its orders as its 管理员 asked for it: ``anze.downloads.tasks.export_build``, the function the worker's
``build_export`` task runs (claim, permission, bounded count, write-only workbook from the queryset iterator,
progress updates, file saved to the storage). A thread reads ``rows_done`` through its own database connection
while the file is built, as the 下载中心 page does. It prints the rows, the seconds, the rows per second, the
file's size, and the process's resident memory (``/proc/self/status``): before, after, and the peak growth
(``VmHWM`` reset before the build through ``/proc/self/clear_refs``; the sampled peak beside it).

Run it against a scratch database, never one people work in: ``ANZE_VAR_DIR=/tmp/anze-bench`` for SQLite, or
``DATABASE_URL=postgres://…/anze_bench``. The export's file is deleted afterwards.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from anze.accounts import demo as accounts_demo
from anze.accounts.models import Organisation, User
from anze.basedata import demo as basedata_demo
from anze.core.sides import Side
from anze.downloads import tasks
from anze.downloads.models import Export, ExportStatus
from anze.orders import exports, synthetic

STATUS = Path("/proc/self/status")
MB = 1024 * 1024


def memory(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (resident at its highest) of this process, in bytes."""
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise CommandError(f"{STATUS} has no {field}")


def reset_peak() -> bool:
    """Make ``VmHWM`` start again from the current resident size (Linux ≥ 4.0); False when not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Watcher(threading.Thread):
    """Reads the export's progress through its own connection (as the 下载中心 page does) and samples the
    resident memory, every ``every`` seconds."""

    def __init__(self, export_id: int, every: float = 0.05) -> None:
        super().__init__(name="bench-export-watcher", daemon=True)
        self.export_id = export_id
        self.every = every
        self.stopped = threading.Event()
        self.peak = memory("VmRSS")
        self.progress: list[tuple[float, int]] = []  # (seconds, rows_done) each time it moved
        self.started = time.perf_counter()

    def run(self) -> None:
        last_read, last_done = 0.0, -1
        try:
            while not self.stopped.wait(self.every):
                self.peak = max(self.peak, memory("VmRSS"))
                now = time.perf_counter() - self.started
                if now - last_read >= 0.5:
                    last_read = now
                    done = (
                        Export.objects.filter(pk=self.export_id).values_list("rows_done", flat=True).first()
                    )
                    if done is not None and done != last_done:
                        self.progress.append((now, done))
                        last_done = done
        finally:
            connection.close()  # this thread's own connection


class Command(BaseCommand):
    help = "导出性能测试：在后台任务中生成 N 行订单导出，测量耗时、每秒行数与进程内存增长（仅用于测试库）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=300_000, help="导出的订单数（默认 300000）")
        parser.add_argument(
            "--force", action="store_true", help="在非调试环境（ANZE_DEBUG=0）也执行：仅限专用的测试数据库"
        )
        parser.add_argument(
            "--measure", action="store_true", help="只测量（数据已备好）：由本命令在新进程中调用"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError("合成订单会写入当前数据库：请在专用测试库上以 ANZE_DEBUG=1 执行，或加 --force")
        insurer, admin = self._demo_parties()
        if options["measure"]:
            self._measure(insurer, admin)
            return
        self._top_up(insurer, options["rows"])
        # The build runs in a new process, as in a worker: not in this one, whose memory the inserts grew.
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        command = [sys.executable, manage, "bench_export", "--measure", "--rows", str(options["rows"])]
        if options["force"]:
            command.append("--force")
        self.stdout.flush()
        result = subprocess.run(command, check=False)
        if result.returncode:
            raise CommandError(f"测量进程失败（{result.returncode}）")

    # --- set-up ----------------------------------------------------------------------------------------------
    def _demo_parties(self) -> tuple[Organisation, User]:
        basedata_demo.load(self.stdout)
        accounts_demo.load(self.stdout)
        spec = accounts_demo.INSURERS[0]
        insurer = Organisation.objects.get(kind=Side.INSURER, code=spec["code"])
        return insurer, User.objects.get(username=spec["admin"][0])

    def _top_up(self, insurer: Organisation, rows: int) -> None:
        missing = rows - synthetic.existing([insurer])
        if missing <= 0:
            return
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done % 50_000 == 0 or done == total:
                self.stdout.write(f"  已生成 {done:,}/{total:,}（{time.perf_counter() - started:.0f} 秒）")

        synthetic.top_up([insurer], synthetic.existing() + missing, progress=progress, recount=True)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE orders_order")
            else:
                cursor.execute("ANALYZE")
        self.stdout.write(f"生成 {missing:,} 个合成订单，用时 {time.perf_counter() - started:.1f} 秒")

    # --- measuring ---------------------------------------------------------------------------------------------
    def _measure(self, insurer: Organisation, admin: User) -> None:
        kind = exports.INSURER_ORDERS
        export = Export.objects.create(
            user=admin, organisation=insurer, kind=kind.key, label=kind.label, filters={}
        )
        gc.collect()
        before, anon_before = memory("VmRSS"), memory("RssAnon")
        exact_peak = reset_peak()
        watcher = Watcher(export.pk)
        watcher.start()
        started, cpu = time.perf_counter(), time.process_time()
        outcome = tasks.export_build(export.pk)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        watcher.stopped.set()
        watcher.join()
        after, anon_after, mapped = memory("VmRSS"), memory("RssAnon"), memory("RssFile")
        peak = memory("VmHWM") if exact_peak else watcher.peak
        export.refresh_from_db()
        if outcome != "done" or export.status != ExportStatus.DONE:
            raise CommandError(f"导出未完成：{outcome} {export.error}")
        rows = export.rows_done
        updates = [done for _, done in watcher.progress]
        self.stdout.write(
            f"\n{connection.vendor}，{insurer.short_name} 的订单导出（{kind.label}），工作进程内执行 build_export\n"
            f"  行数          {rows:,}\n"
            f"  用时          {seconds:.1f} 秒（本进程 CPU {cpu:.1f} 秒）\n"
            f"  每秒行数      {rows / seconds:,.0f}（按 CPU 时间 {rows / cpu:,.0f}）\n"
            f"  文件大小      {export.size / MB:.1f} MB\n"
            f"  进度更新      每 {tasks.PROGRESS_EVERY:,} 行一次；另一连接读到 {len(updates)} 个不同的进度值"
            f"（{', '.join(f'{done:,}' for done in updates[:4])}{' …' if len(updates) > 4 else ''}）\n"
            f"  内存 RSS      生成前 {before / MB:.1f} MB，生成后 {after / MB:.1f} MB，"
            f"峰值增长 {(peak - before) / MB:.1f} MB"
            f"（{'VmHWM' if exact_peak else '采样'}；采样峰值增长 {(watcher.peak - before) / MB:.1f} MB）\n"
            f"  其中          匿名内存（堆）生成前 {anon_before / MB:.1f} MB，生成后 {anon_after / MB:.1f} MB；"
            f"映射的文件 {mapped / MB:.1f} MB"
        )
        name, storage = export.file.name, export.file.storage
        Export.objects.filter(pk=export.pk).delete()
        storage.delete(name)
