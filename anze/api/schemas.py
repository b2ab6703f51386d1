"""What the API reads and answers: every schema in one module. Inputs only parse (types, lengths, ranges); the
rules — the scheme's, the files', the states' — are the workflow's, as on the screens."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from ninja import Field, Schema
from pydantic import field_validator

# Dates a person could mean: outside them a typing error (and no arithmetic on them overflows).
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
# What the amount columns hold (DecimalField(max_digits=14, decimal_places=2)): beyond it, a typing error.
MAX_AMOUNT = Decimal("999999999999.99")
Amount = Annotated[
    Decimal,
    Field(max_digits=14, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="金额（元），字符串或数字，最多两位小数"),
]
BEIJING = ZoneInfo("Asia/Shanghai")
FIRST_MOMENT = datetime(2000, 1, 1, tzinfo=BEIJING)
LAST_MOMENT = datetime(2099, 12, 31, 23, 59, 59, tzinfo=BEIJING)
ApplicationNo = Annotated[str, Field(pattern=r"^\d{18}$", description="申请编号（18位数字）")]


def holds_nul(value: Any) -> bool:
    """Whether a text anywhere in ``value`` (a list's items, a mapping's keys and values) holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple | set):
        return any(holds_nul(item) for item in value)
    return False


class In(Schema):
    """An input: no text may hold a NUL character (no database column takes one; PostgreSQL refuses it even
    in a query's parameter, such as a service item's code looked up)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if holds_nul(value):
            raise ValueError("不能包含空字符")
        return value


# --- shared ---------------------------------------------------------------------------------------------------
class PageIn(In):
    """A list's page: the cursor of the previous page (its ``next_cursor``) and how many rows."""

    cursor: str = Field("", max_length=200, description="上一页的 next_cursor")
    limit: int = Field(20, ge=1, le=100)


class FileOut(Schema):
    kind: str = Field(
        description="文件类型：business_licence, legal_id, payment_notice, payment_voucher, policy, invoice, "
        "contract, photo, other"
    )
    label: str
    uuid: str
    name: str
    content_type: str
    size: int
    download: str = Field(description="下载地址（同样需要接口密钥）")


class CodeName(Schema):
    code: str
    name: str


class ServiceCountOut(Schema):
    item: str = Field(description="服务项目代码")
    name: str
    count: int


# --- orders -------------------------------------------------------------------------------------------------------
class OrderSummary(Schema):
    application_no: str
    order_type: str = Field(description="online 线上订单 / offline 线下订单")
    order_type_label: str
    status: str = Field(description="awaiting_quote 待报价 … issued 已出函, cancelled 已取消")
    status_label: str
    applicant_name: str
    applicant_credit_code: str
    project_name: str
    contact_name: str
    contact_phone: str
    premium: Decimal | None
    policy_no: str
    submitted_at: datetime | None
    updated_at: datetime


class OrderOut(OrderSummary):
    project_address: str
    region: CodeName | None
    industry: CodeName | None
    headcount: int | None
    expected_start: date | None
    expected_end: date | None
    intended_items: list[CodeName]
    remark: str
    aggregate_limit: Decimal | None
    per_accident_limit: Decimal | None
    per_person_injury_limit: Decimal | None
    per_person_medical_limit: Decimal | None
    prevention_fee: Decimal | None
    period_start: date | None
    period_end: date | None
    service_counts: list[ServiceCountOut]
    last_reason: str = Field(description="最近一次拒绝报价、支付驳回或取消的原因")
    quoted_at: datetime | None
    issued_at: datetime | None
    files: list[FileOut]
    actions: list[str] = Field(
        description="该密钥现在可以对此订单执行的操作（quote, upload_payment_notice, …）"
    )


class OrderPage(Schema):
    items: list[OrderSummary]
    next_cursor: str | None = Field(description="下一页的 cursor；为空表示没有更多")


