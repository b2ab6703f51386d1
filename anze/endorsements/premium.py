"""批改保费 and 退保金额, computed by the day (issue 14 §1, §3). Pure functions of dates and amounts.

Days are counted inclusively at both ends. A policy from 2026-01-01 to 2026-12-31 has ``days_total`` = 365; a
change effective on day D covers the days from D to the end, so ``days_left`` = end − D + 1:

- effective on the first day of the period → ``days_left`` = ``days_total`` (the whole premium share);
- effective on the last day → ``days_left`` = 1;
- effective before the period starts counts from its start (the whole period); after its end → 0.

批改保费 of a headcount change Δ (positive: more people, charged; negative: fewer, refunded)::

    basis premium × Δ ÷ basis headcount × days_left ÷ days_total, rounded to the fen (ROUND_HALF_UP)

The basis is the premium and headcount the policy was issued with: its per-head rate, whatever earlier
endorsements charged or refunded for part of the period (the current premium includes those pro-rata amounts,
so dividing it by the current headcount would not give the rate the policy was priced at). The product is
formed before the one division, so nothing is rounded but the result; ROUND_HALF_UP rounds a half fen away from
zero, so a change and its reverse on the same day cost the same amount with opposite signs.

退保金额 (surrender refund)::

    current premium × days_left ÷ days_total, rounded to the fen, − the prevention fee already spent, never < 0

The 事故预防服务费 follows the premium: it is the policy's share of the premium for prevention (the region's
ratio, docs/spec/DOMAIN.md §6), so a 批改 changes it by the premium change × the policy's current fee ÷ premium,
rounded to the fen and kept within the region's ratio bounds (``fee_after``). A change of the service counts
alone changes the plan of how the fee is spent, not the fee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from anze.basedata.selectors import EffectiveRule
from anze.core.formatting import money

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def period_days(start: date, end: date) -> int:
    """Days of the period, both ends included."""
    return (end - start).days + 1


def days_left(start: date, end: date, day: date) -> int:
    """Days from ``day`` (or from the start, when ``day`` is before it) to the end, both included; 0 after it."""
    if day > end:
        return 0
    return (end - max(day, start)).days + 1


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class HeadcountPremium:
    """The computation of one headcount change, kept to show it with its formula."""

    basis_premium: Decimal
    basis_headcount: int
    change: int
    days_left: int
    days_total: int

    @property
    def amount(self) -> Decimal:
        if not self.change or not self.days_left:
            return ZERO
        numerator = self.basis_premium * self.change * self.days_left
        return to_fen(numerator / (self.basis_headcount * self.days_total))


def formula(
    *,
    basis_premium: Decimal,
    basis_headcount: int,
    change: int,
    days_left: int,
    days_total: int,
    amount: Decimal,
) -> str:
    """“12,000.00 × (+30) ÷ 120 × 183 ÷ 365 = 1,504.11”: the screen shows the amount with how it was found."""
    return (
        f"{money(basis_premium)} × ({change:+d}) ÷ {basis_headcount} × {days_left} ÷ {days_total}"
        f" = {money(amount)}"
    )


def fee_after(
    *, premium_before: Decimal, fee_before: Decimal, premium_after: Decimal, rule: EffectiveRule
) -> Decimal:
    """The prevention fee after the premium moved from ``premium_before`` to ``premium_after``: the same share
    of the premium, rounded to the fen, within the region's ratio bounds (and never above the premium)."""
    if premium_before <= 0 or premium_after == premium_before:
        return fee_before
    fee = to_fen(fee_before * premium_after / premium_before)
    low = rule.min_prevention_fee(premium_after)
    high = rule.max_prevention_fee(premium_after)
    if low is not None and fee < low:
        fee = low
    if high is not None and fee > high:
        fee = high
    return max(ZERO, min(fee, premium_after))


@dataclass(frozen=True)
class Refund:
    """退保金额: the premium for the days left, less the prevention fee already spent (never below zero)."""

    premium: Decimal
    days_left: int
    days_total: int
    fee_spent: Decimal

    @property
    def pro_rata(self) -> Decimal:
        if not self.days_left:
            return ZERO
        return to_fen(self.premium * self.days_left / self.days_total)

    @property
    def amount(self) -> Decimal:
        return max(ZERO, self.pro_rata - self.fee_spent)

    @property
    def formula(self) -> str:
        """“12,000.00 × 183 ÷ 365 − 800.00 = 5,216.44”."""
        text = (
            f"{money(self.premium)} × {self.days_left} ÷ {self.days_total} − {money(self.fee_spent)}"
            f" = {money(self.pro_rata - self.fee_spent)}"
        )
        return text if self.amount == self.pro_rata - self.fee_spent else f"{text}，不足退还，按 0.00 计"
