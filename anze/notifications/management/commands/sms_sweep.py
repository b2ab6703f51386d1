"""``manage.py sms_sweep``: re-enqueue SMS whose task was lost, take back claims of dead workers.

Run it from cron every few minutes, or as a service with ``--every 60``. The db_worker that sends the
messages is a separate process (``manage.py db_worker``; ``make run`` starts one through bin/run-dev).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from anze.notifications.tasks import sweep


class Command(BaseCommand):
    help = "补发扫描：重新排队丢失了发送任务的短信，收回中断的发送。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep running, sweeping every SECONDS (default: sweep once and exit)",
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            raise CommandError("--every must be a positive number of seconds")
        while True:
            result = sweep()
            if options["verbosity"] > 0:
                self.stdout.write(
                    f"重新排队 {result.requeued} 条，收回中断 {result.released} 条，标记失败 {result.failed} 条"
                )
            if not every:
                return
            close_old_connections()  # a long-running process must not keep a dead connection
            time.sleep(every)
