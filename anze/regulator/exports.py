"""导出 of the regulator's 保单查询 (the policies in the regulator's region with the list's filters) and of its
服务费使用滞后 list, registered with the 下载中心, which builds them in the request or in the worker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from anze.accounts.models import User
from anze.downloads.registry import ExportKind, register
from anze.policies.models import Policy

from . import fees, selectors
from .forms import LaggingSearch, PolicySearch
from .selectors import Standing


def _select(user: User, params: QueryDict) -> QuerySet[Policy]:
    return selectors.search_policies(user=user, filters=PolicySearch(params, user=user).values())


def _rows(policies: QuerySet[Policy]) -> Iterator[tuple[Any, ...]]:
    return (
        (
            p.policy_no,
            p.order.application_no,
            p.insurer.name,
            p.order.applicant_name,
            p.order.region.name if p.order.region else "",
            p.period_start,  # dates and amounts stay typed: core.exports formats them
            p.period_end,
            p.order.premium,
            Standing.LABELS[selectors.standing_of(p)],
            p.get_service_status_display(),
            p.service_org.name if p.service_org else "",
        )
        for p in policies.iterator(chunk_size=500)
    )


REGULATOR_POLICIES = register(
    ExportKind(
        key="regulator.policies",
        label="保单统计",
        permission="regulator.view",
        headers=[
            "保单编号",
            "申请编号",
            "保险公司",
            "投保人",
            "区县",
            "保险起期",
            "保险止期",
            "保费（元）",
            "保障状态",
            "安全服务",
            "服务机构",
        ],
        widths=[20, 22, 36, 34, 10, 12, 12, 14, 10, 10, 30],
        select=_select,
        rows=_rows,
    )
)


def _select_lagging(user: User, params: QueryDict) -> QuerySet[Policy]:
    search = LaggingSearch(params or None, user=user)
    return fees.search_lagging(user=user, filters=search.filters(), q=search.keyword())


def _lagging_rows(policies: QuerySet[Policy]) -> Iterator[tuple[Any, ...]]:
    today = timezone.localdate()
    for policy in policies.iterator(chunk_size=500):
        row = fees.LaggingRow(policy, today)
        yield (
            policy.policy_no,
            policy.order.application_no,
            policy.insurer.name,
            policy.order.applicant_name,
            policy.order.region.name if policy.order.region else "",
            policy.order.industry.name if policy.order.industry else "",
            policy.period_start,  # dates and amounts stay typed: core.exports formats them
            policy.period_end,
            row.days_left,
            row.fee,
            row.spent,
            row.used,
            row.elapsed,
            policy.service_org.name if policy.service_org else "",
        )


FEE_LAGGING = register(
    ExportKind(
        key="regulator.fee_lagging",
        label="服务费使用滞后保单",
        permission="regulator.stats",
        headers=[
            "保单编号",
            "申请编号",
            "保险公司",
            "投保人",
            "区县",
            "行业",
            "保险起期",
            "保险止期",
            "剩余天数",
            "事故预防服务费（元）",
            "已支出（元）",
            "使用率",
            "保险期间已过",
            "服务机构",
        ],
        widths=[20, 22, 30, 30, 10, 12, 12, 12, 10, 18, 14, 10, 12, 30],
        select=_select_lagging,
        rows=_lagging_rows,
    )
)
