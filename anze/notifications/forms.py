from __future__ import annotations

from django import forms

from anze.core.forms import SearchForm

from .models import SmsStatus


class SmsSearchForm(SearchForm):
    phone = forms.CharField(
        label="手机号码",
        max_length=11,
        widget=forms.TextInput(attrs={"placeholder": "请输入手机号码", "inputmode": "numeric"}),
    )
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *SmsStatus.choices])
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("创建时间", "start", "end"),)


class NotificationSearchForm(SearchForm):
    title = forms.CharField(
        label="消息标题", max_length=100, widget=forms.TextInput(attrs={"placeholder": "请输入消息标题"})
    )
