"""批改 (endorsement) and 退保 (surrender) of an issued policy (issue 14 §1, §3).

Both are one model, ``Endorsement``, told apart by ``kind``, each kind moved by its own machine
(``workflow.ENDORSEMENT``, ``surrenders.SURRENDER``). One table because the two share what matters most in the
database: the 批单号 of both comes from one numbering per insurer (one unique constraint), and a policy has at
most one open request of either kind (one partial unique index: a policy being surrendered is not endorsed at
the same time); the insurer's 批改管理 lists, exports and the policy's history read them together.

A 批改 keeps the values before and after (``*_before`` / ``*_after``) and the premium change; at 已批改 the
order's current fields take the ``*_after`` values in the same transaction, so every screen and export that
reads the order shows the current scheme, and the history stays here. Statuses change only in the machines'
modules; rows are never deleted (PROTECT).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anze.audit.models import TimelineEvent

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class EndorsementKind(models.TextChoices):
    CHANGE = "change", "批改"
    SURRENDER = "surrender", "退保"


class EndorsementStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "待审核"
    AWAITING_PAYMENT_NOTICE = "awaiting_payment_notice", "待上传付款通知书"
    AWAITING_PAYMENT = "awaiting_payment", "待缴费"
    AWAITING_PAYMENT_REVIEW = "awaiting_payment_review", "待缴费审核"
    AWAITING_DOCUMENT = "awaiting_document", "待出批单"
    ENDORSED = "endorsed", "已批改"
    SURRENDERED = "surrendered", "已退保"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"


S = EndorsementStatus
# Not finished: the policy takes no other 批改 or 退保 request meanwhile.
OPEN_STATUSES: tuple[str, ...] = (
    S.PENDING_REVIEW,
    S.AWAITING_PAYMENT_NOTICE,
    S.AWAITING_PAYMENT,
    S.AWAITING_PAYMENT_REVIEW,
    S.AWAITING_DOCUMENT,
)
# Element tag colour (docs/spec/UI.md): waiting for the insurer → warning, for the enterprise → primary.
STATUS_TONE: dict[str, str] = {
    S.PENDING_REVIEW: "warning",
    S.AWAITING_PAYMENT_NOTICE: "warning",
    S.AWAITING_PAYMENT: "primary",
    S.AWAITING_PAYMENT_REVIEW: "warning",
    S.AWAITING_DOCUMENT: "warning",
    S.ENDORSED: "success",
    S.SURRENDERED: "success",
    S.REJECTED: "danger",
    S.WITHDRAWN: "info",
}
# The states each kind goes through, in the order of its tabs.
KIND_STATUSES: dict[str, tuple[str, ...]] = {
    EndorsementKind.CHANGE: (*OPEN_STATUSES, S.ENDORSED, S.REJECTED, S.WITHDRAWN),
    EndorsementKind.SURRENDER: (S.PENDING_REVIEW, S.SURRENDERED, S.REJECTED, S.WITHDRAWN),
}


class SurrenderGround(models.TextChoices):
    """Why the enterprise surrenders. 应急〔2025〕27号: an enterprise of a compulsory sector (应保尽保) may
    surrender only when it is deregistered, bankrupt, or has stopped production or business."""

    DEREGISTERED = "deregistered", "企业注销"
    BANKRUPT = "bankrupt", "破产"
    SUSPENDED = "suspended", "停产停业"
    OTHER = "other", "其他原因"


CLOSURE_GROUNDS = (SurrenderGround.DEREGISTERED, SurrenderGround.BANKRUPT, SurrenderGround.SUSPENDED)


class Origin(models.TextChoices):
    ENTERPRISE = "enterprise", "企业申请"  # Side.ENTERPRISE
    INSURER = "insurer", "保险公司发起"  # Side.INSURER


def _document(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        "documents.Document",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Endorsement(models.Model):
    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("类型", max_length=10, choices=EndorsementKind.choices)
    status = models.CharField("状态", max_length=30, choices=EndorsementStatus.choices)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="endorsements"
    )
    # The policy's parties, copied when the request is made: each side's list is one indexed read.
    insurer = models.ForeignKey(
        "accounts.Organisation", verbose_name="保险公司", on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="投保企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin = models.CharField("发起方", max_length=20, choices=Origin.choices)
    reason = models.CharField("申请原因", max_length=500)
    # 批改: the day the change takes effect; 退保: the day the surrender takes effect (set at 已退保).
    effective_on = models.DateField("生效日期", null=True, blank=True)

    # --- 批改: the values before and after ------------------------------------------------------------------------
    headcount_before = models.PositiveIntegerField("原参保人数", null=True, blank=True)
    headcount_after = models.PositiveIntegerField("批改后参保人数", null=True, blank=True)
    project_name_before = models.CharField("原项目名称", max_length=100, blank=True)
    project_name_after = models.CharField("批改后项目名称", max_length=100, blank=True)
    project_address_before = models.CharField("原项目地址", max_length=200, blank=True)
    project_address_after = models.CharField("批改后项目地址", max_length=200, blank=True)
    contact_name_before = models.CharField("原投保联系人", max_length=30, blank=True)
    contact_name_after = models.CharField("批改后投保联系人", max_length=30, blank=True)
    contact_phone_before = models.CharField("原联系电话", max_length=11, blank=True)
    contact_phone_after = models.CharField("批改后联系电话", max_length=11, blank=True)
    # {service item id (as text): count}
    service_counts_before = models.JSONField("原服务次数", default=dict, blank=True)
    service_counts_after = models.JSONField("批改后服务次数", default=dict, blank=True)

    # --- money: 批改保费 (按日计算) and 退保金额 ----------------------------------------------------------------------
    premium_before = models.DecimalField("原保费（元）", null=True, blank=True, **MONEY)
    prevention_fee_before = models.DecimalField("原事故预防服务费（元）", null=True, blank=True, **MONEY)
    days_left = models.PositiveIntegerField("剩余天数", null=True, blank=True)
    days_total = models.PositiveIntegerField("保险天数", null=True, blank=True)
    # The per-head basis of a headcount change: the premium and headcount the policy was issued with.
    basis_premium = models.DecimalField("计费保费（元）", null=True, blank=True, **MONEY)
    basis_headcount = models.PositiveIntegerField("计费参保人数", null=True, blank=True)
    premium_computed = models.DecimalField("按日计算批改保费（元）", null=True, blank=True, **MONEY)
    # What is charged (> 0) or refunded (< 0): the computed amount, or the clerk's with ``adjust_reason``.
    premium_delta = models.DecimalField("批改保费（元）", null=True, blank=True, **MONEY)
    prevention_fee_delta = models.DecimalField("事故预防服务费变化（元）", null=True, blank=True, **MONEY)
    adjust_reason = models.CharField("调整原因", max_length=500, blank=True)

    # --- 退保 ------------------------------------------------------------------------------------------------------
    surrender_ground = models.CharField(
        "退保原因类别", max_length=20, choices=SurrenderGround.choices, blank=True
    )
    proof = _document("证明材料")
    refund_computed = models.DecimalField("按日计算退还保费（元）", null=True, blank=True, **MONEY)
    fee_spent = models.DecimalField("已使用事故预防服务费（元）", null=True, blank=True, **MONEY)
    refund_amount = models.DecimalField("退保金额（元）", null=True, blank=True, **MONEY)

    # --- 缴费 (a 批改 that charges premium) and 批单 ---------------------------------------------------------------------
    payment_notice = _document("付款通知书")
    payment_voucher = _document("付款凭证")
    last_reason = models.CharField("最近一次退回原因", max_length=500, blank=True)
    endorsement_no = models.CharField("批单号", max_length=50, blank=True)
    endorsement_file = _document("批单文件")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    endorsed_at = models.DateTimeField("出批单时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批改"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "endorsement_no"],
                condition=~Q(endorsement_no=""),
                name="endorsement_no_unique_per_insurer",
            ),
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status__in=OPEN_STATUSES),
                name="endorsement_one_open_per_policy",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[S.ENDORSED, S.SURRENDERED]) | ~Q(endorsement_no=""),
                name="endorsement_done_has_number",
            ),
        ]
        indexes = [
            models.Index(fields=["insurer", "status", "-created_at", "-id"], name="endorsement_insurer_idx"),
            models.Index(fields=["insurer", "-created_at", "-id"], name="endorsement_insurer_time_idx"),
            models.Index(
                fields=["insurer", "kind", "status", "-created_at"], name="endorsement_insurer_kind_idx"
            ),
            models.Index(fields=["enterprise", "-created_at", "-id"], name="endorsement_enterprise_idx"),
            models.Index(fields=["policy", "created_at"], name="endorsement_policy_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.endorsement_no or self.uuid}"

    @property
    def status_tone(self) -> str:
        return STATUS_TONE.get(self.status, "info")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_surrender(self) -> bool:
        return self.kind == EndorsementKind.SURRENDER

    @property
    def headcount_change(self) -> int:
        if self.headcount_before is None or self.headcount_after is None:
            return 0
        return self.headcount_after - self.headcount_before

    @property
    def premium_after(self) -> Decimal | None:
        if self.premium_before is None or self.premium_delta is None:
            return None
        return self.premium_before + self.premium_delta

    @property
    def prevention_fee_after(self) -> Decimal | None:
        if self.prevention_fee_before is None or self.prevention_fee_delta is None:
            return self.prevention_fee_before
        return self.prevention_fee_before + self.prevention_fee_delta


class EndorsementEvent(TimelineEvent):
    """One step of a 批改's or 退保's 时间线, written by its machine's action in the step's transaction."""

    endorsement = models.ForeignKey(
        Endorsement, verbose_name="批改", on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField("原状态", max_length=30, blank=True, choices=EndorsementStatus.choices)
    to_status = models.CharField("新状态", max_length=30, choices=EndorsementStatus.choices)

    # For the 操作日志: the keys of ``changes`` that are not already Chinese labels.
    CHANGE_LABELS = {
        "endorsement_no": "批单号",
        "premium_delta": "批改保费",
        "refund_amount": "退保金额",
        "surrendered_on": "退保日期",
    }

    class Meta:
        verbose_name = verbose_name_plural = "批改时间线"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["endorsement", "created_at", "id"], name="endorsement_event_idx")]

    def __str__(self) -> str:
        return f"{self.endorsement_id} {self.action_label}"

    def log_object(self) -> tuple[models.Model, str]:
        endorsement = self.endorsement
        return endorsement, f"{endorsement.get_kind_display()}（保单 {endorsement.policy.policy_no}）"
