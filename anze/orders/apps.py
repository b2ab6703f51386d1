from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

SEARCH_MIGRATION = ("orders", "0002_search_and_list")
COUNTS_MIGRATION = ("orders", "0008_count_deltas")  # the table the counts' triggers write


class OrdersConfig(AppConfig):
    name = "anze.orders"
    verbose_name = "订单管理"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import (
            dashboard,  # noqa: F401 - registers the insurer's home cards
            exports,  # noqa: F401 - registers the 导出 with the 下载中心
        )
        from .search import register_functions

        connection_created.connect(register_functions)
        post_migrate.connect(_restore_triggers, sender=self)


def _restore_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """A later migration may have rebuilt the orders table on SQLite, dropping its triggers with it: put back
    those of the search index (search.py) and of the counts (counts.py). Nothing to do for a migration that
    is not applied (yet, or any more)."""
    from django.db.migrations.recorder import MigrationRecorder

    from . import counts, search

    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    if SEARCH_MIGRATION in applied:
        search.install(connection)
    if COUNTS_MIGRATION in applied:
        counts.install(connection)
