"""The insurance application (投保订单 / 申请) and its timeline. States change only in ``workflow.py``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anze.audit.models import TimelineEvent


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    AWAITING_QUOTE = "awaiting_quote", "待报价"
    AWAITING_CONFIRMATION = "awaiting_confirmation", "待确认报价"
    AWAITING_PAYMENT_NOTICE = "awaiting_payment_notice", "待上传付款通知书"
    AWAITING_PAYMENT = "awaiting_payment", "待支付"
    AWAITING_PAYMENT_REVIEW = "awaiting_payment_review", "待支付审核"
    AWAITING_ISSUE = "awaiting_issue", "待出函"
    ISSUED = "issued", "已出函"
    CANCELLED = "cancelled", "已取消"


# Element tag colour of each state (docs/spec/UI.md): waiting for the insurer → warning, for the enterprise → primary.
STATUS_TONE: dict[str, str] = {
    OrderStatus.DRAFT: "info",
    OrderStatus.AWAITING_QUOTE: "warning",
    OrderStatus.AWAITING_CONFIRMATION: "primary",
    OrderStatus.AWAITING_PAYMENT_NOTICE: "warning",
    OrderStatus.AWAITING_PAYMENT: "primary",
    OrderStatus.AWAITING_PAYMENT_REVIEW: "warning",
    OrderStatus.AWAITING_ISSUE: "warning",
    OrderStatus.ISSUED: "success",
    OrderStatus.CANCELLED: "info",
}

# The states an insurer's list shows (a draft is the enterprise's own until submitted).
INSURER_STATUSES: tuple[str, ...] = tuple(s for s in OrderStatus.values if s != OrderStatus.DRAFT)


class OrderType(models.TextChoices):
    ONLINE = "online", "线上订单"
    OFFLINE = "offline", "线下订单"


MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Order(models.Model):
    application_no = models.CharField("申请编号", max_length=18, unique=True)
    order_type = models.CharField("订单类型", max_length=10, choices=OrderType.choices)
    status = models.CharField("状态", max_length=30, choices=OrderStatus.choices)
    insurer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="保险公司",
        on_delete=models.PROTECT,
        related_name="insurer_orders",
    )
    # The enterprise's account on the platform. Empty for an offline order of an enterprise that has not
    # registered; the applicant fields below always carry who it is.
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="投保企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_orders",
    )

    # 投保人信息 (a snapshot at application time: the order keeps what was applied for)
    applicant_name = models.CharField("投保人", max_length=100)
    applicant_credit_code = models.CharField("统一社会信用代码", max_length=18)
    contact_name = models.CharField("投保联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=11)
    # 项目信息
    project_name = models.CharField("项目名称", max_length=100)
    project_address = models.CharField("项目地址", max_length=200, blank=True)
    industry = models.ForeignKey(
        "basedata.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "basedata.Region",
        verbose_name="所在区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    headcount = models.PositiveIntegerField("参保人数", null=True, blank=True)
    expected_start = models.DateField("期望保险起期", null=True, blank=True)
    expected_end = models.DateField("期望保险止期", null=True, blank=True)
    intended_items = models.ManyToManyField(
        "basedata.ServiceItem", verbose_name="意向服务项目", blank=True, related_name="+"
    )
    remark = models.CharField("备注", max_length=500, blank=True)

    # 投保资料
    business_licence = models.ForeignKey(
        "documents.Document",
        verbose_name="营业执照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_id = models.ForeignKey(
        "documents.Document",
        verbose_name="法人身份证",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # 保险方案: empty until quoted (shown as 待报价, never NaN)
    aggregate_limit = models.DecimalField("累积赔偿限额（元）", null=True, blank=True, **MONEY)
    per_accident_limit = models.DecimalField("每次事故赔偿限额（元）", null=True, blank=True, **MONEY)
    per_person_injury_limit = models.DecimalField("每人伤亡责任限额（元）", null=True, blank=True, **MONEY)
    per_person_medical_limit = models.DecimalField("每人医疗责任限额（元）", null=True, blank=True, **MONEY)
    premium = models.DecimalField("保费（元）", null=True, blank=True, **MONEY)
    prevention_fee = models.DecimalField("事故预防服务费（元）", null=True, blank=True, **MONEY)
    period_start = models.DateField("保险期间起", null=True, blank=True)
    period_end = models.DateField("保险期间止", null=True, blank=True)

    # 付款
    payment_notice = models.ForeignKey(
        "documents.Document",
        verbose_name="付款通知书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_voucher = models.ForeignKey(
        "documents.Document",
        verbose_name="付款凭证",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # 出函
    policy_no = models.CharField("保单编号", max_length=50, blank=True)
    policy_file = models.ForeignKey(
        "documents.Document",
        verbose_name="保单文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invoice_file = models.ForeignKey(
        "documents.Document",
        verbose_name="发票文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contract_file = models.ForeignKey(
        "documents.Document",
        verbose_name="合同文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    last_reason = models.CharField(
        "最近一次退回原因",
        max_length=500,
        blank=True,
        help_text="拒绝报价、支付驳回或取消的原因，显示给需要处理的一方",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    submitted_at = models.DateTimeField("申请时间", null=True, blank=True)
    quoted_at = models.DateTimeField("报价时间", null=True, blank=True)
    issued_at = models.DateTimeField("出函时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "投保订单"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "policy_no"],
                condition=~Q(policy_no=""),
                name="order_policy_no_unique_per_insurer",
            ),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="order_submitted_has_time",
            ),
            # With the one above: submitted ⟺ not a draft. The insurer's list filters on ``submitted_at`` (a
            # column of its indexes) instead of ``status <> 'draft'``, so that every page is read from the
            # index alone.
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.DRAFT) | Q(submitted_at__isnull=True),
                name="order_draft_not_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.ISSUED) | ~Q(policy_no=""),
                name="order_issued_has_policy_no",
            ),
        ]
        indexes = [
            # The insurer's list: per status tab and "全部", newest first, keyset-friendly. ``contact_phone`` last:
            # a tab under a 联系电话 prefix most orders share is counted and paged along it from the index alone
            # (10,001 已取消 rows read for their telephone took 18 ms at 1M orders, docs/BENCH.md).
            models.Index(
                fields=["insurer", "status", "-submitted_at", "-id", "contact_phone"],
                name="order_insurer_status_idx",
            ),
            models.Index(fields=["insurer", "-submitted_at", "-id"], name="order_insurer_time_idx"),
            # 订单类型 filter: ``status`` last so that the tab counts and the pages are read from the index alone.
            models.Index(
                fields=["insurer", "order_type", "-submitted_at", "-id", "status"],
                name="order_insurer_type_idx",
            ),
            models.Index(fields=["insurer", "applicant_credit_code"], name="order_insurer_credit_idx"),
            # 联系电话: ``status`` and ``submitted_at`` too, so that a prefix most orders share ("1") is counted per
            # state from the index alone (10,001 matches read from their rows took 25 ms, docs/BENCH.md).
            models.Index(
                fields=["insurer", "contact_phone", "status", "submitted_at"], name="order_insurer_phone_idx"
            ),
            # The enterprise's 我的订单.
            models.Index(fields=["enterprise", "status", "-created_at"], name="order_enterprise_idx"),
            models.Index(fields=["enterprise", "-created_at", "-id"], name="order_enterprise_time_idx"),
            models.Index(fields=["applicant_credit_code", "status"], name="order_credit_status_idx"),
            # The regulator's views across insurers.
            models.Index(fields=["status", "-submitted_at"], name="order_status_time_idx"),
            # Their 订单查询, walked in list order whatever the region holds (``regulator.selectors``): a
            # county's by its region, a city's along time with the region and state tested from the index.
            models.Index(fields=["region", "-submitted_at", "-id", "status"], name="order_region_time_idx"),
            models.Index(fields=["-submitted_at", "-id", "status", "region"], name="order_time_idx"),
        ]

    def __str__(self) -> str:
        return self.application_no

    @property
    def policy(self) -> Any:
        """The order's live policy (``anze.policies``: in force or surrendered, never a reversed one), or None
        before 出函 and after a 冲正 until it is issued again. A list that shows it prefetches
        ``live_policies`` (``anze.policies.scopes.with_live_policy``) instead of one query per row."""
        if hasattr(self, "live_policies"):
            return self.live_policies[0] if self.live_policies else None
        if self.pk is None:
            return None
        return self.policies.live().first()  # type: ignore[attr-defined]

    @property
    def is_quoted(self) -> bool:
        return self.premium is not None

    @property
    def status_tone(self) -> str:
        return STATUS_TONE.get(self.status, "info")


class StateCounts(models.Model):
    """How many orders are in each insurer state: one column per state, named as the state (the triggers of
    ``orders/counts.py`` are generated from INSURER_STATUSES)."""

    awaiting_quote = models.IntegerField(db_default=0)
    awaiting_confirmation = models.IntegerField(db_default=0)
    awaiting_payment_notice = models.IntegerField(db_default=0)
    awaiting_payment = models.IntegerField(db_default=0)
    awaiting_payment_review = models.IntegerField(db_default=0)
    awaiting_issue = models.IntegerField(db_default=0)
    issued = models.IntegerField(db_default=0)
    cancelled = models.IntegerField(db_default=0)

    class Meta:
        abstract = True


class InsurerOrderCounts(StateCounts):
    """How many submitted orders an insurer has in each state, per order type: the 订单管理 tabs (with or
    without the 订单类型 filter) and the home cards, read from one or two rows instead of counting hundreds of
    thousands of index entries per request.

    Kept exact by database triggers on the orders table, in the transaction of every insert, update and
    delete (``orders/counts.py``) — so also for rows written outside the workflow. Never written from Python.
    """

    insurer = models.ForeignKey(
        "accounts.Organisation", verbose_name="保险公司", on_delete=models.CASCADE, related_name="+"
    )
    order_type = models.CharField("订单类型", max_length=10, choices=OrderType.choices)

    class Meta:
        verbose_name = verbose_name_plural = "订单状态计数"
        constraints = [
            # The triggers' INSERT … ON CONFLICT DO NOTHING / INSERT OR IGNORE rely on it.
            models.UniqueConstraint(fields=["insurer", "order_type"], name="order_counts_unique_row"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.order_type}"


class InsurerGramCounts(StateCounts):
    """``InsurerOrderCounts`` of the orders whose 投保人 or 项目名称 contains one gram — a character or a pair
    of characters (``search.name_grams``): the tabs of a 1–2 character name search. "蓬壶" is in thousands of
    an insurer's orders; counting them per state reads each of those rows, while this reads one or two.

    Kept exact by the same triggers as ``InsurerOrderCounts`` (``orders/counts.py``). Never written from Python.
    """

    insurer = models.ForeignKey(
        "accounts.Organisation", verbose_name="保险公司", on_delete=models.CASCADE, related_name="+"
    )
    order_type = models.CharField("订单类型", max_length=10, choices=OrderType.choices)
    gram = models.CharField("字或词", max_length=2)

    class Meta:
        verbose_name = verbose_name_plural = "名称字词计数"
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "gram", "order_type"], name="order_gram_counts_unique_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.order_type} {self.gram}"


class OrderCountDelta(StateCounts):
    """A change of ``InsurerOrderCounts`` and of ``InsurerGramCounts`` (of each gram of the names) not folded into
    them yet: the triggers of ``orders/counts.py`` insert one such row per write of an order (−1 in the state
    it leaves, +1 in the one it enters) instead of updating the shared counts rows, so concurrent writers never
    wait on one another; ``manage.py fold_counts`` adds them to the counts and deletes them every few seconds,
    and every read adds the ones still here. Insert-only, never written from Python."""

    id = models.BigAutoField(primary_key=True)
    # No foreign key constraint: the write's order row already checked the insurer's row.
    insurer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="保险公司",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    order_type = models.CharField("订单类型", max_length=10, choices=OrderType.choices)
    applicant_name = models.CharField("投保人", max_length=100)
    project_name = models.CharField("项目名称", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "订单计数增量"
        indexes = [models.Index(fields=["insurer"], name="order_count_delta_insurer")]

    def __str__(self) -> str:
        return f"{self.insurer_id} {self.order_type} {self.applicant_name}"


class OrderServiceItem(models.Model):
    """实际服务项目: the contracted number of services of one item on one order."""

    order = models.ForeignKey(
        Order, verbose_name="订单", on_delete=models.CASCADE, related_name="service_counts"
    )
    item = models.ForeignKey(
        "basedata.ServiceItem", verbose_name="服务项目", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField("服务次数")

    class Meta:
        verbose_name = verbose_name_plural = "实际服务项目"
        ordering = ["item__sort", "item_id"]
        constraints = [models.UniqueConstraint(fields=["order", "item"], name="order_service_item_unique")]

    def __str__(self) -> str:
        return f"{self.item} × {self.count}"


class OrderEvent(TimelineEvent):
    """One step of the order's timeline (时间线), written by orders.workflow in the step's transaction."""

    order = models.ForeignKey(Order, verbose_name="订单", on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=30, blank=True, choices=OrderStatus.choices)
    to_status = models.CharField("新状态", max_length=30, choices=OrderStatus.choices)

    class Meta:
        verbose_name = verbose_name_plural = "订单时间线"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at", "id"], name="order_event_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action_label}"

    def log_object(self) -> tuple[models.Model, str]:
        return self.order, f"订单 {self.order.application_no}"

    def change_lines(self) -> list[tuple[str, str, str]]:
        from .presenters import readable_changes

        return [(label, "", value) for label, value in readable_changes(self.changes)]
