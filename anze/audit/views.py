"""操作日志 and 登录日志: each organisation's 管理员 sees its own organisation's only."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse

from anze.accounts.access import requires
from anze.core.forms import SearchForm
from anze.core.pagination import paginate
from anze.core.views import render_list

from . import selectors


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
        label="操作人", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入操作人"})
    )
    target = forms.ChoiceField(
        label="对象类型", required=False, choices=[("", "全部"), ("user", "账号"), ("role", "角色")]
    )
    field_order = ["actor", "target", "start", "end"]


@requires("system.log.login")
def login_log(request: HttpRequest) -> HttpResponse:
    search = LoginLogSearch(request.GET)
    page = paginate(
        request, selectors.login_logs_for(user=request.user, filters=search.values()), default_size=20
    )
    return render_list(request, "audit/login_log.html", {"search": search, "page": page})


@requires("system.log.operation")
def operation_log(request: HttpRequest) -> HttpResponse:
    search = OperationLogSearch(request.GET)
    page = paginate(
        request, selectors.operation_logs_for(user=request.user, filters=search.values()), default_size=20
    )
    page.rows = [selectors.describe_entry(entry) for entry in page.rows]
    return render_list(request, "audit/operation_log.html", {"search": search, "page": page})
