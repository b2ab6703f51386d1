"""SMS verification codes of the enterprise portal (注册, 忘记密码, 企业认证), the per-phone sending quota, and the
claims (企业认证申请) of the accounts that registered under a credit code.

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
    # Sent to the 投保联系人 phone on file for a credit code, never to a number the registrant chooses.
    ENTERPRISE_CLAIM = "enterprise_claim", "企业认证"


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


class ClaimMethod(models.TextChoices):
    CONTACT_PHONE = "contact_phone", "联系人手机验证"
    DOCUMENTS = "documents", "资料认证"


class ClaimStatus(models.TextChoices):
    AWAITING = "awaiting", "待提交"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class EnterpriseClaim(models.Model):
    """企业认证申请: an account that registered under a credit code asks to speak for that enterprise.

    Until it is approved the account sees only its 企业认证 page (``middleware``), and nothing of the
    enterprise's orders is linked to it. What the registrant typed is kept here: it becomes the enterprise's
    registration data only when this claim is the one that verifies the enterprise (``claims``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.PROTECT,
        related_name="enterprise_claim",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="企业", on_delete=models.PROTECT, related_name="claims"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("企业名称", max_length=100)
    industry = models.ForeignKey(
        "basedata.Industry", verbose_name="行业", null=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "basedata.Region", verbose_name="所在区县", null=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=30)
    phone = models.CharField("手机号码", max_length=11)
    method = models.CharField("认证方式", max_length=20, choices=ClaimMethod.choices, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.AWAITING
    )
    business_licence = models.ForeignKey(
        "documents.Document",
        verbose_name="营业执照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authorisation = models.ForeignKey(
        "documents.Document",
        verbose_name="授权书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.CharField("驳回原因", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "企业认证申请"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="claim_status_idx"),
            models.Index(fields=["credit_code"], name="claim_credit_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"

    def get_additional_data(self) -> dict[str, int]:
        """Stored with each auditlog entry: the enterprise's 操作日志 shows who claimed to speak for it."""
        return {"organisation_id": self.organisation_id}

    @property
    def is_approved(self) -> bool:
        return self.status == ClaimStatus.APPROVED
