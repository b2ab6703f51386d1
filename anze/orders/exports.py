"""导出 of the insurer's 订单管理: the list's filters, tab and sort, every page, with the values as the list shows
them (registered with the 下载中心, which builds it in the request or in the worker)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.core.formatting import NOT_QUOTED
from anze.downloads.registry import ExportKind, register

from . import selectors
from .forms import order_search
from .models import Order
from .rules import LIMIT_LABELS

HEADERS = [
    "申请编号",
    "订单类型",
    "项目名称",
    "项目地址",
    "保费（元）",
    *(f"{label}（万元）" for label in LIMIT_LABELS.values()),
    "投保人",
    "信用代码",
    "联系人",
    "联系电话",
    "状态",
    "申请时间",
    "保单编号",
]


def _row(order: Order) -> list[object]:
    """A row as the list shows it, with numbers a clerk can add up: 保费 in 元, the limits in 万元 (numbers, the
    unit in the header), 待报价 before the quote; 申请时间 a date and time (core.exports formats them)."""
    quoted = order.is_quoted
    return [
        order.application_no,
        order.get_order_type_display(),
        order.project_name,
        order.project_address,
        order.premium if quoted and order.premium is not None else NOT_QUOTED,
        *(_in_wan(getattr(order, name)) if quoted else NOT_QUOTED for name in LIMIT_LABELS),
        order.applicant_name,
        order.applicant_credit_code,
        order.contact_name,
        order.contact_phone,
        order.get_status_display(),
        order.submitted_at,
        order.policy_no,
    ]


def _in_wan(value: Decimal | None) -> Decimal | str:
    if value is None:
        return NOT_QUOTED
    return (Decimal(value) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _select(user: User, params: QueryDict) -> QuerySet[Order]:
    _, filters = order_search(params)
    return selectors.insurer_orders_for_export(user=user, filters=filters)


def _rows(orders: QuerySet[Order]) -> Iterator[list[Any]]:
    return (_row(order) for order in orders.iterator(chunk_size=1000))


INSURER_ORDERS = register(
    ExportKind(
        key="orders.insurer",
        label="订单列表",
        permission="order.export",
        headers=HEADERS,
        widths=[22, 10, 30, 30, 14, 14, 16, 16, 16, 30, 22, 10, 14, 16, 22, 20],
        select=_select,
        rows=_rows,
    )
)
