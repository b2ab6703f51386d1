"""理赔统计 of the regulator (issue 14 §4): 报案数, 立案数, 结案数, 赔款总额, 赔付率 by insurer / region / industry /
month, the average days from 报案 to 结案, and the open cases older than 30 and 90 days — all within the
regulator's jurisdiction (``scopes.claims_visible_to``: a county regulator sees its county).

What is counted, for a period (default: this year, 1 January to today):

- 报案数 / 立案数 / 结案数: claims reported / registered (立案) / settled (结案) in the period — each by the day of
  its own step, so a claim reported in March and settled in May counts in March and in May;
- 赔款总额: the 赔款金额 of the claims settled in the period;
- 赔付率 = 赔款总额 ÷ 保费, where 保费 is the premium of the policies issued (出函) in the period, in the same
  scope (保险公司 / 区县 / 行业 of the order), not reversed (已冲正 excluded), at their current premium (after
  批改). A simple calendar-period ratio: the claims paid in the period over the premium written in it;
- 平均结案天数: over the claims settled in the period, the days from the 报案 day to the 结案 day (Beijing);
- 超30天 / 超90天未结案: claims still open today that were reported more than 30 / 90 days ago (today's
  backlog, whatever the period).

Every figure is one grouped query (the page runs a constant number of queries whatever the data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.audit.selectors import day_start
from anze.basedata.models import Industry, Region
from anze.core.exports import Sheet
from anze.core.sides import Side
from anze.policies.models import Policy, PolicyStatus
from anze.policies.scopes import policies_visible_to

from .models import OPEN_STATUSES, Claim, ClaimStatus
from .scopes import claims_visible_to

ZERO = Decimal("0.00")
OLD_DAYS = (30, 90)
MAX_MONTHS = 60  # a longer period is drawn month by month from its last 60 months
OPEN_LIST = 20  # the oldest open cases listed on the page


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    insurer: Organisation | None = None
    region: Region | None = None
    industry: Industry | None = None

    @classmethod
    def of(cls, values: dict[str, Any] | None = None, *, today: date | None = None) -> Filters:
        """The form's values; a missing end is today, a missing start the first of January of the end's year."""
        values = values or {}
        today = today or timezone.localdate()
        end = values.get("end") or today
        start = values.get("start") or date(end.year, 1, 1)
        return cls(
            start=start,
            end=end,
            insurer=values.get("insurer"),
            region=values.get("region"),
            industry=values.get("industry"),
        )

    @property
    def since(self) -> datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        """The first instant after the period."""
        return day_start(self.end + timedelta(days=1))

    def during(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.since, f"{field_name}__lt": self.until})


def ratio(paid: Decimal, premium: Decimal) -> str:
    """赔付率 as a percentage with two decimals; — when no premium was written."""
    if not premium:
        return "—"
    percent = (Decimal(paid) * 100 / Decimal(premium)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{percent}%"


@dataclass
class Row:
    """One line of a table (an insurer, a county, an industry, a month) or the whole scope."""

    name: str
    reported: int = 0
    registered: int = 0
    settled: int = 0
    paid: Decimal = ZERO
    premium: Decimal = ZERO

    @property
    def loss_ratio(self) -> str:
        return ratio(self.paid, self.premium)

    def chart(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "reported": self.reported,
            "settled": self.settled,
            "paid": float(self.paid),
            "premium": float(self.premium),
        }


@dataclass
class Summary:
    total: Row
    average_days: Decimal | None
    open_now: int
    open_over: dict[int, int] = field(default_factory=dict)


# --- the scope ------------------------------------------------------------------------------------------------
def claims_in_scope(*, user: User, filters: Filters) -> QuerySet[Claim]:
    qs = claims_visible_to(user, side=Side.REGULATOR)
    for name in ("insurer", "region", "industry"):
        if getattr(filters, name) is not None:
            qs = qs.filter(**{name: getattr(filters, name)})
    return qs


def premium_policies(*, user: User, filters: Filters) -> QuerySet[Policy]:
    """The policies whose premium is the 赔付率's base: issued in the period, in scope, not reversed."""
    qs = (
        policies_visible_to(user, side=Side.REGULATOR)
        .exclude(status=PolicyStatus.REVERSED)
        .filter(filters.during("issued_at"))
    )
    if filters.insurer is not None:
        qs = qs.filter(insurer=filters.insurer)
    if filters.region is not None:
        qs = qs.filter(order__region=filters.region)
    if filters.industry is not None:
        qs = qs.filter(order__industry=filters.industry)
    return qs


