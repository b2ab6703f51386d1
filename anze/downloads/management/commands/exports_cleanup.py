"""``manage.py exports_cleanup``: the 下载中心's sweep — delete export files past their 24 hours, take back
exports whose worker died (built again, or 失败 after two attempts), re-enqueue exports whose task was lost,
and forget old failed and expired rows.

``sms_sweep`` runs the same sweep on each of its rounds, so a deployment that runs ``sms_sweep --every 60``
(``make run`` does, through bin/run-dev) needs nothing more; this command is for running it alone (cron, or
``--every 60`` as a service).
"""

from __future__ import annotations

from anze.core.management.periodic import PeriodicCommand
from anze.downloads.tasks import sweep


class Command(PeriodicCommand):
    help = "下载中心清理：删除超过24小时的导出文件，收回中断的导出任务，重新排队丢失的任务。"
    every_help = "keep running, sweeping every SECONDS (default: sweep once and exit)"

    def run_once(self) -> str:
        return sweep().summary()
