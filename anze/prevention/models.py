"""The service organisations' side (docs/spec/DOMAIN.md §3, §6; AQ 9010-2019): staff roster, service plan, service
records confirmed by the enterprise, hazard inspections, attachments (report, photos, video) and complaints.

Statuses change only in their machines' modules (``records``, ``hazards``, ``complaints``). Records, inspections and complaints are archived with the policy
and never deleted (kept ≥ 5 years): every foreign key to them is PROTECT and no view deletes one.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anze.core.validators import validate_mobile

USER = settings.AUTH_USER_MODEL


class ArchivedError(Exception):
    """Service records, inspections, hazards and complaints are archives: they are never deleted."""


class Archived(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ArchivedError(f"{self._meta.verbose_name}属于保单档案，不能删除")


# --- 综合人事管理 -------------------------------------------------------------------------------------------------
class StaffQuerySet(models.QuerySet["Staff"]):
    def selectable(self, on: Any = None) -> StaffQuerySet:
        """Staff who may be named on a plan, record or inspection: active, and no certificate expired (on
        ``on``, default today) — AQ 9010 requires services by qualified staff."""
        day = on or timezone.localdate()
        return self.filter(is_active=True).exclude(certificates__expires_on__lt=day)


class Staff(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=30)
    mobile = models.CharField("手机号码", max_length=11, validators=[validate_mobile])
    title = models.CharField("职务/职称", max_length=50, blank=True)
    is_active = models.BooleanField("在职", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "服务人员"
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "is_active", "id"], name="staff_org_idx")]

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    staff = models.ForeignKey(
        Staff, verbose_name="人员", on_delete=models.CASCADE, related_name="certificates"
    )
    name = models.CharField("证书名称", max_length=50)
    number = models.CharField("证书编号", max_length=50)
    expires_on = models.DateField("有效期至")

    class Meta:
        verbose_name = verbose_name_plural = "资格证书"
        ordering = ["expires_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


# --- 服务计划 -----------------------------------------------------------------------------------------------------
class PlannedVisit(models.Model):
    """One planned service of a policy's 服务计划: item, date inside the policy period, staff, content."""

    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="planned_visits"
    )
    service_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "basedata.ServiceItem", verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    planned_on = models.DateField("计划日期")
    staff = models.ManyToManyField(Staff, verbose_name="服务人员", related_name="+")
    content = models.CharField("服务内容", max_length=500)
    created_by = models.ForeignKey(
        USER, verbose_name="创建人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "服务计划"
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["policy", "planned_on"], name="plan_policy_idx")]

    def __str__(self) -> str:
        return f"{self.item} {self.planned_on}"


# --- 服务记录 -----------------------------------------------------------------------------------------------------
class RecordStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DISPUTED = "disputed", "有异议"


RECORD_TONE: dict[str, str] = {
    RecordStatus.PENDING: "primary",  # waiting for the enterprise
    RecordStatus.CONFIRMED: "success",
    RecordStatus.DISPUTED: "danger",
}