def _step_counts(filters: Filters) -> dict[str, Any]:
    settled = Q(status=ClaimStatus.SETTLED) & filters.during("settled_at")
    return {
        "reported": Count("pk", filter=filters.during("reported_at")),
        "registered": Count("pk", filter=filters.during("registered_at")),
        "settled": Count("pk", filter=settled),
        "paid": Sum("paid_amount", filter=settled),
    }


def _touched(filters: Filters) -> Q:
    """Claims with a step in the period (the others add nothing to any count)."""
    return filters.during("reported_at") | filters.during("registered_at") | filters.during("settled_at")


# --- the figures ----------------------------------------------------------------------------------------------
def summary(*, user: User, filters: Filters, today: date | None = None) -> Summary:
    today = today or timezone.localdate()
    claims = claims_in_scope(user=user, filters=filters)
    counts = claims.filter(_touched(filters)).aggregate(**_step_counts(filters))
    premium = premium_policies(user=user, filters=filters).aggregate(s=Sum("order__premium"))["s"] or ZERO
    total = Row(
        "合计",
        reported=counts["reported"],
        registered=counts["registered"],
        settled=counts["settled"],
        paid=counts["paid"] or ZERO,
        premium=premium,
    )
    spans = [
        (timezone.localdate(settled) - timezone.localdate(reported)).days
        for reported, settled in claims.filter(status=ClaimStatus.SETTLED)
        .filter(filters.during("settled_at"))
        .values_list("reported_at", "settled_at")
    ]
    average = (Decimal(sum(spans)) / len(spans)).quantize(Decimal("0.1"), ROUND_HALF_UP) if spans else None
    midnight = day_start(today)
    backlog = claims.filter(status__in=OPEN_STATUSES).aggregate(
        open_now=Count("pk"),
        **{
            f"over_{days}": Count("pk", filter=Q(reported_at__lt=midnight - timedelta(days=days)))
            for days in OLD_DAYS
        },
    )
    return Summary(
        total=total,
        average_days=average,
        open_now=backlog["open_now"],
        open_over={days: backlog[f"over_{days}"] for days in OLD_DAYS},
    )


# (key on the claim, key on the policy, label on the claim, label on the policy)
DIMENSIONS: dict[str, tuple[str, str, str, str]] = {
    "insurer": ("insurer_id", "insurer_id", "insurer__name", "insurer__name"),
    "region": ("region_id", "order__region_id", "region__name", "order__region__name"),
    "industry": ("industry_id", "order__industry_id", "industry__name", "order__industry__name"),
}


TABLES = (("insurer", "保险公司"), ("region", "区县"), ("industry", "行业"))


def tables(*, user: User, filters: Filters) -> list[tuple[str, list[Row]]]:
    """The page's three tables: (title, rows) by insurer, 区县 and 行业."""
    return [(title, by(dimension, user=user, filters=filters)) for dimension, title in TABLES]


def by(dimension: str, *, user: User, filters: Filters) -> list[Row]:
    """The figures per insurer, 区县 or 行业 (two grouped queries), the largest 赔款 first. A claim or policy of
    no region / industry is its own line, 未填写."""
    claim_key, policy_key, claim_label, policy_label = DIMENSIONS[dimension]
    rows: dict[Any, Row] = {}
    claims = (
        claims_in_scope(user=user, filters=filters)
        .filter(_touched(filters))
        .values(claim_key, claim_label)
        .annotate(**_step_counts(filters))
        .order_by()
    )
    for found in claims:
        row = rows.setdefault(found[claim_key], Row(found[claim_label] or "未填写"))
        row.reported, row.registered, row.settled = found["reported"], found["registered"], found["settled"]
        row.paid = found["paid"] or ZERO
    premiums = (
        premium_policies(user=user, filters=filters)
        .values(policy_key, policy_label)
        .annotate(premium=Sum("order__premium"))
        .order_by()
    )
    for found in premiums:
        row = rows.setdefault(found[policy_key], Row(found[policy_label] or "未填写"))
        row.premium = found["premium"] or ZERO
    return sorted(rows.values(), key=lambda r: (-r.paid, -r.premium, -r.reported, r.name))


def _month_key(value: Any) -> str:
    """TruncMonth answers a datetime (PostgreSQL) or a date (SQLite)."""
    if hasattr(value, "hour"):
        return (
            timezone.localtime(value).strftime("%Y-%m")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m")
        )
    return value.strftime("%Y-%m")


def months(filters: Filters) -> list[str]:
    """The months of the period, at most the last MAX_MONTHS."""
    found = []
    cursor = filters.start.replace(day=1)
    while cursor <= filters.end:
        found.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return found[-MAX_MONTHS:]


