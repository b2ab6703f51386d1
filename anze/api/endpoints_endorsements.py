"""批改 and 退保 through the API: the insurer's requests listed and read as 批改管理 shows them, 发起批改 on a
policy, and every step of the screens — each calling the function of ``anze.endorsements.workflow`` (批改) or
``surrenders`` (退保) that the screen's view calls, with the view's permission as the key's scope."""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Path, Query, Status, UploadedFile

from anze.core.errors import Refused
from anze.documents.responses import document_among, document_response
from anze.endorsements import changes, selectors, surrenders, workflow
from anze.endorsements.models import Endorsement, EndorsementKind

from . import presenters
from .endpoints import actor_of, api, scoped, service_ids
from .problems import Problem
from .schemas import (
    AdjustIn,
    ApplicationNo,
    ChangeIn,
    DecisionIn,
    EndorsementFilters,
    EndorsementIssueIn,
    EndorsementOut,
    EndorsementPage,
    SurrenderReviewIn,
)

TAGS = ["批改与退保"]


def _get(request: HttpRequest, endorsement_uuid: UUID) -> Endorsement:
    return selectors.endorsement_for(user=actor_of(request), endorsement_uuid=endorsement_uuid)


def _change(request: HttpRequest, endorsement_uuid: UUID, label: str) -> Endorsement:
    """The insurer's 批改 (a 退保 has only its own 退保审核)."""
    endorsement = _get(request, endorsement_uuid)
    if endorsement.kind != EndorsementKind.CHANGE:
        raise Problem(409, f"该申请为退保申请，不能{label}；退保请使用 退保审核（surrender-review）")
    return endorsement


def _answer(request: HttpRequest, endorsement: Endorsement) -> dict[str, Any]:
    return presenters.endorsement_out(_get(request, endorsement.uuid), actor_of(request))


# --- reads ----------------------------------------------------------------------------------------------------
@api.get(
    "/endorsements",
    response=EndorsementPage,
    summary="批改与退保列表",
    tags=TAGS,
    **scoped("endorsement.view"),
)
def endorsement_list(request: HttpRequest, filters: Query[EndorsementFilters]) -> dict[str, Any]:
    """批改管理的列表：同样的筛选条件（类型、状态、保单编号、投保人/项目、申请时间），按申请时间倒序，游标分页。"""
    values = filters.model_dump(exclude={"cursor", "limit", "status"})
    qs = selectors.search(selectors.endorsements_for(user=actor_of(request)), values)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.select_related("policy__order").order_by(*selectors.ORDERING)
    return presenters.listing(qs, filters.cursor, filters.limit, "created_at", presenters.endorsement_summary)


@api.get(
    "/endorsements/{endorsement_uuid}",
    response=EndorsementOut,
    summary="批改或退保详情",
    tags=TAGS,
    **scoped("endorsement.view"),
)
def endorsement_detail(request: HttpRequest, endorsement_uuid: UUID) -> dict[str, Any]:
    """批改前后的值、金额与算式、文件（证明材料、付款通知书、付款凭证、批单）与该密钥现在可执行的操作。"""
    return presenters.endorsement_out(_get(request, endorsement_uuid), actor_of(request))


@api.get(
    "/endorsements/{endorsement_uuid}/files/{file_uuid}",
    summary="下载批改或退保文件",
    tags=TAGS,
    url_name="endorsement_file",
    response={200: None},
    **scoped("endorsement.view"),
)
def endorsement_file(request: HttpRequest, endorsement_uuid: UUID, file_uuid: UUID) -> HttpResponseBase:
    endorsement = _get(request, endorsement_uuid)
    documents = selectors.documents_of(endorsement, selectors.events_of(endorsement))
    return document_response(request, document_among([d for _, d in documents], file_uuid))


# --- 发起批改 ----------------------------------------------------------------------------------------------------
@api.post(
    "/policies/{application_no}/endorsements",
    response={201: EndorsementOut},
    summary="发起批改",
    tags=TAGS,
    **scoped("endorsement.start"),
)
def endorsement_start(
    request: HttpRequest, application_no: Path[ApplicationNo], data: ChangeIn
) -> Status[dict[str, Any]]:
    """保单管理 › 批改：只给出变化的值（参保人数、项目、联系人、服务次数），其余不变 → 待审核；批改保费按日计算，
    投保企业收到短信。与页面相同的校验（含批改后方案须符合现行地区投保规则）。"""
    actor = actor_of(request)
    policy = selectors.policy_for(user=actor, application_no=application_no)
    counts, names = service_ids(data.service_counts)
    current = changes.current_change(
        policy.order,
        effective_on=data.effective_on or changes.default_effective_on(policy),
        reason=data.reason,
    )
    given = data.model_dump(exclude_none=True, exclude={"service_counts", "effective_on", "reason"})
    change = dataclasses.replace(current, **given, service_counts=counts)
    try:
        endorsement = workflow.endorsement_apply(policy=policy, actor=actor, change=change)
    except Refused as exc:
        raise exc.renamed(names) from None
    return Status(201, _answer(request, endorsement))


