"""``manage.py remind_expiring``: 续保 reminders 30 and 7 days before compulsory-sector policies end.

Idempotent (each policy is reminded once per threshold), so run it daily from cron, or as a service with
``--every 3600`` (``make run`` does, through bin/run-dev).
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from anze.policies.renewals import send_reminders


class Command(BaseCommand):
    help = "续保提醒：高危行业企业保单到期前30天、7天短信与站内消息提醒企业和保险公司。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="keep running, reminding every SECONDS (default: once and exit)",
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            raise CommandError("--every must be a positive number of seconds")
        while True:
            due = send_reminders()
            if options["verbosity"] > 0:
                self.stdout.write(f"即将到期且未续保的保单 {due} 份（已提醒过的不会重复提醒）")
            if not every:
                return
            close_old_connections()  # a long-running process must not keep a dead connection
            time.sleep(every)
