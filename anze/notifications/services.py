"""Writes of the notifications app. The one the workflows call is ``notify``; see tasks.py for the sending.

Example (inside an order transition, after its conditional UPDATE)::

    notify(
        key=f"order-event:{event.pk}:enterprise",
        owner=order.insurer,
        recipient=order.enterprise,
        phone=order.contact_phone,
        title="保单已出函",
        text=f"您的投保申请{order.number}已出函，保单号{policy.number}，请登录企业端查看电子保单。",
        link=reverse("enterprise:orders:detail", args=[order.number]),
    )
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.db import IntegrityError, models, transaction
from django.db.transaction import TransactionManagementError
from django.urls import Resolver404, resolve
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.core import catalogue
from anze.core.errors import STALE, Refused
from anze.core.validators import MOBILE_RE, mask_mobile

from . import codes
from .models import (
    SECRET_MASK,
    SECRET_PLACEHOLDER,
    Notification,
    NotificationRead,
    NotificationReadMark,
    SmsMessage,
    SmsStatus,
)
from .sms import sign_name
from .tasks import enqueue_send, enqueue_sends

logger = logging.getLogger("anze.notifications")

INVALID_PHONE = "手机号码格式不正确，未发送"
CODE_NOT_RESENT = "验证码短信不能重发，请用户重新获取验证码"
DEFAULT_SECRET_TTL = timedelta(minutes=5)
KEY_MAX_LENGTH = 120
TITLE_MAX_LENGTH = 100

M = TypeVar("M", bound=models.Model)


def notify(
    *,
    key: str,
    owner: Organisation | None,
    recipient: Organisation | None,
    phone: str | None,
    title: str,
    text: str,
    link: str = "",
    recipient_user: User | None = None,
    permission: str | None = None,
) -> None:
    """Tell someone about a step of the workflow: an SMS to ``phone`` (if given) and a message in the
    消息中心 of ``recipient`` (if given; only ``recipient_user`` sees it when that is given too).

    Call it inside the transaction of the transition: both rows commit or roll back with it, and the SMS
    is sent only after the commit — a provider outage delays the SMS, it never fails the transition.

    - ``key``: unique per transition and recipient ("order-event:<event id>:enterprise"): a second call
      with the same key writes nothing, so one transition never notifies twice.
    - ``owner``: the organisation whose 短信记录 lists the SMS (the order's insurer); None → the platform's
      log only.
    - ``text``: the SMS and the message body, without the 【签名】 (the provider adds SMS_SIGN_NAME).
    - ``link``: a relative URL on the recipient's side, opened from the 消息中心.
    - ``permission``: the code a user of ``recipient`` needs to see the message; by default the one the
      link's page requires (a 保单 message reaches those who may open 保单管理), none without a link.
    """
    notice = _checked(Notice(key, owner, recipient, phone, title, text, link, recipient_user, permission))
    if phone:
        sms_enqueue(phone, text, owner=owner, key=key)
    if recipient is not None:
        _insert_once(Notification, key, **_message_fields(notice))


@dataclass
class Notice:
    """The arguments of one ``notify``, for ``notify_many``."""

    key: str
    owner: Organisation | None
    recipient: Organisation | None
    phone: str | None
    title: str
    text: str
    link: str = ""
    recipient_user: User | None = None
    permission: str | None = None


def notify_many(notices: Sequence[Notice]) -> None:
    """``notify`` of many steps at once (the Excel import's 出函): the same checks, one insert of the SMS
    outbox rows and one of the 站内消息. A key already written makes it fall back to ``notify`` one by one,
    which writes nothing twice."""
    checked = [_checked(notice) for notice in notices]
    try:
        with transaction.atomic():
            texts = SmsMessage.objects.bulk_create(
                SmsMessage(
                    dedupe_key=notice.key, **_sms_fields(notice.phone or "", notice.text, owner=notice.owner)
                )
                for notice in checked
                if notice.phone
            )
            Notification.objects.bulk_create(
                Notification(dedupe_key=notice.key, **_message_fields(notice))
                for notice in checked
                if notice.recipient is not None
            )
    except IntegrityError:
        for notice in checked:
            notify(**vars(notice))
        return
    enqueue_sends([message.pk for message in texts if message.status == SmsStatus.PENDING])


def _checked(notice: Notice) -> Notice:
    """``notify``'s checks; the notice with its permission resolved."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "notify() 须在状态变更的事务内调用（transaction.atomic()），否则通知与状态不能一同提交"
        )
    _check_key(notice.key)
    _check_link(notice.link)
    permission = notice.permission
    if permission is None:
        permission = permission_of_link(notice.link)
    elif permission and not catalogue.exists(permission):
        raise ValueError(f"notify permission must be a catalogue code, got {permission!r}")
    return replace(notice, permission=permission)


def _message_fields(notice: Notice) -> dict[str, Any]:
    return {
        "organisation": notice.recipient,
        "user": notice.recipient_user,
        # Titles often carry a project name of any length; a long one is cut, never an error that would roll
        # back the transition.
        "title": notice.title[:TITLE_MAX_LENGTH],
        "body": notice.text,
        "link": notice.link,
        "permission": notice.permission,
    }


def permission_of_link(link: str) -> str:
    """The permission the page at ``link`` declares (``@requires``); empty for a page every signed-in user
    may open, for no link, and for a link to no page of this site."""
    if not link:
        return ""
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return ""
    code = getattr(match.func, "required_permission", None)
    return "" if code in (None, catalogue.SIGNED_IN) else code


def sms_enqueue(
    phone: str,
    text: str,
    *,
    owner: Organisation | None = None,
    template_code: str = "",
    params: dict[str, str] | None = None,
    key: str | None = None,
    secret: str = "",
    secret_ttl: timedelta = DEFAULT_SECRET_TTL,
) -> SmsMessage:
    """Put one SMS in the outbox and send it after the current transaction commits (or at once, in its own
    transaction, when called outside one). The lower level of ``notify``; used as is for verification
    codes, the code passed as ``secret`` and written as ``SECRET_PLACEHOLDER`` in the text (and in a template
    parameter): ``sms_enqueue(mobile, "您的验证码为{code}，5分钟内有效。", secret=code, secret_ttl=…)``.
    The row stores the text with the code masked and the code encrypted until it is sent (or ``secret_ttl``
    has passed): 短信记录 and the database never show it.

    With ``key``, a message already written under that key is returned instead of a new one. A number that
    is not a mainland mobile is kept in the log as failed ("手机号码格式不正确") rather than raising: the
    transition that caused it must not fail for it.
    """
    if key is not None:
        _check_key(key)
    fields = _sms_fields(
        phone,
        text,
        owner=owner,
        template_code=template_code,
        params=params,
        secret=secret,
        secret_ttl=secret_ttl,
    )
    with transaction.atomic():
        message, created = _insert_once(SmsMessage, key, **fields)
        if created and message.status == SmsStatus.PENDING:
            enqueue_send(message.pk)
    return message


def _sms_fields(
    phone: str,
    text: str,
    *,
    owner: Organisation | None,
    template_code: str = "",
    params: dict[str, str] | None = None,
    secret: str = "",
    secret_ttl: timedelta = DEFAULT_SECRET_TTL,
) -> dict[str, Any]:
    """The outbox row of ``sms_enqueue``: pending, or failed at once for a number that is no mobile."""
    phone = (phone or "").strip()
    valid = bool(MOBILE_RE.fullmatch(phone))
    text, params = _without_sign(text), dict(params or {})
    fields: dict[str, Any] = {"organisation": owner, "phone": phone[:20], "template_code": template_code}
    if not secret and codes.has_clear_code(" ".join([text, *map(str, params.values())])):
        raise ValueError("a verification code must be passed as secret=…, never in the text (it is stored)")
    if secret:
        _check_secret_template(text, params)
        text, params = codes.mask(text), {k: codes.mask(str(v)) for k, v in params.items()}
        fields["secret_expires_at"] = timezone.now() + secret_ttl
        if valid:
            fields["secret"] = codes.seal(secret)
    fields.update(text=text, params=params)
    if valid:
        fields.update(status=SmsStatus.PENDING, next_attempt_at=timezone.now())
    else:
        fields.update(status=SmsStatus.FAILED, last_error=INVALID_PHONE)
    return fields


def sms_resend(*, message: SmsMessage, actor: User) -> None:
    """重发: a failed message gets one more attempt now; a pending one (waiting for its back-off) goes now.

    The attempt count is kept, so 发送次数 stays the true total and a failed message that fails again is
    shown as failed at once instead of being retried for hours behind the clerk's back.
    """
    if message.is_code:
        raise Refused(CODE_NOT_RESENT)
    if message.status == SmsStatus.SENT:
        raise Refused("该短信已发送成功，不能重发")
    if message.status == SmsStatus.SENDING:
        raise Refused("该短信正在发送中，请稍后刷新查看结果")
    if not MOBILE_RE.fullmatch(message.phone):
        raise Refused("手机号码格式不正确，无法重发")
    with transaction.atomic():
        updated = SmsMessage.objects.filter(pk=message.pk, status=message.status).update(
            status=SmsStatus.PENDING, next_attempt_at=timezone.now()
        )
        if not updated:
            raise Refused(STALE)
        enqueue_send(message.pk)
    logger.info("短信重发 %s 由 %s（%s）提交", mask_mobile(message.phone), actor.username, message.uuid)


def notification_read(*, notification: Notification, user: User) -> None:
    """The user opened one message: it is read for them, not for their colleagues. Twice is harmless."""
    NotificationRead.objects.bulk_create(
        [NotificationRead(user=user, notification=notification)], ignore_conflicts=True
    )


def notifications_read_all(*, user: User) -> int:
    """全部已读: every unread message the user can see. Returns how many were marked.

    The user's watermark moves up to the newest of them (not to "now": a message committed a moment later
    with an earlier time stays unread), and their read rows below it, now redundant, go.
    """
    unread = Notification.objects.visible_to(user).unread_for(user)
    found = unread.aggregate(count=models.Count("id"), newest=models.Max("created_at"))
    if not found["count"]:
        return 0
    newest = found["newest"]
    with transaction.atomic():
        moved = NotificationReadMark.objects.filter(user=user, read_up_to__lt=newest).update(
            read_up_to=newest
        )
        if not moved and not NotificationReadMark.objects.filter(user=user).exists():
            _insert_mark(user, newest)
        NotificationRead.objects.filter(user=user, notification__created_at__lte=newest).delete()
    return found["count"]


def _insert_mark(user: User, read_up_to: Any) -> None:
    """The user's first 全部已读; a concurrent one that wrote the row first is moved up instead."""
    try:
        with transaction.atomic():
            NotificationReadMark.objects.create(user=user, read_up_to=read_up_to)
    except IntegrityError:
        NotificationReadMark.objects.filter(user=user, read_up_to__lt=read_up_to).update(
            read_up_to=read_up_to
        )


# --- helpers ------------------------------------------------------------------------------------------------
def _insert_once(model: type[M], key: str | None, **fields: Any) -> tuple[M, bool]:
    """Create the row, or return the one already written under ``key``.

    The insert runs in a savepoint: when the unique key is taken, only the savepoint rolls back and the
    caller's transaction goes on (PostgreSQL refuses every further statement of a transaction whose
    statement failed outside a savepoint). Checking first and inserting after would let two concurrent
    transitions both pass the check.
    """
    if key is None:
        return model._default_manager.create(**fields), True
    try:
        with transaction.atomic():
            return model._default_manager.create(dedupe_key=key, **fields), True
    except IntegrityError:
        existing = model._default_manager.filter(dedupe_key=key).first()
        if existing is None:  # another constraint failed: that is a real error
            raise
        return existing, False


def _check_key(key: str) -> None:
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"notify key must be 1–{KEY_MAX_LENGTH} characters, got {key!r}")


def _check_link(link: str) -> None:
    """Only a path on this site: the 消息中心 redirects to it, so anything else would be an open redirect."""
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"notify link must be a relative URL starting with '/', got {link!r}")


def _check_secret_template(text: str, params: dict[str, Any]) -> None:
    """A secret goes where its placeholder is, and only there: the mask must not be in the text already (the
    sending replaces the mask by the code)."""
    values = [text, *map(str, params.values())]
    if not any(SECRET_PLACEHOLDER in value for value in values):
        raise ValueError(f"an SMS with a secret must hold the placeholder {SECRET_PLACEHOLDER!r}")
    if any(SECRET_MASK in value for value in values):
        raise ValueError(f"an SMS with a secret must not contain the mask {SECRET_MASK!r}")


def _without_sign(text: str) -> str:
    """Drop a leading 【签名】 the caller may have copied from a sample SMS: the provider adds it again."""
    prefix = f"【{sign_name()}】"
    text = text.strip()
    return text[len(prefix) :] if text.startswith(prefix) else text
