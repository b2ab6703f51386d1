"""The four limits of the 保险方案 a 理算 and a 结案 must respect (issue 14 §4), read from the order (the current
scheme: a 批改 changes it there).

- 每人伤亡责任限额: each person's death and disability amount, in this accident;
- 每人医疗责任限额: each person's medical amount, in this accident;
- 每次事故赔偿限额: the claim's total (one claim is one accident);
- 累积赔偿限额: everything paid on the policy — the claims already 结案 plus this one.

Each refusal names its limit and what is left of it: “赔款合计超过累积赔偿限额（剩余 12,000.00 元）”. The
amounts already paid are read by the caller inside the transaction that holds the policy's row lock
(``workflow.lock_policy``), so that two settlements cannot together pass a limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from anze.core.errors import Problems
from anze.core.formatting import money

from .models import Claim, ClaimStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Limits:
    aggregate: Decimal | None
    per_accident: Decimal | None
    per_person_injury: Decimal | None
    per_person_medical: Decimal | None

    @classmethod
    def of(cls, order: Any) -> Limits:
        return cls(
            aggregate=order.aggregate_limit,
            per_accident=order.per_accident_limit,
            per_person_injury=order.per_person_injury_limit,
            per_person_medical=order.per_person_medical_limit,
        )


@dataclass(frozen=True)
class Line:
    """One person of a 理算."""

    name: str
    death_disability: Decimal
    medical: Decimal

    @property
    def total(self) -> Decimal:
        return self.death_disability + self.medical


def paid_on_policy(policy_id: int, *, excluding: int | None = None) -> Decimal:
    """What the policy has paid: the 赔款金额 of its 已结案 claims (``excluding`` one claim)."""
    qs = Claim.objects.filter(policy_id=policy_id, status=ClaimStatus.SETTLED)
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    return qs.aggregate(paid=Sum("paid_amount"))["paid"] or ZERO


def remaining(limits: Limits, paid_before: Decimal) -> Decimal | None:
    """What is left of the 累积赔偿限额 (never below zero); None when the scheme sets none."""
    if limits.aggregate is None:
        return None
    return max(limits.aggregate - paid_before, ZERO)


def line_errors(lines: Sequence[Line], limits: Limits) -> Problems:
    """Each person's amounts against the per-person limits, at the person's fields
    (``death_disability_<n>``, ``medical_<n>``)."""
    problems = Problems()
    for index, line in enumerate(lines):
        if limits.per_person_injury is not None and line.death_disability > limits.per_person_injury:
            problems.add(
                f"death_disability_{index}",
                f"{line.name}的死亡伤残赔款超过每人伤亡责任限额（{money(limits.per_person_injury)} 元）",
            )
        if limits.per_person_medical is not None and line.medical > limits.per_person_medical:
            problems.add(
                f"medical_{index}",
                f"{line.name}的医疗费用赔款超过每人医疗责任限额（{money(limits.per_person_medical)} 元）",
            )
    return problems


def total_errors(
    total: Decimal, limits: Limits, paid_before: Decimal, *, field: str | None = None, noun: str = "赔款合计"
) -> Problems:
    """A claim's total against 每次事故赔偿限额 and, with what the policy paid before, 累积赔偿限额."""
    problems = Problems()
    if limits.per_accident is not None and total > limits.per_accident:
        problems.add(field, f"{noun}超过每次事故赔偿限额（{money(limits.per_accident)} 元）")
    left = remaining(limits, paid_before)
    if left is not None and total > left:
        problems.add(field, f"{noun}超过累积赔偿限额（剩余 {money(left)} 元）")
    return problems


def check_adjustment(lines: Sequence[Line], limits: Limits, paid_before: Decimal) -> Decimal:
    """The 理算 total, or ``Refused`` with every limit it passes."""
    problems = line_errors(lines, limits)
    total = sum((line.total for line in lines), ZERO)
    for field, texts in total_errors(total, limits, paid_before).errors.items():
        for text in texts:
            problems.add(field, text)
    problems.raise_if_any()
    return total
