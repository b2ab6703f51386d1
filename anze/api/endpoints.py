"""The open API at /api/v1/ for insurers' core systems (django-ninja; schema at /api/v1/openapi.json, page at
/api/v1/docs).

Every operation authenticates with an organisation's 接口密钥 (``Authorization: Bearer anze_…``), needs one scope
(``KeyAuth("order.quote")``: 403 without it), reads through the same tenant-scoped selectors as the screens (another
insurer's order is 404) and changes things only by calling the same workflow functions as the screens — whose
``Machine.begin`` checks the key's actor like a person. Around each call (``_call``): the key's rate limit (429
with Retry-After), ``Idempotency-Key`` on a POST, and the key's name on every log entry the call writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, NinjaAPI, Path, Query, Status, UploadedFile
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from anze.audit.oplog import acting_through
from anze.basedata.models import Industry, Region, RegionLevel, ServiceItem
from anze.core import catalogue
from anze.core.errors import Refused
from anze.documents.responses import document_among, document_response
from anze.orders import offline, workflow
from anze.orders import selectors as order_selectors
from anze.orders.models import INSURER_STATUSES, Order
from anze.orders.rules import AMOUNT_LABELS, Scheme
from anze.orders.scopes import orders_visible_to
from anze.policies import selectors as policy_selectors
from anze.policies import services
from anze.policies.workflow import policy_assign_service

from . import idempotency, keys, presenters, problems
from .models import KeyActor
from .problems import Problem
from .schemas import (
    ApplicationNo,
    AssignServiceIn,
    BackfillIn,
    BaseDataOut,
    DecisionIn,
    IssueIn,
    OfflineOrderIn,
    OrderFilters,
    OrderOut,
    OrderPage,
    PolicyFilters,
    PolicyOut,
    PolicyPage,
    SchemeIn,
    ServiceOrgOut,
    holds_nul,
)

DESCRIPTION = """安责险平台面向保险公司核心业务系统的开放接口。

- 认证：请求头 `Authorization: Bearer anze_…`，密钥由本机构管理员在 系统管理 › 接口密钥 中创建（只显示一次），
  每个接口需要密钥具有相应的授权范围。
- 每个 POST 可带 `Idempotency-Key`：同一键的重试返回第一次的结果，不会重复执行。
- 错误为 RFC 9457 问题详情（`application/problem+json`，中文 `title`、`detail`，`errors` 列出每个字段的问题）。
- 限流：每个密钥每分钟调用次数有上限，超出返回 429 与 `Retry-After`。
- 事件推送（Webhook）在 系统管理 › 接口推送 中设置，签名见 README。
"""


class KeyAuth(HttpBearer):
    """A valid key with ``scope`` (None: any valid key). The key is found once per request (``keys``)."""

    openapi_bearerFormat = "anze_<前缀>_<密钥>"

    def __init__(self, scope: str | None) -> None:
        if scope is not None and scope not in keys.API_SCOPES:
            raise ValueError(f"{scope} is not one of keys.API_SCOPES")
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        key = keys.key_for_request(request)
        if key is None:
            return None
        if self.scope is not None and not actor_of(request).has_perm_code(self.scope):
            raise Problem(403, f"该接口密钥没有“{catalogue.get(self.scope).label}”的授权范围")
        return key

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return keys.key_for_request(request)


def actor_of(request: HttpRequest) -> KeyActor:
    """Who the call acts as: the key's creator within its scopes (``models.KeyActor``)."""
    if not hasattr(request, "_anze_actor"):
        key = keys.key_for_request(request)
        if key is None:  # never: every operation authenticates first
            raise Problem(401, problems.UNAUTHORISED)
        request._anze_actor = keys.actor_for(key)  # type: ignore[attr-defined]
    return request._anze_actor  # type: ignore[attr-defined]


def scoped(scope: str | None) -> dict[str, Any]:
    """An operation's ``auth``, with its scope shown in the schema (``x-anze-scope``)."""
    extra = {"x-anze-scope": scope} if scope else {}
    return {"auth": KeyAuth(scope), "openapi_extra": extra}


class ChineseJSON(JSONRenderer):
    """JSON with the Chinese as it is (not \\u escapes), declared UTF-8."""

    media_type = "application/json"
    charset = "utf-8"
    json_dumps_params = {"ensure_ascii": False}


class AnzeAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and (scope := operation.get("x-anze-scope")):
                    label = catalogue.get(scope).label
                    operation["description"] = (
                        f"{operation.get('description', '')}\n\n授权范围：{scope}（{label}）"
                    )
        return problems.document(schema)


