"""Forms of the insurer's 订单管理 screens. They parse and show errors; the rules live in ``rules.py`` (the
scheme, shown beside every field at once) and ``workflow.py`` (everything an action checks)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from anze.accounts.models import Organisation
from anze.basedata.models import Industry, Region, RegionLevel, ServiceItem
from anze.basedata.selectors import EffectiveRule, format_ratio, rule_for_region
from anze.core.formatting import wan
from anze.core.forms import SearchForm, StyledFormMixin, choice_field, style_widgets
from anze.core.sides import Side
from anze.core.validators import validate_credit_code, validate_mobile
from anze.documents.forms import DocumentField
from anze.documents.validation import IMAGE, PDF

from .models import Order, OrderType
from .rules import AMOUNT_LABELS, Scheme, add_years, scheme_errors


# --- the list's search ------------------------------------------------------------------------------------
class OrderSearchForm(SearchForm):
    application_no = forms.CharField(
        label="申请编号", max_length=18, widget=forms.TextInput(attrs={"placeholder": "请输入申请编号"})
    )
    name = forms.CharField(
        label="投保人/项目",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "请输入投保人或项目名称"}),
    )
    credit_code = forms.CharField(
        label="信用代码",
        max_length=18,
        widget=forms.TextInput(attrs={"placeholder": "请输入统一社会信用代码"}),
    )
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=11,
        widget=forms.TextInput(attrs={"placeholder": "请输入联系电话", "inputmode": "numeric"}),
    )
    order_type = forms.ChoiceField(label="订单类型", choices=[("", "全部"), *OrderType.choices])
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("申请时间", "start", "end"),)
    keep_params = ("tab", "sort")
    markup_from_query = True  # its choices are OrderType's


def order_search(params: QueryDict) -> tuple[OrderSearchForm, dict[str, Any]]:
    """The insurer's list's search form on a query string, and its filters with the tab and the sort (the
    list, its export — in the request or in the worker — and the bench)."""
    search = OrderSearchForm(params)
    return search, {**search.values(), "tab": params.get("tab", ""), "sort": params.get("sort", "")}


# --- 投保资料 and 意向服务项目 (新增线下订单, 保单信息补录) ------------------------------------------------------------
class ApplicationMaterialsForm(StyledFormMixin, forms.Form):
    """投保资料 (营业执照, 法人身份证: PDF or image, the checks of the portal's 投保申请) and 意向服务项目 (the
    active service items) of an offline order, as the manual's 保单信息补录 shows them. Optional: an order's
    current file is shown by name and kept unless another one is chosen."""

    intended_items = forms.ModelMultipleChoiceField(
        label="意向服务项目",
        queryset=ServiceItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "包含已停用或不存在的服务项目",
            "invalid_pk_value": "服务项目不正确",
        },
    )
    business_licence = DocumentField(label="营业执照", accept={PDF, IMAGE}, required=False)
    legal_id = DocumentField(label="法人身份证", accept={PDF, IMAGE}, required=False)

    MATERIALS: tuple[str, ...] = ("business_licence", "legal_id")

    def setup_materials(self, order: Order | None = None) -> None:
        items = ServiceItem.objects.active()
        if order is not None and order.pk:
            current = list(order.intended_items.all())
            items = ServiceItem.objects.filter(Q(is_active=True) | Q(pk__in=[item.pk for item in current]))
            self.initial.setdefault("intended_items", current)
            for name in self.MATERIALS:
                document = getattr(order, name)
                if document is not None:
                    self.initial.setdefault(name, document)
                    self.fields[name].help_text = "已上传，如需更换请重新选择文件"
        choice_field(self, "intended_items").queryset = items.order_by("sort", "id")

    def upload(self, name: str) -> Any:
        """The newly chosen file, or None (an order's current file, a ``Document``, stays)."""
        value = self.cleaned_data.get(name)
        return None if value is None or value == self.initial.get(name) else value

    def materials_for_workflow(self) -> dict[str, Any]:
        return {
            "intended_items": list(self.cleaned_data.get("intended_items") or []),
            "business_licence": self.upload("business_licence"),
            "legal_id": self.upload("legal_id"),
        }


# --- the scheme (报价, 保单信息补录) -----------------------------------------------------------------------------
MAX_AMOUNT = Decimal("999999999999.99")  # what Order's DecimalField(max_digits=14, decimal_places=2) holds


def amount_field(name: str, *, required: bool = True) -> forms.DecimalField:
    label = AMOUNT_LABELS[name]
    return forms.DecimalField(
        label=label,
        required=required,
        max_value=MAX_AMOUNT,
        # decimal_places is left to rules.scheme_errors, so that its message is the one users see.
        error_messages={
            "required": f"请输入{label}",
            "invalid": f"{label}须为数字（单位：元）",
            "max_value": f"{label}过大，请核对",
        },
        widget=forms.TextInput(attrs={"placeholder": f"请输入{label}", "inputmode": "decimal"}),
    )


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "placeholder": "选择日期"}, format="%Y-%m-%d")


