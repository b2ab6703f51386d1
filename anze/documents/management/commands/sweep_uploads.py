"""``manage.py sweep_uploads``: delete the temporary uploads (files kept for their user after a refused
submission) that expired, rows and files.

``sms_sweep`` runs the same sweep on each of its rounds, so a deployment that runs ``sms_sweep --every 60``
needs nothing more; this command is for running it alone (cron, or ``--every 3600``).
"""

from __future__ import annotations

from anze.core.management.periodic import PeriodicCommand
from anze.documents.kept import kept_sweep


class Command(PeriodicCommand):
    help = "清除过期的暂存文件（提交被退回时为用户保留的已上传文件，保留24小时）。"
    every_help = "keep running, sweeping every SECONDS (default: sweep once and exit)"

    def run_once(self) -> str:
        return f"清除过期暂存文件 {kept_sweep().deleted} 个"