api = AnzeAPI(
    title="安责险平台开放接口",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=ChineseJSON(),
    # The page's own static files (ninja's swagger-ui); no validator badge, which would call swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True, "tryItOutEnabled": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)


def _call(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around every operation: the key's rate limit, ``Idempotency-Key`` on a POST, and the key's name on the
    log entries the call writes. A request without a valid key goes on to be refused (401) by the operation."""

    @wraps(run)
    def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        key = keys.key_for_request(request)
        if key is None:
            return run(request, **kwargs)
        if wait := keys.over_limit(key):
            limit = settings.API_RATE_LIMIT_PER_MINUTE
            return problems.response(
                request,
                429,
                f"每个接口密钥每分钟最多调用{limit}次，请{wait}秒后重试",
                headers={"Retry-After": str(wait)},
            )
        try:
            with acting_through(key.name):
                if request.method == "POST":
                    return idempotency.run_once(request, key, lambda: run(request, **kwargs))
                return run(request, **kwargs)
        except Exception as exc:  # raised before the operation's own handlers (reading the body for the key)
            return api.on_exception(request, exc)

    return wrapped


api.add_decorator(_call, mode="view")  # around Operation.run: the HTTP response


# --- reads ----------------------------------------------------------------------------------------------------
def _order(request: HttpRequest, application_no: str) -> Order:
    return order_selectors.order_for(user=actor_of(request), application_no=application_no)


def service_ids(counts: Mapping[str, int]) -> tuple[dict[int, int], dict[str, str]]:
    """The service counts by item id from the API's by item code, and the workflow's field names back
    (``service_<id>`` → ``service_counts.<code>``)."""
    items = {item.code: item for item in ServiceItem.objects.filter(code__in=counts)}
    if unknown := [code for code in counts if code not in items]:
        raise Refused(f"服务项目代码不存在：{'、'.join(unknown)}", field="service_counts")
    names = {f"service_{item.pk}": f"service_counts.{code}" for code, item in items.items()}
    return {items[code].pk: count for code, count in counts.items()}, names


def _scheme(data: SchemeIn | BackfillIn, counts: dict[str, int]) -> tuple[Scheme, dict[str, str]]:
    """The workflow's scheme from the API's (service items by code), and the workflow's field names back."""
    ids, names = service_ids(counts)
    scheme = Scheme(
        **data.model_dump(include={*AMOUNT_LABELS, "period_start", "period_end"}), service_counts=ids
    )
    return scheme, names


def _items(codes: list[str]) -> list[ServiceItem]:
    found = {item.code: item for item in ServiceItem.objects.filter(code__in=codes)}
    if any(code not in found for code in codes):
        raise Refused("包含已停用或不存在的服务项目", field="intended_items")
    return [found[code] for code in dict.fromkeys(codes)]


def _answer(request: HttpRequest, order: Order) -> dict[str, Any]:
    order.refresh_from_db()
    return presenters.order_out(order, actor_of(request))


@api.get("/orders", response=OrderPage, summary="订单列表", tags=["订单"], **scoped("order.view"))
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    """订单管理的列表：同样的筛选条件，按申请时间倒序，游标分页（``next_cursor``）。"""
    actor = actor_of(request)
    if filters.status and filters.status not in INSURER_STATUSES:
        raise Problem(422, "状态不正确", errors={"status": [f"须为以下之一：{'、'.join(INSURER_STATUSES)}"]})
    values = filters.model_dump(exclude={"cursor", "limit", "status"})
    qs = order_selectors.search_orders(orders_visible_to(actor), values, insurer_id=actor.organisation_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("-submitted_at", "-id")
    return presenters.listing(qs, filters.cursor, filters.limit, "submitted_at", presenters.order_summary)


@api.post(
    "/orders/offline",
    response={201: OrderOut},
    summary="新增线下订单",
    tags=["订单"],
    **scoped("order.offline_create"),
)
def order_create_offline(
    request: HttpRequest,
    data: Form[OfflineOrderIn],
    business_licence: File[UploadedFile | None] = None,
    legal_id: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    """新增线下订单 → 待出函（multipart/form-data），其出函为 保单信息补录。（在 /orders/{application_no} 之前：
    "offline" 不是申请编号。）"""
    region = Region.objects.filter(code=data.region, level=RegionLevel.COUNTY).first()
    industry = Industry.objects.filter(code=data.industry, is_active=True).first()
    bad: dict[str | None, list[str]] = {}
    if region is None:
        bad["region"] = ["所在区县代码不存在"]
    if industry is None:
        bad["industry"] = ["行业代码不存在"]
    if bad:
        raise Refused(errors=bad)
    order = offline.order_create_offline(
        actor=actor_of(request),
        application=offline.OfflineApplication(
            **data.model_dump(exclude={"region", "industry", "intended_items"}),
            region=region,
            industry=industry,
            intended_items=_items(data.intended_items),
            business_licence=business_licence,
            legal_id=legal_id,
        ),
    )
    return Status(201, _answer(request, order))


@api.get(
    "/orders/{application_no}", response=OrderOut, summary="订单详情", tags=["订单"], **scoped("order.view")
)
def order_detail(request: HttpRequest, application_no: Path[ApplicationNo]) -> dict[str, Any]:
    return presenters.order_out(_order(request, application_no), actor_of(request))


@api.get(
    "/orders/{application_no}/files/{file_uuid}",
    summary="下载订单文件",
    tags=["订单"],
    url_name="order_file",
    response={200: None},
    **scoped("order.view"),
)
def order_file(
    request: HttpRequest, application_no: Path[ApplicationNo], file_uuid: UUID
) -> HttpResponseBase:
    """订单的当前文件（营业执照、付款凭证、保单文件……），``files[].download`` 即此地址。"""
    order = _order(request, application_no)
    return document_response(request, document_among(presenters.order_files(order), file_uuid))


@api.get("/policies", response=PolicyPage, summary="保单列表", tags=["保单"], **scoped("policy.view"))
def policy_list(request: HttpRequest, filters: Query[PolicyFilters]) -> dict[str, Any]:
    actor = actor_of(request)
    qs = policy_selectors.search_policies(
        policy_selectors.policies_for(user=actor), filters.model_dump(exclude={"cursor", "limit"}), user=actor
    )
    if filters.service_status:
        qs = qs.filter(service_status=filters.service_status)
    qs = qs.select_related("order", "service_org__region").order_by("-issued_at", "-id")
    return presenters.listing(qs, filters.cursor, filters.limit, "issued_at", presenters.policy_summary)


@api.get(
    "/policies/{application_no}",
    response=PolicyOut,
    summary="保单详情",
    tags=["保单"],
    **scoped("policy.view"),
)
def policy_detail(request: HttpRequest, application_no: Path[ApplicationNo]) -> dict[str, Any]:
    return presenters.policy_out(
        policy_selectors.policy_for(user=actor_of(request), application_no=application_no)
    )


@api.get(
    "/policies/{application_no}/files/{file_uuid}",
    summary="下载保单文件",
    tags=["保单"],
    url_name="policy_file",
    response={200: None},
    **scoped("policy.view"),
)
def policy_file(
    request: HttpRequest, application_no: Path[ApplicationNo], file_uuid: UUID
) -> HttpResponseBase:
    policy = policy_selectors.policy_for(user=actor_of(request), application_no=application_no)
    documents = [document for _, document in policy_selectors.order_documents(policy)]
    return document_response(request, document_among(documents, file_uuid))


@api.get(
    "/service-orgs",
    response=list[ServiceOrgOut],
    summary="第三方安全服务机构",
    tags=["保单"],
    **scoped("policy.assign_service"),
)
def service_orgs(request: HttpRequest) -> list[dict[str, str]]:
    """可指定的（启用中的）服务机构，申请第三方安全服务时以统一社会信用代码指定。"""
    return [presenters.service_org_out(org) for org in policy_selectors.service_org_choices()]


@api.get("/basedata", response=BaseDataOut, summary="基础数据", tags=["基础数据"], **scoped(None))
def basedata(request: HttpRequest) -> dict[str, Any]:
    """报价与新增线下订单所用的代码：服务项目、行业、区县。"""
    return {
        "service_items": [{"code": i.code, "name": i.name} for i in ServiceItem.objects.active()],
        "industries": [{"code": i.code, "name": i.name} for i in Industry.objects.filter(is_active=True)],
        "regions": [
            {"code": r.code, "name": r.name}
            for r in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
        ],
    }


# --- the steps ------------------------------------------------------------------------------------------------
@api.post(
    "/orders/{application_no}/quote",
    response=OrderOut,
    summary="报价",
    tags=["订单"],
    **scoped("order.quote"),
)
def order_quote(request: HttpRequest, application_no: Path[ApplicationNo], data: SchemeIn) -> dict[str, Any]:
    """待报价 → 待确认报价；投保企业收到短信。与 订单管理 › 报价 相同的校验（含地区投保规则）。"""
    order = _order(request, application_no)
    scheme, names = _scheme(data, data.service_counts)
    try:
        workflow.order_quote(order=order, actor=actor_of(request), scheme=scheme)
    except Refused as exc:
        raise exc.renamed(names) from None
    return _answer(request, order)


@api.post(
    "/orders/{application_no}/payment-notice",
    response=OrderOut,
    summary="上传付款通知书",
    tags=["订单"],
    **scoped("order.payment_notice"),
)
def order_payment_notice(
    request: HttpRequest, application_no: Path[ApplicationNo], file: File[UploadedFile | None] = None
) -> dict[str, Any]:
    """待上传付款通知书 → 待支付（multipart/form-data，字段 file：PDF 或图片，不超过10MB）。"""
    order = _order(request, application_no)
    workflow.order_upload_payment_notice(order=order, actor=actor_of(request), file=file)
    return _answer(request, order)


@api.post(
    "/orders/{application_no}/payment-review",
    response=OrderOut,
    summary="支付审核",
    tags=["订单"],
    **scoped("order.payment_review"),
)
def order_payment_review(
    request: HttpRequest, application_no: Path[ApplicationNo], data: DecisionIn
) -> dict[str, Any]:
    """待支付审核 → 通过：待出函；驳回（须填原因）：待支付，企业重新上传付款凭证。"""
    order = _order(request, application_no)
    if data.decision == "approve":
        workflow.order_approve_payment(order=order, actor=actor_of(request))
    else:
        workflow.order_reject_payment(order=order, actor=actor_of(request), reason=data.reason)
    return _answer(request, order)


@api.post(
    "/orders/{application_no}/issue",
    response=OrderOut,
    summary="出函",
    tags=["订单"],
    **scoped("order.issue"),
)
def order_issue(
    request: HttpRequest,
    application_no: Path[ApplicationNo],
    data: Form[IssueIn],
    policy_file: File[UploadedFile | None] = None,
    invoice_file: File[UploadedFile | None] = None,
    contract_file: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    """线上订单 待出函 → 已出函（multipart/form-data：policy_no，保单文件与发票文件 PDF，合同文件可选）；
    生成保单并短信通知投保联系人。线下订单请用 保单信息补录。"""
    order = _order(request, application_no)
    services.policy_issue(
        order=order,
        actor=actor_of(request),
        policy_no=data.policy_no,
        policy_file=policy_file,
        invoice_file=invoice_file,
        contract_file=contract_file,
    )
    return _answer(request, order)


@api.post(
    "/orders/{application_no}/backfill",
    response=OrderOut,
    summary="保单信息补录（线下订单出函）",
    tags=["订单"],
    **scoped("order.issue"),
)
def order_backfill(
    request: HttpRequest,
    application_no: Path[ApplicationNo],
    data: Form[BackfillIn],
    policy_file: File[UploadedFile | None] = None,
    invoice_file: File[UploadedFile | None] = None,
    contract_file: File[UploadedFile | None] = None,
    business_licence: File[UploadedFile | None] = None,
    legal_id: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    """线下订单 待出函 → 已出函：保险方案、服务次数（service_counts 为 JSON）、保单编号与三个 PDF 一次提交。"""
    order = _order(request, application_no)
    try:
        counts = json.loads(data.service_counts or "{}")
    except ValueError:
        counts = None
    if (
        not isinstance(counts, dict)
        or holds_nul(counts)  # a "\u0000" inside the JSON text: no NUL reaches the database
        or not all(
            isinstance(code, str) and isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 999
            for code, n in counts.items()
        )
    ):
        raise Refused('服务次数须为JSON对象，如 {"training": 2}，次数为0–999的整数', field="service_counts")
    scheme, names = _scheme(data, counts)
    try:
        services.policy_issue_offline(
            order=order,
            actor=actor_of(request),
            scheme=scheme,
            policy_no=data.policy_no,
            policy_file=policy_file,
            invoice_file=invoice_file,
            contract_file=contract_file,
            intended_items=_items(data.intended_items) if data.intended_items else None,
            business_licence=business_licence,
            legal_id=legal_id,
        )
    except Refused as exc:
        raise exc.renamed(names) from None
    return _answer(request, order)


@api.post(
    "/policies/{application_no}/service",
    response=PolicyOut,
    summary="申请第三方安全服务",
    tags=["保单"],
    **scoped("policy.assign_service"),
)
def policy_assign(
    request: HttpRequest, application_no: Path[ApplicationNo], data: AssignServiceIn
) -> dict[str, Any]:
    """指定一家启用中的服务机构（统一社会信用代码）→ 待处理；服务机构收到短信。"""
    actor = actor_of(request)
    policy = policy_selectors.policy_for(user=actor, application_no=application_no)
    org = (
        policy_selectors.service_org_choices().filter(Q(credit_code=data.service_org.strip().upper())).first()
    )
    policy_assign_service(policy=policy, actor=actor, service_org=org)  # type: ignore[arg-type]
    return presenters.policy_out(policy_selectors.policy_for(user=actor, application_no=application_no))


# The operations after 出函 — 批改 / 退保, 理赔, 冲正 — in their own modules, on this ``api``.
from . import endpoints_claims, endpoints_endorsements, endpoints_reversals  # noqa: E402, F401
