"""The order workflow's transition table (docs/spec/DOMAIN.md §2): from-state, action, to-state, side and permission.

Code and tests both read it: ``workflow`` refuses what the table does not allow, the lists show only the
actions ``can`` allows, and the table tests drive every state × action × side from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from anze.accounts.models import User
from anze.core.errors import Refused
from anze.core.sides import Side

from .models import Order, OrderStatus, OrderType

S = OrderStatus
NO_PERMISSION = "没有该操作的权限"
BEFORE_ISSUE = frozenset(
    {
        S.AWAITING_QUOTE,
        S.AWAITING_CONFIRMATION,
        S.AWAITING_PAYMENT_NOTICE,
        S.AWAITING_PAYMENT,
        S.AWAITING_PAYMENT_REVIEW,
        S.AWAITING_ISSUE,
    }
)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]  # empty: the action creates the order
    target: str
    side: str
    permission: str
    order_types: frozenset[str] = frozenset(OrderType.values)
    needs_reason: bool = False


def _t(
    action: str,
    label: str,
    sources: Iterable[str],
    target: str,
    side: str,
    permission: str,
    *,
    order_types: Iterable[str] = OrderType.values,
    needs_reason: bool = False,
) -> Transition:
    return Transition(
        action, label, frozenset(sources), target, side, permission, frozenset(order_types), needs_reason
    )


ONLINE = (OrderType.ONLINE,)
OFFLINE = (OrderType.OFFLINE,)

# The whole graph. Tests drive it as data: every state × every action × every side.
TRANSITIONS: tuple[Transition, ...] = (
    _t("apply", "提交投保申请", [], S.AWAITING_QUOTE, Side.ENTERPRISE, "portal.apply", order_types=ONLINE),
    _t("save_draft", "保存草稿", [], S.DRAFT, Side.ENTERPRISE, "portal.apply", order_types=ONLINE),
    _t(
        "submit",
        "提交投保申请",
        [S.DRAFT],
        S.AWAITING_QUOTE,
        Side.ENTERPRISE,
        "portal.apply",
        order_types=ONLINE,
    ),
    _t(
        "quote",
        "报价",
        [S.AWAITING_QUOTE],
        S.AWAITING_CONFIRMATION,
        Side.INSURER,
        "order.quote",
        order_types=ONLINE,
    ),
    _t(
        "confirm_quote",
        "确认报价",
        [S.AWAITING_CONFIRMATION],
        S.AWAITING_PAYMENT_NOTICE,
        Side.ENTERPRISE,
        "portal.order.act",
        order_types=ONLINE,
    ),
    _t(
        "reject_quote",
        "拒绝报价",
        [S.AWAITING_CONFIRMATION],
        S.AWAITING_QUOTE,
        Side.ENTERPRISE,
        "portal.order.act",
        order_types=ONLINE,
        needs_reason=True,
    ),
    _t(
        "upload_payment_notice",
        "上传付款通知书",
        [S.AWAITING_PAYMENT_NOTICE],
        S.AWAITING_PAYMENT,
        Side.INSURER,
        "order.payment_notice",
        order_types=ONLINE,
    ),
    _t(
        "upload_payment_voucher",
        "上传付款凭证",
        [S.AWAITING_PAYMENT],
        S.AWAITING_PAYMENT_REVIEW,
        Side.ENTERPRISE,
        "portal.order.act",
        order_types=ONLINE,
    ),
    _t(
        "approve_payment",
        "支付审核通过",
        [S.AWAITING_PAYMENT_REVIEW],
        S.AWAITING_ISSUE,
        Side.INSURER,
        "order.payment_review",
        order_types=ONLINE,
    ),
    _t(
        "reject_payment",
        "支付审核驳回",
        [S.AWAITING_PAYMENT_REVIEW],
        S.AWAITING_PAYMENT,
        Side.INSURER,
        "order.payment_review",
        order_types=ONLINE,
        needs_reason=True,
    ),
    _t("issue", "出函", [S.AWAITING_ISSUE], S.ISSUED, Side.INSURER, "order.issue", order_types=ONLINE),
    _t(
        "create_offline",
        "新增线下订单",
        [],
        S.AWAITING_ISSUE,
        Side.INSURER,
        "order.offline_create",
        order_types=OFFLINE,
    ),
    _t(
        "issue_offline",
        "出函（保单信息补录）",
        [S.AWAITING_ISSUE],
        S.ISSUED,
        Side.INSURER,
        "order.issue",
        order_types=OFFLINE,
    ),
    _t("cancel", "取消订单", BEFORE_ISSUE, S.CANCELLED, Side.INSURER, "order.cancel", needs_reason=True),
    _t(
        "cancel",
        "取消订单",
        BEFORE_ISSUE,
        S.CANCELLED,
        Side.ENTERPRISE,
        "portal.order.act",
        order_types=ONLINE,
        needs_reason=True,
    ),
)
_BY_KEY: dict[tuple[str, str], Transition] = {(t.action, t.side): t for t in TRANSITIONS}
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def transition(action: str, side: str) -> Transition | None:
    return _BY_KEY.get((action, side))


def can(order: Order, action: str, user: User) -> bool:
    """Whether ``user`` may do ``action`` on ``order`` now (the list's 操作 column shows only these)."""
    t = transition(action, user.side)
    return bool(
        t is not None
        and order.status in t.sources
        and order.order_type in t.order_types
        and user.has_perm_code(t.permission)
        and _owns(order, user, t.side)
    )


def why_not(order: Order, action: str, user: User) -> str | None:
    """The message ``action`` would refuse with now (before looking at its data), or None when ``can``: a
    dialog opened on an order that has moved on says so at once instead of after the user filled it in."""
    t = transition(action, user.side)
    if t is None:
        return NO_PERMISSION
    try:
        _authorise(user, t, order)
        _check_state(order, t)
    except Refused as exc:
        return exc.message
    return None


def available_actions(order: Order, user: User) -> list[str]:
    return [action for action in ACTIONS if can(order, action, user)]


# --- the mechanics every action shares ----------------------------------------------------------------------
def _owns(order: Order, user: User, side: str) -> bool:
    if side == Side.INSURER:
        return order.insurer_id == user.organisation_id
    if side == Side.ENTERPRISE:
        return order.enterprise_id is not None and order.enterprise_id == user.organisation_id
    return False


def _authorise(actor: User, t: Transition, order: Order | None = None) -> None:
    if actor.side != t.side or not actor.has_perm_code(t.permission):
        raise Refused(NO_PERMISSION)
    if order is not None and not _owns(order, actor, t.side):
        raise Refused("订单不存在或无权操作")


def _check_state(order: Order, t: Transition) -> None:
    if order.order_type not in t.order_types:
        raise Refused(f"{order.get_order_type_display()}不能{t.label}")
    if order.status not in t.sources:
        raise Refused(f"订单当前状态为“{order.get_status_display()}”，不能{t.label}")
