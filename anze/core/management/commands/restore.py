"""``manage.py restore SRC``: checks every checksum of the backup SRC, then replaces the database and puts
back every stored file (anze/core/backup.py). Refuses a database or storage that holds data unless --force."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anze.core.backup import BackupError, read_verified, restore_backup


class Command(BaseCommand):
    help = "从备份目录 SRC 恢复数据库和全部存储文件（先校验 SHA-256；目标已有数据时需 --force）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("src", type=Path, help="备份目录（manage.py backup 生成）")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据的数据库和文件存储")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            manifest = read_verified(options["src"])
            self.stdout.write(f"校验通过：数据库及 {len(manifest.files)} 个文件的 SHA-256 与清单一致。")
            restore_backup(options["src"], manifest, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.data["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{rows} 行数据，{len(manifest.files)} 个文件（备份于 {manifest.data['created_at']}），"
                f"用时 {time.monotonic() - started:.2f} 秒"
            )
        )
