"""The Excel export of 批改管理 (insurer) and 批改与退保 (enterprise), with the list's filters and tab, values as
the list shows them: one kind a side, registered with the 下载中心 (``apps.EndorsementsConfig.ready``), which
builds it in the request or, past its size, in the worker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.downloads.registry import ExportKind, register

from . import presenters, selectors
from .forms import EndorsementSearchForm
from .models import Endorsement

HEADERS = [
    "类型",
    "保单编号",
    "申请编号",
    "投保人",
    "项目名称",
    "发起方",
    "批改内容",
    "生效日期",
    "批改保费（元）",
    "退保金额（元）",
    "状态",
    "批单号",
    "申请时间",
    "出批单时间",
]
WIDTHS = [8, 22, 22, 30, 30, 12, 40, 12, 14, 14, 14, 22, 20, 20]
CHUNK = 500


def _select(user: User, params: QueryDict) -> QuerySet[Endorsement]:
    filters = {**EndorsementSearchForm(params).values(), "tab": params.get("tab", "")}
    return selectors.for_export(user=user, filters=filters)


def _rows(endorsements: QuerySet[Endorsement]) -> Iterator[tuple[Any, ...]]:
    chunk: list[Endorsement] = []
    for endorsement in endorsements.iterator(chunk_size=CHUNK):
        chunk.append(endorsement)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk)
            chunk = []
    yield from _chunk_rows(chunk)


def _chunk_rows(chunk: list[Endorsement]) -> Iterator[tuple[Any, ...]]:
    """The rows of a chunk: what each 批改 changes is read for the chunk (the service items' names at once)."""
    for row in presenters.history_rows(chunk):
        e = row.endorsement
        yield (
            e.get_kind_display(),
            e.policy.policy_no,
            e.policy.order.application_no,
            e.policy.order.applicant_name,
            e.policy.order.project_name,
            e.get_origin_display(),
            row.summary,
            e.effective_on,  # dates and amounts stay typed: core.exports formats them
            e.premium_delta if not e.is_surrender else "",
            e.refund_amount if e.is_surrender else "",
            e.get_status_display(),
            e.endorsement_no,
            e.created_at,
            e.endorsed_at,
        )


def _kind(key: str, label: str, permission: str) -> ExportKind:
    return register(
        ExportKind(
            key=key,
            label=label,
            permission=permission,
            headers=HEADERS,
            widths=WIDTHS,
            select=_select,
            rows=_rows,
        )
    )


INSURER_ENDORSEMENTS = _kind("endorsements.insurer", "批改列表", "endorsement.export")
ENTERPRISE_ENDORSEMENTS = _kind("endorsements.enterprise", "我的批改", "portal.endorsement.view")
