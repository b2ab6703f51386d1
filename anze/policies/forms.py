"""Forms of 保单管理: the list's search and the 申请第三方安全服务 dialog."""

from __future__ import annotations

from typing import Any

from django import forms

from anze.accounts.models import Organisation
from anze.basedata.models import Region
from anze.core.forms import SearchForm, StyledFormMixin

from . import selectors


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
