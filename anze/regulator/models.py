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
