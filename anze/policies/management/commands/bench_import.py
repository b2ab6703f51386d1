"""Measure the 线下订单批量导入: ``python manage.py bench_import --rows 5000``.

Builds a workbook of N rows synthetically (from the downloaded template, as a clerk fills it in; ``--issued M``
of them with a 保单编号, the scheme and three PDFs in a zip), then runs the import twice as the worker does
(``anze.imports.services.batch_run``), as the first demo insurer's 管理员:

1. with ``--bad`` rows wrong (a credit code, a phone, an amount): the whole file is checked, the workbook comes
   back annotated, nothing is imported;
2. fixed: every row is imported in one transaction.

For each it prints the seconds of each phase — reading the sheet, checking every row, writing (or annotating) —
on the clock and, in brackets, of CPU (what the process and the PDF check's worker processes spent: on a machine
shared with other work the clock also counts the waits).
Writes into the current database: run it against a scratch one (``ANZE_VAR_DIR=/tmp/anze-bench``, or a
``DATABASE_URL`` of its own), never one people work in.
"""

from __future__ import annotations

import io
import itertools
import os
import time
import uuid
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from anze.accounts import demo as accounts_demo
from anze.accounts.models import User
from anze.basedata import demo as basedata_demo
from anze.documents import testing as files
from anze.imports.models import ImportBatch, ImportKind, ImportStatus
from anze.imports.services import batch_create, batch_run
from anze.imports.testing import filled
from anze.orders.models import Order
from anze.policies import offline_import
from anze.policies.models import Policy

SPOILS: tuple[dict[str, Any], ...] = (
    {"统一社会信用代码": "91350504MA2YL8H370"},
    {"联系电话": "1386071"},
    {"参保人数": 0},
)