class OrderFilters(PageIn):
    status: str = Field(
        "", description="状态（订单管理的页签）：awaiting_quote, awaiting_confirmation, …；空为全部"
    )
    application_no: str = Field("", pattern=r"^\d{0,18}$", description="申请编号，完整或前几位")
    name: str = Field("", max_length=100, description="投保人或项目名称中的文字")
    credit_code: str = Field("", pattern=r"^[0-9A-Za-z]{0,18}$", description="统一社会信用代码，完整或前几位")
    contact_phone: str = Field("", pattern=r"^\d{0,11}$", description="联系电话，完整或前几位")
    order_type: Literal["", "online", "offline"] = ""
    start: Day | None = Field(None, description="申请时间起（含）")
    end: Day | None = Field(None, description="申请时间止（含）")


class SchemeIn(In):
    """保险方案: the four limits, premium and fee (元), the period, and the service count per item code."""

    aggregate_limit: Amount
    per_accident_limit: Amount
    per_person_injury_limit: Amount
    per_person_medical_limit: Amount
    premium: Amount
    prevention_fee: Amount
    period_start: Day
    period_end: Day
    service_counts: dict[str, Annotated[int, Field(ge=0, le=999)]] = Field(
        default_factory=dict, description="服务次数：{服务项目代码: 次数}，见 GET /basedata"
    )


class DecisionIn(In):
    """通过, or 驳回 with a reason: 支付审核, 批改审核, 批改缴费审核, 冲正审核."""

    decision: Literal["approve", "reject"] = Field(description="approve 通过 / reject 驳回")
    reason: str = Field("", max_length=500, description="驳回原因（驳回时必填）")


class ReasonIn(In):
    reason: str = Field(max_length=500, description="原因（必填）")


class IssueIn(In):
    policy_no: str = Field(max_length=50, description="保单编号")


class OfflineOrderIn(In):
    """新增线下订单 (multipart/form-data; 营业执照、法人身份证 as optional files)."""

    applicant_name: str = Field(max_length=100)
    applicant_credit_code: str = Field(max_length=18)
    contact_name: str = Field(max_length=30)
    contact_phone: str = Field(max_length=11)
    project_name: str = Field(max_length=100)
    project_address: str = Field("", max_length=200)
    region: str = Field(max_length=6, description="所在区县的行政区划代码，见 GET /basedata")
    industry: str = Field(max_length=20, description="行业代码，见 GET /basedata")
    headcount: int = Field(ge=1, le=1_000_000)
    remark: str = Field("", max_length=500)
    intended_items: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list, description="意向服务项目代码（可重复此字段）"
    )


class BackfillIn(In):
    """保单信息补录 of an offline order (multipart/form-data): the scheme, 保单编号 and the three PDFs."""

    aggregate_limit: Amount
    per_accident_limit: Amount
    per_person_injury_limit: Amount
    per_person_medical_limit: Amount
    premium: Amount
    prevention_fee: Amount
    period_start: Day
    period_end: Day
    service_counts: str = Field("{}", max_length=2000, description='服务次数，JSON：{"training": 2}')
    policy_no: str = Field(max_length=50)
    intended_items: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list)


# --- policies -----------------------------------------------------------------------------------------------------
class ServiceOrgOut(Schema):
    name: str
    credit_code: str
    region: str


class PolicySummary(Schema):
    policy_no: str
    status: str = Field(description="保单状态：active 有效 / reversed 已冲正 / surrendered 已退保")
    status_label: str
    application_no: str
    applicant_name: str
    applicant_credit_code: str
    project_name: str
    issued_at: datetime
    period_start: date
    period_end: date
    service_status: str = Field(
        description="none 未申请 / pending 待处理 / in_service 服务中 / completed 已完成"
    )
    service_status_label: str
    service_org: ServiceOrgOut | None
    service_decline_reason: str


class PolicyOut(PolicySummary):
    files: list[FileOut]


class PolicyPage(Schema):
    items: list[PolicySummary]
    next_cursor: str | None


