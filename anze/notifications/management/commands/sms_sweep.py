"""``manage.py sms_sweep``: re-enqueue SMS and webhook deliveries whose task was lost, take back claims of dead
workers (the outbox's safety net: ``tasks.sweep``, ``webhooks.sweep``).

Run it from cron every few minutes, or as a service with ``--every 60``. The worker that sends the
messages is a separate process (``manage.py worker``; ``make run`` starts one through bin/run-dev). Each round
also deletes the expired temporary uploads (``manage.py sweep_uploads`` does only that) and runs the 下载中心's
sweep (``manage.py exports_cleanup`` does only that).
"""

from __future__ import annotations

from anze.core.management.periodic import PeriodicCommand
from anze.documents.kept import kept_sweep
from anze.downloads.tasks import sweep as exports_sweep
from anze.notifications import webhooks
from anze.notifications.tasks import sweep


class Command(PeriodicCommand):
    help = "补发扫描：重新排队丢失了发送任务的短信与接口推送，收回中断的发送。"
    every_help = "keep running, sweeping every SECONDS (default: sweep once and exit)"

    def run_once(self) -> str:
        result = sweep()
        hooks = webhooks.sweep()
        kept = kept_sweep()
        exported = exports_sweep()
        return (
            f"重新排队 {result.requeued} 条，收回中断 {result.released} 条，标记失败 {result.failed} 条，"
            f"清除过期验证码 {result.wiped} 条，清除过期暂存文件 {kept.deleted} 个；"
            f"接口推送：重新排队 {hooks.requeued} 条，收回中断 {hooks.released} 条，标记失败 {hooks.failed} 条；"
            f"{exported.summary()}"
        )