class TimedImporter(offline_import.OfflineOrderImporter):
    """The importer, its phases timed (reading the sheet is what ``batch_run`` does before ``check``)."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, float]] = [_now()]
        super().__init__()

    def check(self, sheet: Any, **kwargs: Any) -> Any:
        self.marks.append(_now())
        try:
            return super().check(sheet, **kwargs)
        finally:
            self.marks.append(_now())

    def phases(self) -> list[tuple[float, float]]:
        """(wall, CPU) seconds of: reading the sheet, checking, the rest (writing or annotating)."""
        marks = [*self.marks, _now()]
        return [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(marks)]


def _now() -> tuple[float, float]:
    """The clock, and the CPU time of this process and of its finished children (the PDF check's workers)."""
    spent = os.times()
    return time.perf_counter(), spent.user + spent.system + spent.children_user + spent.children_system


class Command(BaseCommand):
    help = "线下订单批量导入性能测试：生成 N 行的导入文件，分别测量有错误行与修正后的校验、导入耗时"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=5000, help="数据行数（默认 5000）")
        parser.add_argument("--issued", type=int, default=0, help="其中直接出函的行数（附三个PDF，默认 0）")
        parser.add_argument("--bad", type=int, default=3, help="第一次导入中的错误行数（默认 3）")
        parser.add_argument(
            "--force", action="store_true", help="在非调试环境（ANZE_DEBUG=0）也执行：仅限专用的测试数据库"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError("会向当前数据库写入订单：请在专用测试库上以 ANZE_DEBUG=1 执行，或加 --force")
        rows, issued, bad = options["rows"], options["issued"], options["bad"]
        if not 0 <= issued <= rows or not 0 <= bad <= rows:
            raise CommandError("--issued 与 --bad 不能超过 --rows")
        basedata_demo.load(self.stdout)
        accounts_demo.load(self.stdout)
        admin = User.objects.select_related("organisation").get(
            username=accounts_demo.INSURERS[0]["admin"][0]
        )
        tag = uuid.uuid4().hex[:6].upper()
        started = time.perf_counter()
        good = self._rows(rows, issued, tag)
        wrong = [dict(row) for row in good]
        for index in range(bad):  # a check digit, a phone, a headcount: spread over the file
            wrong[(index * 997) % rows].update(SPOILS[index % len(SPOILS)])
        template = offline_import.template()
        workbooks = {"bad": filled(template, wrong), "good": filled(template, good)}
        archive = self._archive(issued, tag)
        self.stdout.write(
            f"\n{connection.vendor}：{rows:,} 行（其中出函 {issued:,} 行，附件 {len(archive or b'') / 1e6:.1f} MB），"
            f"生成文件 {time.perf_counter() - started:.1f} 秒\n"
        )
        before = (Order.objects.count(), Policy.objects.count())
        if bad:
            self._run("有错误行", admin, workbooks["bad"], archive)
            if (Order.objects.count(), Policy.objects.count()) != before:
                raise CommandError("有错误的文件导入了数据")
        batch = self._run("修正后", admin, workbooks["good"], archive)
        if batch.status != ImportStatus.DONE:
            raise CommandError(f"修正后的文件未能导入：{batch.message}")
        self.stdout.write(
            f"新增订单 {Order.objects.count() - before[0]:,} 个，出函 {Policy.objects.count() - before[1]:,} 个"
        )

    def _rows(self, count: int, issued: int, tag: str) -> list[dict[str, Any]]:
        start = timezone.localdate() + timedelta(days=1)
        counties = ["鲤城区", "丰泽区", "洛江区", "晋江市", "南安市", "惠安县"]
        rows = []
        for n in range(count):
            row: dict[str, Any] = {
                "投保人名称": f"泉州基准测试{n}号建筑工程有限公司",
                "统一社会信用代码": "91350504MA2YL8H37T",
                "投保联系人": "郭建新",
                "联系电话": f"138{n:08d}",
                "项目名称": f"基准测试项目{n}",
                "项目地址": "泉州市丰泽区东海街道",
                "所在区县": counties[n % len(counties)],
                "行业": "建筑施工",
                "参保人数": 20 + n % 80,
                "订单类型": "线下订单",
            }
            if n < issued:
                row.update(
                    {
                        "保单编号": f"B{tag}{n:07d}",
                        "累积赔偿限额（元）": 5_000_000,
                        "每次事故赔偿限额（元）": 1_000_000,
                        "每人伤亡责任限额（元）": 500_000,
                        "每人医疗责任限额（元）": 50_000,
                        "保费（元）": 12_000 + n % 1000,
                        "事故预防服务费（元）": 2_400,
                        "保险起期": start,
                        "保险止期": start.replace(year=start.year + 1) - timedelta(days=1),
                        "服务次数：安全生产宣传教育培训": 2,
                        "保单文件": f"保单/B{tag}{n:07d}.pdf",
                        "发票文件": f"发票/B{tag}{n:07d}.pdf",
                        "合同文件": f"合同/B{tag}{n:07d}.pdf",
                    }
                )
            rows.append(row)
        return rows

    def _archive(self, issued: int, tag: str) -> bytes | None:
        if not issued:
            return None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for n in range(issued):
                number = f"B{tag}{n:07d}"
                for folder, title in (
                    ("保单", "安全生产责任保险保单"),
                    ("发票", "发票"),
                    ("合同", "保险合同"),
                ):
                    archive.writestr(f"{folder}/{number}.pdf", files.pdf_bytes(title, [f"保单号：{number}"]))
        return buffer.getvalue()

    def _run(self, label: str, admin: User, workbook: bytes, archive: bytes | None) -> ImportBatch:
        batch = batch_create(
            actor=admin,
            kind=ImportKind.OFFLINE_ORDERS,
            workbook=SimpleUploadedFile("基准测试.xlsx", workbook),
            archive=SimpleUploadedFile("附件.zip", archive) if archive else None,
        )
        importer = TimedImporter()
        batch_run(batch.pk, importer)
        batch.refresh_from_db()
        if len(importer.marks) < 3:  # refused before the rows were checked (the sheet, the zip)
            raise CommandError(f"{label}：{batch.get_status_display()}，{batch.message}")
        (read, read_cpu), (check, check_cpu), (rest, rest_cpu) = importer.phases()
        last = "导入" if batch.status == ImportStatus.DONE else "写错误说明"
        self.stdout.write(
            f"{label}：{batch.get_status_display()}（错误行 {batch.error_rows}），"
            f"共 {read + check + rest:.1f} 秒（CPU {read_cpu + check_cpu + rest_cpu:.1f}）= "
            f"读取表格 {read:.1f}（{read_cpu:.1f}）+ 校验 {check:.1f}（{check_cpu:.1f}）"
            f"+ {last} {rest:.1f}（{rest_cpu:.1f}）秒"
        )
        return batch
