"""事故预防服务费台账 (docs/spec/DOMAIN.md §6; issue 14 §5): each policy's prevention fee is its budget, each
service record carries what it cost, and the cost is booked against the policy when the enterprise confirms the
record.

- **Budget** (``budget``): the order's 事故预防服务费, read from the order when asked — an endorsement may change
  it, and the ledger always measures against the current figure.
- **Spent** (``spent_total``): the sum of the policy's ``FeeEntry`` lines. ``book`` writes them, in the
  transaction of ``records.record_confirm``: the record's cost, and for a correction (更正记录) also the
  reversal of what the record it corrects — or an earlier correction of it — had booked, so that a corrected
  visit counts once, at its corrected cost. Lines are never changed nor deleted.
- **Overrun** (``overrun_grant``): a record that would take the spending past the budget is refused — when the
  organisation enters it and, binding, when the enterprise confirms it — unless the insurer has approved an
  overrun: an amount and a reason granted on the policy (``FeeOverrun``), which raises the ceiling by that much.
  The check at confirmation runs with the policy's row locked (``policies.workflow.lock_services``: an UPDATE of
  the row, which PostgreSQL holds until commit as SELECT … FOR UPDATE would; SQLite's IMMEDIATE transactions
  serialise the writers), so two confirmations at once cannot together overspend.

Why a grant on the policy rather than a state of the record (待保险公司审批): the enterprise's 确认 says the
service happened — it should not wait on the insurer's money decision, nor leave a delivered service unconfirmed
(which would hold back the policy's 已完成). The kernel gives ``confirm`` one target; a budget branch would need
a second action and state on every record, while a grant is one decision on the policy that unblocks any record
it covers. Grants have no states (nothing moves afterwards), so they are an append-only row, not a ``Machine``.

Public reads for other apps: ``budget``, ``allowance``, ``spent_total`` (退保 deducts it from the refund) and
``summary`` (planned, spent and remaining per service item, as every side's 保单详情 shows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.workflow import NO_PERMISSION
from anze.orders.models import Order, OrderServiceItem
from anze.policies.lifecycle import check_live
from anze.policies.models import Policy, ServiceEvent
from anze.policies.workflow import SERVICE, lock_services, policy_url

from .checks import clean_text, tell
from .models import FeeEntry, FeeEntryKind, FeeOverrun, RecordStatus, ServiceRecord

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# What the ledger's DecimalField(max_digits=14, decimal_places=2) holds.
MAX_AMOUNT = Decimal("999999999999.99")
OVERRUN_PERMISSION = "policy.fee_overrun"
OVERRUN_LABEL = "批准服务费超支"


def _sum(qs: QuerySet[Any], column: str) -> Decimal:
    total: Decimal = qs.aggregate(s=Coalesce(Sum(column), ZERO))["s"]
    return total


# --- the public reads -------------------------------------------------------------------------------------------
def budget(policy: Policy) -> Decimal:
    """The policy's 事故预防服务费 as its order holds it now (0 when the order has none)."""
    fee = Order.objects.filter(pk=policy.order_id).values_list("prevention_fee", flat=True).first()
    return fee if fee is not None else ZERO


def allowance(policy: Policy) -> Decimal:
    """What the insurer has allowed the services to cost beyond the budget (the sum of its 超支批准)."""
    return _sum(FeeOverrun.objects.filter(policy_id=policy.pk), "amount")


def spent_total(policy: Policy) -> Decimal:
    """What the policy's confirmed services cost: the sum of its ledger lines."""
    return _sum(FeeEntry.objects.filter(policy_id=policy.pk), "amount")


def available(policy: Policy) -> Decimal:
    """剩余可用: budget + allowance − spent (negative only if the budget was lowered below the spending)."""
    return budget(policy) + allowance(policy) - spent_total(policy)


@dataclass
class ItemLine:
    """One service item of a policy: its plan (contracted count × the item's 单价) and what was spent on it."""

    item: ServiceItem
    contracted: int
    unit_price: Decimal
    spent: Decimal = ZERO

    @property
    def planned(self) -> Decimal:
        return self.unit_price * self.contracted

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def percent(self) -> int:
        return _percent(self.spent, self.planned)