def regional_hints(rule: EffectiveRule) -> dict[str, str]:
    """The regional rule of the order's region, as hints under the fields it constrains."""
    hints: dict[str, str] = {}
    if rule.min_per_person_injury_limit is not None:
        hints["per_person_injury_limit"] = (
            f"本地区每人伤亡责任限额不低于 {wan(rule.min_per_person_injury_limit)}"
        )
    low, high = rule.min_fee_ratio, rule.max_fee_ratio
    if low is not None and high is not None:
        hints["prevention_fee"] = f"本地区事故预防服务费为保费的 {format_ratio(low)}–{format_ratio(high)}"
    elif low is not None:
        hints["prevention_fee"] = f"本地区事故预防服务费不低于保费的 {format_ratio(low)}"
    elif high is not None:
        hints["prevention_fee"] = f"本地区事故预防服务费不高于保费的 {format_ratio(high)}"
    return hints


def service_count_field(item: ServiceItem) -> forms.IntegerField:
    """The 服务次数 of one service item (the scheme forms, and the Excel import's column of that item)."""
    return forms.IntegerField(
        label=item.name,
        required=False,
        min_value=0,
        max_value=999,
        error_messages={
            "invalid": "服务次数须为不小于0的整数",
            "min_value": "服务次数须为不小于0的整数",
            "max_value": "服务次数不能超过999",
        },
        widget=forms.NumberInput(attrs={"placeholder": "请输入服务次数", "min": 0}),
    )


