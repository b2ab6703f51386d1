"""SMS verification codes of the enterprise portal (注册, 忘记密码) and the per-phone sending quota.

Only a keyed hash of each code is stored (see ``verification.py``): whoever reads the database cannot use a
code that is still valid. The SMS itself, with the code in its text, lives in the notifications outbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class CodePurpose(models.TextChoices):
    REGISTER = "register", "企业注册"
    RESET_PASSWORD = "reset_password", "找回密码"


class VerificationCode(models.Model):
    """One code sent to one phone for one purpose. Valid until ``expires_at``, once, and only while fewer than
    ``MAX_FAILURES`` wrong codes were typed against it."""

    phone = models.CharField("手机号码", max_length=11)
    purpose = models.CharField("用途", max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField("验证码摘要", max_length=64)
    # 找回密码: the account the code was sent for; the code resets that account's password and no other.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sms = models.ForeignKey(
        "notifications.SmsMessage",
        verbose_name="短信",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    failures = models.PositiveSmallIntegerField("错误次数", default=0)
    created_at = models.DateTimeField("发送时间", default=timezone.now)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"], name="verification_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.phone[:3]}****{self.phone[7:]}"


class SmsCodeQuota(models.Model):
    """How many codes one phone got today and when the last one went, whatever their purpose.

    A row per phone, moved by a conditional UPDATE (``verification.py``): two requests for the same phone at
    the same moment cannot both pass the once-a-minute rule, on SQLite or PostgreSQL.
    """

    phone = models.CharField("手机号码", max_length=11, unique=True)
    last_sent_at = models.DateTimeField("最近发送时间", null=True, blank=True)
    day = models.DateField("日期", null=True, blank=True)
    day_count = models.PositiveIntegerField("当日发送次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "验证码发送额度"

    def __str__(self) -> str:
        return self.phone
