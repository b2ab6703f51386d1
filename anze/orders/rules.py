"""Validation of a coverage scheme (保险方案): docs/spec/DOMAIN.md §2 "Validation of the scheme" and the regional rules
of §6 (base data). Forms show every error beside its field; the workflow refuses with all of them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from anze.basedata.models import Region
from anze.basedata.selectors import EffectiveRule, active_service_item_ids, rule_for_region

MAX_PERIOD_YEARS = 5  # a per-project policy (建筑施工) may exceed a year; more than five is a typing error

LIMIT_LABELS: dict[str, str] = {
    "aggregate_limit": "累积赔偿限额",
    "per_accident_limit": "每次事故赔偿限额",
    "per_person_injury_limit": "每人伤亡责任限额",
    "per_person_medical_limit": "每人医疗责任限额",
}
AMOUNT_LABELS: dict[str, str] = {**LIMIT_LABELS, "premium": "保费", "prevention_fee": "事故预防服务费"}


@dataclass(frozen=True)
class Scheme:
    """A quote: the four limits, premium and fee in 元, the period, and the service count per item id."""

    aggregate_limit: Decimal
    per_accident_limit: Decimal
    per_person_injury_limit: Decimal
    per_person_medical_limit: Decimal
    premium: Decimal
    prevention_fee: Decimal
    period_start: date
    period_end: date
    service_counts: Mapping[int, int] = field(default_factory=dict)

    def amounts(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in AMOUNT_LABELS}


def add_years(day: date, years: int) -> date:
    if day.year + years > date.max.year:  # a typing error such as 9999-01-01: the last day there is
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def scheme_errors(
    scheme: Scheme,
    *,
    region: Region | None,
    rule: EffectiveRule | None = None,
    active_items: Collection[int] | None = None,
) -> dict[str, str]:
    """Every rule the scheme breaks, as {field: Chinese message}; empty when the scheme is acceptable.

    A value that is missing (or could not be read: the form reports why) is skipped by the rules that need
    it, and every other rule is still checked, so that one submission shows every error.

    ``rule`` (the region's, ``rule_for_region(region)``) and ``active_items`` (the ids of the active service
    items) are read from the database unless given: a caller checking thousands of schemes (the Excel import)
    reads them once.
    """
    errors: dict[str, str] = {}
    known: dict[str, Decimal] = {}
    for name, value in scheme.amounts().items():
        if value is None:
            errors[name] = f"请输入{AMOUNT_LABELS[name]}"
        elif value < 0:
            errors[name] = f"{AMOUNT_LABELS[name]}不能为负数"
        elif value.as_tuple().exponent < -2:  # type: ignore[operator]
            errors[name] = f"{AMOUNT_LABELS[name]}最多保留两位小数"
        else:
            known[name] = value

    def exceeds(name: str, ceiling: str, message: str) -> None:
        if name in known and ceiling in known and known[name] > known[ceiling]:
            errors.setdefault(name, message)

    if "premium" in known and known["premium"] <= 0:
        errors["premium"] = "保费必须大于0"
    exceeds("per_accident_limit", "aggregate_limit", "每次事故赔偿限额不能大于累积赔偿限额")
    exceeds("per_person_injury_limit", "per_accident_limit", "每人伤亡责任限额不能大于每次事故赔偿限额")
    exceeds("per_person_medical_limit", "per_person_injury_limit", "每人医疗责任限额不能大于每人伤亡责任限额")
    exceeds("prevention_fee", "premium", "事故预防服务费不能大于保费")

    if scheme.period_start is None:
        errors["period_start"] = "请选择保险期间起期"
    if scheme.period_end is None:
        errors["period_end"] = "请选择保险期间止期"
    if scheme.period_start and scheme.period_end:
        if scheme.period_end <= scheme.period_start:
            errors["period_end"] = "保险期间止期必须晚于起期"
        elif scheme.period_end > add_years(scheme.period_start, MAX_PERIOD_YEARS):
            errors["period_end"] = f"保险期间不能超过{MAX_PERIOD_YEARS}年，请核对日期"

    errors.update({k: v for k, v in _service_count_errors(scheme, active_items).items() if k not in errors})

    # The regional rule: its floor on 每人伤亡责任限额 whatever the premium; its fee ratios on a premium > 0.
    if rule is None:
        rule = rule_for_region(region)
    premium = known.get("premium") if "premium" not in errors else None
    for violation in rule.violations(
        per_person_injury_limit=known.get("per_person_injury_limit"),
        premium=premium,
        prevention_fee=known.get("prevention_fee"),
    ):
        errors.setdefault(violation.field, violation.message)
    return errors


def _service_count_errors(scheme: Scheme, active_items: Collection[int] | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    counts = dict(scheme.service_counts)
    if active_items is None:
        active: Collection[int] = active_service_item_ids(counts)
    else:
        active = active_items
    for item_id, count in counts.items():
        if item_id not in active:
            errors["service_counts"] = "包含已停用或不存在的服务项目"
        elif count is None or count < 0:
            errors[f"service_{item_id}"] = "服务次数须为不小于0的整数"
    if not errors and scheme.prevention_fee and scheme.prevention_fee > 0 and not any(counts.values()):
        errors["service_counts"] = "已收取事故预防服务费，请至少填写一项服务次数"
    return errors