def by_month(*, user: User, filters: Filters) -> list[Row]:
    """Each month of the period: the steps by the month they happened in (four grouped queries)."""
    rows = {month: Row(month) for month in months(filters)}
    claims = claims_in_scope(user=user, filters=filters)

    def grouped(qs: QuerySet[Any], field_name: str, **aggregates: Any) -> Iterable[dict[str, Any]]:
        return (
            qs.filter(filters.during(field_name))
            .annotate(month=TruncMonth(field_name))
            .values("month")
            .annotate(**aggregates)
            .order_by()
        )

    for found in grouped(claims, "reported_at", n=Count("pk")):
        if (row := rows.get(_month_key(found["month"]))) is not None:
            row.reported = found["n"]
    for found in grouped(claims, "registered_at", n=Count("pk")):
        if (row := rows.get(_month_key(found["month"]))) is not None:
            row.registered = found["n"]
    settled = claims.filter(status=ClaimStatus.SETTLED)
    for found in grouped(settled, "settled_at", n=Count("pk"), paid=Sum("paid_amount")):
        if (row := rows.get(_month_key(found["month"]))) is not None:
            row.settled, row.paid = found["n"], found["paid"] or ZERO
    policies = premium_policies(user=user, filters=filters)
    for found in grouped(policies, "issued_at", premium=Sum("order__premium")):
        if (row := rows.get(_month_key(found["month"]))) is not None:
            row.premium = found["premium"] or ZERO
    return list(rows.values())


def oldest_open(
    *,
    user: User,
    filters: Filters,
    days: int = OLD_DAYS[0],
    today: date | None = None,
    limit: int = OPEN_LIST,
) -> list[Claim]:
    """The open claims reported more than ``days`` days ago, the oldest first (at most ``limit``)."""
    today = today or timezone.localdate()
    midnight = day_start(today)
    return list(
        claims_in_scope(user=user, filters=filters)
        .filter(status__in=OPEN_STATUSES, reported_at__lt=midnight - timedelta(days=days))
        .select_related("insurer", "region")
        .order_by("reported_at", "id")[:limit]
    )


def days_open(claim: Claim, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - timezone.localdate(claim.reported_at)).days


# --- the page's 导出 ----------------------------------------------------------------------------------------------
EXPORT_OPEN_LIST = 10_000  # the open cases an export lists (the page shows the oldest OPEN_LIST)
TABLE_HEADERS = ("报案数", "立案数", "结案数", "赔款总额（元）", "保费（元）", "赔付率")


def _table(title: str, rows: list[Row]) -> Sheet:
    return Sheet(
        f"按{title}",
        (title, *TABLE_HEADERS),
        [(r.name, r.reported, r.registered, r.settled, r.paid, r.premium, r.loss_ratio) for r in rows],
        (16,),
    )


def sheets(*, user: User, filters: Filters, today: date | None = None) -> list[Sheet]:
    """The page's figures as a workbook: 汇总 (with the period and the filters), one sheet per table, and the
    open cases reported more than 30 days ago."""
    summary_ = summary(user=user, filters=filters, today=today)
    total = summary_.total
    chosen = [
        ("统计起始日期", filters.start),
        ("统计截止日期", filters.end),
        ("保险公司", filters.insurer.name if filters.insurer else "全部"),
        ("区县", filters.region.name if filters.region else "全部"),
        ("行业", filters.industry.name if filters.industry else "全部"),
        ("报案数", total.reported),
        ("立案数", total.registered),
        ("结案数", total.settled),
        ("赔款总额（元）", total.paid),
        ("保费（元）", total.premium),
        ("赔付率", total.loss_ratio),
        ("平均结案天数", summary_.average_days if summary_.average_days is not None else "—"),
        ("目前未结案", summary_.open_now),
        *((f"报案超过{days}天未结案", count) for days, count in summary_.open_over.items()),
    ]
    oldest = oldest_open(user=user, filters=filters, today=today, limit=EXPORT_OPEN_LIST)
    return [
        Sheet("汇总", ("指标", "数值"), chosen, (20, 24)),
        *(_table(title, rows) for title, rows in tables(user=user, filters=filters)),
        _table("月份", by_month(user=user, filters=filters)),
        Sheet(
            f"超{OLD_DAYS[0]}天未结案",
            ("报案号", "投保人", "保险公司", "区县", "报案时间", "已过天数", "状态"),
            [
                (
                    c.report_no,
                    c.applicant_name,
                    c.insurer.name,
                    c.region.name if c.region else "未填写",
                    c.reported_at,
                    days_open(c, today),
                    c.get_status_display(),
                )
                for c in oldest
            ],
        ),
    ]
