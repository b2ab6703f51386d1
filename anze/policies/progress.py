"""约定服务进度: what was contracted, done, waiting and planned per service item of a policy.

The contracted counts are the order's (``OrderServiceItem``). What was done (confirmed by the enterprise), is
waiting for the enterprise and is planned is counted by the app that records the services: ``anze.prevention``
registers its counter at start-up with ``count_services_with``, so that this app never imports it (the
layering is core ← … ← orders ← policies ← prevention). Without a counter nothing is done, and a policy's
service never completes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from anze.basedata.models import ServiceItem
from anze.orders.models import OrderServiceItem

from .models import Policy

DONE, WAITING, PLANNED = "done", "waiting", "planned"

# (policy id, service item id, DONE | WAITING | PLANNED, how many) for the policies of the given ids.
Tally = tuple[int, int, str, int]
Counter = Callable[[list[int]], Iterable[Tally]]
_counters: list[Counter] = []


def count_services_with(counter: Counter) -> None:
    """Register ``counter`` (once, however often the app starting it is readied)."""
    if counter not in _counters:
        _counters.append(counter)


@dataclass
class ItemProgress:
    item: ServiceItem
    contracted: int  # 实际服务项目: the order's count
    done: int = 0  # confirmed by the enterprise (a correction does not count twice)
    waiting: int = 0  # recorded, waiting for the enterprise (待确认)
    planned: int = 0  # in the 服务计划

    @property
    def is_met(self) -> bool:
        return self.done >= self.contracted

    @property
    def percent(self) -> int:
        return 100 if not self.contracted else min(100, round(100 * self.done / self.contracted))


def progress_for(policies: Sequence[Policy]) -> dict[int, list[ItemProgress]]:
    """{policy id: [ItemProgress…]} for many policies in a constant number of queries.

    Items with a contracted count come first in base-data order; an item recorded or planned without a
    contracted count (not possible through the forms, but kept honest) is listed with contracted 0.
    """
    if not policies:
        return {}
    by_order = {p.order_id: p.pk for p in policies}
    result: dict[int, dict[int, ItemProgress]] = {p.pk: {} for p in policies}
    rows = (
        OrderServiceItem.objects.filter(order_id__in=by_order, count__gt=0)
        .select_related("item")
        .order_by("item__sort", "item_id")
    )
    for row in rows:
        result[by_order[row.order_id]][row.item_id] = ItemProgress(row.item, row.count)
    ids = [p.pk for p in policies]
    counted = [tally for counter in _counters for tally in counter(ids)]
    missing = {item_id for policy_id, item_id, _, _ in counted if item_id not in result[policy_id]}
    extra = {item.pk: item for item in ServiceItem.objects.filter(pk__in=missing)} if missing else {}
    for policy_id, item_id, kind, n in counted:
        progress = result[policy_id].get(item_id)
        if progress is None:
            progress = result[policy_id][item_id] = ItemProgress(extra[item_id], 0)
        setattr(progress, kind, getattr(progress, kind) + n)
    return {pk: list(items.values()) for pk, items in result.items()}


def service_progress(policy: Policy) -> list[ItemProgress]:
    return progress_for([policy])[policy.pk]


def totals(progress: Iterable[ItemProgress]) -> tuple[int, int]:
    """(done, contracted) over the contracted items, for a list's 进度 column."""
    done = contracted = 0
    for p in progress:
        if p.contracted:
            done += min(p.done, p.contracted)
            contracted += p.contracted
    return done, contracted


def service_completed(policy: Policy) -> bool:
    """Every contracted item (count > 0) has at least that many confirmed records (corrections not counted
    twice), and there is at least one such item."""
    progress = [p for p in service_progress(policy) if p.contracted]
    return bool(progress) and all(p.done >= p.contracted for p in progress)
