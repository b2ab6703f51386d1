"""理赔 through the API: the insurer's claims listed and read as 理赔管理 shows them, 电话报案登记, and every step
of the screens — 受理, 立案, 查勘, 理算, 结案, 拒赔, 注销 — each calling the function of ``anze.claims.reports``
(报案) or ``anze.claims.workflow`` that the screen's view calls, with the view's permission as the key's scope."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Path, Query, Status, UploadedFile

from anze.claims import presenters as claim_presenters
from anze.claims import reports, selectors, workflow
from anze.claims.limits import Line
from anze.claims.models import Claim
from anze.core.errors import Refused
from anze.documents.responses import document_among, document_response

from . import presenters
from .endpoints import actor_of, api, scoped
from .schemas import (
    CaseNoIn,
    ClaimAdjustIn,
    ClaimFilters,
    ClaimOut,
    ClaimPage,
    PhoneReportIn,
    ReasonIn,
    ReportNo,
    SettleIn,
    SurveyIn,
)

TAGS = ["理赔"]


def _get(request: HttpRequest, report_no: str) -> Claim:
    return selectors.claim_for(user=actor_of(request), report_no=report_no)


def _answer(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    return presenters.claim_out(_get(request, claim.report_no), actor_of(request))


# --- reads ----------------------------------------------------------------------------------------------------
@api.get("/claims", response=ClaimPage, summary="理赔案件列表", tags=TAGS, **scoped("claim.view"))
def claim_list(request: HttpRequest, filters: Query[ClaimFilters]) -> dict[str, Any]:
    """理赔管理的列表：同样的筛选条件（保单号、报案号、案件号、企业、报案日期）与状态，按报案时间倒序，游标分页。"""
    qs = selectors.search(
        selectors.claims_for(user=actor_of(request)),
        filters.model_dump(exclude={"cursor", "limit", "status"}),
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.select_related("policy__order").order_by(*selectors.ORDERING)
    return presenters.listing(qs, filters.cursor, filters.limit, "reported_at", presenters.claim_summary)


@api.get("/claims/{report_no}", response=ClaimOut, summary="理赔案件详情", tags=TAGS, **scoped("claim.view"))
def claim_detail(request: HttpRequest, report_no: Path[ReportNo]) -> dict[str, Any]:
    """报案、查勘、理算明细、结案，保单的赔偿限额与已赔付金额，材料与该密钥现在可执行的操作。"""
    return presenters.claim_out(_get(request, report_no), actor_of(request))


@api.get(
    "/claims/{report_no}/files/{file_uuid}",
    summary="下载理赔材料",
    tags=TAGS,
    url_name="claim_file",
    response={200: None},
    **scoped("claim.view"),
)
def claim_file(request: HttpRequest, report_no: Path[ReportNo], file_uuid: UUID) -> HttpResponseBase:
    claim = _get(request, report_no)
    documents = [f.document for f in claim_presenters.files(claim, actor_of(request).side)]
    return document_response(request, document_among(documents, file_uuid))


# --- 报案 ------------------------------------------------------------------------------------------------------
# The workflow's names for what the API names differently.
REPORT_FIELDS = {"policy": "policy_no"}


@api.post("/claims", response={201: ClaimOut}, summary="电话报案登记", tags=TAGS, **scoped("claim.report"))
def claim_report(
    request: HttpRequest,
    data: Form[PhoneReportIn],
    photo_1: File[UploadedFile | None] = None,
    photo_2: File[UploadedFile | None] = None,
    document: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    """报案人来电时由保险公司登记（multipart/form-data；现场照片 photo_1、photo_2，事故证明材料 document：
    PDF 或图片，均可选）→ 待受理。与页面相同的校验：出险时间在保险期间内、报案时限、已退保保单只受理退保前的事故。"""
    actor = actor_of(request)
    policy = selectors.insurer_policy(user=actor, policy_no=data.policy_no)
    if policy is None:
        raise Refused("未找到该保单编号的有效保单", field="policy_no")
    accident = reports.Accident(
        **data.model_dump(exclude={"policy_no"}),
        files={
            "photo_1": ("现场照片", photo_1),
            "photo_2": ("现场照片", photo_2),
            "document": ("事故证明材料", document),
        },
    )
    try:
        claim = reports.claim_report(policy=policy, actor=actor, accident=accident)
    except Refused as exc:
        raise exc.renamed(REPORT_FIELDS) from None
    return Status(201, _answer(request, claim))


# --- 受理 · 立案 · 查勘 -------------------------------------------------------------------------------------------
@api.post(
    "/claims/{report_no}/accept", response=ClaimOut, summary="受理", tags=TAGS, **scoped("claim.handle")
)
def claim_accept(request: HttpRequest, report_no: Path[ReportNo]) -> dict[str, Any]:
    """待受理 → 待立案。"""
    claim = _get(request, report_no)
    workflow.claim_accept(claim=claim, actor=actor_of(request))
    return _answer(request, claim)


@api.post(
    "/claims/{report_no}/register", response=ClaimOut, summary="立案", tags=TAGS, **scoped("claim.handle")
)
def claim_register(request: HttpRequest, report_no: Path[ReportNo], data: CaseNoIn) -> dict[str, Any]:
    """待立案 → 待查勘，案件号在本公司内唯一；投保企业收到短信。"""
    claim = _get(request, report_no)
    workflow.claim_register(claim=claim, actor=actor_of(request), case_no=data.case_no)
    return _answer(request, claim)


@api.post(
    "/claims/{report_no}/survey", response=ClaimOut, summary="查勘", tags=TAGS, **scoped("claim.handle")
)
def claim_survey(
    request: HttpRequest,
    report_no: Path[ReportNo],
    data: Form[SurveyIn],
    photo: File[UploadedFile | None] = None,
    report: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    """待查勘 → 待理算（multipart/form-data：查勘意见 survey_notes，查勘照片 photo 与查勘报告 report 可选）。"""
    claim = _get(request, report_no)
    workflow.claim_survey(
        claim=claim,
        actor=actor_of(request),
        notes=data.survey_notes,
        files={"photo": ("查勘照片", photo), "report": ("查勘报告", report)},
    )
    return _answer(request, claim)


# --- 理算 · 结案 --------------------------------------------------------------------------------------------------
def _people_fields(count: int) -> dict[str, str]:
    """The workflow's field of the n-th person → the API's (``medical_0`` → ``people.0.medical``)."""
    return {
        f"{name}_{index}": f"people.{index}.{name}"
        for index in range(count)
        for name in ("name", "death_disability", "medical")
    }


@api.post(
    "/claims/{report_no}/adjust", response=ClaimOut, summary="理算", tags=TAGS, **scoped("claim.adjust")
)
def claim_adjust(request: HttpRequest, report_no: Path[ReportNo], data: ClaimAdjustIn) -> dict[str, Any]:
    """待理算或待结案 → 待结案：逐人的死亡伤残赔款与医疗费用赔款。超过每人伤亡 / 每人医疗责任限额的在该人的字段
    （people.<序号>.…），合计超过每次事故或累积赔偿限额的在 people，均说明所超限额（422）。"""
    claim = _get(request, report_no)
    actor = actor_of(request)
    lines = [Line(p.name, p.death_disability, p.medical) for p in data.people]
    names = _people_fields(len(lines))
    if workflow.CLAIM.why_not(claim, "adjust", actor) is None:
        # The screen's check of every amount at once, so that the refusals of the whole (每次事故 / 累积赔偿限额)
        # are bad input at ``people``; the step checks again under the policy's lock.
        try:
            workflow.check_adjustment(claim=claim, lines=lines)
        except Refused as exc:
            errors = {("people" if f is None else names.get(f, f)): texts for f, texts in exc.errors.items()}
            raise Refused(errors=errors) from None
    try:
        workflow.claim_adjust(claim=claim, actor=actor, lines=lines)
    except Refused as exc:
        raise exc.renamed(names) from None
    return _answer(request, claim)


@api.post(
    "/claims/{report_no}/settle", response=ClaimOut, summary="结案", tags=TAGS, **scoped("claim.settle")
)
def claim_settle(request: HttpRequest, report_no: Path[ReportNo], data: SettleIn) -> dict[str, Any]:
    """待结案 → 已结案：赔款金额（不超过理算金额与剩余赔偿限额）、支付日期、收款人；投保企业收到短信。"""
    claim = _get(request, report_no)
    payment = workflow.Payment(amount=data.paid_amount, paid_on=data.paid_on, payee=data.payee)
    workflow.claim_settle(claim=claim, actor=actor_of(request), payment=payment)
    return _answer(request, claim)


# --- 拒赔 · 注销 --------------------------------------------------------------------------------------------------
@api.post(
    "/claims/{report_no}/decline", response=ClaimOut, summary="拒赔", tags=TAGS, **scoped("claim.settle")
)
def claim_decline(request: HttpRequest, report_no: Path[ReportNo], data: ReasonIn) -> dict[str, Any]:
    """待查勘、待理算或待结案 → 已拒赔（须填原因）；投保企业收到短信。"""
    claim = _get(request, report_no)
    workflow.claim_decline(claim=claim, actor=actor_of(request), reason=data.reason)
    return _answer(request, claim)


@api.post(
    "/claims/{report_no}/cancel", response=ClaimOut, summary="注销", tags=TAGS, **scoped("claim.settle")
)
def claim_cancel(request: HttpRequest, report_no: Path[ReportNo], data: ReasonIn) -> dict[str, Any]:
    """未结案的案件 → 已注销（须填原因：报案有误、撤案、重复报案）。"""
    claim = _get(request, report_no)
    workflow.claim_cancel(claim=claim, actor=actor_of(request), reason=data.reason)
    return _answer(request, claim)
