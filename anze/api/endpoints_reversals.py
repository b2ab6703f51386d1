"""冲正 through the API: 申请冲正 on a policy and 冲正审核 (通过 / 驳回), calling ``anze.policies.reversal`` as the
screens do. The two-person rule holds for keys too: a key acts as its creator, and the creator of the key that
asked for a 冲正 cannot review it with any key (403)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Path, Query, Status

from anze.core.errors import Refused
from anze.policies import reversal, selectors
from anze.policies.models import PolicyReversal

from . import presenters
from .endpoints import actor_of, api, scoped
from .problems import Problem
from .schemas import ApplicationNo, DecisionIn, ReasonIn, ReversalFilters, ReversalOut, ReversalPage

TAGS = ["冲正"]


def _get(request: HttpRequest, reversal_uuid: UUID) -> PolicyReversal:
    return selectors.reversal_for(user=actor_of(request), reversal_uuid=reversal_uuid)


def _answer(request: HttpRequest, r: PolicyReversal) -> dict[str, Any]:
    return presenters.reversal_out(_get(request, r.uuid), actor_of(request))


@api.post(
    "/policies/{application_no}/reversal",
    response={201: ReversalOut},
    summary="申请冲正",
    tags=TAGS,
    **scoped("policy.reversal_request"),
)
def reversal_request(
    request: HttpRequest, application_no: Path[ApplicationNo], data: ReasonIn
) -> Status[dict[str, Any]]:
    """出函有误的保单申请冲正（须填原因）→ 待审核，由另一位具有冲正审核权限的人员审核。有理赔、批改、服务记录的
    保单不能冲正。"""
    actor = actor_of(request)
    policy = selectors.policy_for(user=actor, application_no=application_no)
    r = reversal.reversal_request(policy=policy, actor=actor, reason=data.reason)
    return Status(201, _answer(request, r))


@api.get(
    "/reversals", response=ReversalPage, summary="冲正申请列表", tags=TAGS, **scoped("policy.reversal_review")
)
def reversal_list(request: HttpRequest, filters: Query[ReversalFilters]) -> dict[str, Any]:
    """冲正审核的列表：状态、保单编号、申请时间筛选，按申请时间倒序，游标分页。"""
    qs, _ = selectors.reversal_list(
        user=actor_of(request),
        filters=filters.model_dump(exclude={"cursor", "limit", "status"}),
        tab=filters.status or "all",
    )
    return presenters.listing(qs, filters.cursor, filters.limit, "requested_at", presenters.reversal_summary)


@api.get(
    "/reversals/{reversal_uuid}",
    response=ReversalOut,
    summary="冲正申请详情",
    tags=TAGS,
    **scoped("policy.reversal_review"),
)
def reversal_detail(request: HttpRequest, reversal_uuid: UUID) -> dict[str, Any]:
    return presenters.reversal_out(_get(request, reversal_uuid), actor_of(request))


@api.post(
    "/reversals/{reversal_uuid}/review",
    response=ReversalOut,
    summary="冲正审核",
    tags=TAGS,
    **scoped("policy.reversal_review"),
)
def reversal_review(request: HttpRequest, reversal_uuid: UUID, data: DecisionIn) -> dict[str, Any]:
    """待审核 → 通过：保单已冲正（保留只读），订单退回待出函，须以新的保单编号重新出函，投保企业收到短信；
    驳回（须填原因）：保单继续有效。申请人本人（其创建的任何密钥）不能审核（403）。"""
    r = _get(request, reversal_uuid)
    actor = actor_of(request)
    try:
        if data.decision == "approve":
            reversal.reversal_approve(reversal=r, actor=actor)
        else:
            reversal.reversal_reject(reversal=r, actor=actor, reason=data.reason)
    except Refused as exc:
        if exc.message == reversal.OWN_REQUEST:  # the two-person rule: who may act, not the request's state
            raise Problem(403, exc.message) from None
        raise
    return _answer(request, r)
