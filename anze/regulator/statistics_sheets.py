"""统计分析's 导出: the page's figures, with its filters, as one workbook — 汇总, one sheet per table (保险公司, 区县,
行业, 月份) and the service progress. Read by the same functions as the page (``statistics``, one grouped query
per table), so the workbook and the screen never disagree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import Industry
from anze.core.exports import Sheet

from . import fees, statistics
from .statistics import StatsFilters

CENT = Decimal("0.01")
TABLE_HEADERS = ("保单数", "保费（元）", "事故预防服务费（元）", "已支出（元）", "服务费使用率")


def _money(value: float) -> Decimal:
    """A chart's sum (a float for the chart's script) as the money it is: two decimals."""
    return Decimal(str(value)).quantize(CENT)


def _table(title: str, column: str, rows: list[fees.FeeRow], extra: dict[str, str] | None = None) -> Sheet:
    headers = (column, *TABLE_HEADERS, *(("高危行业",) if extra is not None else ()))
    return Sheet(
        f"按{title.removeprefix('各')}",
        headers,
        [
            (
                row.name,
                row.policies,
                row.premium,
                row.collected,
                row.spent,
                row.rate,
                *((extra.get(row.name, "否"),) if extra is not None else ()),
            )
            for row in rows
        ],
        (16, 10, 16, 18, 14, 12),
    )


def sheets(*, user: User, filters: StatsFilters, today: date | None = None) -> list[Sheet]:
    today = today or timezone.localdate()
    kept = statistics.figures(user=user, filters=filters, today=today)
    summary = statistics.summary(user=user, filters=filters, today=today, kept=kept)
    fee_figures = fees.statistics(user=user, filters=filters, kept=kept)
    total: fees.FeeRow = fee_figures["total"]
    chosen = [
        ("统计起始日期（出函）", filters.start or "不限"),
        ("统计截止日期（出函）", filters.end or "不限"),
        ("保险公司", filters.insurer.name if filters.insurer else "全部"),
        ("区县", filters.region.name if filters.region else "全部"),
        ("行业", filters.industry.name if filters.industry else "全部"),
        ("统计日", today),
        ("保障中保单", summary.policies_in_force),
        (
            "所选期间保费（元）" if filters.has_range else f"{today.year}年保费（元）",
            summary.premium_this_year,
        ),
        ("出函保单数", total.policies),
        ("出函保单保费（元）", total.premium),
        ("参保企业数（保障中）", summary.insured_enterprises),
        ("高危行业应保企业", summary.compulsory_total),
        ("高危行业已投保企业", summary.compulsory_covered),
        ("高危行业投保率", summary.coverage_rate),
        ("高危行业已脱保企业", summary.lapsed),
        ("30天内到期保单", summary.expiring),
        ("办理中订单", summary.orders_in_progress),
        ("服务中保单", summary.services_in_progress),
        ("收取事故预防服务费（元）", total.collected),
        ("已支出（元）", total.spent),
        ("服务费使用率", total.rate),
        ("服务费使用滞后保单", fee_figures["lagging"]),
    ]
    compulsory = dict.fromkeys(
        Industry.objects.filter(is_compulsory=True).values_list("name", flat=True), "是"
    )
    tables = [
        _table(title, column, rows, compulsory if column == "行业" else None)
        for title, column, rows in fee_figures["tables"]
    ]
    months = statistics.by_month(user=user, filters=filters, today=today, kept=kept)
    fee_months = {
        row["month"]: row for row in fees.fees_by_month(user=user, filters=filters, today=today, kept=kept)
    }
    return [
        Sheet("汇总", ("指标", "数值"), chosen, (24, 24)),
        *tables,
        Sheet(
            "按月份",
            ("月份", "出函保单数", "保费（元）", "收取服务费（元）", "服务费支出（元）"),
            [
                (
                    row["month"],
                    row["policies"],
                    _money(row["premium"]),
                    _money(fee_months[row["month"]]["collected"]),
                    _money(fee_months[row["month"]]["spent"]),
                )
                for row in months
            ],
            (10, 12, 16, 16, 16),
        ),
        Sheet(
            "服务进度",
            ("第三方安全服务状态", "保单数"),
            [
                (row["name"], row["value"])
                for row in statistics.by_service_status(user=user, filters=filters, kept=kept)
            ],
            (20, 10),
        ),
    ]
