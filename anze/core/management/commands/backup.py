"""``manage.py backup DEST``: the database and every stored file into the new folder DEST (anze/core/backup.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anze.core.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "备份数据库和全部存储文件到新目录 DEST（含 SHA-256 校验清单 manifest.json）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dest", type=Path, help="备份目录（不存在或为空）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            manifest = write_backup(options["dest"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.data["row_counts"].values())
        size = sum(entry["size"] for entry in manifest.files)
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{options['dest']}，{rows} 行数据，{len(manifest.files)} 个文件"
                f"（{size / 1024 / 1024:.1f} MB），用时 {time.monotonic() - started:.2f} 秒"
            )
        )
