"""导出 of the insurer's 保单管理 (the list's filters and tab, every page) and of its 冲正审核, registered with the
下载中心, which builds them in the request or in the worker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.downloads.registry import ExportKind, register

from . import reversal, selectors
from .forms import PolicySearchForm, ReversalSearchForm
from .models import Policy, PolicyReversal


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
            p.get_status_display(),  # 有效 / 已冲正 / 已退保
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
            "保单状态",
        ],
        widths=[22, 22, 30, 30, 14, 20, 12, 12, 30, 14, 10],
        select=_select,
        rows=_rows,
    )
)


def _select_reversals(user: User, params: QueryDict) -> QuerySet[PolicyReversal]:
    tab = selectors.reversal_tab(params.get("status"))
    reversals, _ = selectors.reversal_list(user=user, filters=ReversalSearchForm(params).values(), tab=tab)
    return reversals


def _reversal_rows(reversals: QuerySet[PolicyReversal]) -> Iterator[tuple[Any, ...]]:
    return (
        (
            r.policy.policy_no,
            r.policy.order.application_no,
            r.policy.order.applicant_name,
            r.policy.order.get_order_type_display(),
            r.policy.issued_at,  # dates and amounts stay typed: core.exports formats them
            r.reason,
            r.requested_by.name,
            r.requested_at,
            r.get_status_display(),
            r.reviewed_by.name if r.reviewed_by else "",
            r.reviewed_at,
            r.review_reason,
        )
        for r in reversals.iterator(chunk_size=500)
    )


REVERSALS = register(
    ExportKind(
        key="policies.reversals",
        label="冲正记录",
        permission=reversal.REVIEW,
        headers=[
            "保单编号",
            "申请编号",
            "投保人",
            "订单类型",
            "出函时间",
            "冲正原因",
            "申请人",
            "申请时间",
            "审核状态",
            "审核人",
            "审核时间",
            "驳回原因",
        ],
        widths=[20, 22, 30, 10, 20, 36, 10, 20, 10, 10, 20, 30],
        select=_select_reversals,
        rows=_reversal_rows,
    )
)
