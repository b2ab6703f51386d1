"""事故预防服务费 in the regulator's statistics (issue 14 §5; 实施办法 2025: the fee is for accident prevention):
what the policies in scope collected and what their confirmed services spent (``anze.prevention.ledger``), by
insurer, 区县, 行业 and month; and the policies whose spending is behind plan near the end of their period.

**Collected** is the 事故预防服务费 of each policy (its order's current figure), counted in the month of its
出函. **Spent** is the sum of the policies' ledger lines, counted in the month each line was booked (the
enterprise's confirmation). Both follow 统计分析's filters through ``statistics.stats_policies`` (the date range
picks the policies by 出函 date), so "spent" is always what those same policies spent.

Reversed policies (已冲正) are void and left out; a surrendered one (已退保) keeps its fee and what it spent.

**服务费使用滞后** (behind plan): a policy in force (有效) whose period ends in less than ``LAGGING_DAYS`` days (ending
today included) and whose spending is a smaller share of its fee than the share of its period gone by —

    已支出 ÷ 事故预防服务费  <  已过天数 ÷ 保险期间天数        (已过天数 = today − 起期, 期间天数 = 止期 − 起期)

i.e. had the fee been spent evenly over the period, more would have been spent by now. With under 60 days left
(at least ~84% of a one-year period gone) such a policy is unlikely to use its fee for prevention in time. A
policy with no fee (0) is never behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone

from anze.accounts.models import User
from anze.audit.selectors import day_start
from anze.policies.models import Policy, PolicyStatus
from anze.prevention.models import FeeEntry

from . import cells, rollup
from .statistics import (
    NO_FILTERS,
    StatsFilters,
    figures,
    grouped,
    month_key,
    month_window,
    months_between,
    stats_policies,
)

ZERO = Decimal("0.00")
LAGGING_DAYS = rollup.LAGGING_DAYS
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def rate(part: Decimal, whole: Decimal) -> str:
    """使用率 as shown: 37.5%, or — when nothing was collected."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"


@dataclass
class FeeRow:
    name: str
    policies: int
    collected: Decimal
    spent: Decimal
    premium: Decimal = ZERO

    @property
    def rate(self) -> str:
        return rate(self.spent, self.collected)

    def chart(self) -> dict[str, Any]:
        return {"name": self.name, "collected": float(self.collected), "spent": float(self.spent)}


# (the policy's grouping column, the columns naming a group, what a group of no value is called)
DIMENSIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "insurer": ("insurer_id", ("insurer__short_name", "insurer__name"), "—"),
    "county": ("order__region_id", ("order__region__name",), "未填写"),
    "industry": ("order__industry_id", ("order__industry__name",), "未填写"),
}


def ledger(*, user: User, filters: StatsFilters = NO_FILTERS) -> QuerySet[FeeEntry]:
    """The ledger lines of ``stats_policies`` (reversed ones left out: void), found from the ledger's side:
    those of the policies that have lines (``pk IN`` the ledger's policies, read by the policies' key). A
    subquery of every policy of the region read them all first — 1.3 s a table at a million orders
    (docs/BENCH.md) — and a join chose the same order on SQLite; this costs what the ledger holds."""
    spending = stats_policies(user=user, filters=filters).filter(pk__in=FeeEntry.objects.values("policy_id"))
    return FeeEntry.objects.filter(policy__in=spending.values("pk"))


