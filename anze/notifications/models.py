"""The SMS outbox (which is also the SMS log) and the in-app messages of the 消息中心."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from anze.core.validators import mask_mobile

if TYPE_CHECKING:
    from anze.accounts.models import User


class SmsStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


# Tag colour of each status on the SMS log (docs/spec/UI.md: done → success, waiting → warning, refused → danger).
SMS_STATUS_TONE: dict[str, str] = {
    SmsStatus.PENDING: "warning",
    SmsStatus.SENDING: "warning",
    SmsStatus.SENT: "success",
    SmsStatus.FAILED: "danger",
}


# A verification code never sits in clear in the outbox: the caller writes SECRET_PLACEHOLDER where the code
# goes, the row stores SECRET_MASK there (what 短信记录 shows) and the code encrypted in ``secret`` until it is
# sent (see anze.notifications.secrets).
SECRET_PLACEHOLDER = "{code}"
SECRET_MASK = "******"


class SmsMessage(models.Model):
    """One text message to one phone: the outbox row written in the transition's transaction, then its log.

    ``status`` moves only through conditional updates in ``anze.notifications.sending`` (pending → sending →
    sent / pending again / failed), so two workers never send one message.
    """

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    # The tenant whose 短信记录 shows the message (the insurer of the order); None: only the platform sees it
    # (verification codes of a registration, for instance).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField("手机号码", max_length=20)
    text = models.TextField("短信内容")
    # Providers that only send approved templates (aliyun, tencent) get the template and its parameters;
    # empty: the backend's default template carries ``text`` as its single variable.
    template_code = models.CharField("模板编号", max_length=50, blank=True)
    params = models.JSONField("模板参数", default=dict, blank=True)
    # A code message: its code, encrypted, wiped once sent, failed for good, or past ``secret_expires_at``
    # (the code's own end: sending it later is pointless). ``secret_expires_at`` stays, marking the row as a
    # code message (never resent: the user asks for a new code).
    secret = models.TextField("验证码（加密）", blank=True, editable=False)
    secret_expires_at = models.DateTimeField("验证码有效期至", null=True, blank=True, editable=False)
    # "order-event:123:enterprise": a second notify() with the same key writes nothing, so one transition
    # never sends twice. NULL for messages that need no such guard (several NULLs are allowed).
    dedupe_key = models.CharField("去重键", max_length=120, unique=True, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.CharField("最后错误", max_length=500, blank=True)
    # pending: the earliest time of the next attempt; sending: the end of the claim's lease (a worker that
    # died mid-send is recognised by the sweep once it has passed).
    next_attempt_at = models.DateTimeField("下次发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    provider = models.CharField("短信通道", max_length=20, blank=True)
    provider_message_id = models.CharField("通道流水号", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "短信"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The insurer's log: its own messages, newest first.
            models.Index(fields=["organisation", "-created_at", "-id"], name="sms_org_created_idx"),
            # The platform's log: every message, newest first.
            models.Index(fields=["-created_at", "-id"], name="sms_created_idx"),
            # The sweep: due pending messages and expired sending claims.
            models.Index(fields=["status", "next_attempt_at"], name="sms_due_idx"),
            models.Index(fields=["phone", "-created_at"], name="sms_phone_idx"),
            # The sweep: secrets that outlived their code (few rows: only unsent codes keep one).
            models.Index(
                fields=["secret_expires_at"], condition=~models.Q(secret=""), name="sms_secret_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.masked_phone} {self.text[:20]}"

    @property
    def is_code(self) -> bool:
        """A verification code's message: never resent, its code never shown."""
        return self.secret_expires_at is not None

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def tone(self) -> str:
        return SMS_STATUS_TONE.get(self.status, "info")

    @property
    def can_resend(self) -> bool:
        return self.status in (SmsStatus.FAILED, SmsStatus.PENDING) and not self.is_code


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User) -> NotificationQuerySet:
        """What the user's 消息中心 shows: the organisation's messages to everyone and those addressed to this
        user, whose subject the user may open (``permission`` empty, or one the user holds)."""
        return self.filter(
            models.Q(user__isnull=True) | models.Q(user_id=user.pk),
            organisation_id=user.organisation_id,
            permission__in=["", *held_codes(user)],
        )

    def unread_for(self, user: User) -> NotificationQuerySet:
        """Newer than the user's watermark and not opened by the user: one index range over the
        organisation's messages since the watermark, each probed once in the user's read rows."""
        return self.exclude(read_by(user))

    def with_read_state(self, user: User) -> NotificationQuerySet:
        """``is_read`` on each row, in the list's own query (no query per row)."""
        return self.annotate(
            is_read=models.Case(
                models.When(read_by(user), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


def held_codes(user: User) -> list[str]:
    """The permission codes the user holds (the admin-only ones only for an organisation's 管理员)."""
    return sorted(code for code in user.permission_codes if user.has_perm_code(code))


def read_watermark(user: User) -> models.Expression:
    """The time up to which every message counts as read for the user: their 全部已读, else the creation of
    the account (what came before it is not news to a new colleague)."""
    mark = NotificationReadMark.objects.filter(user_id=user.pk).values("read_up_to")[:1]
    return Coalesce(
        models.Subquery(mark, output_field=models.DateTimeField()),
        models.Value(user.created_at, output_field=models.DateTimeField()),
    )


def read_by(user: User) -> models.Q:
    """A message is read by ``user`` when it is older than their watermark or they opened it."""
    opened = NotificationRead.objects.filter(user_id=user.pk, notification_id=models.OuterRef("pk"))
    return models.Q(created_at__lte=read_watermark(user)) | models.Q(models.Exists(opened))


class Notification(models.Model):
    """A message in the 消息中心 (站内消息) of an organisation, or of one of its users.

    Read state is each user's own (issue 12): a colleague opening a message does not make it read for you.
    It is kept as a watermark per user (``NotificationReadMark``: everything up to it is read — set by
    全部已读, and the account's creation before that) plus one row per message opened after it
    (``NotificationRead``). So the bell is one COUNT over the organisation's messages since the watermark
    (the list index), each probed in the unique index of the user's read rows; nothing is written for the
    users who have not read a message, and a new message writes one row whatever the organisation's size.

    ``permission`` is the code needed to open the message's subject (its link's page): a user without it
    does not see the message (a 业务员 without 保单管理 gets no 保单 messages). Empty: everyone.
    """

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="接收机构", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="为空时发给该机构的全部账号",
    )
    permission = models.CharField(
        "所需权限",
        max_length=60,
        blank=True,
        help_text="为空时该机构的全部账号可见；否则仅具有该权限的账号可见",
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", blank=True)
    link = models.CharField(
        "链接", max_length=300, blank=True, help_text="站内相对地址，如 /insurer/orders/…"
    )
    dedupe_key = models.CharField("去重键", max_length=120, unique=True, null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The 消息中心 list, newest first, and the bell's range since the user's watermark.
            models.Index(fields=["organisation", "-created_at", "-id"], name="notification_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationRead(models.Model):
    """One user opened (or marked read) one message after their watermark."""

    # No index of its own: the unique (user, notification) one starts with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅读人",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    notification = models.ForeignKey(
        Notification, verbose_name="消息", on_delete=models.CASCADE, related_name="reads"
    )
    read_at = models.DateTimeField("阅读时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "消息阅读记录"
        constraints = [
            # Also the index of the bell's probe (user, message).
            models.UniqueConstraint(fields=["user", "notification"], name="notification_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.notification_id}"


class NotificationReadMark(models.Model):
    """全部已读 of one user: every message created up to ``read_up_to`` is read for them. Only that user's
    own action writes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_up_to = models.DateTimeField("已读至")

    class Meta:
        verbose_name = verbose_name_plural = "消息已读位置"

    def __str__(self) -> str:
        return f"{self.user_id} {self.read_up_to:%Y-%m-%d %H:%M:%S}"


# --- webhooks (接口推送) ------------------------------------------------------------------------------------------
class WebhookEndpoint(models.Model):
    """An organisation's 推送地址: a URL of its own system that hears of the events it subscribed to, each
    delivery signed with the endpoint's secret (``anze.notifications.webhooks``)."""

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属机构", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=30)
    url = models.URLField("推送地址", max_length=300)
    # The signing secret, encrypted (``codes.seal``): the platform must read it to sign, so it is not hashed.
    secret = models.TextField("签名密钥（加密）", editable=False)
    events = models.JSONField("订阅事件", default=list)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "推送地址"
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "is_active"], name="webhook_org_active_idx")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        """The organisation's 操作日志 shows who changed its endpoints."""
        return {"organisation_id": self.organisation_id}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待推送"
    SENDING = "sending", "推送中"
    DELIVERED = "delivered", "已送达"
    FAILED = "failed", "推送失败"


DELIVERY_STATUS_TONE: dict[str, str] = {
    DeliveryStatus.PENDING: "warning",
    DeliveryStatus.SENDING: "warning",
    DeliveryStatus.DELIVERED: "success",
    DeliveryStatus.FAILED: "danger",
}


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row written in the transaction of the step that caused it, then
    its log (推送记录). ``status`` moves as an SMS's does (``webhooks.deliver``): pending → sending →
    delivered / pending again (back-off) / failed."""

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: the 推送记录 is a log, kept like the others (docs/NOTES.md, "Retention"); an endpoint is 停用, never
    # deleted.
    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name="推送地址", on_delete=models.PROTECT, related_name="deliveries"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属机构", on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField("事件", max_length=60)
    payload = models.JSONField("推送内容", default=dict)
    dedupe_key = models.CharField("去重键", max_length=160, unique=True, null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("推送次数", default=0)
    # As SmsMessage.next_attempt_at: pending → the next attempt; sending → the end of the claim's lease.
    next_attempt_at = models.DateTimeField("下次推送时间", null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField("最后响应码", null=True, blank=True)
    last_error = models.CharField("最后错误", max_length=500, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "推送记录"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at", "-id"], name="webhook_delivery_org_idx"),
            models.Index(
                fields=["organisation", "status", "-created_at", "-id"], name="webhook_delivery_status_idx"
            ),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"

    @property
    def tone(self) -> str:
        return DELIVERY_STATUS_TONE.get(self.status, "info")

    @property
    def can_resend(self) -> bool:
        return self.status in (DeliveryStatus.FAILED, DeliveryStatus.PENDING)
