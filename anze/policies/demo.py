"""Demo policies: 出函 of the demo orders ``anze.orders.demo`` left for it (``TO_ISSUE``) — two online orders
of every demo insurer and one offline order, back-filled — through the real 出函, with policy numbers in the
insurer's own style. Idempotent: an order already issued is not in 待出函 any more.

Then 冲正 at 人保财险泉州 (issue 14 §2), on orders of their own (``REVERSAL_PROJECTS``): a request 待审核, one
已驳回, and one 已通过 whose order was issued again under a new number — requested by the 业务员, reviewed by
the 冲正审核员. Idempotent: nothing is added once the insurer has a 冲正 request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from anze.accounts import demo as accounts_demo
from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.orders.demo import TO_ISSUE
from anze.orders.models import Order, OrderStatus

from . import reversal, scenarios
from .models import PolicyReversal


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
    _load_reversals(stdout)


# The orders of the 冲正 demo, one per outcome: (enterprise login, project, address, headcount).
REVERSAL_PROJECTS: tuple[tuple[str, str, str, int], ...] = (
    ("hongsheng", "丰泽区北峰街道保障性住房三期工程", "泉州市丰泽区北峰街道招贤路", 150),
    ("huatai", "晋江市华泰鞋业池店成品仓库", "晋江市池店镇御辇路", 70),
    ("jinlei", "南安市金磊石材石井码头堆场", "南安市石井镇港口路", 55),
)


def _load_reversals(stdout: Any) -> None:
    spec = accounts_demo.INSURERS[0]
    insurer = Organisation.objects.get(kind=Side.INSURER, code=spec["code"])
    if PolicyReversal.objects.filter(insurer=insurer).exists():
        return
    clerk = User.objects.get(username=spec["clerk"][0])
    reviewer = User.objects.get(username=spec["reviewer"][0])
    admin = User.objects.get(username=spec["admin"][0])
    year = timezone.localdate().year
    numbers = iter(f"PICC{year}3505R{n:05d}" for n in range(1, 100))
    policies = []
    for login, project, address, headcount in REVERSAL_PROJECTS:
        order = scenarios.online_order(
            insurer_user=admin,
            enterprise_user=User.objects.get(username=login),
            until=OrderStatus.ISSUED,
            policy_no=next(numbers),
            project_name=project,
            project_address=address,
            headcount=headcount,
        )
        policies.append(order.policy)
    pending, rejected, approved = policies
    reversal.reversal_request(
        policy=pending, actor=clerk, reason="保单编号录入错误，应为本公司2026年新号段，请冲正后重新出函"
    )
    asked = reversal.reversal_request(policy=rejected, actor=clerk, reason="投保人对保险期间有异议")
    reversal.reversal_reject(
        reversal=asked, actor=reviewer, reason="保险期间与投保单及付款凭证一致，无需冲正；请与企业沟通后批改"
    )
    asked = reversal.reversal_request(
        policy=approved, actor=clerk, reason="误上传了其他企业的保单文件和发票，需冲正后重新出函"
    )
    reversal.reversal_approve(reversal=asked, actor=reviewer)
    scenarios.issue(Order.objects.get(pk=approved.order_id), actor=clerk, policy_no=next(numbers))
    stdout.write("冲正：人保财险泉州 待审核、已驳回、已通过（已重新出函）各 1 笔")
