"""Base data (基础数据): values the platform operator maintains, never hard-coded in the workflow."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "区县"


class Region(models.Model):
    """An administrative division (GB/T 2260 code). Regulators are scoped to one; enterprises sit in a county."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("级别", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code prefix shared by this region and everything inside it (350500 → 3505)."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.CITY:
            return self.code[:4]
        return self.code

    @property
    def full_name(self) -> str:
        names = [self.name]
        parent = self.parent
        while parent is not None:
            names.append(parent.name)
            parent = parent.parent
        return "".join(reversed(names))


class Industry(models.Model):
    """An enterprise's sector. Compulsory sectors (应保尽保) must carry the insurance."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("行业名称", max_length=50, unique=True)
    is_compulsory = models.BooleanField("高危行业（应保尽保）", default=False)
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "行业"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceItemQuerySet(models.QuerySet["ServiceItem"]):
    def active(self) -> ServiceItemQuerySet:
        return self.filter(is_active=True)


class ServiceItem(models.Model):
    """An accident-prevention service item (事故预防服务项目). Renamed, reordered or retired by the platform."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("服务项目名称", max_length=60, unique=True)
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # 事故预防服务费台账 (anze.prevention.ledger): what one service of the item costs by default — the service
    # organisation's record starts from it, and a policy's plan per item is its contracted count × this price.
    unit_price = models.DecimalField(
        "单价（元/次）",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "服务项目"
        ordering = ["sort", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="service_item_unit_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegionalRule(models.Model):
    """Limits a region sets on quotes (实施办法 art. 15 and local rules). ``region`` empty = the default rule.

    The rule of an enterprise's county applies if there is one, else its city's, its province's, then the
    default: see ``anze.basedata.selectors.rule_for_region``.
    """

    region = models.OneToOneField(
        Region, verbose_name="适用地区", null=True, blank=True, on_delete=models.CASCADE, related_name="rule"
    )
    min_per_person_injury_limit = models.DecimalField(
        "每人伤亡责任限额下限（元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_fee_ratio = models.DecimalField(
        "事故预防服务费占保费比例下限（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    max_fee_ratio = models.DecimalField(
        "事故预防服务费占保费比例上限（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    # 理赔 (anze.claims): an accident may be reported up to this many days after the policy period ends.
    # Inherited like the limits above (``selectors.claim_report_window``); the default rule holds 30.
    claim_report_days = models.PositiveSmallIntegerField(
        "报案时限（天）",
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text="保险期间届满后仍可报案的天数",
    )
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "地区投保规则"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_fee_ratio__isnull=True)
                | models.Q(max_fee_ratio__isnull=True)
                | models.Q(min_fee_ratio__lte=models.F("max_fee_ratio")),
                name="regional_rule_ratio_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region or '默认'}投保规则"