@dataclass
class Summary:
    """A policy's ledger as the pages show it: budget, allowance, spent, what waits for confirmation, per item."""

    budget: Decimal
    allowance: Decimal
    spent: Decimal
    pending: Decimal  # the cost of the records waiting for the enterprise (待确认)
    pending_count: int
    lines: list[ItemLine] = field(default_factory=list)
    overruns: list[FeeOverrun] = field(default_factory=list)

    @property
    def ceiling(self) -> Decimal:
        return self.budget + self.allowance

    @property
    def remaining(self) -> Decimal:
        """剩余可用 (against the budget and any approved overrun)."""
        return self.ceiling - self.spent

    @property
    def pending_excess(self) -> Decimal:
        """How far confirming every waiting record would go past what remains (0: they all fit)."""
        return max(ZERO, self.pending - self.remaining)

    @property
    def planned_total(self) -> Decimal:
        return sum((line.planned for line in self.lines), ZERO)

    @property
    def spent_on_lines(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)

    @property
    def remaining_on_lines(self) -> Decimal:
        return self.planned_total - self.spent_on_lines

    @property
    def percent(self) -> int:
        return _percent(self.spent, self.budget)

    @property
    def overspent(self) -> Decimal:
        """How far the spending is past the prevention fee (0 when within it)."""
        return max(ZERO, self.spent - self.budget)


def _percent(part: Decimal, whole: Decimal) -> int:
    if whole <= 0:
        return 100 if part > 0 else 0
    return min(100, round(100 * part / whole))