class SchemeForm(StyledFormMixin, forms.Form):
    """保险方案, 保险期间, 保费, 事故预防服务费 and the service count of every active service item; every rule of
    ``rules.scheme_errors`` (the regional ones included) beside its field, all at once."""

    aggregate_limit = amount_field("aggregate_limit")
    per_accident_limit = amount_field("per_accident_limit")
    per_person_injury_limit = amount_field("per_person_injury_limit")
    per_person_medical_limit = amount_field("per_person_medical_limit")
    premium = amount_field("premium")
    prevention_fee = amount_field("prevention_fee")
    period_start = forms.DateField(
        label="保险期间起期",
        widget=_date_widget(),
        error_messages={"required": "请选择保险期间起期", "invalid": "请选择正确的日期"},
    )
    period_end = forms.DateField(
        label="保险期间止期",
        widget=_date_widget(),
        error_messages={"required": "请选择保险期间止期", "invalid": "请选择正确的日期"},
    )
    # Not an input: where an error about the service counts as a whole is shown (实际服务项目's heading).
    service_counts = forms.CharField(required=False, widget=forms.HiddenInput)

    LIMITS: tuple[str, ...] = (
        "aggregate_limit",
        "per_accident_limit",
        "per_person_injury_limit",
        "per_person_medical_limit",
    )

    def __init__(self, *args: Any, order: Order, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for(order))
        super().__init__(*args, **kwargs)
        self.order = order
        self.items = list(ServiceItem.objects.active())
        # The 意向服务项目 the enterprise chose: a 意向 tag beside their service counts.
        self.intended_ids = set(order.intended_items.values_list("pk", flat=True)) if order.pk else set()
        for item in self.items:
            self.fields[f"service_{item.pk}"] = service_count_field(item)
        self.rule = rule_for_region(order.region)
        for name, text in regional_hints(self.rule).items():
            self.fields[name].help_text = text
        style_widgets(self)  # again: the service fields did not exist when the mixin styled the form

    @staticmethod
    def initial_for(order: Order) -> dict[str, Any]:
        """What the form opens with: the previous quote when there is one (a 拒绝报价 is quoted again), else
        the enterprise's expected period, else one year from tomorrow."""
        start = order.period_start or order.expected_start or timezone.localdate() + timedelta(days=1)
        end = order.period_end or order.expected_end or add_years(start, 1) - timedelta(days=1)
        initial: dict[str, Any] = {"period_start": start, "period_end": end}
        for name in AMOUNT_LABELS:
            value = getattr(order, name)
            if value is not None:
                initial[name] = value
        if order.pk:
            for line in order.service_counts.all():
                initial[f"service_{line.item_id}"] = line.count
        return initial

    def service_fields(self) -> list[forms.BoundField]:
        return [self[f"service_{item.pk}"] for item in self.items]

    def service_rows(self) -> list[tuple[forms.BoundField, bool]]:
        """(the count's field, whether the enterprise asked for the item) per active service item."""
        return [(self[f"service_{item.pk}"], item.pk in self.intended_ids) for item in self.items]

    def limit_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.LIMITS]

    def _scheme(self, data: dict[str, Any]) -> Scheme:
        # Only the items contracted at least once; a count that did not parse stays as None (it has its error).
        counts: dict[int, int | None] = {}
        for item in self.items:
            name = f"service_{item.pk}"
            if name in self.errors:
                counts[item.pk] = None
            elif data.get(name):
                counts[item.pk] = data[name]
        # A value that did not parse is None here, for scheme_errors to skip (the field shows why): not the
        # Decimal or date a Scheme holds once the form is valid.
        return Scheme(
            aggregate_limit=data.get("aggregate_limit"),  # type: ignore[arg-type]
            per_accident_limit=data.get("per_accident_limit"),  # type: ignore[arg-type]
            per_person_injury_limit=data.get("per_person_injury_limit"),  # type: ignore[arg-type]
            per_person_medical_limit=data.get("per_person_medical_limit"),  # type: ignore[arg-type]
            premium=data.get("premium"),  # type: ignore[arg-type]
            prevention_fee=data.get("prevention_fee"),  # type: ignore[arg-type]
            period_start=data.get("period_start"),  # type: ignore[arg-type]
            period_end=data.get("period_end"),  # type: ignore[arg-type]
            service_counts=counts,  # type: ignore[arg-type]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for name, message in scheme_errors(self._scheme(data), region=self.order.region).items():
            target = name if name in self.fields else "service_counts"
            if target not in self.errors:
                self.add_error(target, message)
        return data

    def scheme(self) -> Scheme:
        """The valid scheme (after ``is_valid()``)."""
        return self._scheme(self.cleaned_data)


class QuoteForm(SchemeForm):
    """报价 (docs/spec/user-manual.txt §3.1.2): the scheme and the service counts; the files come later, at
    出函."""


# --- 付款 ----------------------------------------------------------------------------------------------------
class PaymentNoticeForm(StyledFormMixin, forms.Form):
    file = DocumentField(label="付款通知书", accept={PDF, IMAGE})


class PaymentReviewForm(StyledFormMixin, forms.Form):
    """通过, or 驳回 with a reason (required by the workflow, which says so beside the field)."""

    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        choices=[(APPROVE, "通过"), (REJECT, "驳回")],
        widget=forms.HiddenInput,
        error_messages={"required": "请选择通过或驳回", "invalid_choice": "请选择通过或驳回"},
    )
    reason = forms.CharField(
        label="驳回原因",
        required=False,
        max_length=500,
        error_messages={"max_length": "原因不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "驳回时必填，将通知投保企业重新上传付款凭证"}),
    )


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="取消原因",
        max_length=500,
        error_messages={"required": "请填写取消原因", "max_length": "原因不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "请输入取消原因，将通知投保企业"}),
    )


# --- 新增线下订单 ----------------------------------------------------------------------------------------------
class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name}（{obj.credit_code}）"


