"""``manage.py fold_counts``: add the order counts' delta rows to the counts and delete them (``counts.fold``),
and 统计分析's deltas into its cells (``regulator.rollup.fold``), every 2 seconds (``--every SECONDS``), or once (``--once``).

Run it beside the task worker (``make run`` starts it through bin/run-dev; a systemd unit in deploy/systemd):
without it the counts stay exact, but every read of them sums a growing tail of deltas. One per machine is
fine: a second folder skips the rounds the first is folding. It lives in the regulator's app, above both the
orders (whose counts it folds) and the statistics (an app may import only those below it).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from anze.core.management.periodic import PeriodicCommand
from anze.orders import counts
from anze.regulator import rollup


class Command(PeriodicCommand):
    help = "计数合并：把订单状态计数与统计分析的增量行并入计数表（默认每 2 秒一次；--once 只执行一次）。"
    every_help = "fold every SECONDS (default: 2)"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(every=2)
        parser.add_argument("--once", action="store_true", help="fold once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.pop("once"):
            options["every"] = 0
        super().handle(*args, **options)

    def run_once(self) -> str:
        return f"合并计数增量 {counts.fold()} 行，统计分析增量 {rollup.fold()} 行"
