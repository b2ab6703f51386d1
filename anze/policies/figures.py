"""The insurer's home figures (issue 12): this month's 报价 / 出函 / 保费 and the last 12 months by month.

Read from the insurer's own orders only (its scope, ``orders.scopes.orders_visible_to``: ``quoted_at``,
``issued_at`` — the moment of 出函, when its policy is created — and the premium), in two queries whatever the
number of orders: one grouped by the month of the quote, one by the month of 出函 (the policies issued).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anze.accounts.models import User
from anze.audit.selectors import day_start
from anze.orders.scopes import orders_visible_to

MONTHS = 12


@dataclass
class MonthFigures:
    month: str  # yyyy-mm
    quotes: int = 0
    issued: int = 0
    premium: Decimal = Decimal("0")


@dataclass
class InsurerFigures:
    months: list[MonthFigures] = field(default_factory=list)

    @property
    def this_month(self) -> MonthFigures:
        return self.months[-1]

    def chart(self) -> dict[str, Any]:
        return {
            "month": [m.month for m in self.months],
            "quotes": [m.quotes for m in self.months],
            "issued": [m.issued for m in self.months],
            "premium": [float(m.premium) for m in self.months],
        }


def _month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def _key(value: Any) -> str:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m")
        )
    return value.strftime("%Y-%m")


def insurer_figures(*, user: User, today: date | None = None, months: int = MONTHS) -> InsurerFigures:
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    since = day_start(starts[0])
    by_month = {start.strftime("%Y-%m"): MonthFigures(month=start.strftime("%Y-%m")) for start in starts}
    quotes = (
        orders_visible_to(user)
        .filter(quoted_at__gte=since)
        .annotate(month=TruncMonth("quoted_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in quotes:
        if (figures := by_month.get(_key(row["month"]))) is not None:
            figures.quotes = row["n"]
    issued = (
        orders_visible_to(user)
        .filter(issued_at__gte=since)
        .annotate(month=TruncMonth("issued_at"))
        .values("month")
        .annotate(n=Count("pk"), premium=Sum("premium"))
        .order_by()
    )
    for row in issued:
        if (figures := by_month.get(_key(row["month"]))) is not None:
            figures.issued = row["n"]
            figures.premium = row["premium"] or Decimal("0")
    return InsurerFigures(months=list(by_month.values()))
