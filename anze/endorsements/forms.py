"""Forms of 批改 and 退保. They parse and show errors; what is allowed is decided by ``changes`` /
``workflow`` / ``surrenders``, whose refusals the views put beside the fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from anze.basedata.models import ServiceItem
from anze.core.forms import SearchForm, StyledFormMixin, style_widgets
from anze.documents.forms import DocumentField
from anze.documents.validation import IMAGE, PDF
from anze.orders.forms import MAX_AMOUNT
from anze.policies.models import Policy

from . import changes
from .changes import Change
from .models import EndorsementKind, SurrenderGround


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "placeholder": "选择日期"}, format="%Y-%m-%d")


def _reason(label: str, placeholder: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        required=required,
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": placeholder}),
    )


def _amount(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_value=MAX_AMOUNT,
        min_value=-MAX_AMOUNT,
        error_messages={
            "required": f"请输入{label}",
            "invalid": f"{label}须为数字（单位：元）",
            "max_value": f"{label}过大，请核对",
            "min_value": f"{label}过大，请核对",
        },
        widget=forms.TextInput(attrs={"placeholder": f"请输入{label}", "inputmode": "decimal"}),
    )


# --- 申请批改 / 发起批改 ---------------------------------------------------------------------------------------------
class ChangeForm(StyledFormMixin, forms.Form):
    """The policy's changeable values, opened with the current ones, the service count of every active item,
    the day the change takes effect and why."""

    headcount = forms.IntegerField(
        label="参保人数",
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "required": "请输入参保人数",
            "invalid": "参保人数须为大于0的整数",
            "min_value": "参保人数须为大于0的整数",
            "max_value": "参保人数过大，请核对",
        },
        widget=forms.NumberInput(attrs={"min": 1}),
    )
    project_name = forms.CharField(label="项目名称", max_length=100)
    project_address = forms.CharField(label="项目地址", max_length=200, required=False)
    contact_name = forms.CharField(label="投保联系人", max_length=30)
    contact_phone = forms.CharField(
        label="联系电话", max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    effective_on = forms.DateField(
        label="批改生效日期",
        widget=_date_widget(),
        error_messages={"required": "请选择批改生效日期", "invalid": "请选择正确的日期"},
    )
    reason = _reason("批改原因", "请说明批改原因，如新增员工入职、项目更名等")
    # Not an input: where an error about the service counts as a whole is shown.
    service_counts = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        order = policy.order
        current = changes.current_change(order, effective_on=changes.default_effective_on(policy))
        initial = {
            "headcount": current.headcount,
            "project_name": current.project_name,
            "project_address": current.project_address,
            "contact_name": current.contact_name,
            "contact_phone": current.contact_phone,
            "effective_on": current.effective_on,
        }
        self.items = list(ServiceItem.objects.active())
        initial.update({f"service_{item.pk}": current.service_counts.get(item.pk, 0) for item in self.items})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.policy = policy
        for item in self.items:
            self.fields[f"service_{item.pk}"] = forms.IntegerField(
                label=item.name,
                required=False,
                min_value=0,
                max_value=999,
                error_messages={
                    "invalid": "服务次数须为0至999的整数",
                    "min_value": "服务次数须为0至999的整数",
                    "max_value": "服务次数须为0至999的整数",
                },
                widget=forms.NumberInput(attrs={"min": 0}),
            )
        self.fields["effective_on"].help_text = (
            f"保险期间 {policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}；"
            "人数变化的保费按生效日起剩余天数计算（含生效日）"
        )
        style_widgets(self)

    def service_fields(self) -> list[forms.BoundField]:
        return [self[f"service_{item.pk}"] for item in self.items]

    def change(self, data: dict[str, Any] | None = None) -> Change:
        """The requested change from the cleaned values (``data``: those the form could read)."""
        data = self.cleaned_data if data is None else data
        counts: dict[int, int | None] = {}
        for item in self.items:
            name = f"service_{item.pk}"
            if name in data:
                counts[item.pk] = data[name] or 0
        return Change(
            headcount=data.get("headcount"),
            project_name=data.get("project_name", self.policy.order.project_name),
            project_address=data.get("project_address", self.policy.order.project_address),
            contact_name=data.get("contact_name", self.policy.order.contact_name),
            contact_phone=data.get("contact_phone", self.policy.order.contact_phone),
            effective_on=data.get("effective_on"),
            reason=data.get("reason", ""),
            service_counts=counts,
        )


# --- 审核 (the insurer) ----------------------------------------------------------------------------------------
class DecisionForm(StyledFormMixin, forms.Form):
    """通过, or 驳回 with a reason (which the workflow requires, beside the field)."""

    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        choices=[(APPROVE, "通过"), (REJECT, "驳回")],
        widget=forms.HiddenInput,
        error_messages={"required": "请选择通过或驳回", "invalid_choice": "请选择通过或驳回"},
    )
    reason = _reason("驳回原因", "驳回时必填，将通知投保企业", required=False)

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class AdjustForm(StyledFormMixin, forms.Form):
    premium_delta = _amount("批改保费（元）")
    reason = _reason("调整原因", "请说明调整批改保费的原因，将通知投保企业")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["premium_delta"].help_text = "正数为加收保费，负数为退还保费"


class IssueForm(StyledFormMixin, forms.Form):
    endorsement_no = forms.CharField(
        label="批单号", max_length=50, widget=forms.TextInput(attrs={"placeholder": "请输入批单号"})
    )
    endorsement_file = DocumentField(label="批单文件", accept={PDF})


class VoucherForm(StyledFormMixin, forms.Form):
    file = DocumentField(label="付款凭证", accept={PDF, IMAGE})


class SurrenderReviewForm(DecisionForm):
    """退保审核: 通过 with the 批单 (number and PDF) and the refund (the computed one unless changed, with a
    reason), or 驳回 with a reason."""

    endorsement_no = forms.CharField(
        label="批单号",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "请输入批单号"}),
    )
    endorsement_file = DocumentField(label="批单文件", accept={PDF}, required=False)
    refund = _amount("退保金额（元）", required=False)
    adjust_reason = _reason("调整原因", "调整退保金额时必填", required=False)

    def __init__(self, *args: Any, refund: Decimal | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"refund": refund})
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["placeholder"] = "驳回时必填，将通知投保企业"


# --- 申请退保 --------------------------------------------------------------------------------------------------
class SurrenderForm(StyledFormMixin, forms.Form):
    ground = forms.ChoiceField(
        label="退保原因类别",
        choices=SurrenderGround.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择退保原因类别", "invalid_choice": "请选择退保原因类别"},
    )
    reason = _reason("退保原因", "请说明退保原因")
    proof = DocumentField(label="证明材料", accept={PDF, IMAGE})

    def __init__(self, *args: Any, compulsory: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proof"].help_text = (
            "注销、破产请上传市场监管部门注销证明或法院裁定书；停产停业请上传相关证明"
            if compulsory
            else "请上传退保相关证明材料"
        )


# --- the lists -------------------------------------------------------------------------------------------------
class EndorsementSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", max_length=50, widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    name = forms.CharField(
        label="投保人/项目",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "请输入投保人或项目名称"}),
    )
    kind = forms.ChoiceField(label="类型", choices=[("", "全部"), *EndorsementKind.choices])
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("申请时间", "start", "end"),)
