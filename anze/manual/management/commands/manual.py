"""``manage.py manual`` (``make manual``): writes docs/manual/ from the running system (anze.manual.build)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anze.manual import build
from anze.manual.runner import StepFailed
from anze.manual.steps import MANUALS


class Command(BaseCommand):
    help = "在全新的演示数据上启动系统，用 Chromium 逐端操作并截图，生成 docs/manual/ 下的操作手册（Markdown、PNG、PDF）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--side", action="append", choices=list(MANUALS), help="只生成这一端（可重复）")
        parser.add_argument("--out", type=Path, help="输出目录（默认 settings.MANUAL_DIR，即 docs/manual/）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            out = options["out"] or Path(settings.MANUAL_DIR)
            built = build.build(options["side"], out=out, say=self.stdout.write)
        except StepFailed as error:
            raise CommandError(str(error)) from error
        total = sum(b.figures for b in built)
        for b in built:
            self.stdout.write(f"{b.title}（{b.slug}.md / {b.slug}.pdf）：{b.figures} 张截图")
            for section in b.sections:
                self.stdout.write(f"  {section}")
        self.stdout.write(self.style.SUCCESS(f"操作手册已生成：{out}，共 {total} 张截图"))
