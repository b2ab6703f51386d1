from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

ROLLUP_MIGRATION = ("regulator", "0003_statistics_in_progress_and_lagging")


class RegulatorConfig(AppConfig):
    name = "anze.regulator"
    verbose_name = "监管端"

    def ready(self) -> None:
        from . import (
            dashboard,  # noqa: F401 - registers the home cards
            exports,  # noqa: F401 - registers the 导出 with the 下载中心
        )

        post_migrate.connect(_restore_triggers, sender=self)


def _restore_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """A later migration may have rebuilt the policies or orders table on SQLite, dropping the statistics'
    triggers with it (``rollup.py``): put them back, recounting the cells."""
    from django.db.migrations.recorder import MigrationRecorder

    from . import rollup

    connection = connections[using]
    if ROLLUP_MIGRATION in MigrationRecorder(connection).applied_migrations():
        rollup.install(connection)