class PolicyFilters(PageIn):
    status: Literal["", "active", "reversed", "surrendered"] = Field(
        "", description="保单状态：active 有效 / reversed 已冲正 / surrendered 已退保；空为全部"
    )
    service_status: Literal["", "none", "pending", "in_service", "completed"] = ""
    policy_no: str = Field("", max_length=50, pattern=r"^[^\x00]*$")
    application_no: str = Field("", pattern=r"^\d{0,18}$")
    applicant: str = Field("", max_length=100, description="投保人或项目名称中的文字")
    start: Day | None = Field(None, description="出函时间起（含）")
    end: Day | None = Field(None, description="出函时间止（含）")


class AssignServiceIn(In):
    service_org: str = Field(max_length=18, description="服务机构的统一社会信用代码，见 GET /service-orgs")


# --- 批改 and 退保 -----------------------------------------------------------------------------------------------
EndorsementStatusIn = Literal[
    "",
    "pending_review",
    "awaiting_payment_notice",
    "awaiting_payment",
    "awaiting_payment_review",
    "awaiting_document",
    "endorsed",
    "surrendered",
    "rejected",
    "withdrawn",
]


class ChangeLineOut(Schema):
    label: str = Field(description="批改项目，如 参保人数、服务次数·安全生产宣传教育培训")
    before: str
    after: str


class EndorsementSummary(Schema):
    uuid: str
    kind: str = Field(description="change 批改 / surrender 退保")
    kind_label: str
    status: str = Field(
        description="pending_review 待审核 … endorsed 已批改, surrendered 已退保, rejected 已驳回"
    )
    status_label: str
    origin: str = Field(description="enterprise 企业申请 / insurer 保险公司发起")
    origin_label: str
    policy_no: str
    application_no: str
    applicant_name: str
    reason: str
    effective_on: date | None = Field(description="批改生效日期；退保为退保生效日（审核通过时确定）")
    premium_delta: Decimal | None = Field(description="批改保费：正数加收，负数退还")
    refund_amount: Decimal | None = Field(description="退保金额（审核通过前为申请日的预计金额）")
    amount_text: str = Field(description="如 加收保费1,504.11元 / 预计退保金额5,216.44元")
    endorsement_no: str = Field(description="批单号（出批单或退保审核通过后）")
    created_at: datetime
    updated_at: datetime
    endorsed_at: datetime | None


class EndorsementOut(EndorsementSummary):
    changes: list[ChangeLineOut] = Field(description="批改前后的值（仅批改）")
    headcount_before: int | None
    headcount_after: int | None
    premium_before: Decimal | None
    premium_computed: Decimal | None = Field(description="按日计算的批改保费")
    prevention_fee_delta: Decimal | None
    formula: str = Field(description="金额的计算方式")
    adjust_reason: str
    last_reason: str = Field(description="最近一次驳回或撤回的原因")
    surrender_ground: str = Field(description="退保原因类别：deregistered, bankrupt, suspended, other")
    surrender_ground_label: str
    refund_today: Decimal | None = Field(description="待审核的退保按今日计算的退保金额（审核通过时采用）")
    files: list[FileOut]
    actions: list[str] = Field(description="该密钥现在可以执行的操作（adjust, approve, reject, issue, …）")


class EndorsementPage(Schema):
    items: list[EndorsementSummary]
    next_cursor: str | None


class EndorsementFilters(PageIn):
    kind: Literal["", "change", "surrender"] = Field("", description="类型；空为全部")
    status: EndorsementStatusIn = Field("", description="状态（批改管理的页签）；空为全部")
    policy_no: str = Field("", max_length=50, description="保单编号，完整或前几位")
    name: str = Field("", max_length=100, description="投保人或项目名称中的文字")
    start: Day | None = Field(None, description="申请时间起（含）")
    end: Day | None = Field(None, description="申请时间止（含）")
    cursor: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)


