"""导出 of the insurer's 保单管理: the list's filters and tab, every page (registered with the 下载中心, which
builds it in the request or in the worker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.downloads.registry import ExportKind, register

from . import selectors
from .forms import PolicySearchForm
from .models import Policy


def _select(user: User, params: QueryDict) -> QuerySet[Policy]:
    filters = {**PolicySearchForm(params).values(), "tab": params.get("tab", "")}
    return selectors.insurer_policies_for_export(user=user, filters=filters)


def _rows(policies: QuerySet[Policy]) -> Iterator[tuple[Any, ...]]:
    return (
        (
            p.order.application_no,
            p.policy_no,
            p.order.project_name,
            p.order.applicant_name,
            p.order.premium,
            p.issued_at,  # dates and amounts stay typed: core.exports formats them
            p.period_start,
            p.period_end,
            p.service_org.name if p.service_org else "",
            p.get_service_status_display(),
        )
        for p in policies.iterator(chunk_size=500)
    )


INSURER_POLICIES = register(
    ExportKind(
        key="policies.insurer",
        label="保单列表",
        permission="policy.export",
        headers=[
            "申请编号",
            "保单编号",
            "项目名称",
            "投保人",
            "保费（元）",
            "出函时间",
            "保险起期",
            "保险止期",
            "第三方安全服务机构",
            "安全服务状态",
        ],
        widths=[22, 22, 30, 30, 14, 20, 12, 12, 30, 14],
        select=_select,
        rows=_rows,
    )
)
