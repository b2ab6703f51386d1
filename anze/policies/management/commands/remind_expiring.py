"""``manage.py remind_expiring``: 续保 reminders 30 and 7 days before compulsory-sector policies end.

Idempotent (each policy is reminded once per threshold), so run it daily from cron, or as a service with
``--every 3600`` (``make run`` does, through bin/run-dev).
"""

from __future__ import annotations

from anze.core.management.periodic import PeriodicCommand
from anze.policies.renewals import send_reminders


class Command(PeriodicCommand):
    help = "续保提醒：高危行业企业保单到期前30天、7天短信与站内消息提醒企业和保险公司。"
    every_help = "keep running, reminding every SECONDS (default: once and exit)"

    def run_once(self) -> str:
        return f"即将到期且未续保的保单 {send_reminders()} 份（已提醒过的不会重复提醒）"