class ChangeIn(In):
    """发起批改: only what changes; a value left out stays as it is."""

    headcount: int | None = Field(None, ge=1, le=1_000_000, description="参保人数")
    project_name: str | None = Field(None, max_length=100)
    project_address: str | None = Field(None, max_length=200)
    contact_name: str | None = Field(None, max_length=30)
    contact_phone: str | None = Field(None, max_length=11)
    service_counts: dict[str, Annotated[int, Field(ge=0, le=999)]] = Field(
        default_factory=dict, description="批改后的服务次数：{服务项目代码: 次数}，未列出的项目不变"
    )
    effective_on: Day | None = Field(None, description="批改生效日期；不填为今天（保险期间未开始时为起期）")
    reason: str = Field(max_length=500, description="批改原因")


class AdjustIn(In):
    premium_delta: Amount = Field(description="调整后的批改保费（元）：正数加收，负数退还")
    reason: str = Field(max_length=500, description="调整原因")


class EndorsementIssueIn(In):
    endorsement_no: str = Field(max_length=50, description="批单号（本公司内唯一）")


class SurrenderReviewIn(In):
    """退保审核 (multipart/form-data): 通过 with 批单号 and 批单 PDF (endorsement_file), or 驳回 with a reason."""

    decision: Literal["approve", "reject"] = Field(description="approve 通过 / reject 驳回")
    reason: str = Field("", max_length=500, description="驳回原因（驳回时必填）")
    endorsement_no: str = Field("", max_length=50, description="批单号（通过时必填）")
    refund: Amount | None = Field(
        None, description="退保金额；不填按今日计算（见 refund_today），调整时须填调整原因"
    )
    adjust_reason: str = Field("", max_length=500, description="调整退保金额的原因")


# --- 理赔 -----------------------------------------------------------------------------------------------------
ReportNo = Annotated[str, Field(pattern=r"^BA\d{18}$", description="报案号（BA + 18位数字）")]
ClaimStatusIn = Literal[
    "", "reported", "accepted", "registered", "surveyed", "adjusted", "settled", "declined", "cancelled"
]


class ClaimSummary(Schema):
    report_no: str
    case_no: str = Field(description="案件号（立案后）")
    policy_no: str
    application_no: str
    applicant_name: str
    channel: str = Field(description="online 企业端报案 / phone 电话报案")
    channel_label: str
    status: str = Field(description="reported 待受理 … settled 已结案, declined 已拒赔, cancelled 已注销")
    status_label: str
    accident_at: datetime
    accident_type: str
    accident_type_label: str
    deaths: int
    injured: int
    estimated_loss: Decimal
    adjusted_amount: Decimal | None
    paid_amount: Decimal | None
    reported_at: datetime
    updated_at: datetime


class ClaimPersonOut(Schema):
    name: str
    death_disability: Decimal
    medical: Decimal


class ClaimFiguresOut(Schema):
    """The policy's limits and what it has paid (each None when the scheme sets no such limit)."""

    aggregate: Decimal | None = Field(description="累积赔偿限额")
    per_accident: Decimal | None = Field(description="每次事故赔偿限额")
    per_person_injury: Decimal | None = Field(description="每人伤亡责任限额")
    per_person_medical: Decimal | None = Field(description="每人医疗责任限额")
    paid_before: Decimal = Field(description="本保单其他已结案赔款")
    paid: Decimal = Field(description="本保单已赔付合计（含本案已结案的赔款）")
    remaining: Decimal | None = Field(description="累积赔偿限额剩余")


class ClaimOut(ClaimSummary):
    accident_place: str
    description: str
    reporter_name: str
    reporter_phone: str
    accepted_at: datetime | None
    registered_at: datetime | None
    survey_notes: str
    surveyed_at: datetime | None
    people: list[ClaimPersonOut] = Field(description="理算明细")
    adjusted_at: datetime | None
    paid_on: date | None
    payee: str
    settled_at: datetime | None
    close_reason: str = Field(description="拒赔或注销原因")
    closed_at: datetime | None
    limits: ClaimFiguresOut
    files: list[FileOut]
    actions: list[str] = Field(description="该密钥现在可以执行的操作（accept, register, survey, adjust, …）")


class ClaimPage(Schema):
    items: list[ClaimSummary]
    next_cursor: str | None


