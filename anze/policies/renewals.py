"""续保 (docs/spec/DOMAIN.md §6): an enterprise of a compulsory sector may not renew late, so the platform reminds it and its
insurer before the policy ends — 30 and 7 days before — until a renewal application is under way.

One rule for the portal's 续保 banner and for the scheduled reminders (``manage.py remind_expiring``): a policy
counts as being renewed once the enterprise has a later application for the same project (created after the
policy was issued) that is submitted and not cancelled; a later draft does not count yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from anze.notifications.services import notify
from anze.orders.models import Order, OrderStatus

from .models import Policy, PolicyStatus

NOTICE_DAYS = 30  # the first reminder; the banner shows from then on
REMINDER_DAYS: tuple[int, ...] = (30, 7)


def expiring(today: date | None = None) -> QuerySet[Policy]:
    """Policies in force of compulsory-sector enterprises that end within NOTICE_DAYS."""
    today = today or timezone.localdate()
    return Policy.objects.filter(
        status=PolicyStatus.ACTIVE,  # a reversed (冲正) policy is replaced by the one issued again
        period_start__lte=today,
        period_end__gte=today,
        period_end__lte=today + timedelta(days=NOTICE_DAYS),
        enterprise__isnull=False,
        enterprise__industry__is_compulsory=True,
    )


@dataclass(frozen=True)
class Renewal:
    policy: Policy
    days_left: int
    draft: Order | None  # a renewal application saved as a draft, to go on with


def due(policies: Iterable[Policy], today: date | None = None) -> list[Renewal]:
    """The policies among ``policies`` whose renewal has not started, with their drafts (two queries)."""
    today = today or timezone.localdate()
    policies = list(policies)
    if not policies:
        return []
    later = list(
        Order.objects.exclude(status=OrderStatus.CANCELLED)
        .filter(enterprise__in={p.enterprise_id for p in policies})
        .filter(project_name__in={p.order.project_name for p in policies})
        .filter(created_at__gt=min(p.issued_at for p in policies))
        .only("pk", "application_no", "status", "project_name", "created_at", "enterprise_id")
        .order_by("-created_at", "-id")
    )
    result = []
    for policy in policies:
        mine = [
            o
            for o in later
            if o.pk != policy.order_id
            and o.enterprise_id == policy.enterprise_id
            and o.project_name == policy.order.project_name
            and o.created_at > policy.issued_at
        ]
        if any(o.status != OrderStatus.DRAFT for o in mine):
            continue
        result.append(Renewal(policy, (policy.period_end - today).days, mine[0] if mine else None))
    return result


def _url(name: str, fallback: str, *args: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # that side's screens are not mounted
        return reverse(fallback)


def send_reminders(today: date | None = None) -> int:
    """Remind each enterprise (SMS + 消息中心) and its insurer (消息中心) of policies ending within 30 days, once
    at 30 days and once at 7 — idempotent on (policy, threshold), so it may run as often as wanted. Returns
    how many policies are due a reminder (one already sent is not sent again)."""
    today = today or timezone.localdate()
    policies = expiring(today).select_related("order", "insurer", "enterprise", "enterprise__industry")
    sent = 0
    for renewal in due(policies, today):
        policy, days = renewal.policy, renewal.days_left
        threshold = min(d for d in REMINDER_DAYS if days <= d)
        when = "今天" if days == 0 else f"{days}天后（{policy.period_end:%Y-%m-%d}）"
        order = policy.order
        with transaction.atomic():
            notify(
                key=f"policy-expiry:{policy.pk}:{threshold}:enterprise",
                owner=policy.insurer,
                recipient=policy.enterprise,
                phone=order.contact_phone,
                title="保单即将到期，请及时续保",
                text=f"您的保单{policy.policy_no}（{order.project_name}）将于{when}到期。贵企业属于"
                f"{policy.enterprise.industry.name}行业，须依法续保安全生产责任保险，请登录企业端办理续保。",
                link=_url("enterprise:policies:list", "enterprise:home"),
            )
            notify(
                key=f"policy-expiry:{policy.pk}:{threshold}:insurer",
                owner=policy.insurer,
                recipient=policy.insurer,
                phone=None,
                title="保单即将到期",
                text=f"保单{policy.policy_no}（{order.applicant_name}）将于{when}到期，尚未续保，请联系企业办理续保。",
                link=_url("insurer:policies:detail", "insurer:home", order.application_no),
            )
        sent += 1
    return sent
