"""Orders driven on to 已出函 through the real 出函 (``services``) — for tests and the demo data.

``anze.orders.scenarios`` takes an order up to 待出函; these take it the last step, so an issued order has
its policy, its files, its timeline and its SMS exactly as clicking through would leave them.
"""

from __future__ import annotations

from typing import Any

from anze.accounts.models import User
from anze.documents import testing as files
from anze.orders import scenarios
from anze.orders.models import Order, OrderStatus, OrderType
from anze.orders.rules import Scheme

from . import services
from .models import Policy

S = OrderStatus
_policy_seq = iter(range(1, 10**9))


def policy_files(policy_no: str = "PICC2026000001") -> dict[str, Any]:
    """保单文件, 发票文件 and 合同文件 of 出函: small real PDFs naming the policy."""
    return {
        "policy_file": files.upload(
            "电子保单.pdf", files.pdf_bytes("安全生产责任保险保单", [f"保单号：{policy_no}"])
        ),
        "invoice_file": files.upload(
            "电子发票.pdf", files.pdf_bytes("增值税电子普通发票", [f"保单号：{policy_no}"])
        ),
        "contract_file": files.upload("保险合同.pdf", files.pdf_bytes("保险合同", [f"保单号：{policy_no}"])),
    }


def issue(order: Order, *, actor: User, policy_no: str | None = None, scheme: Scheme | None = None) -> Order:
    """出函 of an order in 待出函: an online one with its files, an offline one back-filled (保单信息补录) with
    ``scheme`` (a valid one by default) and its files."""
    if order.order_type == OrderType.ONLINE:
        return services.policy_issue(
            order=order, actor=actor, policy_no=policy_no or f"PQZ{next(_policy_seq):010d}", **policy_files()
        )
    return services.policy_issue_offline(
        order=order,
        actor=actor,
        scheme=scheme or scenarios.scheme(),
        policy_no=policy_no or f"PXX{next(_policy_seq):010d}",
        **policy_files(),
    )


def online_order(
    *, insurer_user: User, until: str = S.AWAITING_QUOTE, policy_no: str | None = None, **kwargs: Any
) -> Order:
    """``anze.orders.scenarios.online_order`` with 已出函 as one more ``until``: 出函 with ``policy_no``."""
    if until != S.ISSUED:
        return scenarios.online_order(insurer_user=insurer_user, until=until, **kwargs)
    order = scenarios.online_order(insurer_user=insurer_user, until=S.AWAITING_ISSUE, **kwargs)
    return issue(order, actor=insurer_user, policy_no=policy_no)


def offline_order(
    *, insurer_user: User, issued: bool = False, policy_no: str | None = None, **kwargs: Any
) -> Order:
    """``anze.orders.scenarios.offline_order``, back-filled (保单信息补录) when ``issued``."""
    order = scenarios.offline_order(insurer_user=insurer_user, **kwargs)
    return issue(order, actor=insurer_user, policy_no=policy_no) if issued else order


def reverse(policy: Policy, *, requester: User, reviewer: User, reason: str = "保单编号录入错误") -> Policy:
    """冲正 of an issued policy through the real workflow: requested by ``requester``, approved by
    ``reviewer`` (another person). Returns the policy as it is now (已冲正); its order is back in 待出函."""
    from . import reversal

    asked = reversal.reversal_request(policy=policy, actor=requester, reason=reason)
    reversal.reversal_approve(reversal=asked, actor=reviewer)
    return Policy.objects.select_related("order", "insurer", "enterprise", "service_org").get(pk=policy.pk)
