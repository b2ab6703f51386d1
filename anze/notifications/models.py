"""The SMS outbox (which is also the SMS log) and the in-app messages of the 消息中心."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from anze.core.validators import mask_mobile

if TYPE_CHECKING:
    from anze.accounts.models import User


class SmsStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


# Tag colour of each status on the SMS log (UI.md: done → success, waiting → warning, refused → danger).
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
        """The user's organisation's messages to everyone, plus those addressed to this user."""
        return self.filter(organisation_id=user.organisation_id).filter(
            models.Q(user__isnull=True) | models.Q(user_id=user.pk)
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in the 消息中心 (站内消息) of an organisation, or of one of its users.

    Read state is kept on the message itself, not per user: a message to an organisation is a work item of
    that organisation ("企业已确认报价，请上传付款通知书"), and once a colleague has opened it, it is no
    longer news for the team — a shared inbox. That keeps the bell's unread count one indexed COUNT over
    the unread rows only (a per-user read table would need an anti-join over the organisation's whole
    history on every page). A message addressed to one user is seen, and read, by that user alone.
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
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", blank=True)
    link = models.CharField(
        "链接", max_length=300, blank=True, help_text="站内相对地址，如 /insurer/orders/…"
    )
    dedupe_key = models.CharField("去重键", max_length=120, unique=True, null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="阅读人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell: counts unread rows only, so it stays cheap however long the history grows.
            models.Index(
                fields=["organisation", "user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The 消息中心 list, newest first.
            models.Index(fields=["organisation", "-created_at", "-id"], name="notification_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
