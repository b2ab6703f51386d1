"""Reads of SMS messages and notifications, always starting from the signed-in user: scoping lives here only.

短信记录: an insurer sees the messages it owns, the platform sees all; any other side sees none.
消息中心: a user sees the organisation's messages to everyone plus those addressed to them, whose subject they
may open; read state is each user's own.
Another organisation's object and a missing one are both 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from anze.accounts.models import User
from anze.audit.selectors import day_range
from anze.core.sides import Side

from .models import (
    DeliveryStatus,
    Notification,
    NotificationRead,
    NotificationReadMark,
    SmsMessage,
    SmsStatus,
    WebhookDelivery,
    WebhookEndpoint,
    held_codes,
    read_by,
)


# --- 短信记录 --------------------------------------------------------------------------------------------------
def sms_messages_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[SmsMessage]:
    qs = SmsMessage.objects.select_related("organisation")
    if user.side == Side.INSURER:
        qs = qs.filter(organisation_id=user.organisation_id)
    elif user.side != Side.PLATFORM:
        return qs.none()
    f = filters or {}
    phone = (f.get("phone") or "").strip()
    if phone:
        # A whole number uses the index; a fragment (the last four digits, say) falls back to a scan.
        qs = qs.filter(phone=phone) if len(phone) == 11 else qs.filter(phone__contains=phone)
    if f.get("status") in SmsStatus.values:
        qs = qs.filter(status=f["status"])
    qs = day_range(qs, "created_at", f.get("start"), f.get("end"))
    return qs.order_by("-created_at", "-id")


def sms_message_for(*, user: User, message_uuid: uuid.UUID) -> SmsMessage:
    return get_object_or_404(sms_messages_for(user=user), uuid=message_uuid)


# --- 消息中心 --------------------------------------------------------------------------------------------------
TAB_UNREAD = "unread"
TAB_READ = "read"


def notifications_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Notification]:
    f = filters or {}
    qs = Notification.objects.visible_to(user)
    if f.get("tab") == TAB_UNREAD:
        qs = qs.unread_for(user)
    elif f.get("tab") == TAB_READ:
        qs = qs.filter(read_by(user))
    if f.get("title"):
        qs = qs.filter(title__icontains=f["title"].strip())
    return qs.with_read_state(user).order_by("-created_at", "-id")


def notification_for(*, user: User, notification_uuid: uuid.UUID) -> Notification:
    return get_object_or_404(Notification.objects.visible_to(user), uuid=notification_uuid)


# The bell shows 99+ past 99: its COUNT stops there, whatever the organisation's backlog of unread messages.
UNREAD_SHOWN = 99


def unread_count(*, user: User) -> int:
    """The bell: one COUNT since the user's watermark, without the messages they opened (models.Notification),
    of at most ``UNREAD_SHOWN`` + 1 messages (more reads as 99+).

    The statement the ORM writes for ``visible_to(user).unread_for(user)``, written out: it is on every page
    of every side (the shell's bell), and the ORM took ~2.4 ms to build it against 0.06 ms to run it
    (docs/BENCH.md, "a page's fixed cost"). ``test_views_messages`` holds both to the same answers."""
    codes = ["", *held_codes(user)]
    connection = connections[Notification.objects.db]
    created_at = connection.ops.adapt_datetimefield_value(user.created_at)
    sql = f"""
        SELECT COUNT(*) FROM (
            SELECT 1 FROM {Notification._meta.db_table} n
            WHERE n.organisation_id = %s AND (n.user_id IS NULL OR n.user_id = %s)
              AND n.permission IN ({", ".join(["%s"] * len(codes))})
              AND n.created_at > COALESCE(
                  (SELECT m.read_up_to FROM {NotificationReadMark._meta.db_table} m WHERE m.user_id = %s), %s)
              AND NOT EXISTS (
                  SELECT 1 FROM {NotificationRead._meta.db_table} r WHERE r.notification_id = n.id AND r.user_id = %s)
            LIMIT {UNREAD_SHOWN + 1}
        ) unread"""  # table names and a constant; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.organisation_id, user.pk, *codes, user.pk, created_at, user.pk])
        return int(cursor.fetchone()[0])


def unread_count_for_request(request: HttpRequest) -> int:
    """``unread_count`` once per request: the bell and the 消息中心's 未读 tab share it."""
    cached = getattr(request, "_anze_unread_count", None)
    if cached is None:
        cached = unread_count(user=request.user)  # type: ignore[arg-type]
        request._anze_unread_count = cached  # type: ignore[attr-defined]
    return cached


# --- 接口推送 --------------------------------------------------------------------------------------------------
def webhook_endpoints_for(*, user: User) -> QuerySet[WebhookEndpoint]:
    """The organisation's own 推送地址."""
    return WebhookEndpoint.objects.filter(organisation_id=user.organisation_id).order_by("id")


def webhook_endpoint_for(*, user: User, endpoint_uuid: uuid.UUID) -> WebhookEndpoint:
    return get_object_or_404(webhook_endpoints_for(user=user), uuid=endpoint_uuid)


def webhook_deliveries_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[WebhookDelivery]:
    """The organisation's 推送记录, newest first (the (organisation, -created_at, -id) index)."""
    f = filters or {}
    qs = WebhookDelivery.objects.filter(organisation_id=user.organisation_id).select_related("endpoint")
    if f.get("status") in DeliveryStatus.values:
        qs = qs.filter(status=f["status"])
    qs = day_range(qs, "created_at", f.get("start"), f.get("end"))
    return qs.order_by("-created_at", "-id")


def webhook_delivery_for(*, user: User, delivery_uuid: uuid.UUID) -> WebhookDelivery:
    return get_object_or_404(webhook_deliveries_for(user=user), uuid=delivery_uuid)
