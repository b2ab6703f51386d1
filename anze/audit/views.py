"""操作日志 and 登录日志: each organisation's 管理员 sees its own organisation's only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core.access import requires
from anze.core.exports import too_many_rows, xlsx_response
from anze.core.forms import SearchForm
from anze.core.pagination import paginate
from anze.core.sides import side_namespace
from anze.core.views import done, render_list

from . import presenters, selectors


class DateRangeSearch(SearchForm):
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class LoginLogSearch(DateRangeSearch):
    username = forms.CharField(
        label="登录账号", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入登录账号"})
    )
    ip = forms.CharField(
        label="IP地址", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入IP地址"})
    )
    success = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("1", "成功"), ("0", "失败")]
    )
    field_order = ["username", "ip", "success", "start", "end"]


class OperationLogSearch(DateRangeSearch):
    actor = forms.CharField(
        label="操作人",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名或登录账号"}),
    )
    kind = forms.ChoiceField(
        label="操作类型",
        required=False,
        choices=[("", "全部"), *presenters.KINDS],
        error_messages={"invalid_choice": "请选择有效的操作类型"},
    )
    target = forms.ChoiceField(
        label="对象类型",
        required=False,
        choices=[("", "全部"), *((model, label) for model, (_, label) in selectors.TARGETS.items())],
        error_messages={"invalid_choice": "请选择有效的对象类型"},
    )
    object = forms.CharField(
        label="对象",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "订单号、保单号、账号或名称"}),
    )
    date_ranges = (("操作时间", "start", "end"),)
    field_order = ["actor", "kind", "target", "object", "start", "end"]


def _operation_search(request: HttpRequest) -> tuple[OperationLogSearch, dict[str, Any]]:
    """The search form and the filters it allows: a bad value is shown beside the form and not applied."""
    search = OperationLogSearch(request.GET)
    return search, search.values()


@requires("system.log.login")
def login_log(request: HttpRequest) -> HttpResponse:
    search = LoginLogSearch(request.GET)
    page = paginate(
        request, selectors.login_logs_for(user=request.user, filters=search.values()), default_size=20
    )
    return render_list(request, "audit/login_log.html", {"search": search, "page": page})


@requires("system.log.operation")
def operation_log(request: HttpRequest) -> HttpResponse:
    search, filters = _operation_search(request)
    page = paginate(
        request, selectors.operation_logs_for(user=request.user, filters=filters), default_size=20
    )
    page.rows = presenters.present(page.rows)
    return render_list(request, "audit/operation_log.html", {"search": search, "page": page})


EXPORT_HEADERS = ["操作时间", "操作人", "操作类型", "对象", "变更内容", "IP地址"]


@requires("system.log.operation")
def operation_log_export(request: HttpRequest) -> HttpResponseBase:
    _, filters = _operation_search(request)
    entries = selectors.operation_logs_for(user=request.user, filters=filters)
    if message := too_many_rows(entries):
        list_url = reverse(f"{side_namespace(request.side)}:system:operation_log")
        return done(request, message, f"{list_url}?{request.GET.urlencode()}", error=True)
    return xlsx_response("操作日志", EXPORT_HEADERS, _export_rows(entries), widths=[20, 24, 22, 34, 80, 16])


def _export_rows(entries: QuerySet[LogEntry]) -> Iterator[list[Any]]:
    """The rows as the page shows them, presented a chunk at a time (one lookup per model per chunk)."""
    chunk: list[LogEntry] = []
    for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(entry)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(chunk)
            chunk = []
    yield from _export_chunk(chunk)


def _export_chunk(chunk: list[LogEntry]) -> Iterator[list[Any]]:
    for row in presenters.present(chunk):
        # The time as a date-time cell: the export writes it in Beijing time to the second.
        yield [row.entry.timestamp, row.actor, row.type_display, row.target, row.changes_text, row.ip]


EXPORT_CHUNK = 500
