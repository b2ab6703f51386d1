"""Every refusal of the API as an RFC 9457 problem (``application/problem+json``), in Chinese:

    {"type": "about:blank", "title": "请求参数有误", "status": 422, "detail": "每人伤亡责任限额不得低于…",
     "errors": [{"field": "per_person_injury_limit", "detail": "每人伤亡责任限额不得低于…"}]}

The workflow's ``Refused`` becomes 403 (没有该操作的权限), 422 (errors at fields: bad input) or 409 (the object's
state does not allow the step); another organisation's object is 404 like a missing one; the input the schema
refuses is 422 with one error per field. Nothing the client sends is a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from anze.core.errors import Refused
from anze.core.workflow import NO_PERMISSION

MEDIA_TYPE = "application/problem+json"
TITLES: dict[int, str] = {
    400: "请求格式错误",
    401: "接口密钥无效",
    403: "没有该操作的权限",
    404: "对象不存在",
    405: "不支持该请求方法",
    409: "当前状态不能执行该操作",
    413: "请求内容过大",
    415: "请求内容类型不正确",
    422: "请求参数有误",
    429: "请求过于频繁",
}
UNAUTHORISED = (
    "请在 Authorization 请求头中提供有效的接口密钥：Bearer anze_…（密钥可能已吊销，或其创建人账号已停用）"
)
NOT_FOUND = "对象不存在或无权访问"
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


class Problem(Exception):
    """A refusal an endpoint raises itself (403 for a scope the key lacks, 429, …)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Mapping[str | None, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})


def response(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    errors: Mapping[str | None, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "请求无法处理"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": [
            {"field": field, "detail": text} for field, texts in (errors or {}).items() for text in texts
        ],
    }
    answer = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{MEDIA_TYPE}; charset=utf-8"
    )
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def refused_status(exc: Refused) -> int:
    if exc.message == NO_PERMISSION:
        return 403
    if any(field is not None for field in exc.errors):
        return 422
    return 409


# --- the schema's refusals in Chinese ------------------------------------------------------------------------
def _phrase(error: Mapping[str, Any]) -> str:
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    if kind == "missing":
        return "请填写此项"
    if kind.startswith("decimal") or kind.startswith("float"):
        if kind == "decimal_max_places":
            return f"最多保留{ctx.get('decimal_places')}位小数"
        if kind == "decimal_max_digits":
            return "数值过大，请核对"
        return "须为数字"
    if kind.startswith("int"):
        return "须为整数"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "请输入正确的日期（YYYY-MM-DD）"
    if kind in ("string_too_long", "too_long"):
        return f"不能超过{ctx.get('max_length')}个字符"
    if kind in ("string_too_short", "too_short"):
        return "不能为空" if ctx.get("min_length") in (1, None) else f"至少{ctx.get('min_length')}个字符"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{ctx.get('le', ctx.get('lt'))}"
    if kind in ("literal_error", "enum"):
        expected = (
            re.sub(r"['\"]", "", str(ctx.get("expected", ""))).replace(" or ", "、").replace(", ", "、")
        )
        return f"须为以下之一：{expected}"
    if kind == "value_error":
        return str(ctx.get("error", "格式不正确"))
    if kind.startswith("string") or kind == "str_type":
        return "须为文本"
    if kind.startswith("bool"):
        return "须为 true 或 false"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "须为对象"
    if kind == "list_type":
        return "须为数组"
    if kind == "uuid_parsing" or kind == "uuid_type":
        return "须为UUID"
    return "格式不正确"


def _field(loc: Any) -> str | None:
    """The field as the client named it: ("body", "data", "premium") → "premium" (a JSON body is one parameter,
    named in the endpoint), ("query", "limit") → "limit", ("body", "data", "service_counts", "training") →
    "service_counts.training"."""
    parts = [str(part) for part in (loc or ())]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] and parts[0] in ("query", "path", "form", "file", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or None


def schema_errors(exc: ValidationError) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    for error in exc.errors:
        texts = errors.setdefault(_field(error.get("loc")), [])
        text = _phrase(error)
        if text not in texts:
            texts.append(text)
    return errors


# --- the handlers -----------------------------------------------------------------------------------------------
def install(api: NinjaAPI) -> None:
    # (The handlers take ``Any``: ninja's type of a handler asks for the exception or its class.)
    def on_problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    def on_refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(request, refused_status(exc), exc.message, errors=exc.errors)

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        text = str(exc)
        return response(request, 404, text if _CHINESE.search(text) else NOT_FOUND)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = schema_errors(exc)
        first = next((f"{field}：{texts[0]}" if field else texts[0] for field, texts in errors.items()), "")
        return response(request, 422, first or "请求参数有误", errors=errors)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            return response(request, 401, UNAUTHORISED, headers={"WWW-Authenticate": "Bearer"})
        status = exc.status_code if 400 <= exc.status_code < 500 else 400
        return response(request, status, TITLES.get(status, "请求无法处理"))

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(request, 403, NO_PERMISSION)

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(request, 413, "请求内容过大（单个文件不超过10MB）")

    def on_bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(request, 400, "请求格式错误，请检查请求头与请求体")

    def on_wrong_type(request: HttpRequest, exc: Any) -> HttpResponse:
        return response(
            request,
            415,
            "请求内容类型与接口不符（JSON 接口用 application/json，上传文件用 multipart/form-data）",
        )

    api.add_exception_handler(Problem, on_problem)
    api.add_exception_handler(Refused, on_refused)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(SuspiciousOperation, on_bad_request)
    api.add_exception_handler(RawPostDataException, on_wrong_type)


# --- the schema: every operation's problems, in their media type ------------------------------------------------
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 问题详情（中文）",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "detail"],
                "properties": {"field": {"type": ["string", "null"]}, "detail": {"type": "string"}},
            },
        },
    },
}
# What any authenticated operation may answer besides its own success.
COMMON = {
    400: "请求格式错误",
    401: "接口密钥无效、已吊销或已失效",
    403: "密钥没有该操作的授权范围",
    404: "对象不存在，或属于其他机构",
    413: "请求内容过大",
    415: "请求内容类型不正确",
    422: "请求参数有误（errors 列出每个字段的问题）",
    429: "请求过于频繁（见 Retry-After）",
}
WRITES = {409: "对象的当前状态不允许该操作，或 Idempotency-Key 的请求正在处理"}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problems to every operation of ``schema`` (as ``application/problem+json``)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = {**COMMON, **(WRITES if method == "post" else {})}
            for status, text in answers.items():
                operation["responses"].setdefault(
                    str(status), {"description": text, "content": {MEDIA_TYPE: {"schema": ref}}}
                )
            if method == "post":
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "Idempotency-Key",
                        "required": False,
                        "schema": {"type": "string", "maxLength": 255},
                        "description": "同一键的重试返回第一次的结果，不会重复执行（24小时内）",
                    }
                )
    return schema