def summary(policy: Policy) -> Summary:
    """The policy's ledger in a constant number of queries (six, whatever its items, records and grants)."""
    spent_by_item = dict(
        FeeEntry.objects.filter(policy_id=policy.pk)
        .values_list("item_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    lines: dict[int, ItemLine] = {}
    counts = (
        OrderServiceItem.objects.filter(order_id=policy.order_id, count__gt=0)
        .select_related("item")
        .order_by("item__sort", "item_id")
    )
    for row in counts:
        lines[row.item_id] = ItemLine(row.item, row.count, row.item.unit_price)
    missing = [pk for pk in spent_by_item if pk not in lines]
    for item in ServiceItem.objects.filter(pk__in=missing).order_by("sort", "id") if missing else []:
        lines[item.pk] = ItemLine(item, 0, item.unit_price)  # spent on an item no longer contracted
    for item_id, spent in spent_by_item.items():
        lines[item_id].spent = spent
    pending = ServiceRecord.objects.filter(policy_id=policy.pk, status=RecordStatus.PENDING).aggregate(
        s=Coalesce(Sum("cost"), ZERO), n=Count("pk")
    )
    overruns = list(policy.fee_overruns.select_related("granted_by").order_by("granted_at", "id"))
    return Summary(
        budget=budget(policy),
        allowance=sum((o.amount for o in overruns), ZERO),
        spent=sum(spent_by_item.values(), ZERO),
        pending=pending["s"],
        pending_count=pending["n"],
        lines=list(lines.values()),
        overruns=overruns,
    )


# --- the checks -------------------------------------------------------------------------------------------------
def clean_amount(value: Decimal | None, *, field: str, label: str, positive: bool = False) -> Decimal:
    """An amount in 元 as the ledger keeps it: a number, not negative (or > 0), at most 2 decimal places."""
    if value is None:
        raise Refused(f"请输入{label}", field=field)
    if not value.is_finite():
        raise Refused(f"{label}须为数字（单位：元）", field=field)
    if positive and value <= 0:
        raise Refused(f"{label}须大于0", field=field)
    if value < 0:
        raise Refused(f"{label}不能为负数", field=field)
    if value != value.quantize(CENT):
        raise Refused(f"{label}最多保留2位小数", field=field)
    if value > MAX_AMOUNT:
        raise Refused(f"{label}过大，请核对", field=field)
    return value


def line_total(original_id: int) -> Decimal:
    """What a record and its corrections have booked together (the cost of its latest confirmed version)."""
    return _sum(
        FeeEntry.objects.filter(Q(record_id=original_id) | Q(record__corrects_id=original_id)), "amount"
    )


def check_fits(policy: Policy, amount: Decimal, *, verb: str, field: str | None = None) -> None:
    """Refuse ``amount`` more spending on ``policy`` when it does not fit in what remains (budget + approved
    overrun − spent), naming what remains."""
    if amount <= 0:
        return
    left = available(policy)
    if amount > left:
        raise Refused(
            f"事故预防服务费余额不足：本保单剩余可用 {money(left)} 元，该服务记录需记账 {money(amount)} 元，"
            f"超出 {money(amount - left)} 元。请联系保险公司批准超支后再{verb}。",
            field=field,
        )


# --- the writes -------------------------------------------------------------------------------------------------
def book(*, record: ServiceRecord, actor: User) -> list[FeeEntry]:
    """Book a confirmed record's cost (and, for a correction, reverse what it replaces). Runs inside
    ``records.record_confirm``, after the record has moved to 已确认: the policy's row is locked first, then the
    spending is checked against the current budget and any approved overrun — refused, the whole confirmation
    is rolled back."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("ledger.book runs inside the confirmation")
    policy = record.policy
    lock_services(policy)
    # What the record holds now, after its move to 已确认 (an edit committed a moment before is what counts).
    record.refresh_from_db(fields=["cost", "item"])
    replaced = line_total(record.corrects_id) if record.corrects_id else ZERO
    check_fits(policy, record.cost - replaced, verb="确认")
    common = {"policy": policy, "record": record, "item_id": record.item_id, "booked_by": actor}
    entries = []
    if replaced:
        entries.append(FeeEntry(kind=FeeEntryKind.REVERSAL, amount=-replaced, **common))
    entries.append(FeeEntry(kind=FeeEntryKind.COST, amount=record.cost, **common))
    return FeeEntry.objects.bulk_create(entries)


def check_may_grant(policy: Policy, user: User) -> None:
    """Only the insurer that issued the policy, with 批准服务费超支, grants an overrun on it — while it is in
    force (a reversed policy is read-only, a surrendered one takes no new request)."""
    if user.side != Side.INSURER or not user.has_perm_code(OVERRUN_PERMISSION):
        raise Refused(NO_PERMISSION)
    SERVICE.check_owner(policy, user, Side.INSURER)
    check_live(policy, OVERRUN_LABEL)


def may_grant(policy: Policy, user: User) -> bool:
    """Whether the page shows 批准超支 to ``user`` (the check ``overrun_grant`` starts with)."""
    try:
        check_may_grant(policy, user)
    except Refused:
        return False
    return True


@transaction.atomic
def overrun_grant(*, policy: Policy, actor: User, amount: Decimal | None, reason: str) -> FeeOverrun:
    """批准超支 by the insurer that issued the policy: ``amount`` more may be spent than the prevention fee,
    for ``reason``. Logged on the policy's service timeline (and the 操作日志); the enterprise and the service
    organisation are told that waiting records can now be confirmed."""
    check_may_grant(policy, actor)
    problems = Problems()
    values: dict[str, object] = {}
    with problems.collect():
        values["amount"] = clean_amount(amount, field="amount", label="批准超支金额", positive=True)
    with problems.collect():
        values["reason"] = clean_text(reason, "reason", "批准理由", 500)
    problems.raise_if_any()
    grant = FeeOverrun.objects.create(policy=policy, granted_by=actor, **values)
    shown = money(grant.amount)
    event = ServiceEvent.record(
        actor,
        action="fee_overrun",
        label=OVERRUN_LABEL,
        from_status="",
        to_status="",
        reason=grant.reason,
        changes={"批准超支金额（元）": ["", shown]},
        policy=policy,
        subject=ServiceEvent.Subject.FEE,
        service_org=policy.service_org,
    )
    text = (
        f"{policy.insurer.display_short_name}已批准保单{policy.policy_no}的事故预防服务费超支 {shown} 元"
        f"（理由：{grant.reason}），超出服务费的服务记录可以确认了。"
    )
    if policy.enterprise_id:
        tell(
            f"service-event:{event.pk}:enterprise",
            policy,
            policy.enterprise,
            policy_url(policy, Side.ENTERPRISE),
            "服务费超支已批准",
            text,
        )
    if policy.service_org_id:
        tell(
            f"service-event:{event.pk}:service_org",
            policy,
            policy.service_org,
            policy_url(policy, Side.SERVICE_ORG),
            "服务费超支已批准",
            text,
        )
    return grant
