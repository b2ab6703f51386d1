"""Load the demo data: organisations of every side, their accounts, and (from each app) sample records.

Idempotent: run it twice and nothing is duplicated. ``--if-empty`` loads only into a database without
accounts (what ``make run`` does).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo module has ``load(stdout)``; order matters (organisations before orders before policies).
DEMO_MODULES = [
    "anze.basedata.demo",
    "anze.accounts.demo",
    "anze.orders.demo",
    "anze.policies.demo",  # 出函 of the orders the orders' demo left for it
    "anze.portal.demo",  # a policy about to expire (the 续保 reminder) and a draft application
    "anze.prevention.demo",  # staff, service assignments, records, inspections, complaints
    "anze.endorsements.demo",  # 批改 and 退保 in every state
    "anze.claims.demo",  # claims in every state, on policies of their own
]


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，不会产生重复数据）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="仅在数据库中尚无账号时载入")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据。")
            return
        for path in DEMO_MODULES:
            with transaction.atomic():
                import_module(path).load(self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号见 README。"))
