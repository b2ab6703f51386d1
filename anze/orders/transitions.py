"""The order's state machine (docs/spec/DOMAIN.md §2) on the workflow kernel: ``ORDER`` and its table.

The action functions that take these transitions are in ``workflow`` (the online steps and 取消),
``applications`` (投保申请, 草稿), ``offline`` (新增线下订单) and, for 出函 / 保单信息补录 — the issuing of a
policy — ``anze.policies.services``; 冲正 (back to 待出函) is taken by ``anze.policies.reversal``. Pages show an action's button only when ``ORDER.can`` allows it.

Which order type an action is for is a guard: the state check comes first (``anze.core.workflow``), so an
offline order in 待出函 asked for 报价 is told its state, asked for 出函 it is told 线下订单不能出函.
"""

from __future__ import annotations

from anze.core.sides import Side
from anze.core.workflow import Guard, Machine, Transition, transition

from .models import Order, OrderStatus, OrderType

S = OrderStatus
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


def _only(order_type: str) -> Guard:
    """The guard of an action that only orders of ``order_type`` have (the action that creates an order is
    never taken on an existing one: its type is the one its function creates)."""

    def guard(order: Order, t: Transition) -> str | None:
        if order.order_type != order_type:
            return f"{order.get_order_type_display()}不能{t.label}"
        return None

    return guard


ONLINE = _only(OrderType.ONLINE)
OFFLINE = _only(OrderType.OFFLINE)
INSURER, ENTERPRISE = Side.INSURER, Side.ENTERPRISE

# The whole graph. The literal matrix test (tests/test_order_matrix.py) spells out what it allows.
TRANSITIONS: tuple[Transition, ...] = (
    transition("apply", "提交投保申请", [], S.AWAITING_QUOTE, ENTERPRISE, "portal.apply"),
    transition("save_draft", "保存草稿", [], S.DRAFT, ENTERPRISE, "portal.apply"),
    transition(
        "submit", "提交投保申请", [S.DRAFT], S.AWAITING_QUOTE, ENTERPRISE, "portal.apply", guard=ONLINE
    ),
    transition(
        "quote", "报价", [S.AWAITING_QUOTE], S.AWAITING_CONFIRMATION, INSURER, "order.quote", guard=ONLINE
    ),
    transition(
        "confirm_quote",
        "确认报价",
        [S.AWAITING_CONFIRMATION],
        S.AWAITING_PAYMENT_NOTICE,
        ENTERPRISE,
        "portal.order.act",
        guard=ONLINE,
    ),
    transition(
        "reject_quote",
        "拒绝报价",
        [S.AWAITING_CONFIRMATION],
        S.AWAITING_QUOTE,
        ENTERPRISE,
        "portal.order.act",
        needs_reason=True,
        guard=ONLINE,
    ),
    transition(
        "upload_payment_notice",
        "上传付款通知书",
        [S.AWAITING_PAYMENT_NOTICE],
        S.AWAITING_PAYMENT,
        INSURER,
        "order.payment_notice",
        guard=ONLINE,
    ),
    transition(
        "upload_payment_voucher",
        "上传付款凭证",
        [S.AWAITING_PAYMENT],
        S.AWAITING_PAYMENT_REVIEW,
        ENTERPRISE,
        "portal.order.act",
        guard=ONLINE,
    ),
    transition(
        "approve_payment",
        "支付审核通过",
        [S.AWAITING_PAYMENT_REVIEW],
        S.AWAITING_ISSUE,
        INSURER,
        "order.payment_review",
        guard=ONLINE,
    ),
    transition(
        "reject_payment",
        "支付审核驳回",
        [S.AWAITING_PAYMENT_REVIEW],
        S.AWAITING_PAYMENT,
        INSURER,
        "order.payment_review",
        needs_reason=True,
        guard=ONLINE,
    ),
    transition("issue", "出函", [S.AWAITING_ISSUE], S.ISSUED, INSURER, "order.issue", guard=ONLINE),
    transition("create_offline", "新增线下订单", [], S.AWAITING_ISSUE, INSURER, "order.offline_create"),
    transition(
        "issue_offline",
        "出函（保单信息补录）",
        [S.AWAITING_ISSUE],
        S.ISSUED,
        INSURER,
        "order.issue",
        guard=OFFLINE,
    ),
    # 冲正 (issue 14 §2): the approval of a reversal request (``anze.policies.reversal``) takes the issued order
    # back to 待出函 — an online one to 出函, an offline one to 保单信息补录 — to be issued under a new 保单编号.
    transition(
        "reverse", "冲正", [S.ISSUED], S.AWAITING_ISSUE, INSURER, "policy.reversal_review", automatic=True
    ),
    transition("cancel", "取消订单", BEFORE_ISSUE, S.CANCELLED, INSURER, "order.cancel", needs_reason=True),
    transition(
        "cancel",
        "取消订单",
        BEFORE_ISSUE,
        S.CANCELLED,
        ENTERPRISE,
        "portal.order.act",
        needs_reason=True,
        guard=ONLINE,
    ),
)

ORDER: Machine[Order] = Machine(
    model=Order,
    noun="订单",
    owners=lambda o: {Side.INSURER: o.insurer_id, Side.ENTERPRISE: o.enterprise_id},
    table=TRANSITIONS,
    touched="updated_at",
)
ACTIONS = ORDER.actions