# --- 审核 ------------------------------------------------------------------------------------------------------
@api.post(
    "/endorsements/{endorsement_uuid}/adjust",
    response=EndorsementOut,
    summary="调整批改保费",
    tags=TAGS,
    **scoped("endorsement.review"),
)
def endorsement_adjust(request: HttpRequest, endorsement_uuid: UUID, data: AdjustIn) -> dict[str, Any]:
    """待审核的批改：以填写的金额（须填原因）代替按日计算的批改保费，事故预防服务费随之调整；投保企业收到通知。"""
    endorsement = _change(request, endorsement_uuid, "调整批改保费")
    workflow.endorsement_adjust(
        endorsement=endorsement, actor=actor_of(request), premium_delta=data.premium_delta, reason=data.reason
    )
    return _answer(request, endorsement)


@api.post(
    "/endorsements/{endorsement_uuid}/review",
    response=EndorsementOut,
    summary="批改审核",
    tags=TAGS,
    **scoped("endorsement.review"),
)
def endorsement_review(request: HttpRequest, endorsement_uuid: UUID, data: DecisionIn) -> dict[str, Any]:
    """通过：需加收保费 → 待上传付款通知书，否则 → 待出批单；驳回（须填原因）→ 已驳回。"""
    endorsement = _change(request, endorsement_uuid, "批改审核")
    actor = actor_of(request)
    if data.decision == "approve":
        workflow.endorsement_approve(endorsement=endorsement, actor=actor)
    else:
        workflow.endorsement_reject(endorsement=endorsement, actor=actor, reason=data.reason)
    return _answer(request, endorsement)


# --- 缴费 · 出批单 ----------------------------------------------------------------------------------------------------
@api.post(
    "/endorsements/{endorsement_uuid}/payment-notice",
    response=EndorsementOut,
    summary="上传批改付款通知书",
    tags=TAGS,
    **scoped("endorsement.payment"),
)
def endorsement_payment_notice(
    request: HttpRequest, endorsement_uuid: UUID, file: File[UploadedFile | None] = None
) -> dict[str, Any]:
    """待上传付款通知书 → 待缴费（multipart/form-data，字段 file：PDF 或图片，不超过10MB）。"""
    endorsement = _change(request, endorsement_uuid, "上传付款通知书")
    workflow.endorsement_upload_payment_notice(endorsement=endorsement, actor=actor_of(request), file=file)
    return _answer(request, endorsement)


@api.post(
    "/endorsements/{endorsement_uuid}/payment-review",
    response=EndorsementOut,
    summary="批改缴费审核",
    tags=TAGS,
    **scoped("endorsement.payment"),
)
def endorsement_payment_review(
    request: HttpRequest, endorsement_uuid: UUID, data: DecisionIn
) -> dict[str, Any]:
    """待缴费审核 → 通过：待出批单；驳回（须填原因）：待缴费，企业重新上传付款凭证。"""
    endorsement = _change(request, endorsement_uuid, "缴费审核")
    actor = actor_of(request)
    if data.decision == "approve":
        workflow.endorsement_approve_payment(endorsement=endorsement, actor=actor)
    else:
        workflow.endorsement_reject_payment(endorsement=endorsement, actor=actor, reason=data.reason)
    return _answer(request, endorsement)


@api.post(
    "/endorsements/{endorsement_uuid}/issue",
    response=EndorsementOut,
    summary="出批单",
    tags=TAGS,
    **scoped("endorsement.issue"),
)
def endorsement_issue(
    request: HttpRequest,
    endorsement_uuid: UUID,
    data: Form[EndorsementIssueIn],
    endorsement_file: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    """待出批单 → 已批改（multipart/form-data：endorsement_no 与批单 PDF endorsement_file）；订单的当前值
    同时更新为批改后的值，投保企业收到短信。"""
    endorsement = _change(request, endorsement_uuid, "出批单")
    workflow.endorsement_issue(
        endorsement=endorsement,
        actor=actor_of(request),
        endorsement_no=data.endorsement_no,
        file=endorsement_file,
    )
    return _answer(request, endorsement)


# --- 退保审核 ------------------------------------------------------------------------------------------------------
@api.post(
    "/endorsements/{endorsement_uuid}/surrender-review",
    response=EndorsementOut,
    summary="退保审核",
    tags=TAGS,
    **scoped("endorsement.surrender"),
)
def endorsement_surrender_review(
    request: HttpRequest,
    endorsement_uuid: UUID,
    data: Form[SurrenderReviewIn],
    endorsement_file: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    """退保申请 待审核 → 通过（multipart/form-data：批单号、批单 PDF endorsement_file；退保金额不填按今日计算，
    调整须填原因）：已退保，保单自今日起已退保；驳回（须填原因）：已驳回，保单继续有效。"""
    endorsement = _get(request, endorsement_uuid)
    if endorsement.kind != EndorsementKind.SURRENDER:
        raise Problem(409, "该申请为批改申请，不能退保审核；批改请使用 批改审核（review）")
    actor = actor_of(request)
    if data.decision == "approve":
        surrenders.surrender_approve(
            endorsement=endorsement,
            actor=actor,
            endorsement_no=data.endorsement_no,
            file=endorsement_file,
            refund=data.refund,
            adjust_reason=data.adjust_reason,
        )
    else:
        surrenders.surrender_reject(endorsement=endorsement, actor=actor, reason=data.reason)
    return _answer(request, endorsement)
