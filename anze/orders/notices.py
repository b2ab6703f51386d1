"""Who hears of an order's step (docs/spec/DOMAIN.md §2): the party who must act next, by SMS and 站内消息;
and the insurer's own system, by 接口推送 (webhooks), of the steps it waits for.

Called by ``workflow`` inside the transition's transaction; ``notify`` and ``publish`` make the rows commit
with it and the SMS and webhooks leave after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import NoReverseMatch, reverse

from anze.core.sides import Side
from anze.notifications import webhooks
from anze.notifications.services import Notice, notify, notify_many, permission_of_link

from .models import Order, OrderEvent


def order_url(order: Order, side: str) -> str:
    """The order's page on one side (the link of a 站内消息)."""
    name = "insurer:orders:detail" if side == Side.INSURER else "enterprise:orders:detail"
    try:
        return reverse(name, args=[order.application_no])
    except NoReverseMatch:  # that side's screens are not mounted (tests of the workflow alone)
        return reverse("insurer:home" if side == Side.INSURER else "enterprise:home")


def notification_key(event_id: int, party: str) -> str:
    """The de-duplication key of what one event tells one party ("enterprise" or "insurer"): one transition
    never notifies twice, and the order's timeline finds the SMS of each of its events by it."""
    return f"order-event:{event_id}:{party}"


def tell_enterprise(order: Order, event: OrderEvent, title: str, text: str, *, sms: bool = True) -> None:
    notify(**vars(_enterprise_notice(order, event, title, text, sms=sms)))


def tell_enterprises(steps: Sequence[tuple[Order, OrderEvent, str]], title: str) -> None:
    """``tell_enterprise`` of many orders' steps at once (the Excel import's 出函): (order, event, text).
    Every link opens the same page, so the permission a message needs is read from the first link once
    rather than by resolving each (~0.2 ms a message)."""
    notices = [_enterprise_notice(order, event, title, text, sms=True) for order, event, text in steps]
    if notices:
        permission = permission_of_link(notices[0].link)
        for notice in notices:
            notice.permission = permission
    notify_many(notices)


def _enterprise_notice(order: Order, event: OrderEvent, title: str, text: str, *, sms: bool) -> Notice:
    return Notice(
        key=notification_key(event.pk, "enterprise"),
        owner=order.insurer,
        recipient=order.enterprise,
        phone=order.contact_phone if sms else None,
        title=title,
        text=text,
        link=order_url(order, Side.ENTERPRISE),
    )


def tell_insurer(order: Order, event: OrderEvent, title: str, text: str) -> None:
    notify(
        key=notification_key(event.pk, "insurer"),
        owner=order.insurer,
        recipient=order.insurer,
        phone=order.insurer.contact_phone or None,
        title=title,
        text=text,
        link=order_url(order, Side.INSURER),
    )


# The steps the insurer's system hears of by webhook (接口推送), by timeline action; each event's body carries
# ``event_data``, and the receiver reads the rest from the API (GET /api/v1/orders/<申请编号>).
WEBHOOK_EVENTS: dict[str, str] = {
    "submit": webhooks.register_event("order.submitted", "投保申请提交"),
    "confirm_quote": webhooks.register_event("order.quote_confirmed", "报价确认"),
    "reject_quote": webhooks.register_event("order.quote_rejected", "报价拒绝"),
    "upload_payment_voucher": webhooks.register_event("order.payment_voucher_uploaded", "付款凭证上传"),
    "cancel": webhooks.register_event("order.cancelled", "订单取消"),
}


def event_data(order: Order, event: OrderEvent) -> dict[str, str]:
    return {
        "application_no": order.application_no,
        "order_type": order.order_type,
        "status": order.status,
        "status_label": order.get_status_display(),
        "applicant_name": order.applicant_name,
        "applicant_credit_code": order.applicant_credit_code,
        "project_name": order.project_name,
        "action": event.action,
        "action_label": event.action_label,
        "reason": event.reason,
        "actor": event.actor_name,
        "actor_organisation": event.actor_organisation,
    }


def tell_insurer_system(order: Order, event: OrderEvent) -> None:
    """The insurer's webhooks of the step, when it is one they hear of (``steps.record_event`` calls it for
    every step, in its transaction)."""
    code = WEBHOOK_EVENTS.get(event.action)
    if code is not None:
        webhooks.publish(
            organisation_id=order.insurer_id,
            event=code,
            data=event_data(order, event),
            key=f"order-event:{event.pk}",
        )