class OfflineOrderForm(ApplicationMaterialsForm):
    """新增线下订单: the enterprise (a registered one prefills the fields), the project and the contact, the
    投保资料 and the 意向服务项目."""

    enterprise = EnterpriseChoiceField(
        label="已认证企业",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="不选择（手动填写投保人信息）",
        help_text="选择已在平台认证的企业可自动填写下列信息；其他企业请直接填写",
    )
    applicant_name = forms.CharField(
        label="投保人",
        max_length=100,
        error_messages={"required": "请输入投保人名称"},
        widget=forms.TextInput(attrs={"placeholder": "请输入投保企业名称"}),
    )
    applicant_credit_code = forms.CharField(
        label="信用代码",
        max_length=18,
        validators=[validate_credit_code],
        error_messages={"required": "请输入统一社会信用代码"},
        widget=forms.TextInput(attrs={"placeholder": "18位统一社会信用代码"}),
    )
    project_name = forms.CharField(
        label="项目名称",
        max_length=100,
        error_messages={"required": "请输入项目名称"},
        widget=forms.TextInput(attrs={"placeholder": "请输入项目名称"}),
    )
    project_address = forms.CharField(
        label="项目地址",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "请输入项目地址"}),
    )
    contact_name = forms.CharField(
        label="投保联系人",
        max_length=30,
        error_messages={"required": "请输入投保联系人"},
        widget=forms.TextInput(attrs={"placeholder": "请输入投保联系人"}),
    )
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=11,
        validators=[validate_mobile],
        error_messages={"required": "请输入联系电话"},
        help_text="出函短信将发送到此号码",
        widget=forms.TextInput(attrs={"placeholder": "请输入手机号码", "inputmode": "numeric"}),
    )
    region = forms.ModelChoiceField(
        label="所在区县",
        queryset=Region.objects.none(),
        empty_label="请选择区县",
        error_messages={"required": "请选择所在区县", "invalid_choice": "请选择所在区县"},
        help_text="决定适用的地区投保规则",
    )
    industry = forms.ModelChoiceField(
        label="行业",
        queryset=Industry.objects.none(),
        empty_label="请选择行业",
        error_messages={"required": "请选择行业", "invalid_choice": "请选择行业"},
    )
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
        widget=forms.NumberInput(attrs={"placeholder": "请输入参保人数", "min": 1}),
    )
    remark = forms.CharField(
        label="备注",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "选填"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprises = (
            Organisation.objects.active()
            .verified()  # a 待认证 enterprise's data are only what someone typed at 注册
            .of_kind(Side.ENTERPRISE)
            .select_related("region")
            .order_by("name")
        )
        choice_field(self, "enterprise").queryset = self.enterprises
        choice_field(self, "region").queryset = Region.objects.filter(level=RegionLevel.COUNTY).order_by(
            "code"
        )
        choice_field(self, "industry").queryset = Industry.objects.filter(is_active=True)
        self.setup_materials()

    def clean_applicant_credit_code(self) -> str:
        return self.cleaned_data["applicant_credit_code"].strip().upper()

    def enterprise_choices(self) -> list[dict[str, Any]]:
        """The registered enterprises with what choosing one fills in (read by the template's Alpine code)."""
        return [
            {
                "id": org.pk,
                "label": f"{org.name}（{org.credit_code}）",
                "fill_json": json.dumps(
                    {
                        "applicant_name": org.name,
                        "applicant_credit_code": org.credit_code or "",
                        "project_name": org.name,
                        "project_address": org.address,
                        "contact_name": org.contact_name,
                        "contact_phone": org.contact_phone,
                        "region": org.region_id or "",
                        "industry": org.industry_id or "",
                    },
                    ensure_ascii=False,
                ),
            }
            for org in self.enterprises
        ]
