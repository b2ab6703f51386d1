"""Forms of the 基础数据 screens. Field formats are checked here; the rules live in ``services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from anze.core.forms import SearchForm, StyledFormMixin

from .models import Industry, Region, RegionalRule, RegionLevel, ServiceItem
from .services import RuleValues

STATUS_CHOICES = [("", "全部"), ("1", "启用"), ("0", "停用")]
# Dialogs open over a search form with fields of the same names: keep the element ids apart.
DIALOG_IDS = "dlg_%s"


class ServiceItemForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="服务项目名称",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "请输入服务项目名称", "autofocus": True}),
    )
    # Its rules (not negative, 2 places, within the column) are services.check_unit_price's.
    unit_price = forms.DecimalField(
        label="单价（元/次）",
        required=False,
        help_text="服务机构登记服务记录时的默认费用；保单各项目的计划金额 = 约定次数 × 单价。不填为0。",
        widget=forms.TextInput(attrs={"placeholder": "如 500.00", "inputmode": "decimal"}),
        error_messages={"invalid": "单价须为数字（单位：元）"},
    )

    def __init__(self, *args: Any, instance: ServiceItem | None = None, **kwargs: Any) -> None:
        self.instance = instance
        kwargs.setdefault("auto_id", DIALOG_IDS)
        if instance is not None:
            kwargs.setdefault("initial", {"name": instance.name, "unit_price": instance.unit_price})
        super().__init__(*args, **kwargs)


class ServiceItemSearchForm(SearchForm):
    name = forms.CharField(
        label="服务项目", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入服务项目名称"})
    )
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)


class IndustryForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="行业名称",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "请输入行业名称", "autofocus": True}),
    )
    is_compulsory = forms.BooleanField(
        label="高危行业",
        required=False,
        help_text="《安全生产责任保险实施办法》规定的应保尽保行业，监管统计中单独列示",
    )

    def __init__(self, *args: Any, instance: Industry | None = None, **kwargs: Any) -> None:
        self.instance = instance
        kwargs.setdefault("auto_id", DIALOG_IDS)
        if instance is not None:
            kwargs.setdefault("initial", {"name": instance.name, "is_compulsory": instance.is_compulsory})
        super().__init__(*args, **kwargs)


class IndustrySearchForm(SearchForm):
    name = forms.CharField(
        label="行业名称", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入行业名称"})
    )
    compulsory = forms.ChoiceField(
        label="应保尽保", required=False, choices=[("", "全部"), ("1", "高危行业"), ("0", "一般行业")]
    )
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else obj.name


class CountyForm(StyledFormMixin, forms.Form):
    parent = CityChoiceField(
        label="所属市",
        queryset=Region.objects.filter(level=RegionLevel.CITY).select_related("parent").order_by("code"),
        empty_label="请选择",
    )
    code = forms.CharField(
        label="行政区划代码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"placeholder": "6位数字，如 350582", "inputmode": "numeric"}),
        help_text="GB/T 2260 代码，前4位与所属市相同",
        error_messages={"min_length": "行政区划代码应为6位数字"},
    )
    name = forms.CharField(
        label="区县名称", max_length=50, widget=forms.TextInput(attrs={"placeholder": "请输入区县名称"})
    )


class RuleRegionField(forms.ModelChoiceField):
    """Regions as an indented tree (省 > 市 > 区县) so the operator sees which level a rule is set at."""

    INDENT = {RegionLevel.PROVINCE: "", RegionLevel.CITY: "　", RegionLevel.COUNTY: "　　"}

    def label_from_instance(self, obj: Region) -> str:
        return f"{self.INDENT.get(obj.level, '')}{obj.name}（{obj.get_level_display()}）"


def _ratio_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"placeholder": "留空则沿用上级", "step": "0.01", "min": "0", "max": "100"}
        ),
        error_messages={
            "min_value": "比例不能为负数",
            "max_value": "比例不能超过100",
            "max_decimal_places": "最多保留2位小数",
            "invalid": "请输入数字",
        },
    )


class RegionalRuleForm(StyledFormMixin, forms.Form):
    region = RuleRegionField(label="适用地区", queryset=Region.objects.none(), empty_label="请选择")
    min_per_person_injury_limit = forms.DecimalField(
        label="每人伤亡责任限额下限（元）",
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"placeholder": "留空则沿用上级，如 400000", "step": "0.01", "min": "0"}
        ),
        error_messages={
            "min_value": "限额不能为负数",
            "max_decimal_places": "最多保留2位小数",
            "max_digits": "金额过大",
            "invalid": "请输入金额",
        },
    )
    min_fee_ratio = _ratio_field("服务费比例下限（%）")
    max_fee_ratio = _ratio_field("服务费比例上限（%）")
    claim_report_days = forms.IntegerField(
        label="报案时限（天）",
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": "留空则沿用上级，如 30", "step": "1", "min": "0"}),
        help_text="保险期间届满后仍可报案的天数；事故须发生在保险期间内",
        error_messages={
            "min_value": "天数不能为负数",
            "max_value": "天数不能超过3650",
            "invalid": "请输入整数天数",
        },
    )
    note = forms.CharField(
        label="依据",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：泉州市应急管理局关于……的通知"}),
    )

    def __init__(self, *args: Any, instance: RegionalRule | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "region": instance.region_id,
                    "min_per_person_injury_limit": instance.min_per_person_injury_limit,
                    "min_fee_ratio": instance.min_fee_ratio,
                    "max_fee_ratio": instance.max_fee_ratio,
                    "claim_report_days": instance.claim_report_days,
                    "note": instance.note,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            # The region of a rule never changes: delete it and add one for the other region instead.
            del self.fields["region"]
        else:
            self.fields["region"].queryset = Region.objects.filter(rule__isnull=True).order_by("code")
        # "事故预防服务费占保费比例" is spelled out in the list header; the form says it once in the hint.
        self.fields["max_fee_ratio"].help_text = "事故预防服务费占保费的百分比，如 10 表示 10%"

    @property
    def is_default(self) -> bool:
        return self.instance is not None and self.instance.region_id is None

    def values(self) -> RuleValues:
        data = self.cleaned_data
        return RuleValues(
            min_per_person_injury_limit=data["min_per_person_injury_limit"],
            min_fee_ratio=data["min_fee_ratio"],
            max_fee_ratio=data["max_fee_ratio"],
            claim_report_days=data["claim_report_days"],
        )
