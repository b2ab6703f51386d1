"""What the order's action functions share: the timeline event of a step, an upload stored as a document, the
quoted scheme saved on the order, and a new order with a fresh 申请编号.

Used by ``workflow``, ``applications``, ``offline`` and by 出函 in ``anze.policies.services``; the checks of
who may act and the state change itself are the machine's (``transitions.ORDER``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import Region
from anze.basedata.selectors import service_items_by_id
from anze.core.errors import Refused
from anze.core.workflow import Transition
from anze.documents.models import KIND_ACCEPT, Document, DocumentKind
from anze.documents.services import document_create
from anze.documents.validation import validate_upload

from .models import Order, OrderEvent, OrderServiceItem
from .notices import tell_insurer_system
from .rules import Scheme, scheme_errors


def record_event(
    order: Order,
    t: Transition,
    actor: User,
    from_status: str,
    *,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> OrderEvent:
    """The step on the order's 时间线, written in the step's transaction — and the insurer's webhooks of it."""
    event = OrderEvent.record(
        actor,
        action=t.action,
        label=t.label,
        from_status=from_status,
        to_status=order.status,
        reason=reason,
        changes=changes,
        order=order,
    )
    tell_insurer_system(order, event)
    return event


def record_events(
    orders: Sequence[Order],
    t: Transition,
    actor: User,
    from_statuses: Sequence[str],
    *,
    changes: Sequence[dict[str, Any]],
) -> list[OrderEvent]:
    """``record_event`` of the same step on many orders (the Excel import's rows), in one insert of the events
    and one of their 操作日志 entries; ``from_statuses`` and ``changes``: each order's."""
    events = OrderEvent.record_many(
        actor,
        [
            {
                "action": t.action,
                "label": t.label,
                "from_status": from_status,
                "to_status": order.status,
                "changes": order_changes,
                "order": order,
            }
            for order, from_status, order_changes in zip(orders, from_statuses, changes, strict=True)
        ],
    )
    for order, event in zip(orders, events, strict=True):
        tell_insurer_system(order, event)
    return events


@overload
def stored_document(
    actor: User, kind: str, upload: UploadedFile | None, label: str, field_name: str
) -> Document: ...
@overload
def stored_document(
    actor: User, kind: str, upload: UploadedFile | None, label: str, field_name: str, *, required: bool
) -> Document | None: ...
def stored_document(
    actor: User, kind: str, upload: UploadedFile | None, label: str, field_name: str, *, required: bool = True
) -> Document | None:
    """Store an upload as the actor's organisation's document; content problems refuse at the field."""
    if not checked_upload(kind, upload, label, field_name, required=required):
        return None
    assert upload is not None
    try:
        return document_create(organisation=actor.organisation, uploaded_by=actor, kind=kind, upload=upload)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field_name) from None


def checked_upload(
    kind: str, upload: UploadedFile | None, label: str, field_name: str, *, required: bool
) -> bool:
    """The checks of ``stored_document`` without the storing (for many uploads stored at once afterwards,
    ``documents_create``): ``Refused`` at the field, False when an optional upload is absent."""
    if upload is None:
        if required:
            raise Refused(f"请上传{label}", field=field_name)
        return False
    try:
        validate_upload(upload, accept=KIND_ACCEPT[DocumentKind(kind)])
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field_name) from None
    return True


# --- the scheme (报价, 保单信息补录) ---------------------------------------------------------------------------
def check_scheme(scheme: Scheme, region: Region | None) -> None:
    errors = scheme_errors(scheme, region=region)
    if errors:
        raise Refused(errors=errors)


def scheme_fields(scheme: Scheme) -> dict[str, Any]:
    return {
        "aggregate_limit": scheme.aggregate_limit,
        "per_accident_limit": scheme.per_accident_limit,
        "per_person_injury_limit": scheme.per_person_injury_limit,
        "per_person_medical_limit": scheme.per_person_medical_limit,
        "premium": scheme.premium,
        "prevention_fee": scheme.prevention_fee,
        "period_start": scheme.period_start,
        "period_end": scheme.period_end,
    }


def save_service_counts(order: Order, counts: dict[int, int]) -> dict[str, int]:
    """The order's 服务次数 replaced by ``counts`` ({item id: count}); returns them by item name."""
    return save_service_counts_of([(order, counts)])[0]


def save_service_counts_of(orders: Sequence[tuple[Order, dict[int, int]]]) -> list[dict[str, int]]:
    """``save_service_counts`` of many orders at once (one delete, one insert)."""
    for start in range(0, len(orders), 500):  # SQLite takes a bounded number of parameters per query
        OrderServiceItem.objects.filter(
            order__in=[order for order, _ in orders[start : start + 500]]
        ).delete()
    items = service_items_by_id({item_id for _, counts in orders for item_id in counts})
    OrderServiceItem.objects.bulk_create(
        OrderServiceItem(order=order, item=items[item_id], count=count)
        for order, counts in orders
        for item_id, count in counts.items()
    )
    return [{items[item_id].name: count for item_id, count in counts.items()} for _, counts in orders]


def scheme_changes(scheme: Scheme, counts: dict[str, int]) -> dict[str, Any]:
    """What the timeline shows of a quoted scheme."""
    changes: dict[str, Any] = {name: str(value) for name, value in scheme.amounts().items()}
    changes["period"] = f"{scheme.period_start:%Y-%m-%d} 至 {scheme.period_end:%Y-%m-%d}"
    changes["service_counts"] = counts
    return changes


# --- a new order ------------------------------------------------------------------------------------------------
def new_application_no() -> str:
    """申请编号: yyyyMMddHHmmss (Asia/Shanghai) + 4 random digits, e.g. 202502192340024959."""
    return f"{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10000):04d}"


def create_orders(orders: Sequence[Order]) -> list[Order]:
    """Insert many new orders at once (the Excel import), each with a fresh application number: drawn like
    ``new_application_no``, never twice in the batch nor one already taken."""
    taken: set[str] = set()
    for start in range(0, len(orders), 500):  # SQLite takes a bounded number of parameters per query
        chunk = orders[start : start + 500]
        while True:
            numbers: set[str] = set()
            while len(numbers) < len(chunk):
                if (number := new_application_no()) not in taken:
                    numbers.add(number)
            if not Order.objects.filter(application_no__in=numbers).exists():
                break
        for order, number in zip(chunk, sorted(numbers), strict=True):
            order.application_no = number
        taken |= numbers
    return Order.objects.bulk_create(orders)


def create_order(**fields: Any) -> Order:
    """Insert with a fresh application number, retrying on the rare collision (same second, same digits)."""
    for _ in range(10):
        try:
            with transaction.atomic():
                return Order.objects.create(application_no=new_application_no(), **fields)
        except IntegrityError as exc:
            if "application_no" not in str(exc):
                raise
    raise Refused("系统繁忙，请稍后重试")
