"""What the insurer's screens show about an order, in the users' words: the 操作 buttons a row offers, the
quote summary, and the 时间线 with what each step changed and the SMS it sent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.text import Truncator

from anze.accounts.models import User
from anze.core.formatting import money, wan
from anze.core.shell import fixed_url
from anze.documents.models import Document
from anze.notifications.models import SmsMessage

from . import notices
from .models import STATUS_TONE, Order, OrderEvent, OrderStatus, OrderType
from .rows import order_row
from .rules import AMOUNT_LABELS, LIMIT_LABELS
from .transitions import ORDER

# What an event's "变更内容" names, in the timeline.
CHANGE_LABELS: dict[str, str] = {
    **AMOUNT_LABELS,
    "period": "保险期间",
    "service_counts": "服务次数",
    "policy_no": "保单编号",
    "document": "文件",
}


@dataclass(frozen=True)
class RowAction:
    label: str
    url_name: str  # in the insurer:orders namespace, taking the application number
    icon: str
    more: bool = False  # the rarer actions sit under 更多
    danger: bool = False


# The dialog each workflow action opens. 支付审核 is one dialog for 通过 and 驳回; 出函 of an offline order is
# the 保单信息补录 form behind the same URL.
BUTTONS: dict[str, RowAction] = {
    "quote": RowAction("报价", "quote", "currency-yuan"),
    "upload_payment_notice": RowAction("上传付款通知书", "payment_notice", "file-upload"),
    "approve_payment": RowAction("支付审核", "payment_review", "receipt"),
    "reject_payment": RowAction("支付审核", "payment_review", "receipt"),
    "issue": RowAction("出函", "issue", "file-certificate"),
    "issue_offline": RowAction("出函", "issue", "file-certificate"),
    "cancel": RowAction("取消订单", "cancel", "circle-x", more=True, danger=True),
}


@dataclass(frozen=True)
class RowActions:
    main: list[RowAction]
    more: list[RowAction]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([*self.main, *self.more])


def order_materials(order: Order) -> dict[str, Any]:
    """投保资料 (linked through the order's own file views) and 意向服务项目, as the 报价 and 出函 dialogs show
    them."""
    ids = [pk for pk in (order.business_licence_id, order.legal_id_id) if pk]
    by_pk = {document.pk: document for document in Document.objects.filter(pk__in=ids)}
    return {
        "materials": [
            ("营业执照", by_pk.get(order.business_licence_id)),
            ("法人身份证", by_pk.get(order.legal_id_id)),
        ],
        "intended_items": list(order.intended_items.order_by("sort", "id")),
    }


def row_actions(order: Order, user: User) -> RowActions:
    """The buttons of one row: only what this state and this user's permissions allow (``ORDER.can``)."""
    actions: list[RowAction] = []
    for action in ORDER.available_actions(order, user):
        button = BUTTONS.get(action)
        if button is not None and button not in actions:
            actions.append(button)
    return RowActions(main=[a for a in actions if not a.more], more=[a for a in actions if a.more])


class OrderUrls:
    """The insurer's order URLs for many rows: each URL name is reversed once per process
    (``core.shell.fixed_url``), then filled in per order — ``reverse()`` for every row and action was a large
    part of rendering a 50-row page."""

    PLACEHOLDER = "0" * 18  # the shape of an application number, so that the URL pattern accepts it

    def __init__(self) -> None:
        self._patterns: dict[str, str] = {}  # and each looked up once per list (the lookup reads two locals)

    def __call__(self, name: str, order: Order) -> str:
        pattern = self._patterns.get(name)
        if pattern is None:
            pattern = self._patterns[name] = fixed_url(f"insurer:orders:{name}", self.PLACEHOLDER)
        return pattern.replace(self.PLACEHOLDER, order.application_no)


# What get_status_display() and get_order_type_display() print, without their rebuilding the choices' dict on
# every call (twice a row).
STATUS_LABELS: dict[str, str] = dict(OrderStatus.choices)
TYPE_LABELS: dict[str, str] = dict(OrderType.choices)

REASON_PREVIEW = 40  # characters of the last reason shown in the 状态 cell (the whole of it in its title)


def button(action: RowAction, url: str) -> dict[str, Any]:
    return {
        "label": action.label,
        "name": action.url_name,
        "icon": action.icon,
        "danger": action.danger,
        "url": url,
    }


def list_rows(orders: Iterable[Order], user: User) -> list[dict[str, Any]]:
    """The rows of the 订单管理 list as plain dicts of display strings, with everything their cells link to.

    Formatting happens here, once, rather than in the template: Django resolves a dict key in one step, while
    an attribute of a model instance costs a failed item lookup first and every filter a call, which showed on a
    50-row page (figures in docs/BENCH.md, "Figures behind the code").
    """
    urls = OrderUrls()
    rows: list[dict[str, Any]] = []
    # What ``ORDER.can`` looks at of an order for this user: its state, its type (the guards) and its owner on the
    # user's side. Rows alike in it have the same buttons, decided once (another side's owner, the enterprise,
    # differs from row to row: in the key it made every row decide its own).
    decided: dict[tuple[Any, ...], RowActions] = {}
    for order in orders:
        alike = (order.status, order.order_type, ORDER.owners(order).get(user.side))
        if alike not in decided:
            decided[alike] = row_actions(order, user)
        actions = decided[alike]
        submitted = timezone.localtime(order.submitted_at) if order.submitted_at else None
        reason = order.last_reason if order.status in REASON_LABELS else ""
        row = {
            "application_no": order.application_no,
            "status": order.status,
            "status_label": STATUS_LABELS.get(order.status, order.status),
            "tone": order.status_tone,
            "order_type": TYPE_LABELS.get(order.order_type, order.order_type),
            "project_name": order.project_name,
            "project_address": order.project_address or "—",
            "premium": money(order.premium) if order.is_quoted else "",
            "limits": [(label, wan(getattr(order, name))) for name, label in LIMIT_LABELS.items()]
            if order.is_quoted
            else [],
            "applicant_name": order.applicant_name,
            "credit_code": order.applicant_credit_code,
            "contact_name": order.contact_name,
            "contact_phone": order.contact_phone,
            "reason_label": REASON_LABELS[order.status] if reason else "",
            "reason": reason,
            "reason_preview": Truncator(reason).chars(REASON_PREVIEW) if reason else "",
            "date": f"{submitted:%Y-%m-%d}" if submitted else "",
            "time": f"{submitted:%H:%M:%S}" if submitted else "",
            "detail_url": urls("detail", order),
            "actions": [button(action, urls(action.url_name, order)) for action in actions.main],
            "more": [button(action, urls(action.url_name, order)) for action in actions.more],
            "policy_url": urls("policy", order) if order.status == OrderStatus.ISSUED else "",
        }
        row["html"] = order_row(row)  # the row as the list prints it (orders/rows.py)
        rows.append(row)
    return rows


# What the order's last reason is, by the state it left the order in.
REASON_LABELS: dict[str, str] = {
    OrderStatus.AWAITING_QUOTE: "企业拒绝报价",
    OrderStatus.AWAITING_PAYMENT: "支付审核驳回",
    OrderStatus.CANCELLED: "取消原因",
    OrderStatus.AWAITING_ISSUE: "冲正原因",  # an issued order whose policy was reversed (冲正), to issue again
}


@dataclass
class TimelineEntry:
    event: OrderEvent
    changes: list[tuple[str, str]]
    document: Document | None = None
    sms: list[SmsMessage] = field(default_factory=list)

    @property
    def from_label(self) -> str:
        return OrderStatus(self.event.from_status).label if self.event.from_status else ""

    @property
    def to_label(self) -> str:
        return OrderStatus(self.event.to_status).label

    @property
    def to_tone(self) -> str:
        return STATUS_TONE.get(self.event.to_status, "info")


def _amount(value: Any) -> str:
    try:
        return f"{money(Decimal(str(value)))} 元"
    except (InvalidOperation, ValueError):
        return str(value)


def readable_changes(changes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """An event's ``changes`` as the 时间线 shows them: amounts in 元, the service counts as a sentence."""
    lines: list[tuple[str, str]] = []
    for key, value in changes.items():
        if key == "document":  # shown as the event's file link instead
            continue
        label = CHANGE_LABELS.get(key, key)
        if key in AMOUNT_LABELS:
            lines.append((label, _amount(value)))
        elif key == "service_counts" and isinstance(value, Mapping):
            counted = [f"{name} {count}次" for name, count in value.items() if count]
            lines.append((label, "、".join(counted) or "未约定服务次数"))
        else:
            lines.append((label, str(value)))
    return lines


def timeline(
    events: Sequence[OrderEvent], documents: Mapping[str, Document], sms: Iterable[SmsMessage]
) -> list[TimelineEntry]:
    by_key = {message.dedupe_key: message for message in sms}
    entries: list[TimelineEntry] = []
    for event in events:
        document_uuid = event.changes.get("document")
        entries.append(
            TimelineEntry(
                event=event,
                changes=readable_changes(event.changes),
                document=documents.get(str(document_uuid)) if document_uuid else None,
                sms=[
                    message
                    for party in ("enterprise", "insurer")
                    if (message := by_key.get(notices.notification_key(event.pk, party)))
                ],
            )
        )
    return entries


def timeline_sms(events: Sequence[OrderEvent]) -> list[SmsMessage]:
    """The SMS of every event of the order, in one query."""
    keys = [notices.notification_key(e.pk, party) for e in events for party in ("enterprise", "insurer")]
    return list(SmsMessage.objects.filter(dedupe_key__in=keys)) if keys else []
