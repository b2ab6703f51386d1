from __future__ import annotations

from typing import Any

from django import forms

from anze.core.forms import SearchForm, StyledFormMixin

from . import webhooks
from .models import DeliveryStatus, SmsStatus


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


class WebhookForm(StyledFormMixin, forms.Form):
    """新增 / 编辑推送地址: the URL of the organisation's system and the events it hears of."""

    name = forms.CharField(
        label="名称",
        max_length=30,
        error_messages={"required": "请输入名称", "max_length": "名称不能超过30个字"},
        widget=forms.TextInput(attrs={"placeholder": "如：核心业务系统"}),
    )
    url = forms.CharField(
        label="推送地址",
        max_length=300,
        error_messages={"required": "请输入推送地址", "max_length": "推送地址不能超过300个字符"},
        help_text="平台以 POST 发送 JSON，请求头 X-Anze-Signature 为签名（见接口文档）；返回 2xx 视为送达",
        widget=forms.TextInput(attrs={"placeholder": "https://core.example.com/anze/webhook"}),
    )
    events = forms.MultipleChoiceField(
        label="订阅事件",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个订阅事件", "invalid_choice": "不支持的事件"},
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [  # type: ignore[attr-defined]
            (event.code, f"{event.label}（{event.code}）") for event in webhooks.EVENTS.values()
        ]
        if not editing:
            del self.fields["is_active"]


class DeliverySearchForm(SearchForm):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *DeliveryStatus.choices])
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("创建时间", "start", "end"),)
