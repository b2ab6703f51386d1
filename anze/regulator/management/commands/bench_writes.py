"""Measure concurrent order writes on one insurer: ``python manage.py bench_writes``.

Seeds ``--orders`` synthetic orders (``bench_orders``' demo insurers), then runs ``--writers`` threads, each on
its own connection, for ``--seconds`` per scenario: (a) inserts, one order per transaction, with Quanzhou
company names; (b) random state changes of the first insurer's orders. Each scenario runs with the count and
search upkeep on (the triggers of the orders' ``counts.py`` and of 统计分析's ``rollup.py``, the search indexes
of ``search.py``, and a folder thread folding both every 2 s as ``manage.py fold_counts`` does), with the
counts alone (the search index dropped), and off (all uninstalled; then put back, indexed and counted again).
It lives in the regulator's app, above both the orders and the statistics (an app imports only those below
it). It prints
writes/s, p50/p99 of a transaction in ms, deadlocks and "database is locked" errors, and the ratios of the
throughputs. Run it on a scratch database only (``ANZE_DEBUG=1``).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import OperationalError, connection, transaction

from anze.orders import counts, search, synthetic
from anze.orders.management.commands.bench_orders import demo_parties, refuse_production
from anze.orders.models import Order
from anze.regulator import rollup
from anze.regulator.management.commands.fold_counts import Command as FoldCounts

# The upkeep of each run: the counts (the orders' and 统计分析's) and the search index, the counts alone, none.
UPKEEP: dict[str, set[ModuleType]] = {"有": {counts, rollup, search}, "无搜索": {counts, rollup}, "无": set()}


@dataclass
class Run:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    deadlocks: int = 0
    locked: int = 0
    folds: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Command(BaseCommand):
    help = "并发写入性能测试：多个线程同时插入订单或改变订单状态，比较有/无计数与搜索维护时的吞吐量与延迟（仅限测试库）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--orders", type=int, default=20_000, help="预置的合成订单数（默认 20000）")
        parser.add_argument("--seconds", type=float, default=10, help="每个场景的时长，秒（默认 10）")
        parser.add_argument("--writers", type=int, default=8, help="并发写入线程数（默认 8）")
        parser.add_argument(
            "--force", action="store_true", help="在非调试环境（ANZE_DEBUG=0）也执行：仅限专用的测试数据库"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_production(options["force"])
        insurers, admin = demo_parties(self.stdout)
        synthetic.top_up(insurers, options["orders"], recount=True)
        counts.fold()
        rollup.fold()
        insurer = admin.organisation
        ids = list(
            Order.objects.filter(insurer=insurer, submitted_at__isnull=False).values_list("pk", flat=True)
        )
        stamp = int(time.time()) % 10**8
        serial = count()

        def insert(rng: random.Random, orders: Iterator[Order]) -> None:
            order = next(orders)
            order.application_no = f"BW{stamp:08d}{next(serial) % 10**8:08d}"  # unique across runs
            if order.policy_no:
                order.policy_no = f"W{order.application_no}"
            order.save(force_insert=True)

        def change(rng: random.Random, orders: Iterator[Order]) -> None:
            synthetic.move(rng.choice(ids), rng.choice(counts.STATES))

        self.stdout.write(
            f"\n{connection.vendor}，{options['writers']} 个写入线程，同一保险公司"
            f"（{len(ids):,} 个订单，共 {synthetic.existing():,} 个），每个场景 {options['seconds']:g} 秒\n"
        )
        self.stdout.write(
            f"{'场景':<10}{'维护':<6}{'写入/秒':>9}{'p50 ms':>9}{'p99 ms':>9}{'死锁':>6}{'锁超时':>7}"
        )
        for label, write in (("插入", insert), ("状态变更", change)):
            runs = {}
            for upkeep, kept in UPKEEP.items():
                for module in {counts, rollup, search} - kept:
                    module.uninstall(connection)
                try:
                    runs[upkeep] = run = self._run(write, insurer, options, fold=counts in kept)
                finally:
                    for module in (search, counts, rollup):  # (what was off is indexed and counted again)
                        module.install(connection)
                folds = (
                    f"  合并 {len(run.folds)} 次，最长 {max(run.folds, default=0):.0f} ms"
                    if run.folds
                    else ""
                )
                self.stdout.write(
                    f"{label:<10}{upkeep:<6}{run.rate:>9.0f}{run.percentile(0.5):>9.1f}"
                    f"{run.percentile(0.99):>9.1f}{run.deadlocks:>6}{run.locked:>7}{folds}"
                )
            ratio = runs["有"].rate / max(runs["无"].rate, 1e-9)
            counts_only = runs["无搜索"].rate / max(runs["无"].rate, 1e-9)
            self.stdout.write(f"{label:<10}{'比值':<6}{ratio:>9.2f}  （只维护计数：{counts_only:.2f}）")
        counts.fold()
        rollup.fold()

    def _run(
        self,
        write: Callable[[random.Random, Iterator[Order]], None],
        insurer: Any,
        options: dict[str, Any],
        *,
        fold: bool,
    ) -> Run:
        run = Run()
        writers = options["writers"]
        start = threading.Barrier(writers + 1)
        lock = threading.Lock()
        done = threading.Event()

        def writer(number: int) -> None:
            rng = random.Random(number)
            orders = synthetic.generate([insurer], 10_000_000 + number * 1_000_000, 1_000_000, rng)
            latencies: list[float] = []
            deadlocks = locked = 0
            try:
                start.wait()
                while not done.is_set():
                    began = time.perf_counter()
                    try:
                        with transaction.atomic():
                            write(rng, orders)
                    except OperationalError as exc:
                        message = str(exc).lower()
                        if "deadlock" in message:
                            deadlocks += 1
                        elif "locked" in message:
                            locked += 1
                        else:
                            raise
                    else:
                        latencies.append((time.perf_counter() - began) * 1000)
            finally:
                connection.close()
                with lock:
                    run.latencies.extend(latencies)
                    run.deadlocks += deadlocks
                    run.locked += locked

        def folder() -> None:
            try:
                while not done.wait(2):
                    began = time.perf_counter()
                    FoldCounts().run_once()
                    run.folds.append((time.perf_counter() - began) * 1000)
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(number,)) for number in range(writers)]
        if fold:
            threads.append(threading.Thread(target=folder))
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        time.sleep(options["seconds"])
        done.set()
        for thread in threads:
            thread.join()
        run.seconds = time.perf_counter() - began
        return run
