"""What the enterprise's order screens show, in the users' words: the buttons of each state (from
``ORDER.available_actions``, so a button is offered exactly when the action would be allowed), the quote
in 万元, and the 时间线 without the insurer's SMS log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.urls import reverse

from anze.accounts.models import User
from anze.documents.models import Document
from anze.orders import presenters as insurer_presenters
from anze.orders.models import Order, OrderEvent, OrderStatus
from anze.orders.transitions import ORDER

S = OrderStatus


@dataclass(frozen=True)
class Button:
    label: str
    url_name: str  # in enterprise:orders
    icon: str
    kind: str = "dialog"  # dialog: opens in the modal | page: a link | post: a confirmed POST
    confirm: str = ""  # the question a post asks first
    more: bool = False  # under 更多
    danger: bool = False
    primary: bool = False

    # Its look in the three places it appears: the list's 操作 column, the 更多 menu, the detail page's head.
    @property
    def text_css(self) -> str:
        return "btn-text text-danger" if self.danger else "btn-text"

    @property
    def menu_css(self) -> str:
        return "dropdown-item text-danger" if self.danger else "dropdown-item"

    @property
    def button_css(self) -> str:
        if self.danger:
            return "btn btn-sm btn-plain-danger"
        return "btn btn-sm btn-primary" if self.primary else "btn btn-sm btn-plain-primary"


# Workflow action → its button. 提交 of a draft is a confirmed POST; the others open a dialog.
BUTTONS: dict[str, Button] = {
    "submit": Button(
        "提交",
        "submit",
        "send",
        kind="post",
        confirm="是否确认提交该投保申请？提交后将发送给保险公司报价。",
        primary=True,
    ),
    "confirm_quote": Button("确认报价", "confirm_quote", "circle-check", primary=True),
    "reject_quote": Button("拒绝报价", "reject_quote", "circle-x", danger=True),
    "upload_payment_voucher": Button("上传付款凭证", "payment_voucher", "file-upload", primary=True),
    "cancel": Button("取消订单", "cancel", "ban", more=True, danger=True),
}
# A draft's own buttons: it has no workflow action to edit or delete it, only the 投保申请 permission.
EDIT = Button("编辑", "edit", "edit", kind="page")
DISCARD = Button(
    "删除草稿", "discard", "trash", kind="post", confirm="是否确认删除该草稿？", more=True, danger=True
)


@dataclass
class Action:
    button: Button
    url: str


@dataclass
class Actions:
    main: list[Action]
    more: list[Action]  # under 更多

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([*self.main, *self.more])

    def __bool__(self) -> bool:
        return bool(self.main or self.more)


def order_url(name: str, order: Order) -> str:
    return reverse(f"enterprise:orders:{name}", args=[order.application_no])


def actions(order: Order, user: User) -> Actions:
    """The buttons of one order for this user now: the main ones, and the rarer ones (更多)."""
    buttons: list[Button] = []
    if order.status == S.DRAFT and user.has_perm_code("portal.apply"):
        buttons.append(EDIT)
    buttons += [BUTTONS[a] for a in ORDER.available_actions(order, user) if a in BUTTONS]
    if order.status == S.DRAFT and user.has_perm_code("portal.apply"):
        buttons.append(DISCARD)
    made = [Action(button, order_url(button.url_name, order)) for button in buttons]
    return Actions(main=[a for a in made if not a.button.more], more=[a for a in made if a.button.more])


# What ``Order.last_reason`` means to the enterprise, by the state it sent the order back to.
REASON_LABELS: dict[str, str] = {
    S.AWAITING_QUOTE: "您已拒绝报价，等待保险公司重新报价。拒绝原因",
    S.AWAITING_PAYMENT: "支付审核未通过，请重新上传付款凭证。驳回原因",
    S.CANCELLED: "订单已取消。取消原因",
}
SHORT_REASON_LABELS: dict[str, str] = {
    S.AWAITING_QUOTE: "拒绝原因",
    S.AWAITING_PAYMENT: "驳回原因",
    S.CANCELLED: "取消原因",
}


def timeline(
    events: Iterable[OrderEvent], documents: Mapping[str, Document]
) -> list[insurer_presenters.TimelineEntry]:
    """The order's 时间线 as the insurer's screens build it (readable changes, the file of each upload), but
    without the SMS delivery lines: the insurer's SMS log is the insurer's business."""
    return insurer_presenters.timeline(list(events), documents, sms=[])