def spent_by(
    *, user: User, filters: StatsFilters = NO_FILTERS, today: date | None = None, months: int = 12
) -> dict[str, dict[Any, Decimal]]:
    """What the policies spent per insurer, 区县 and 行业 (``DIMENSIONS``), and per booking month ("month":
    ``2026-03``) over the ``months`` of 统计分析's chart (``month_window``): one query of the ledger grouped by
    all four and by whether a line was booked within those months, summed here — the page's three tables and
    its chart (``fees_by_month``) read it once."""
    first, last = month_window(filters, months, today)
    shown = Q(booked_at__gte=day_start(first), booked_at__lt=day_start(last + timedelta(days=1)))
    columns = [f"policy__{key}" for key, _, _ in DIMENSIONS.values()]
    spent: dict[str, dict[Any, Decimal]] = {dimension: {} for dimension in (*DIMENSIONS, "month")}
    for *groups, month, in_chart, amount in (
        ledger(user=user, filters=filters)
        .annotate(
            month=TruncMonth("booked_at"), in_chart=ExpressionWrapper(shown, output_field=BooleanField())
        )
        .values_list(*columns, "month", "in_chart")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        for dimension, group in zip((*DIMENSIONS, "month"), (*groups, month_key(month)), strict=True):
            if dimension != "month" or in_chart:
                spent[dimension][group] = spent[dimension].get(group, ZERO) + (amount or ZERO)
    return spent


def fees_by(
    dimension: str,
    *,
    user: User,
    filters: StatsFilters = NO_FILTERS,
    kept: cells.Figures | None = None,
    spent: dict[str, dict[int | None, Decimal]] | None = None,
) -> list[FeeRow]:
    """Collected (and the policies, their premium: the kept cells, ``statistics.figures``) and spent
    (``spent_by``, or ``spent`` when read already) per insurer, 区县 or 行业, the most collected first."""
    _, _, unnamed = DIMENSIONS[dimension]
    kept = kept or figures(user=user, filters=filters)
    kind = "region" if dimension == "county" else dimension  # the cells' name of the dimension
    by_group = (spent or spent_by(user=user, filters=filters))[dimension]
    rows = [
        FeeRow(
            name=name or unnamed,
            policies=sums.policies,
            collected=sums.fee_yuan or ZERO,
            spent=by_group.get(group if group > 0 else None) or ZERO,
            premium=sums.premium_yuan or ZERO,
        )
        for group, name, sums in grouped(kind, kept)
    ]
    return sorted(rows, key=lambda row: (-row.collected, row.name))


def totals(rows: list[FeeRow]) -> FeeRow:
    """The figures of every group together (the groups of one dimension partition the policies)."""
    return FeeRow(
        name="合计",
        policies=sum(r.policies for r in rows),
        collected=sum((r.collected for r in rows), ZERO),
        spent=sum((r.spent for r in rows), ZERO),
        premium=sum((r.premium for r in rows), ZERO),
    )


def fees_by_month(
    *,
    user: User,
    filters: StatsFilters = NO_FILTERS,
    months: int = 12,
    today: date | None = None,
    kept: cells.Figures | None = None,
    spent: dict[str, dict[Any, Decimal]] | None = None,
) -> list[dict[str, Any]]:
    """Collected by 出函 month and spent by booking month, over the months 统计分析's chart shows (``spent``:
    ``spent_by``'s of the same filters, ``today`` and ``months``, when read already)."""
    first, last = month_window(filters, months, today)
    collected = {
        month: sums.fee_yuan for month, sums in (kept or figures(user=user, filters=filters)).by_month.items()
    }
    by_month = (spent or spent_by(user=user, filters=filters, today=today, months=months))["month"]
    return [
        {
            "month": key,
            "collected": float(collected.get(key) or 0),
            "spent": float(by_month.get(key) or 0),
        }
        for key in months_between(first, last)
    ]


# --- 服务费使用滞后 -------------------------------------------------------------------------------------------------
class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (two dates): PostgreSQL subtracts dates into days, SQLite
    through julianday."""

    output_field = IntegerField()
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _spent() -> Coalesce:
    lines = (
        FeeEntry.objects.filter(policy=OuterRef("pk"))
        .order_by()
        .values("policy")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(lines, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _ending(qs: QuerySet[Policy], today: date) -> QuerySet[Policy]:
    """The policies of ``qs`` that may be behind plan: 有效, with a fee, in force and ending within
    ``LAGGING_DAYS``, each with ``fee_spent``, ``behind`` and ``due`` (behind plan: ``behind`` < ``due``)."""
    behind = ExpressionWrapper(F("fee_spent") * F("days_total"), output_field=MONEY)
    due = ExpressionWrapper(F("order__prevention_fee") * F("days_elapsed"), output_field=MONEY)
    return (
        qs.filter(
            status=PolicyStatus.ACTIVE,
            period_start__lte=today,
            period_end__gte=today,
            period_end__lt=today + timedelta(days=LAGGING_DAYS),
            order__prevention_fee__gt=0,
        )
        .annotate(
            fee_spent=_spent(),
            days_total=DaysBetween(F("period_end"), F("period_start")),
            days_elapsed=DaysBetween(Value(today, output_field=DateField()), F("period_start")),
        )
        .annotate(behind=behind, due=due)
    )


# Behind plan: spent less, per day of the policy, than its fee per day up to today (``_ending``'s annotations).
BEHIND_PLAN: LessThan[Any] = LessThan(F("behind"), F("due"))


def lagging(qs: QuerySet[Policy], today: date | None = None) -> QuerySet[Policy]:
    """The policies of ``qs`` behind plan (see the module's docstring), each with ``fee_spent``,
    ``days_total`` and ``days_elapsed``; the nearest end first. Read from the ``period_end`` index: only the
    policies ending within ``LAGGING_DAYS`` are summed."""
    today = today or timezone.localdate()
    return _ending(qs, today).filter(BEHIND_PLAN).order_by("period_end", "id")


def lagging_count(
    *,
    user: User,
    filters: StatsFilters = NO_FILTERS,
    kept: cells.Figures | None = None,
    today: date | None = None,
) -> int:
    """How many policies ``search_lagging`` lists (no 关键字). A policy that spent nothing is behind plan once a
    day of its period has gone by: the kept cells count those policies (``Figures.lagging_due``: 有效, a
    fee, started before today, ending within ``LAGGING_DAYS``) as of today, and the policies of the ledger —
    the only ones that spent anything — are tested here as ``lagging`` does: those of them counted in
    ``lagging_due`` taken off, those behind plan added. Counting every policy ending within the 60 days
    (joined to its order) took 0.25 s at 100,000 orders; this costs what the ledger holds. From the policies
    when the cells are counted as of another day (``Figures.in_force``)."""
    today = today or timezone.localdate()
    kept = kept or figures(user=user, filters=filters, today=today)
    if kept.lagging_due is None:
        return search_lagging(user=user, filters=filters, today=today).count()
    spending = stats_policies(user=user, filters=filters).filter(pk__in=FeeEntry.objects.values("policy_id"))
    both = (  # one statement: those counted in ``lagging_due``, those behind plan (``lagging``)
        _ending(spending, today)
        .annotate(is_behind=ExpressionWrapper(BEHIND_PLAN, output_field=BooleanField()))
        .aggregate(
            counted=Count("pk", filter=Q(period_start__lt=today)),
            behind=Count("pk", filter=Q(is_behind=True)),
        )
    )
    return kept.lagging_due - both["counted"] + both["behind"]


def search_lagging(
    *, user: User, filters: StatsFilters = NO_FILTERS, q: str = "", today: date | None = None
) -> QuerySet[Policy]:
    """服务费使用滞后: the regulator's policies behind plan, with 统计分析's filters (保险公司, 区县, 行业, 出函时间)
    and a 关键字 (保单编号 exact, or part of the 投保人's name)."""
    qs = stats_policies(user=user, filters=filters)
    if q.strip():
        qs = qs.filter(Q(policy_no=q.strip()) | Q(order__applicant_name__contains=q.strip()))
    return lagging(qs, today).select_related(
        "insurer", "order", "order__region", "order__industry", "service_org"
    )


@dataclass
class LaggingRow:
    """A policy behind plan as the list and its export show it."""

    policy: Policy
    today: date

    @property
    def fee(self) -> Decimal:
        return self.policy.order.prevention_fee or ZERO

    @property
    def spent(self) -> Decimal:
        return self.policy.fee_spent  # type: ignore[attr-defined]

    @property
    def days_left(self) -> int:
        return (self.policy.period_end - self.today).days

    @property
    def used(self) -> str:
        return rate(self.spent, self.fee)

    @property
    def elapsed(self) -> str:
        total = self.policy.days_total  # type: ignore[attr-defined]
        return f"{self.policy.days_elapsed * 100 / total:.1f}%" if total else "—"  # type: ignore[attr-defined]


def lagging_rows(policies: Any, today: date | None = None) -> list[LaggingRow]:
    today = today or timezone.localdate()
    return [LaggingRow(p, today) for p in policies]


def statistics(
    *,
    user: User,
    filters: StatsFilters = NO_FILTERS,
    kept: cells.Figures | None = None,
    spent: dict[str, dict[Any, Decimal]] | None = None,
) -> dict[str, Any]:
    """The 事故预防服务费 section of 统计分析 (tables; the month chart is ``fees_by_month``; ``spent``:
    ``spent_by``'s, when read already)."""
    kept = kept or figures(user=user, filters=filters)
    spent = spent if spent is not None else spent_by(user=user, filters=filters)
    by_insurer = fees_by("insurer", user=user, filters=filters, kept=kept, spent=spent)
    return {
        "total": totals(by_insurer),
        "tables": [
            ("各保险公司", "保险公司", by_insurer),
            ("各区县", "区县", fees_by("county", user=user, filters=filters, kept=kept, spent=spent)),
            ("各行业", "行业", fees_by("industry", user=user, filters=filters, kept=kept, spent=spent)),
        ],
        "lagging": lagging_count(user=user, filters=filters, kept=kept),
        "lagging_days": LAGGING_DAYS,
    }