class ClaimFilters(PageIn):
    status: ClaimStatusIn = Field("", description="状态（理赔管理的页签）；空为全部")
    policy_no: str = Field("", max_length=50, description="保单编号，完整或前几位")
    report_no: str = Field("", max_length=20, description="报案号，完整或前几位")
    case_no: str = Field("", max_length=50, description="案件号，完整或前几位")
    applicant: str = Field("", max_length=100, description="投保企业名称中的文字")
    start: Day | None = Field(None, description="报案日期起（含）")
    end: Day | None = Field(None, description="报案日期止（含）")
    cursor: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)


class PhoneReportIn(In):
    """电话报案登记 (multipart/form-data; 现场照片 photo_1, photo_2 and 事故证明材料 document as optional files)."""

    policy_no: str = Field(max_length=50, description="保单编号（本公司有效或已退保的保单）")
    accident_at: datetime = Field(description="出险时间，如 2027-03-01T10:30:00+08:00（不带时区按北京时间）")
    accident_place: str = Field(max_length=200)
    accident_type: str = Field(max_length=30, description="事故类型代码（GB 6441）：fall 高处坠落, …")
    description: str = Field(max_length=2000, description="事故经过")
    deaths: int = Field(ge=0, le=9999)
    injured: int = Field(ge=0, le=9999)
    estimated_loss: Amount = Field(description="估损金额（元）")
    reporter_name: str = Field(max_length=30)
    reporter_phone: str = Field(max_length=11)

    @field_validator("accident_at", mode="after")
    @classmethod
    def _beijing(cls, value: datetime) -> datetime:
        """A time without its zone is Beijing time; outside the years a person could mean, a typing error."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=BEIJING)
        if not FIRST_MOMENT <= value <= LAST_MOMENT:
            raise ValueError("请输入正确的出险时间")
        return value


class CaseNoIn(In):
    case_no: str = Field(max_length=50, description="案件号（本公司内唯一）")


class SurveyIn(In):
    """查勘 (multipart/form-data; 查勘照片 photo and 查勘报告 report as optional files)."""

    survey_notes: str = Field(max_length=2000, description="查勘意见")


class PersonIn(In):
    name: str = Field(max_length=30, description="姓名")
    death_disability: Amount = Field(description="死亡伤残赔款（元）")
    medical: Amount = Field(description="医疗费用赔款（元）")


class ClaimAdjustIn(In):
    people: list[PersonIn] = Field(description="理算明细，每人一行；重新理算时替换上一次的明细")


class SettleIn(In):
    paid_amount: Amount = Field(description="赔款金额（元），不超过理算金额")
    paid_on: Day = Field(description="支付日期")
    payee: str = Field(max_length=100, description="收款人")


# --- 冲正 -----------------------------------------------------------------------------------------------------
class ReversalSummary(Schema):
    uuid: str
    status: str = Field(description="pending 待审核 / approved 已通过 / rejected 已驳回")
    status_label: str
    policy_no: str
    application_no: str
    applicant_name: str
    reason: str
    requested_by: str
    requested_at: datetime
    reviewed_by: str
    reviewed_at: datetime | None
    review_reason: str


class ReversalOut(ReversalSummary):
    actions: list[str] = Field(description="该密钥现在可以执行的操作（approve, reject）：申请人本人不能审核")


class ReversalPage(Schema):
    items: list[ReversalSummary]
    next_cursor: str | None


class ReversalFilters(PageIn):
    status: Literal["", "pending", "approved", "rejected"] = Field("", description="状态；空为全部")
    policy_no: str = Field("", max_length=50, description="保单编号，完整或前几位")
    start: Day | None = Field(None, description="申请时间起（含）")
    end: Day | None = Field(None, description="申请时间止（含）")
    cursor: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)


# --- base data ------------------------------------------------------------------------------------------------------
class BaseDataOut(Schema):
    service_items: list[CodeName]
    industries: list[CodeName]
    regions: list[CodeName] = Field(description="区县")
