"""The regulator's 高危行业企业名录 (issue 15 §2): the enterprises of the compulsory sectors the bureau knows of,
registered on the platform or not — what 应保尽保 checks for cover."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class RegisteredEnterprise(models.Model):
    """One enterprise of a regulator's register, imported from its Excel file (``register``).

    The register belongs to the regulator's organisation, within its jurisdiction: a county's bureau keeps its
    county's, the city's bureau the city's. An enterprise appears once per register (its 统一社会信用代码, a
    unique constraint): importing again updates it. Its cover is read from the policies of the orders of that
    code (``selectors.search_cover``) — whether or not the enterprise ever signed up on the platform."""

    regulator = models.ForeignKey(
        "accounts.Organisation", verbose_name="监管部门", on_delete=models.PROTECT, related_name="+"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("企业名称", max_length=100)
    industry = models.ForeignKey(
        "basedata.Industry", verbose_name="行业", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "basedata.Region", verbose_name="所在区县", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    created_at = models.DateTimeField("录入时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "高危行业企业名录"
        ordering = ["region__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["regulator", "credit_code"], name="register_unique_credit_code"),
        ]
        indexes = [
            # 应保尽保 and the register's list, filtered by 区县.
            models.Index(fields=["regulator", "region"], name="register_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class StatisticsCell(models.Model):
    """统计分析's figures kept per cell (``regulator/rollup.py``): the policies issued on a day (``grain`` d) or
    in a month (m) — Beijing dates of ``issued_at`` — of one insurer (0: every insurer), 区县 (``Policy.region``;
    0: none) and 行业 (the order's; 0: every industry, -1: none) in one 安全服务 state, with their premium and
    事故预防服务费 in cents. A reversed (冲正) policy counts in none. Written by ``rollup.fold`` alone."""

    grain = models.CharField("粒度", max_length=1)
    period = models.DateField("日期")
    month = models.DateField("月份")
    insurer_id = models.BigIntegerField("保险公司")
    region_id = models.BigIntegerField("区县")
    industry_id = models.BigIntegerField("行业")
    service_status = models.CharField("安全服务状态", max_length=20)
    policies = models.BigIntegerField("保单数", default=0)
    premium = models.BigIntegerField("保费（分）", default=0)
    prevention_fee = models.BigIntegerField("事故预防服务费（分）", default=0)
    # As of ``StatisticsAsOf.day``: the policies in force that day (起期 ≤ day ≤ 止期), and those of them ending
    # within ``selectors.EXPIRING_DAYS`` (止期 ≤ ``StatisticsAsOf.soon``).
    in_force = models.BigIntegerField("保障中保单数", default=0)
    expiring = models.BigIntegerField("即将到期保单数", default=0)
    # As of that day too: the 有效 policies with a 事故预防服务费 started before it and ending within
    # ``rollup.LAGGING_DAYS`` (``StatisticsAsOf.lagging_until``) — 服务费使用滞后 unless their ledger says
    # otherwise (``fees.lagging_count``).
    lagging_due = models.BigIntegerField("待查使用滞后保单数", db_default=0)
    # The orders 办理中 (submitted, neither 已出函 nor 已取消) submitted on that day or month (``period``: the
    # submission's Beijing date, the policies' measures above being 0 on such a cell's deltas).
    orders = models.BigIntegerField("办理中订单数", db_default=0)

    class Meta:
        verbose_name = verbose_name_plural = "统计分析汇总格"
        constraints = [
            # Also the reads' index: one insurer (or all) and one industry (or all, or each), a range of dates.
            models.UniqueConstraint(
                fields=["insurer_id", "industry_id", "grain", "period", "region_id", "service_status"],
                name="statistics_cell_key",
            )
        ]
        indexes = [
            # Each insurer (insurer_id <> 0) within one industry (or all), and each industry within one insurer
            # (or all): the dates' range straight after the one chosen, not after the range of the others (the
            # key's order, and (industry, insurer, grain, period) before, read every cell of every day of the
            # chosen one — 130,000 index entries at a million orders, 20–50 ms a page on PostgreSQL).
            models.Index(fields=["industry_id", "grain", "period"], name="statistics_cell_by_industry"),
            models.Index(fields=["insurer_id", "grain", "period"], name="statistics_cell_by_insurer"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.insurer_id}/{self.region_id}/{self.industry_id}"


class StatisticsDelta(models.Model):
    """A change of ``StatisticsCell`` not folded in yet: the triggers of ``rollup.py`` insert one per write of a
    policy (or of an order's premium, fee or 行业, per policy of the order), −1 for the cell it leaves and +1
    for the one it enters, with the policy's own keys; ``manage.py fold_counts`` adds them to the day and month
    cells (and to the "every insurer / industry" ones) and deletes them, and every read adds those still here.
    Insert-only, never written from Python."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField("出函日")
    month = models.DateField("出函月")
    insurer_id = models.BigIntegerField("保险公司")
    region_id = models.BigIntegerField("区县")
    industry_id = models.BigIntegerField("行业")
    service_status = models.CharField("安全服务状态", max_length=20)
    policies = models.BigIntegerField("保单数")
    premium = models.BigIntegerField("保费（分）")
    prevention_fee = models.BigIntegerField("事故预防服务费（分）")
    # The policy's period, for ``in_force`` and ``expiring`` (None: a recount's sum, which ``rollup.restand``
    # counts instead).
    period_start = models.DateField("保险期间起", null=True)
    period_end = models.DateField("保险期间止", null=True)
    # ±1 when the policy is 有效 (not surrendered) with a 事故预防服务费 (for ``StatisticsCell.lagging_due``).
    active_fee = models.BigIntegerField("有效且有服务费", db_default=0)
    # ±1 for an order entering or leaving 办理中 (the trigger on orders; its policy measures are 0).
    orders = models.BigIntegerField("办理中订单", db_default=0)

    class Meta:
        verbose_name = verbose_name_plural = "统计分析增量"

    def __str__(self) -> str:
        return f"{self.day} {self.insurer_id}/{self.region_id}/{self.industry_id} {self.policies:+d}"


class StatisticsAsOf(models.Model):
    """The day the cells' ``in_force`` and ``expiring`` are counted for (one row): ``rollup.fold`` counts them
    afresh when the day has changed (``rollup.restand``)."""

    day = models.DateField("统计日")
    soon = models.DateField("到期提醒截止日")
    lagging_until = models.DateField("使用滞后截止日（不含）", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "统计分析统计日"

    def __str__(self) -> str:
        return str(self.day)
