"""A management command that does its work once, or every ``--every SECONDS`` as a long-running service
(``sms_sweep``, ``remind_expiring``; ``make run`` starts both through bin/run-dev)."""

from __future__ import annotations

import time
from abc import ABCMeta, abstractmethod
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections


class PeriodicCommand(BaseCommand, metaclass=ABCMeta):
    every_help = "keep running, repeating every SECONDS (default: once and exit)"

    @abstractmethod
    def run_once(self) -> str:
        """Do the work once; return what to print (at verbosity ≥ 1)."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help=self.every_help)

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        if every < 0:
            raise CommandError("--every must be a positive number of seconds")
        while True:
            report = self.run_once()
            if options["verbosity"] > 0:
                self.stdout.write(report)
            if not every:
                return
            close_old_connections()  # a long-running process must not keep a dead connection
            time.sleep(every)
