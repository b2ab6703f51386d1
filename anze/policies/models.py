"""The policy (保单) created by 出函, and the third-party safety service assigned to it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from anze.audit.models import TimelineEvent


class ServiceStatus(models.TextChoices):
    NONE = "none", "未申请"
    PENDING = "pending", "待处理"
    IN_SERVICE = "in_service", "服务中"
    COMPLETED = "completed", "已完成"


# Element tag colour of each service state (docs/spec/UI.md): waiting for the organisation → warning, done → success.
SERVICE_TONE: dict[str, str] = {
    ServiceStatus.NONE: "info",
    ServiceStatus.PENDING: "warning",
    ServiceStatus.IN_SERVICE: "primary",
    ServiceStatus.COMPLETED: "success",
}
# The 操作 column of 保单管理 as the manual's table writes it (docs/spec/user-manual.txt, figure 3.2.1):
# 【小修公司】安全服务中.
SERVICE_CAPTION: dict[str, str] = {
    ServiceStatus.PENDING: "安全服务待处理",
    ServiceStatus.IN_SERVICE: "安全服务中",
    ServiceStatus.COMPLETED: "安全服务已完成",
}


class PolicyStatus(models.TextChoices):
    """The policy's own life after 出函 (docs/spec/DOMAIN.md; issue 14): in force until 冲正 or 退保. Expiry is
    not a state: it is read from ``period_end``."""

    ACTIVE = "active", "有效"
    REVERSED = "reversed", "已冲正"
    SURRENDERED = "surrendered", "已退保"


POLICY_TONE: dict[str, str] = {
    PolicyStatus.ACTIVE: "success",
    PolicyStatus.REVERSED: "danger",
    PolicyStatus.SURRENDERED: "info",
}


# An order's policies, the live one first, then the reversed ones newest first.
CURRENT_FIRST = (
    models.Case(models.When(status=PolicyStatus.REVERSED, then=models.Value(1)), default=models.Value(0)),
    "-issued_at",
    "-id",
)


def cover_end(path: str = "") -> models.Expression:
    """``Policy.cover_ends_on`` as an SQL expression (``path``: the way to the policy, e.g.
    ``enterprise_policies__``): the day before ``surrendered_on`` when the policy was surrendered, else
    ``period_end``. The regulator's 应保尽保 reads an enterprise's cover with it."""
    surrendered = models.F(f"{path}surrendered_on")
    day_before = Cast(
        models.ExpressionWrapper(surrendered - timedelta(days=1), output_field=models.DateField()),
        models.DateField(),
    )
    return models.Case(
        models.When(**{f"{path}surrendered_on__isnull": False}, then=day_before),
        default=models.F(f"{path}period_end"),
        output_field=models.DateField(),
    )


class PolicyQuerySet(models.QuerySet["Policy"]):
    def live(self) -> PolicyQuerySet:
        """Not reversed: the one policy of an order that counts (in force, or surrendered)."""
        return self.exclude(status=PolicyStatus.REVERSED)


class Policy(models.Model):
    """Created in the same transaction as the order's 出函; the scheme stays on the order it was quoted on
    (批改 changes it there, so every screen shows the current values).

    An order has at most one live policy (``PolicyStatus.ACTIVE`` or ``SURRENDERED``); a 冲正 keeps the
    reversed policy, read-only, with its own 保单编号 and files, and the order may be issued again under a new
    number. ``Order.policy`` is the live one.
    """

    order = models.ForeignKey(
        "orders.Order", verbose_name="订单", on_delete=models.PROTECT, related_name="policies"
    )
    status = models.CharField(
        "保单状态", max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.ACTIVE
    )
    insurer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="保险公司",
        on_delete=models.PROTECT,
        related_name="insurer_policies",
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="投保企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_policies",
    )
    # The order's 区县, copied at 出函 (an issued order's region does not change): the regulators' scope and their
    # lists' index, without a join to the order for every policy walked (docs/BENCH.md, issue 16).
    region = models.ForeignKey(
        "basedata.Region",
        verbose_name="区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    policy_no = models.CharField("保单编号", max_length=50)
    issued_at = models.DateTimeField("出函时间", default=timezone.now)
    period_start = models.DateField("保险期间起")
    period_end = models.DateField("保险期间止")
    # The files issued with this policy: the order's are replaced when it is issued again after a 冲正, these
    # stay with the policy they were issued with (shown 已作废 once it is reversed).
    policy_file = models.ForeignKey(
        "documents.Document", verbose_name="保单文件", null=True, on_delete=models.PROTECT, related_name="+"
    )
    invoice_file = models.ForeignKey(
        "documents.Document", verbose_name="发票文件", null=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_file = models.ForeignKey(
        "documents.Document",
        verbose_name="合同文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The scheme as issued: the base of the 批改 history (current = issued + the endorsements' changes).
    issued_headcount = models.PositiveIntegerField("出函时参保人数", null=True)
    issued_premium = models.DecimalField("出函时保费（元）", max_digits=14, decimal_places=2, null=True)
    issued_prevention_fee = models.DecimalField(
        "出函时事故预防服务费（元）", max_digits=14, decimal_places=2, null=True
    )
    # 电子保单验真 (anze.policies.verify): set at 出函 by anze.policies.services, shown beside the policy.
    verification_code = models.CharField("验证码", max_length=8, unique=True)
    # 退保 (anze.endorsements): the day the surrender takes effect — the policy covers up to the day before.
    # Set with ``status`` = SURRENDERED by the POLICY machine's ``surrender`` (``lifecycle``), nowhere else.
    surrendered_on = models.DateField("退保日期", null=True, blank=True)

    # 第三方安全服务 (docs/spec/DOMAIN.md §3): changed only by the policies workflow.
    service_org = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="第三方安全服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_policies",
    )
    service_status = models.CharField(
        "安全服务状态", max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.NONE
    )
    service_assigned_at = models.DateTimeField("指定服务机构时间", null=True, blank=True)
    service_decline_reason = models.CharField("服务机构拒绝原因", max_length=500, blank=True)
    # Who declined last: the 申请第三方安全服务 button shows "【闽安评价】已拒绝：…" until the next assignment.
    service_declined_org = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="拒绝服务的机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_completed_at = models.DateTimeField("安全服务完成时间", null=True, blank=True)
    # Touched by every write to the policy's services: the row lock it takes serialises confirmations of
    # the same policy, so the completion check of one sees the other's confirmed record (PostgreSQL).
    service_updated_at = models.DateTimeField("安全服务更新时间", null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "保单"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "policy_no"], name="policy_no_unique_per_insurer"),
            models.UniqueConstraint(
                fields=["order"],
                condition=~models.Q(status=PolicyStatus.REVERSED),
                name="policy_one_live_per_order",
            ),
        ]
        indexes = [
            models.Index(fields=["insurer", "-issued_at", "-id"], name="policy_insurer_time_idx"),
            # 保单管理's 保单状态 filter (有效 / 已冲正 / 已退保).
            models.Index(fields=["insurer", "status", "-issued_at", "-id"], name="policy_insurer_status_idx"),
            # 保单管理's tabs: each counted and paged along its own index, under 保单状态 as well (issue 16).
            models.Index(
                fields=["insurer", "service_status", "-issued_at", "-id"], name="policy_insurer_tab_idx"
            ),
            models.Index(
                fields=["insurer", "status", "service_status", "-issued_at", "-id"],
                name="policy_insurer_status_tab_idx",
            ),
            models.Index(
                fields=["service_org", "service_status", "-issued_at"], name="policy_service_org_idx"
            ),
            models.Index(fields=["enterprise", "-issued_at"], name="policy_enterprise_idx"),
            # 统计分析's 参保企业数 and 应保尽保 figures: each enterprise's policies in force or covering later,
            # probed (``regulator.selectors.cover_counts``, ``regulator.statistics._first_in_force``).
            models.Index(fields=["enterprise", "period_end"], name="policy_enterprise_end_idx"),
            # The regulator's 保单查询 (newest first along time, a 保单编号 exactly) and the 服务订单 list (newest
            # assignment first, per tab and for all).
            models.Index(fields=["-issued_at", "-id"], name="policy_time_idx"),
            models.Index(fields=["region", "-issued_at", "-id"], name="policy_region_time_idx"),
            models.Index(fields=["policy_no"], name="policy_no_idx"),
            models.Index(
                fields=["service_org", "-service_assigned_at", "-id", "service_status"],
                name="policy_service_time_idx",
            ),
            models.Index(
                fields=["service_org", "service_status", "-service_assigned_at", "-id"],
                name="policy_service_tab_idx",
            ),
            models.Index(fields=["period_end"], name="policy_period_end_idx"),
        ]

    def __str__(self) -> str:
        return self.policy_no

    @property
    def cover_ends_on(self) -> date:
        """The last day the policy covers: the day before its 退保, else the end of its period."""
        if self.surrendered_on is not None:
            return min(self.period_end, self.surrendered_on - timedelta(days=1))
        return self.period_end

    @property
    def is_live(self) -> bool:
        return self.status != PolicyStatus.REVERSED

    @property
    def status_tone(self) -> str:
        return POLICY_TONE.get(self.status, "info")

    @property
    def application_no(self) -> str:
        return self.order.application_no

    @property
    def service_tone(self) -> str:
        return SERVICE_TONE.get(self.service_status, "info")

    @property
    def service_caption(self) -> str:
        """【安信安全】安全服务中 — empty while no organisation is assigned."""
        if self.service_org_id is None or self.service_status == ServiceStatus.NONE:
            return ""
        return f"【{self.service_org.display_short_name}】{SERVICE_CAPTION[self.service_status]}"


class ServiceEvent(TimelineEvent):
    """One step of the policy's service timeline: the assignment (申请 / 接受 / 拒绝 / 完成) and the steps of its
    records, hazards and complaints. Written only by the workflows, in the transaction of the step."""

    class Subject(models.TextChoices):
        ASSIGNMENT = "assignment", "安全服务"
        RECORD = "record", "服务记录"
        HAZARD = "hazard", "隐患"
        COMPLAINT = "complaint", "投诉"
        FEE = "fee", "服务费"  # 事故预防服务费台账: the insurer's 超支批准

    policy = models.ForeignKey(Policy, verbose_name="保单", on_delete=models.PROTECT, related_name="events")
    subject = models.CharField("对象", max_length=20, choices=Subject.choices)
    subject_uuid = models.UUIDField("对象编号", null=True, blank=True)
    # The organisation the step concerns: another organisation assigned later does not see it.
    service_org = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    CHANGE_LABELS = {"service_org": "服务机构", "level": "隐患等级", "due_on": "答复期限"}  # for the 操作日志

    class Meta:
        verbose_name = verbose_name_plural = "安全服务时间线"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["policy", "created_at", "id"], name="service_event_policy_idx")]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.action_label}"

    def log_object(self) -> tuple[models.Model, str]:
        if self.subject == self.Subject.ASSIGNMENT:
            return self.policy, f"保单 {self.policy.policy_no}"
        return self.policy, f"{self.get_subject_display()}（保单 {self.policy.policy_no}）"

    # The states of each subject, for the timeline's labels. The record, hazard and complaint states are
    # anze.prevention's: it registers them at start-up (``PreventionConfig.ready``); this app never imports it.
    STATUSES: dict[str, type[models.TextChoices]] = {}

    def status_label(self, status: str) -> str:
        choices = (
            ServiceStatus if self.subject == self.Subject.ASSIGNMENT else self.STATUSES.get(self.subject)
        )
        return str(dict(choices.choices).get(status, status)) if choices else status


# --- 冲正 (issue 14 §2) ------------------------------------------------------------------------------------------
class ReversalStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


REVERSAL_TONE: dict[str, str] = {
    ReversalStatus.PENDING: "warning",
    ReversalStatus.APPROVED: "success",
    ReversalStatus.REJECTED: "danger",
}


class PolicyReversal(models.Model):
    """A request to reverse (冲正) a wrongly issued policy: asked by a clerk with a reason, reviewed by another
    user holding 冲正审核. Its state changes only in ``anze.policies.reversal`` (``REVERSAL``)."""

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    policy = models.ForeignKey(
        Policy, verbose_name="保单", on_delete=models.PROTECT, related_name="reversals"
    )
    # The policy's insurer, denormalised: the 冲正审核 list is one indexed read per insurer and tab.
    insurer = models.ForeignKey(
        "accounts.Organisation", verbose_name="保险公司", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ReversalStatus.choices, default=ReversalStatus.PENDING
    )
    reason = models.CharField("冲正原因", max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_reason = models.CharField("驳回原因", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "冲正申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status=ReversalStatus.PENDING),
                name="reversal_one_pending_per_policy",
            ),
        ]
        indexes = [
            models.Index(
                fields=["insurer", "status", "-requested_at", "-id"], name="reversal_insurer_status_idx"
            ),
            models.Index(fields=["insurer", "-requested_at", "-id"], name="reversal_insurer_time_idx"),
            models.Index(fields=["policy", "-requested_at"], name="reversal_policy_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.get_status_display()}"

    @property
    def status_tone(self) -> str:
        return REVERSAL_TONE.get(self.status, "info")


class ReversalEvent(TimelineEvent):
    """One step of a 冲正 on the policy's timeline (申请冲正, 冲正审核通过, 冲正审核驳回), written by
    ``anze.policies.reversal`` in the step's transaction; it also writes the 操作日志 entry."""

    reversal = models.ForeignKey(
        PolicyReversal, verbose_name="冲正申请", on_delete=models.PROTECT, related_name="events"
    )
    policy = models.ForeignKey(
        Policy, verbose_name="保单", on_delete=models.PROTECT, related_name="reversal_events"
    )
    from_status = models.CharField("原状态", max_length=30, blank=True, choices=ReversalStatus.choices)
    to_status = models.CharField("新状态", max_length=30, choices=ReversalStatus.choices)

    CHANGE_LABELS = {
        "policy_no": "保单编号",
        "policy_status": "保单状态",
        "service_org": "撤销的安全服务机构",
    }

    class Meta:
        verbose_name = verbose_name_plural = "冲正时间线"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["policy", "created_at", "id"], name="reversal_event_policy_idx")]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.action_label}"

    def log_object(self) -> tuple[models.Model, str]:
        return self.policy, f"保单 {self.policy.policy_no}"
