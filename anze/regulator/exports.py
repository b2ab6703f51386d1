"""导出 of the regulator's 保单查询: the policies in the regulator's region with the list's filters (registered
with the 下载中心, which builds it in the request or in the worker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.downloads.registry import ExportKind, register
from anze.policies.models import Policy

from . import selectors
from .forms import PolicySearch
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
