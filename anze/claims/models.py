"""理赔 (issue 14 §4): a claim reported on a policy, handled by its insurer from 受理 to 结案, 拒赔 or 注销.

    报案 (enterprise, or the insurer's clerk for a phone report) ─▶ 待受理 ─受理─▶ 待立案 ─立案 (案件号)─▶ 待查勘
    ─查勘─▶ 待理算 ─理算 (per person lines, within the limits)─▶ 待结案 ─结案 (赔款, 支付日期, 收款人)─▶ 已结案
    拒赔 (with reason) from 待查勘 / 待理算 / 待结案;  注销 (with reason) from any open state.

Statuses change only in ``workflow.py`` (the ``CLAIM`` machine). A claim is an archive: never deleted (every
foreign key to it is PROTECT and no view deletes one); its 理算 lines are replaced by a new 理算 until 结案.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anze.audit.models import TimelineEvent

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class ClaimStatus(models.TextChoices):
    """Named by what the claim waits for, as the order's states are (待报价 …)."""

    REPORTED = "reported", "待受理"
    ACCEPTED = "accepted", "待立案"
    REGISTERED = "registered", "待查勘"
    SURVEYED = "surveyed", "待理算"
    ADJUSTED = "adjusted", "待结案"
    SETTLED = "settled", "已结案"
    DECLINED = "declined", "已拒赔"
    CANCELLED = "cancelled", "已注销"


OPEN_STATUSES: tuple[str, ...] = (
    ClaimStatus.REPORTED,
    ClaimStatus.ACCEPTED,
    ClaimStatus.REGISTERED,
    ClaimStatus.SURVEYED,
    ClaimStatus.ADJUSTED,
)
# Element tag colours (docs/spec/UI.md): waiting for the insurer → warning, paid → success, 拒赔 → danger,
# 注销 → info.
STATUS_TONE: dict[str, str] = {
    **dict.fromkeys(OPEN_STATUSES, "warning"),
    ClaimStatus.SETTLED: "success",
    ClaimStatus.DECLINED: "danger",
    ClaimStatus.CANCELLED: "info",
}


class AccidentType(models.TextChoices):
    """The 20 accident categories of GB 6441-86《企业职工伤亡事故分类》."""

    OBJECT_STRIKE = "object_strike", "物体打击"
    VEHICLE = "vehicle", "车辆伤害"
    MACHINERY = "machinery", "机械伤害"
    LIFTING = "lifting", "起重伤害"
    ELECTRIC_SHOCK = "electric_shock", "触电"
    DROWNING = "drowning", "淹溺"
    BURN = "burn", "灼烫"
    FIRE = "fire", "火灾"
    FALL = "fall", "高处坠落"
    COLLAPSE = "collapse", "坍塌"
    ROOF_FALL = "roof_fall", "冒顶片帮"
    WATER_INRUSH = "water_inrush", "透水"
    BLASTING = "blasting", "放炮"
    GUNPOWDER = "gunpowder", "火药爆炸"
    GAS = "gas", "瓦斯爆炸"
    BOILER = "boiler", "锅炉爆炸"
    VESSEL = "vessel", "容器爆炸"
    OTHER_EXPLOSION = "other_explosion", "其他爆炸"
    POISONING = "poisoning", "中毒和窒息"
    OTHER = "other", "其他伤害"


class ReportChannel(models.TextChoices):
    ONLINE = "online", "企业端报案"
    PHONE = "phone", "电话报案"


