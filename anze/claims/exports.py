"""The Excel export of a claim list (every side's, with its filters and tab), values as displayed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from anze.core.exports import too_many_rows, xlsx_response
from anze.core.views import done

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


def claim_export(request: HttpRequest, claims: QuerySet[Claim], back: str) -> HttpResponseBase:
    """The list as 理赔案件.xlsx, or the refusal of more than one sheet."""
    if message := too_many_rows(claims):
        return done(request, message, f"{back}?{request.GET.urlencode()}", error=True)
    return xlsx_response("理赔案件", HEADERS, _rows(claims), widths=WIDTHS)
