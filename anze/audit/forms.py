"""The search forms of the 登录日志 and the 操作日志 (the pages and the 导出)."""

from __future__ import annotations

from django import forms

from anze.core.forms import SearchForm

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
