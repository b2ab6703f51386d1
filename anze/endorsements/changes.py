"""What a 批改 may change and what it costs (issue 14 §1): the checks of a requested change, every problem at
once, and the values before and after with the premium computed by the day (``premium``).

Changeable: 参保人数, 项目名称 / 项目地址, 投保联系人 / 联系电话, and the service items' counts. Not the insurer,
the insured (投保人, its credit code), the period or the limits: the quote rules of ``orders.rules`` are
checked on the endorsed scheme (the order's limits and period, the premium and fee after the change, the counts
after it), so an endorsement never leaves a scheme the platform would refuse to quote — limits below the
region's current minimum included.

A service count may not drop below the services already recorded for it (confirmed or waiting for the
enterprise), nor change once the policy's service is 已完成; while it is 服务中 a change must leave something
to do (the service completes only on a confirmation — a 批改 cannot end it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from anze.basedata.models import ServiceItem
from anze.basedata.selectors import rule_for_region
from anze.core.errors import Problems
from anze.core.validators import validate_mobile
from anze.orders.models import Order
from anze.orders.rules import LIMIT_LABELS, Scheme, scheme_errors
from anze.policies.models import Policy, ServiceStatus
from anze.policies.progress import service_progress

from . import premium as pricing
from .models import Endorsement

REASON_MAX = 500
NOTHING_CHANGED = "未修改任何批改内容"
TEXT_FIELDS: tuple[tuple[str, str, int, bool], ...] = (
    # name, label, max length, required
    ("project_name", "项目名称", 100, True),
    ("project_address", "项目地址", 200, False),
    ("contact_name", "投保联系人", 30, True),
    ("contact_phone", "联系电话", 11, True),
)
LABELS: dict[str, str] = {
    "headcount": "参保人数",
    **{name: label for name, label, _, _ in TEXT_FIELDS},
}


@dataclass(frozen=True)
class Change:
    """A requested 批改: the new values (unchanged ones as they are), the counts of the service items shown
    ({item id: count}; an item left out keeps its count), the day it takes effect and why."""

    headcount: int | None
    project_name: str
    project_address: str
    contact_name: str
    contact_phone: str
    effective_on: date | None
    reason: str
    service_counts: Mapping[int, int | None] = field(default_factory=dict)


def current_counts(order: Order) -> dict[int, int]:
    return {line.item_id: line.count for line in order.service_counts.all() if line.count}


def current_change(order: Order, *, effective_on: date | None = None, reason: str = "") -> Change:
    """The order as it is now, as a ``Change`` (what the form opens with)."""
    return Change(
        headcount=order.headcount,
        project_name=order.project_name,
        project_address=order.project_address,
        contact_name=order.contact_name,
        contact_phone=order.contact_phone,
        effective_on=effective_on,
        reason=reason,
        service_counts=current_counts(order),
    )


def default_effective_on(policy: Policy, today: date | None = None) -> date:
    """Today, or the first day of a period that has not started yet."""
    today = today or timezone.localdate()
    return min(max(today, policy.period_start), policy.period_end)


@dataclass
class Draft:
    """A checked change: the ``Endorsement`` fields it sets, and the lines of what it changes."""

    fields: dict[str, Any]
    lines: list[tuple[str, str, str]]  # (label, before, after) of what changes

    @property
    def summary(self) -> dict[str, list[str]]:
        return {label: [before, after] for label, before, after in self.lines}


def _check_effective_on(policy: Policy, day: date | None, problems: Problems, today: date) -> None:
    if day is None:
        problems.add("effective_on", "请选择批改生效日期")
    elif policy.period_end < today:
        problems.add("effective_on", "保险期间已结束，不能批改")
    elif not policy.period_start <= day <= policy.period_end:
        problems.add(
            "effective_on",
            f"批改生效日期须在保险期间内（{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}）",
        )
    elif day < today:
        problems.add("effective_on", "批改生效日期不能早于今天")


def _check_texts(change: Change, problems: Problems) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, label, limit, required in TEXT_FIELDS:
        value = (getattr(change, name) or "").strip()
        if required and not value:
            problems.add(name, f"请输入{label}")
        elif len(value) > limit:
            problems.add(name, f"{label}不能超过{limit}个字")
        values[name] = value
    if values["contact_phone"] and "contact_phone" not in problems:
        try:
            validate_mobile(values["contact_phone"])
        except ValidationError as exc:
            problems.add("contact_phone", exc.messages[0])
    return values


def _counts_after(
    policy: Policy, change: Change, before: dict[int, int], problems: Problems
) -> dict[int, int]:
    after = dict(before)
    for item_id, count in change.service_counts.items():
        if count is None or count < 0 or count > 999:
            problems.add(f"service_{item_id}", "服务次数须为0至999的整数")
            continue
        if count:
            after[item_id] = count
        else:
            after.pop(item_id, None)
    if after == before or any(name.startswith("service_") for name in problems.errors if name):
        return after
    if policy.service_status == ServiceStatus.COMPLETED:
        problems.add("service_counts", "该保单的安全服务已完成，不能再批改服务次数")
        return after
    progress = {p.item.pk: p for p in service_progress(policy)}
    for item_id, p in progress.items():
        used = p.done + p.waiting
        if after.get(item_id, 0) < used:
            problems.add(f"service_{item_id}", f"不能少于已记录的服务次数（{used}次）")
    if policy.service_status == ServiceStatus.IN_SERVICE and "service_counts" not in problems:
        left = [i for i, n in after.items() if n > (progress[i].done if i in progress else 0)]
        if not left:
            problems.add("service_counts", "批改后约定服务已全部完成，安全服务须由企业确认服务记录后完成")
    return after


def check_change(policy: Policy, order: Order, change: Change, *, today: date | None = None) -> Draft:
    """Every problem of ``change`` at once (``Refused`` with them beside their fields), else the ``Draft``:
    the values before and after, the premium change by the day and the fee that follows it."""
    today = today or timezone.localdate()
    problems = Problems()
    reason = (change.reason or "").strip()
    if not reason:
        problems.add("reason", "请填写批改原因")
    elif len(reason) > REASON_MAX:
        problems.add("reason", f"批改原因不能超过{REASON_MAX}个字")
    _check_effective_on(policy, change.effective_on, problems, today)
    texts = _check_texts(change, problems)

    headcount_before = order.headcount
    headcount_after = change.headcount if change.headcount is not None else headcount_before
    if headcount_after is not None and headcount_after < 1:
        problems.add("headcount", "参保人数须为大于0的整数")
    elif headcount_after != headcount_before and headcount_before is None:
        problems.add("headcount", "该保单未记录参保人数，不能批改参保人数")

    counts_before = current_counts(order)
    counts_after = _counts_after(policy, change, counts_before, problems)
    problems.raise_if_any()

    fields: dict[str, Any] = {
        "reason": reason,
        "effective_on": change.effective_on,
        "headcount_before": headcount_before,
        "headcount_after": headcount_after,
        "service_counts_before": {str(k): v for k, v in counts_before.items()},
        "service_counts_after": {str(k): v for k, v in counts_after.items()},
        **{f"{name}_before": getattr(order, name) for name in texts},
        **{f"{name}_after": value for name, value in texts.items()},
        **_premium(policy, order, headcount_before, headcount_after, change.effective_on),  # type: ignore[arg-type]
    }
    lines = endorsement_lines(Endorsement(**fields))
    if not lines:
        problems.add(None, NOTHING_CHANGED)
        problems.raise_if_any()
    check_endorsed_scheme(order, fields)
    return Draft(fields=fields, lines=lines)


def count_lines(before: Mapping[Any, int], after: Mapping[Any, int]) -> list[tuple[str, str, str]]:
    """("服务次数·安全生产宣传教育培训", "2", "4") per item whose count changes, in base-data order."""
    b = {int(k): v for k, v in before.items()}
    a = {int(k): v for k, v in after.items()}
    ids = {i for i in set(a) | set(b) if a.get(i, 0) != b.get(i, 0)}
    if not ids:
        return []
    items = ServiceItem.objects.filter(pk__in=ids).order_by("sort", "id")
    return [(f"服务次数·{item.name}", str(b.get(item.pk, 0)), str(a.get(item.pk, 0))) for item in items]


def _premium(
    policy: Policy, order: Order, headcount_before: int | None, headcount_after: int | None, day: date
) -> dict[str, Any]:
    """The money fields of a change effective on ``day``: the basis, the days and the premium change."""
    premium_before = order.premium or Decimal("0.00")
    fee_before = order.prevention_fee or Decimal("0.00")
    days_total = pricing.period_days(policy.period_start, policy.period_end)
    left = pricing.days_left(policy.period_start, policy.period_end, day)
    basis_premium = policy.issued_premium if policy.issued_premium else premium_before
    basis_headcount = policy.issued_headcount or headcount_before or 1
    change = (headcount_after or 0) - (headcount_before or 0) if headcount_before is not None else 0
    computed = pricing.HeadcountPremium(basis_premium, basis_headcount, change, left, days_total).amount
    return {
        "premium_before": premium_before,
        "prevention_fee_before": fee_before,
        "days_left": left,
        "days_total": days_total,
        "basis_premium": basis_premium,
        "basis_headcount": basis_headcount,
        "premium_computed": computed,
        "premium_delta": computed,
        "prevention_fee_delta": fee_change(order, premium_before, fee_before, computed),
    }


def fee_change(order: Order, premium_before: Decimal, fee_before: Decimal, premium_delta: Decimal) -> Decimal:
    """How much the prevention fee moves with a premium change of ``premium_delta`` (``premium.fee_after``)."""
    after = pricing.fee_after(
        premium_before=premium_before,
        fee_before=fee_before,
        premium_after=premium_before + premium_delta,
        rule=rule_for_region(order.region),
    )
    return after - fee_before


def check_endorsed_scheme(order: Order, fields: Mapping[str, Any]) -> None:
    """The quote rules (``orders.rules.scheme_errors``) on the scheme as the 批改 leaves it: the order's limits
    and period, the premium and fee after, the counts after. Limits the region now sets above the order's are
    refused too (the top of the form names them)."""
    premium_after = fields["premium_before"] + fields["premium_delta"]
    fee_after = fields["prevention_fee_before"] + fields["prevention_fee_delta"]
    counts = {int(k): v for k, v in fields["service_counts_after"].items()}
    before = fields["service_counts_before"]
    changed = {int(k) for k, v in fields["service_counts_after"].items() if before.get(k) != v}
    # A retired item keeps the count it was contracted with; only the counts being set must be of active items.
    kept_retired = set(counts) - changed - set(ServiceItem.objects.active().values_list("pk", flat=True))
    scheme = Scheme(
        aggregate_limit=order.aggregate_limit,  # type: ignore[arg-type]
        per_accident_limit=order.per_accident_limit,  # type: ignore[arg-type]
        per_person_injury_limit=order.per_person_injury_limit,  # type: ignore[arg-type]
        per_person_medical_limit=order.per_person_medical_limit,  # type: ignore[arg-type]
        premium=premium_after,
        prevention_fee=fee_after,
        period_start=order.period_start,  # type: ignore[arg-type]
        period_end=order.period_end,  # type: ignore[arg-type]
        service_counts={k: v for k, v in counts.items() if k not in kept_retired},
    )
    problems = Problems()
    for name, message in scheme_errors(scheme, region=order.region).items():
        if name in LIMIT_LABELS:
            problems.add(None, f"{message}（当前保单的{LIMIT_LABELS[name]}不符合现行规则，请联系保险公司）")
        elif name in ("premium", "prevention_fee"):
            problems.add("premium_delta", f"批改后{message}")
        elif name.startswith("service_"):
            problems.add(name, message)
        else:
            problems.add(None, message)
    problems.raise_if_any()


def endorsement_lines(endorsement: Endorsement) -> list[tuple[str, str, str]]:
    """(label, before, after) of what a 批改 changes, as its page and export show them."""
    e = endorsement
    lines: list[tuple[str, str, str]] = []
    if e.headcount_after != e.headcount_before:
        lines.append(("参保人数", str(e.headcount_before or "—"), str(e.headcount_after or "—")))
    for name, label, _, _ in TEXT_FIELDS:
        before, after = getattr(e, f"{name}_before"), getattr(e, f"{name}_after")
        if before != after:
            lines.append((label, before or "—", after or "—"))
    return lines + count_lines(e.service_counts_before, e.service_counts_after)