class Claim(models.Model):
    report_no = models.CharField("报案号", max_length=20, unique=True)
    policy = models.ForeignKey(
        "policies.Policy", verbose_name="保单", on_delete=models.PROTECT, related_name="claims"
    )
    # Copied from the policy and its order at 报案: each side's list, the regulator's scope and the statistics
    # read one indexed table.
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
    policy_no = models.CharField("保单编号", max_length=50)
    applicant_name = models.CharField("投保人", max_length=100)
    region = models.ForeignKey(
        "basedata.Region",
        verbose_name="所在区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "basedata.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("报案方式", max_length=10, choices=ReportChannel.choices)
    status = models.CharField("状态", max_length=20, choices=ClaimStatus.choices)

    # 报案
    accident_at = models.DateTimeField("出险时间")
    accident_place = models.CharField("出险地点", max_length=200)
    accident_type = models.CharField("事故类型", max_length=30, choices=AccidentType.choices)
    description = models.TextField("事故经过", max_length=2000)
    deaths = models.PositiveIntegerField("死亡人数", default=0)
    injured = models.PositiveIntegerField("受伤人数", default=0)
    estimated_loss = models.DecimalField("估损金额（元）", **MONEY)
    reporter_name = models.CharField("报案人", max_length=30)
    reporter_phone = models.CharField("报案人电话", max_length=11)
    reported_by = models.ForeignKey(
        USER, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报案时间", default=timezone.now)

    # 受理 · 立案 · 查勘
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    case_no = models.CharField("案件号", max_length=50, blank=True)
    registered_at = models.DateTimeField("立案时间", null=True, blank=True)
    survey_notes = models.TextField("查勘意见", max_length=2000, blank=True)
    surveyed_at = models.DateTimeField("查勘时间", null=True, blank=True)

    # 理算 · 结案
    adjusted_amount = models.DecimalField("理算金额（元）", null=True, blank=True, **MONEY)
    adjusted_at = models.DateTimeField("理算时间", null=True, blank=True)
    paid_amount = models.DecimalField("赔款金额（元）", null=True, blank=True, **MONEY)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    payee = models.CharField("收款人", max_length=100, blank=True)
    settled_at = models.DateTimeField("结案时间", null=True, blank=True)

    # 拒赔 · 注销
    close_reason = models.CharField("拒赔/注销原因", max_length=500, blank=True)
    closed_at = models.DateTimeField("拒赔/注销时间", null=True, blank=True)

    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "理赔案件"
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "case_no"],
                condition=~Q(case_no=""),
                name="claim_case_no_unique_per_insurer",
            ),
            # 立案 gives the case number: every state after it has one (注销 may come before it).
            models.CheckConstraint(
                condition=Q(status__in=["reported", "accepted", "cancelled"]) | ~Q(case_no=""),
                name="claim_registered_has_case_no",
            ),
            models.CheckConstraint(
                condition=~Q(status="settled") | (Q(paid_amount__isnull=False) & Q(settled_at__isnull=False)),
                name="claim_settled_has_payment",
            ),
        ]
        indexes = [
            # 理赔管理: per status tab and 全部, newest report first.
            models.Index(
                fields=["insurer", "status", "-reported_at", "-id"], name="claim_insurer_status_idx"
            ),
            models.Index(fields=["insurer", "-reported_at", "-id"], name="claim_insurer_time_idx"),
            # 理赔管理's 保单号 and 案件号 filters (prefix ranges within the insurer).
            models.Index(fields=["insurer", "policy_no"], name="claim_insurer_policy_no_idx"),
            models.Index(fields=["insurer", "case_no"], name="claim_insurer_case_no_idx"),
            # 我的理赔.
            models.Index(fields=["enterprise", "status", "-reported_at", "-id"], name="claim_enterprise_idx"),
            # The limits (paid on the policy) and the 冲正 blocker.
            models.Index(fields=["policy", "status"], name="claim_policy_status_idx"),
            # The regulator's list (by region) and statistics (by the day of each step).
            models.Index(fields=["region", "-reported_at", "-id"], name="claim_region_time_idx"),
            models.Index(fields=["-reported_at", "-id"], name="claim_time_idx"),
            models.Index(fields=["industry", "-reported_at"], name="claim_industry_time_idx"),
            models.Index(fields=["registered_at"], name="claim_registered_idx"),
            models.Index(fields=["status", "settled_at"], name="claim_settled_idx"),
        ]

    def __str__(self) -> str:
        return self.report_no

    @property
    def status_tone(self) -> str:
        return STATUS_TONE.get(self.status, "info")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ClaimPerson(models.Model):
    """One person of a 理算: death and disability within 每人伤亡责任限额, medical costs within 每人医疗责任限额."""

    claim = models.ForeignKey(Claim, verbose_name="理赔案件", on_delete=models.CASCADE, related_name="people")
    sort = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("姓名", max_length=30)
    death_disability = models.DecimalField("死亡伤残赔款（元）", **MONEY)
    medical = models.DecimalField("医疗费用赔款（元）", **MONEY)

    class Meta:
        verbose_name = verbose_name_plural = "理算明细"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def total(self) -> Decimal:
        return self.death_disability + self.medical


class ClaimFileStage(models.TextChoices):
    REPORT = "report", "报案材料"
    SURVEY = "survey", "查勘材料"


class ClaimFile(models.Model):
    """A photo or PDF of a claim (报案 or 查勘), stored as a ``documents.Document``."""

    claim = models.ForeignKey(Claim, verbose_name="理赔案件", on_delete=models.PROTECT, related_name="files")
    document = models.OneToOneField(
        "documents.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField("环节", max_length=10, choices=ClaimFileStage.choices)
    caption = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "理赔材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or str(self.document)


class ClaimEvent(TimelineEvent):
    """One step of a claim's timeline (and its 操作日志 entry), written only by ``workflow``."""

    claim = models.ForeignKey(Claim, verbose_name="理赔案件", on_delete=models.PROTECT, related_name="events")

    CHANGE_LABELS = {
        "channel": "报案方式",
        "case_no": "案件号",
        "adjusted_amount": "理算金额（元）",
        "people": "理算人数",
        "paid_amount": "赔款金额（元）",
        "paid_on": "支付日期",
        "payee": "收款人",
        "files": "材料",
    }

    class Meta:
        verbose_name = verbose_name_plural = "理赔时间线"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at", "id"], name="claim_event_claim_idx")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.action_label}"

    def log_object(self) -> tuple[models.Model, str]:
        return self.claim, f"理赔案件 {self.claim.report_no}"

    def status_label(self, status: str) -> str:
        return str(dict(ClaimStatus.choices).get(status, status))
