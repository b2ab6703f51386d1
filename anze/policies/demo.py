"""Demo policies: 出函 of the demo orders ``anze.orders.demo`` left for it (``TO_ISSUE``) — two online orders
of every demo insurer and one offline order, back-filled — through the real 出函, with policy numbers in the
insurer's own style. Idempotent: an order already issued is not in 待出函 any more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from anze.accounts import demo as accounts_demo
from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.orders.demo import TO_ISSUE
from anze.orders.models import Order, OrderStatus

from . import scenarios


def _policy_numbers(insurer: Organisation) -> Callable[[], str]:
    prefix = (insurer.code or "PQZ").split("-")[0].upper()
    year = timezone.localdate().year
    counter = iter(range(1, 10**6))
    return lambda: f"{prefix}{year}3505{next(counter):06d}"


def load(stdout: Any) -> None:
    issued = 0
    for spec in accounts_demo.INSURERS:
        insurer = Organisation.objects.get(kind=Side.INSURER, code=spec["code"])
        clerk = User.objects.get(username=spec["admin"][0])
        next_policy_no = _policy_numbers(insurer)
        waiting = Order.objects.filter(
            insurer=insurer, status=OrderStatus.AWAITING_ISSUE, project_name__in=TO_ISSUE
        ).order_by("pk")
        for order in waiting:
            scenarios.issue(order, actor=clerk, policy_no=next_policy_no())
            issued += 1
    stdout.write(f"保单：出函 {issued} 个演示订单（线上订单与线下订单的保单信息补录）")
