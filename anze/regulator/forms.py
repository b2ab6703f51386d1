"""The regulator's search forms: choices limited to what the regulator's region contains."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from anze.accounts.models import Organisation
from anze.basedata.models import Industry, Region
from anze.core.forms import SearchForm, choice_field
from anze.core.sides import Side
from anze.orders.models import OrderStatus
from anze.policies.models import ServiceStatus

from . import rollup, selectors, statistics
from .selectors import Cover, Standing


class _ScopedSearch(SearchForm):
    """Choices limited to what the regulator's region contains."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "insurer" in self.fields:
            self.fields["insurer"].queryset = Organisation.objects.filter(kind=Side.INSURER).order_by("id")
        if "region" in self.fields:
            self.fields["region"].queryset = selectors.regions_in_scope(user).filter(level="county")
        if "industry" in self.fields:
            self.fields["industry"].queryset = Industry.objects.all()


class OrderSearch(_ScopedSearch):
    q = forms.CharField(
        label="关键字",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "申请编号 / 投保人 / 项目名称"}),
    )
    credit_code = forms.CharField(
        label="信用代码",
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或其开头"}),
    )
    insurer = forms.ModelChoiceField(
        label="保险公司", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *[(s, label) for s, label in OrderStatus.choices if s != OrderStatus.DRAFT]],
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )


class PolicySearch(_ScopedSearch):
    q = forms.CharField(
        label="关键字", required=False, widget=forms.TextInput(attrs={"placeholder": "保单编号 / 投保人"})
    )
    credit_code = forms.CharField(
        label="信用代码",
        required=False,
        max_length=18,
        widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或其开头"}),
    )
    insurer = forms.ModelChoiceField(
        label="保险公司", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    industry = forms.ModelChoiceField(
        label="行业", queryset=Industry.objects.none(), required=False, empty_label="全部"
    )
    standing = forms.ChoiceField(
        label="保障状态", required=False, choices=[("", "全部"), *Standing.LABELS.items()]
    )
    service = forms.ChoiceField(
        label="安全服务", required=False, choices=[("", "全部"), *ServiceStatus.choices]
    )


class CoverSearch(_ScopedSearch):
    q = forms.CharField(
        label="企业名称", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入企业名称"})
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    cover = forms.ChoiceField(label="投保状态", required=False, choices=[("", "全部"), *Cover.LABELS.items()])


class RegisterSearch(_ScopedSearch):
    q = forms.CharField(
        label="企业",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "企业名称 / 统一社会信用代码"}),
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )


class _ReadOnce(ModelChoiceIterator):
    """The choices from the field's queryset itself, whose rows are then kept (its result cache), not from a
    fresh query each time (``QuerySet.iterator``: on PostgreSQL a server-side cursor, three round trips)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


class ReadOnceChoiceField(forms.ModelChoiceField):
    """A choice of few rows read once per form: for the widget, for checking the value chosen (among the rows,
    not by a query of its own) and for whoever reads ``queryset`` after (统计分析's group names,
    ``StatsFilterForm.names``)."""

    iterator = _ReadOnce

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            key = self.queryset.model._meta.pk.to_python(value)
        except ValidationError:
            key = None
        for obj in self.queryset:
            if obj.pk == key:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class StatsFilterForm(_ScopedSearch):
    """统计分析's filters. Unlike a list's search, a bad value is shown as an error (the figures then stay
    unfiltered) rather than silently dropped, since the figures would not say what they count. The choices
    are read once (``ReadOnceChoiceField``) and name the page's groups (``names``)."""

    insurer = ReadOnceChoiceField(
        label="保险公司",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "请选择列表中的保险公司"},
    )
    region = ReadOnceChoiceField(
        label="区县",
        queryset=Region.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "请选择您辖区内的区县"},
    )
    industry = ReadOnceChoiceField(
        label="行业",
        queryset=Industry.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "请选择列表中的行业"},
    )
    start = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "placeholder": "开始日期"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "placeholder": "结束日期"}, format="%Y-%m-%d"),
    )
    date_ranges = (("出函时间", "start", "end"),)
    keep_params = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "结束日期不能早于开始日期")
        return data

    def filters(self) -> statistics.StatsFilters:
        if not self.is_bound or not self.is_valid():
            return statistics.NO_FILTERS
        return statistics.StatsFilters(**{k: v for k, v in self.cleaned_data.items() if v})

    def names(self) -> dict[str, dict[int, str | None]]:
        """The names of 统计分析's groups (``cells.Figures.names``) from the choices, read for the widgets
        anyway: every insurer, the jurisdiction's 区县, every 行业 and the compulsory ones. A group not among
        them (an order of the city's own region) is named by ``statistics.grouped``."""
        industries = list(choice_field(self, "industry").queryset)
        return {
            "insurer": {o.pk: o.short_name or o.name for o in choice_field(self, "insurer").queryset},
            "region": {
                **{r.pk: r.name for r in choice_field(self, "region").queryset},
                rollup.NO_REGION: None,
            },
            "industry": {**{i.pk: i.name for i in industries}, rollup.NO_INDUSTRY: None},
            "compulsory": {i.pk: i.name for i in industries if i.is_compulsory},
        }


class LaggingSearch(StatsFilterForm):
    """服务费使用滞后: 统计分析's filters (the list shows what the statistics counted) and a 关键字."""

    q = forms.CharField(
        label="关键字", required=False, widget=forms.TextInput(attrs={"placeholder": "保单编号 / 投保人"})
    )
    field_order = ["q", "insurer", "region", "industry", "start", "end"]

    def filters(self) -> statistics.StatsFilters:
        if not self.is_bound or not self.is_valid():
            return statistics.NO_FILTERS
        values = {k: v for k, v in self.cleaned_data.items() if v and k != "q"}
        return statistics.StatsFilters(**values)

    def keyword(self) -> str:
        return str(self.cleaned_data.get("q") or "") if self.is_bound and self.is_valid() else ""
