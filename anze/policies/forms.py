"""Forms of 保单管理: the list's search, the 申请第三方安全服务 dialog, and 出函 / 保单信息补录 of an order."""

from __future__ import annotations

from typing import Any

from django import forms

from anze.accounts.models import Organisation
from anze.basedata.models import Region
from anze.core.forms import SearchForm, StyledFormMixin
from anze.documents.forms import DocumentField
from anze.documents.validation import PDF
from anze.orders.forms import ApplicationMaterialsForm, SchemeForm
from anze.orders.models import Order

from . import selectors
from .models import PolicyStatus


class PolicySearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    application_no = forms.CharField(
        label="申请编号", widget=forms.TextInput(attrs={"placeholder": "请输入申请编号"})
    )
    applicant = forms.CharField(
        label="投保人", widget=forms.TextInput(attrs={"placeholder": "请输入投保人或项目名称"})
    )
    status = forms.ChoiceField(label="保单状态", choices=[("", "全部"), *PolicyStatus.choices])
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("出函时间", "start", "end"),)


class ServiceOrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class AssignServiceForm(StyledFormMixin, forms.Form):
    """申请第三方安全服务: pick one of the active organisations, optionally narrowed by region."""

    region = forms.ModelChoiceField(
        label="所在地区", queryset=Region.objects.none(), required=False, empty_label="全部地区"
    )
    service_org = ServiceOrgChoice(
        label="服务机构",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择第三方安全服务机构",
            "invalid_choice": "请选择一家启用中的服务机构",
        },
    )

    def __init__(self, *args: Any, region_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = selectors.service_org_regions()
        self.fields["region"].queryset = regions
        raw = self.data.get("region") if self.is_bound else region_id
        region = regions.filter(pk=raw).first() if raw and str(raw).isdigit() else None
        if not self.is_bound:
            self.initial["region"] = region
        self.region = region
        self.fields["service_org"].queryset = selectors.service_org_choices(region)

    @property
    def organisations(self) -> list[Organisation]:
        return list(self.fields["service_org"].queryset)


# --- 出函 ----------------------------------------------------------------------------------------------------
class IssueForm(StyledFormMixin, forms.Form):
    """出函 of an online order: 保单编号, 保单文件 and 发票文件 (PDF), 合同文件 optional."""

    policy_no = forms.CharField(
        label="保单编号",
        max_length=50,
        error_messages={"required": "请输入保单编号", "max_length": "保单编号不能超过50个字符"},
        widget=forms.TextInput(attrs={"placeholder": "请输入保单编号", "autocomplete": "off"}),
    )
    policy_file = DocumentField(label="保单文件", accept={PDF})
    invoice_file = DocumentField(label="发票文件", accept={PDF})
    contract_file = DocumentField(label="合同文件", accept={PDF}, required=False)

    def files_for_workflow(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "policy_no": data["policy_no"],
            "policy_file": data["policy_file"],
            "invoice_file": data["invoice_file"],
            "contract_file": data.get("contract_file"),
        }


class OfflineIssueForm(SchemeForm, IssueForm, ApplicationMaterialsForm):
    """保单信息补录 (docs/spec/user-manual.txt, figure 3.1.2): the whole scheme, the service counts and the three PDFs in one form,
    and the 投保资料 / 意向服务项目 the clerk completes."""

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        super().__init__(*args, order=order, **kwargs)
        self.fields["contract_file"].required = True
        self.fields["contract_file"].widget.attrs["required"] = True
        self.setup_materials(order)


class VerifyForm(StyledFormMixin, forms.Form):
    """电子保单验真 (public): both fields are required — no lookup by number alone."""

    policy_no = forms.CharField(
        label="保单编号",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "请输入保单编号", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "请输入8位验证码", "autocomplete": "off"}),
    )


# --- 冲正 ----------------------------------------------------------------------------------------------------------
def _reason_field(label: str, placeholder: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=500,
        error_messages={"required": f"请填写{label}", "max_length": "原因不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": placeholder, "autofocus": True}),
    )


class ReversalRequestForm(StyledFormMixin, forms.Form):
    """申请冲正: why the policy was issued wrongly (shown to the reviewer and, once approved, to the enterprise)."""

    reason = _reason_field("冲正原因", "请说明出函错误之处，如保单编号录错、上传了其他企业的保单文件")


class ReversalRejectForm(StyledFormMixin, forms.Form):
    reason = _reason_field("驳回原因", "请输入驳回原因，将通知冲正申请人")


class ReversalSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("申请时间", "start", "end"),)
    keep_params = ("status",)
