"""The Excel export of a claim list (every side's, with its filters and tab), values as displayed: one kind a side,
registered with the 下载中心, which builds it in the request or in the worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.core.forms import SearchForm
from anze.downloads.registry import ExportKind, register

from . import selectors
from .forms import ClaimSearchForm, EnterpriseClaimSearchForm, RegulatorClaimSearchForm
from .models import Claim

HEADERS = [
    "报案号",
    "案件号",
    "保单编号",
    "投保人",
    "保险公司",
    "区县",
    "报案方式",
    "报案时间",
    "出险时间",
    "出险地点",
    "事故类型",
    "死亡人数",
    "受伤人数",
    "估损金额（元）",
    "状态",
    "理算金额（元）",
    "赔款金额（元）",
    "支付日期",
    "收款人",
    "结案时间",
    "拒赔/注销原因",
]
WIDTHS = [24, 20, 20, 30, 30, 10, 12, 20, 20, 30, 12, 8, 8, 14, 8, 14, 14, 12, 20, 20, 30]


def _rows(claims: QuerySet[Claim]) -> Iterator[tuple[Any, ...]]:
    for c in claims.iterator(chunk_size=500):
        yield (
            c.report_no,
            c.case_no,
            c.policy_no,
            c.applicant_name,
            c.insurer.name,
            c.region.name if c.region_id else "",
            c.get_channel_display(),
            c.reported_at,  # dates and amounts stay typed: core.exports formats them
            c.accident_at,
            c.accident_place,
            c.get_accident_type_display(),
            c.deaths,
            c.injured,
            c.estimated_loss,
            c.get_status_display(),
            c.adjusted_amount,
            c.paid_amount,
            c.paid_on,
            c.payee,
            c.settled_at,
            c.close_reason,
        )


def _kind(key: str, permission: str, search: Callable[[User, QueryDict], SearchForm]) -> ExportKind:
    def select(user: User, params: QueryDict) -> QuerySet[Claim]:
        filters = {**search(user, params).values(), "tab": params.get("tab", "")}
        return selectors.claims_for_export(user=user, filters=filters)

    return register(
        ExportKind(
            key=key,
            label="理赔案件",
            permission=permission,
            headers=HEADERS,
            widths=WIDTHS,
            select=select,
            rows=_rows,
        )
    )


INSURER_CLAIMS = _kind("claims.insurer", "claim.export", lambda user, params: ClaimSearchForm(params))
ENTERPRISE_CLAIMS = _kind(
    "claims.enterprise", "portal.claim.view", lambda user, params: EnterpriseClaimSearchForm(params)
)
REGULATOR_CLAIMS = _kind(
    "claims.regulator", "regulator.view", lambda user, params: RegulatorClaimSearchForm(params, user=user)
)
