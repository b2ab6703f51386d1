"""What the API reads and answers: every schema in one module. Inputs only parse (types, lengths, ranges); the
rules — the scheme's, the files', the states' — are the workflow's, as on the screens."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

# Dates a person could mean: outside them a typing error (and no arithmetic on them overflows).
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
Amount = Annotated[Decimal, Field(max_digits=14, description="金额（元），字符串或数字，最多两位小数")]
ApplicationNo = Annotated[str, Field(pattern=r"^\d{18}$", description="申请编号（18位数字）")]


class In(Schema):
    """An input: no text may hold a NUL character (no database column takes one)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("不能包含空字符")
        return value


# --- shared ---------------------------------------------------------------------------------------------------
class FileOut(Schema):
    kind: str = Field(
        description="文件类型：business_licence, legal_id, payment_notice, payment_voucher, policy, invoice, contract"
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


class OrderFilters(In):
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
    cursor: str = Field("", max_length=200, description="上一页的 next_cursor")
    limit: int = Field(20, ge=1, le=100)


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


class PaymentReviewIn(In):
    decision: Literal["approve", "reject"] = Field(description="approve 通过 / reject 驳回")
    reason: str = Field("", max_length=500, description="驳回原因（驳回时必填）")


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


class PolicyFilters(In):
    service_status: Literal["", "none", "pending", "in_service", "completed"] = ""
    policy_no: str = Field("", max_length=50, pattern=r"^[^\x00]*$")
    application_no: str = Field("", pattern=r"^\d{0,18}$")
    applicant: str = Field("", max_length=100, description="投保人或项目名称中的文字")
    start: Day | None = Field(None, description="出函时间起（含）")
    end: Day | None = Field(None, description="出函时间止（含）")
    cursor: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)


class AssignServiceIn(In):
    service_org: str = Field(max_length=18, description="服务机构的统一社会信用代码，见 GET /service-orgs")


# --- base data ------------------------------------------------------------------------------------------------------
class BaseDataOut(Schema):
    service_items: list[CodeName]
    industries: list[CodeName]
    regions: list[CodeName] = Field(description="区县")