class ServiceRecord(Archived):
    uuid = models.UUIDField("记录编号", default=uuid.uuid4, unique=True, editable=False)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="service_records"
    )
    service_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "basedata.ServiceItem", verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    served_on = models.DateField("服务日期")
    place = models.CharField("服务地点", max_length=200)
    staff = models.ManyToManyField(Staff, verbose_name="服务人员", related_name="+")
    content = models.TextField("服务内容", max_length=2000)
    hazards_found = models.TextField("发现的隐患", max_length=2000, blank=True)
    follow_up = models.TextField("整改建议及跟踪", max_length=2000, blank=True)
    # What the service cost (事故预防服务费台账): entered by the organisation, by default the item's 单价; booked
    # against the policy's prevention fee when the enterprise confirms the record (``ledger.book``).
    cost = models.DecimalField(
        "服务费用（元）",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField("确认状态", max_length=20, choices=RecordStatus.choices)
    # A correction of a confirmed record is a new record pointing to it; the confirmed one stays as it was.
    corrects = models.ForeignKey(
        "self",
        verbose_name="更正的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    dispute_reason = models.CharField("异议原因", max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        USER, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "服务记录"
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RecordStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="record_confirmed_has_time",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="record_cost_not_negative"),
        ]
        indexes = [
            models.Index(fields=["policy", "status", "item"], name="record_policy_idx"),
            models.Index(fields=["service_org", "status", "-created_at"], name="record_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.served_on}"

    @property
    def status_tone(self) -> str:
        return RECORD_TONE.get(self.status, "info")

    @property
    def is_editable(self) -> bool:
        return self.status != RecordStatus.CONFIRMED


# --- 检查管理 -----------------------------------------------------------------------------------------------------
class Inspection(Archived):
    """A hazard inspection (隐患排查) at an enterprise the organisation serves under a policy."""

    uuid = models.UUIDField("检查编号", default=uuid.uuid4, unique=True, editable=False)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="inspections"
    )
    service_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField("检查日期")
    place = models.CharField("检查地点", max_length=200)
    staff = models.ManyToManyField(Staff, verbose_name="检查人员", related_name="+")
    summary = models.TextField("检查内容", max_length=2000)
    created_by = models.ForeignKey(
        USER, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "隐患排查"
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["service_org", "-inspected_on", "-id"], name="inspection_org_idx"),
            models.Index(fields=["policy", "-inspected_on"], name="inspection_policy_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.place}"


class HazardLevel(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大隐患"


class HazardStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改"
    VERIFIED = "verified", "已复查"


HAZARD_TONE: dict[str, str] = {
    HazardStatus.OPEN: "primary",  # waiting for the enterprise to rectify
    HazardStatus.RECTIFIED: "warning",  # waiting for the organisation to verify
    HazardStatus.VERIFIED: "success",
}


class Hazard(Archived):
    uuid = models.UUIDField("隐患编号", default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.PROTECT, related_name="hazards"
    )
    level = models.CharField("隐患等级", max_length=10, choices=HazardLevel.choices)
    description = models.CharField("隐患描述", max_length=500)
    location = models.CharField("隐患部位", max_length=100, blank=True)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=20, choices=HazardStatus.choices)
    rectification = models.CharField("整改情况", max_length=500, blank=True)
    rectified_by = models.ForeignKey(
        USER, verbose_name="整改登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rectified_at = models.DateTimeField("整改登记时间", null=True, blank=True)
    verification = models.CharField("复查意见", max_length=500, blank=True)
    verified_by = models.ForeignKey(
        USER, verbose_name="复查人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField("复查时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "隐患"
        ordering = ["id"]
        indexes = [models.Index(fields=["inspection", "status"], name="hazard_inspection_idx")]

    def __str__(self) -> str:
        return self.description

    @property
    def status_tone(self) -> str:
        return HAZARD_TONE.get(self.status, "info")

    @property
    def is_overdue(self) -> bool:
        return self.status == HazardStatus.OPEN and self.deadline < timezone.localdate()


# --- attachments: 服务报告, 现场照片, 现场视频 ---------------------------------------------------------------------
class Attachment(models.Model):
    """A file of a service record, an inspection or a hazard (exactly one of them)."""

    document = models.OneToOneField(
        "documents.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey(
        ServiceRecord,
        verbose_name="服务记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name="检查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name="隐患",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    # The service organisation whose archive holds it (also for rectification photos the enterprise uploads).
    service_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="服务机构", on_delete=models.PROTECT, related_name="+"
    )
    caption = models.CharField("说明", max_length=100, blank=True)
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(record__isnull=False, inspection__isnull=True, hazard__isnull=True)
                    | Q(record__isnull=True, inspection__isnull=False, hazard__isnull=True)
                    | Q(record__isnull=True, inspection__isnull=True, hazard__isnull=False)
                ),
                name="attachment_has_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["service_org", "-created_at"], name="attachment_org_idx")]

    def __str__(self) -> str:
        return str(self.document)


# --- 投诉 -------------------------------------------------------------------------------------------------------
class ComplaintStatus(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


class Complaint(Archived):
    uuid = models.UUIDField("投诉编号", default=uuid.uuid4, unique=True, editable=False)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="complaints"
    )
    record = models.ForeignKey(
        ServiceRecord,
        verbose_name="涉及的服务记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # Denormalised from the policy at filing time: each party's list is one indexed read.
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name="投诉企业", on_delete=models.PROTECT, related_name="+"
    )
    service_org = models.ForeignKey(
        "accounts.Organisation", verbose_name="被投诉服务机构", on_delete=models.PROTECT, related_name="+"
    )
    insurer = models.ForeignKey(
        "accounts.Organisation", verbose_name="保险公司", on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("投诉内容", max_length=1000)
    status = models.CharField("状态", max_length=20, choices=ComplaintStatus.choices)
    filed_by = models.ForeignKey(
        USER, verbose_name="投诉人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("投诉时间", default=timezone.now)
    due_on = models.DateField("答复期限")
    extended = models.BooleanField("已延期", default=False)
    extension_reason = models.CharField("延期原因", max_length=500, blank=True)
    answer = models.TextField("答复内容", max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name="答复人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_org = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="答复机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉"
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["service_org", "status", "-filed_at"], name="complaint_org_idx"),
            models.Index(fields=["insurer", "status", "-filed_at"], name="complaint_insurer_idx"),
            models.Index(fields=["enterprise", "-filed_at"], name="complaint_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return self.content[:30]

    @property
    def is_overdue(self) -> bool:
        return self.status == ComplaintStatus.OPEN and self.due_on < timezone.localdate()

    @property
    def status_tone(self) -> str:
        if self.is_overdue:
            return "danger"
        return "success" if self.status == ComplaintStatus.ANSWERED else "warning"


# --- 事故预防服务费台账 ---------------------------------------------------------------------------------------------
class AppendOnly(Archived):
    """A ledger row: written once, never changed nor deleted (a mistake is corrected by a new row)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ArchivedError(f"{self._meta.verbose_name}只能新增，不能修改")
        super().save(*args, **kwargs)


class FeeEntryKind(models.TextChoices):
    COST = "cost", "服务费用"
    REVERSAL = "reversal", "更正冲销"


class FeeEntry(AppendOnly):
    """One line of a policy's 事故预防服务费台账, written by ``ledger.book`` in the transaction of the
    enterprise's confirmation: the record's cost, and — when the record corrects an earlier one — the
    reversal of what that earlier one had booked. What a policy spent is the sum of its lines."""

    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="fee_entries"
    )
    record = models.ForeignKey(
        ServiceRecord, verbose_name="服务记录", on_delete=models.PROTECT, related_name="fee_entries"
    )
    item = models.ForeignKey(
        "basedata.ServiceItem", verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=20, choices=FeeEntryKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)  # a reversal is negative
    booked_by = models.ForeignKey(
        USER, verbose_name="记账人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField("记账时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "服务费台账"
        ordering = ["booked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=FeeEntryKind.COST) & Q(amount__gte=0))
                | (Q(kind=FeeEntryKind.REVERSAL) & Q(amount__lte=0)),
                name="fee_entry_sign_follows_kind",
            ),
        ]
        indexes = [
            # A policy's spending per item (its ledger), and the regulator's spending by month.
            models.Index(fields=["policy", "item"], name="fee_entry_policy_idx"),
            models.Index(fields=["booked_at"], name="fee_entry_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class FeeOverrun(AppendOnly):
    """超支批准: the insurer lets a policy's services cost up to ``amount`` more than its prevention fee, with a
    reason (``ledger.overrun_grant``). Grants add up; none is ever withdrawn or changed."""

    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="fee_overruns"
    )
    amount = models.DecimalField(
        "批准超支金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.CharField("批准理由", max_length=500)
    granted_by = models.ForeignKey(
        USER, verbose_name="批准人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField("批准时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "服务费超支批准"
        ordering = ["granted_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fee_overrun_positive")]
        indexes = [models.Index(fields=["policy", "granted_at"], name="fee_overrun_policy_idx")]

    def __str__(self) -> str:
        return f"{self.policy_id} +{self.amount}"
