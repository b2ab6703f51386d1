"""Who hears of an order's step (docs/spec/DOMAIN.md §2): the party who must act next, by SMS and 站内消息.

Called by ``workflow`` inside the transition's transaction; ``notify`` makes the rows commit with it and the
SMS leave after the commit.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from anze.core.sides import Side
from anze.notifications.services import notify

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
    notify(
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
