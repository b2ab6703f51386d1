"""Forms of the claim screens. Formats are checked here; the rules (the accident inside the cover, the report in
time, the limits, the states) live in ``workflow`` and come back as ``Refused`` beside their field."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from anze.accounts.models import Organisation
from anze.basedata.models import Industry, Region, RegionLevel
from anze.core.forms import SearchForm, StyledFormMixin, style_widgets
from anze.core.sides import Side
from anze.core.workflow import reason_max_length
from anze.documents.forms import DocumentField
from anze.orders.scopes import regions_in_jurisdiction
from anze.policies.models import Policy

from . import reports, selectors, workflow
from .limits import Line
from .models import AccidentType, Claim

DATE = {"type": "date"}
MONEY_ERRORS = {
    "invalid": "请输入金额",
    "min_value": "金额不能为负数",
    "max_decimal_places": "最多保留2位小数",
    "max_digits": "金额过大",
}


def _money(label: str, *, required: bool = True, placeholder: str = "请输入金额（元）") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "placeholder": placeholder}),
        error_messages=MONEY_ERRORS,
    )


def _text(label: str, max_length: int, placeholder: str, *, rows: int = 0) -> forms.CharField:
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})
        if rows
        else forms.TextInput(attrs={"placeholder": placeholder})
    )
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=widget,
        error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过{max_length}个字"},
    )


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=9999,
        initial=0,
        widget=forms.NumberInput(attrs={"min": "0", "step": "1"}),
        error_messages={
            "required": f"请填写{label}",
            "invalid": "请输入整数",
            "min_value": f"{label}不能为负数",
            "max_value": f"{label}过大",
        },
    )


# --- 报案 ------------------------------------------------------------------------------------------------------
class AccidentForm(StyledFormMixin, forms.Form):
    """The accident and its reporter, and the files (photos, a PDF) sent with the report."""

    accident_date = forms.DateField(
        label="出险日期",
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": "请输入正确的日期"},
    )
    accident_time = forms.TimeField(
        label="出险时刻",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "请输入正确的时刻（时:分）"},
    )
    accident_place = _text("出险地点", 200, "如：泉州市丰泽区某项目3号楼施工现场")
    accident_type = forms.ChoiceField(
        label="事故类型",
        choices=[("", "请选择"), *AccidentType.choices],
        help_text="按 GB 6441《企业职工伤亡事故分类》",
    )
    description = _text("事故经过", 2000, "请描述事故发生的经过、伤亡及救治情况", rows=4)
    deaths = _count("死亡人数")
    injured = _count("受伤人数")
    estimated_loss = _money("估损金额（元）")
    reporter_name = _text("报案人", 30, "请输入报案人姓名")
    reporter_phone = forms.CharField(
        label="报案人电话",
        max_length=11,
        widget=forms.TextInput(attrs={"placeholder": "11位手机号码", "inputmode": "numeric"}),
    )
    photo_1 = DocumentField(label="现场照片", accept={"image"}, required=False)
    photo_2 = DocumentField(label="现场照片（二）", accept={"image"}, required=False)
    document = DocumentField(label="事故证明材料", accept={"pdf", "image"}, required=False)

    FILES = (("photo_1", "现场照片"), ("photo_2", "现场照片"), ("document", "事故证明材料"))

    def accident_at(self) -> datetime | None:
        data = getattr(self, "cleaned_data", {})
        day, moment = data.get("accident_date"), data.get("accident_time")
        if day is None or moment is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment.replace(second=0, microsecond=0)))

    def accident(self) -> reports.Accident:
        data = getattr(self, "cleaned_data", {})
        return reports.Accident(
            accident_at=self.accident_at(),
            accident_place=data.get("accident_place", ""),
            accident_type=data.get("accident_type", ""),
            description=data.get("description", ""),
            deaths=data.get("deaths"),
            injured=data.get("injured"),
            estimated_loss=data.get("estimated_loss"),
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            files={name: (caption, data.get(name)) for name, caption in self.FILES},
        )


# The workflow's names for what the form splits or names differently.
ACCIDENT_FIELDS = {"accident_at": "accident_date"}


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.policy_no}（{obj.order.project_name}，{obj.period_start:%Y-%m-%d} 至 {obj.period_end:%Y-%m-%d}）"


class EnterpriseReportForm(AccidentForm):
    """报案 on the enterprise portal: one of its policies, the accident, the contact (its own by default)."""

    policy = PolicyChoiceField(label="保单", queryset=Policy.objects.none(), empty_label="请选择保单")

    field_order = ["policy"]

    def __init__(self, *args: Any, user: Any, chosen: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        if chosen is not None:
            kwargs["initial"].setdefault("policy", chosen.pk)
            kwargs["initial"].setdefault("reporter_name", chosen.order.contact_name)
            kwargs["initial"].setdefault("reporter_phone", chosen.order.contact_phone)
        super().__init__(*args, **kwargs)
        field = self.fields["policy"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.reportable_policies(user=user)


class PhoneReportForm(AccidentForm):
    """电话报案 entered by the insurer's clerk: the 保单编号 the caller gives, then what the caller says."""

    policy_no = forms.CharField(
        label="保单编号", max_length=50, widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )

    field_order = ["policy_no"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        self.found_policy: Any = None
        super().__init__(*args, **kwargs)

    def clean_policy_no(self) -> str:
        policy_no = self.cleaned_data["policy_no"].strip()
        self.found_policy = selectors.insurer_policy(user=self.user, policy_no=policy_no)
        if self.found_policy is None:
            raise forms.ValidationError("未找到该保单编号的有效保单")
        return policy_no


# --- the insurer's steps ---------------------------------------------------------------------------------------
class RegisterForm(StyledFormMixin, forms.Form):
    case_no = forms.CharField(
        label="案件号",
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "请输入案件号（核心系统立案号）"}),
        help_text="同一保险公司内不能重复",
        error_messages={"max_length": "案件号不能超过50个字符"},
    )


class SurveyForm(StyledFormMixin, forms.Form):
    survey_notes = _text(
        "查勘意见", 2000, "查勘时间、地点、人员，事故原因、伤亡核实情况及是否属于保险责任", rows=5
    )
    photo = DocumentField(label="查勘照片", accept={"image"}, required=False)
    report = DocumentField(label="查勘报告", accept={"pdf"}, required=False)

    def files_to_store(self) -> dict[str, tuple[str, Any]]:
        return {
            "photo": ("查勘照片", self.cleaned_data.get("photo")),
            "report": ("查勘报告", self.cleaned_data.get("report")),
        }


class AdjustForm(StyledFormMixin, forms.Form):
    """理算: one row per person (姓名, 死亡伤残赔款, 医疗费用赔款). Rows left empty are not counted; there are
    as many rows as the accident's casualties or the last 理算's people, plus two."""

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        people = list(claim.people.all())
        data = kwargs.get("data") or (args[0] if args else None)
        rows = max(len(people), claim.deaths + claim.injured, 1) + 2
        if data is not None:
            rows = max(rows, _posted_rows(data))
        self.rows = min(rows, workflow.MAX_PEOPLE + 2)
        kwargs.setdefault("initial", {})
        for index, person in enumerate(people):
            kwargs["initial"].update(
                {
                    f"name_{index}": person.name,
                    f"death_disability_{index}": person.death_disability,
                    f"medical_{index}": person.medical,
                }
            )
        super().__init__(*args, **kwargs)
        for index in range(self.rows):
            self.fields[f"name_{index}"] = forms.CharField(
                label=f"第{index + 1}人姓名",
                max_length=30,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "姓名"}),
                error_messages={"max_length": "姓名不能超过30个字"},
            )
            self.fields[f"death_disability_{index}"] = _money(
                f"第{index + 1}人死亡伤残赔款", required=False, placeholder="死亡伤残（元）"
            )
            self.fields[f"medical_{index}"] = _money(
                f"第{index + 1}人医疗费用赔款", required=False, placeholder="医疗费用（元）"
            )
        style_widgets(self)
        self._row_of: list[int] = []

    def row_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"name_{i}"], self[f"death_disability_{i}"], self[f"medical_{i}"]) for i in range(self.rows)
        ]

    def lines(self) -> list[Line]:
        """The rows with something in them, in order (an amount left empty in such a row counts as 0)."""
        data = self.cleaned_data
        lines, self._row_of = [], []
        for index in range(self.rows):
            name = data.get(f"name_{index}") or ""
            dd, medical = data.get(f"death_disability_{index}"), data.get(f"medical_{index}")
            if not name.strip() and dd is None and medical is None:
                continue
            self._row_of.append(index)
            lines.append(Line(name, dd or Decimal("0"), medical or Decimal("0")))
        return lines

    def renamed(self) -> dict[str, str]:
        """The workflow's field of the n-th line → this form's field of its row."""
        names: dict[str, str] = {}
        for line, row in enumerate(self._row_of):
            for prefix in ("name", "death_disability", "medical"):
                names[f"{prefix}_{line}"] = f"{prefix}_{row}"
        return names


def _posted_rows(data: Any) -> int:
    """How many rows a submitted 理算 had (its highest row number + 1)."""
    rows = 0
    for key in data:
        prefix, _, number = str(key).rpartition("_")
        if prefix in ("name", "death_disability", "medical") and number.isdigit():
            rows = max(rows, int(number) + 1)
    return rows


class SettleForm(StyledFormMixin, forms.Form):
    paid_amount = _money("赔款金额（元）")
    paid_on = forms.DateField(
        label="支付日期",
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": "请输入正确的日期"},
    )
    payee = _text("收款人", 100, "如：受伤员工本人或其法定继承人、投保企业")

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "paid_amount": claim.adjusted_amount,
                "paid_on": timezone.localdate(),
                "payee": claim.applicant_name,
            },
        )
        super().__init__(*args, **kwargs)

    def payment(self) -> workflow.Payment:
        data = self.cleaned_data
        return workflow.Payment(amount=data["paid_amount"], paid_on=data["paid_on"], payee=data["payee"])


class ReasonForm(StyledFormMixin, forms.Form):
    """The reason of 拒赔 or 注销, within the workflow's one limit of every reason."""

    def __init__(self, *args: Any, label: str = "原因", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = reason_max_length()
        self.fields["reason"] = forms.CharField(
            label=label,
            max_length=limit,
            widget=forms.Textarea(attrs={"rows": 4, "placeholder": f"请输入{label}", "autofocus": True}),
            error_messages={"required": f"请填写{label}", "max_length": f"{label}不能超过{limit}个字"},
        )
        style_widgets(self)


# --- the lists -------------------------------------------------------------------------------------------------
def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={**DATE, "placeholder": label}, format="%Y-%m-%d")
    )


class ClaimSearchForm(SearchForm):
    """理赔管理 (insurer): 保单号 / 报案号 / 案件号 / 企业 / 报案日期."""

    policy_no = forms.CharField(
        label="保单号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    report_no = forms.CharField(label="报案号", widget=forms.TextInput(attrs={"placeholder": "请输入报案号"}))
    case_no = forms.CharField(label="案件号", widget=forms.TextInput(attrs={"placeholder": "请输入案件号"}))
    applicant = forms.CharField(
        label="企业", widget=forms.TextInput(attrs={"placeholder": "请输入投保企业名称"})
    )
    start = _date_field("开始日期")
    end = _date_field("结束日期")
    date_ranges = (("报案日期", "start", "end"),)


class EnterpriseClaimSearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单号", widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    report_no = forms.CharField(label="报案号", widget=forms.TextInput(attrs={"placeholder": "请输入报案号"}))
    start = _date_field("开始日期")
    end = _date_field("结束日期")
    date_ranges = (("报案日期", "start", "end"),)


class _RegulatorChoices(SearchForm):
    """Choices limited to what the regulator's region contains."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("insurer").queryset = Organisation.objects.filter(kind=Side.INSURER).order_by("id")
        self._field("region").queryset = regions_in_jurisdiction(user).filter(level=RegionLevel.COUNTY)
        self._field("industry").queryset = Industry.objects.all()

    def _field(self, name: str) -> forms.ModelChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field


class RegulatorClaimSearchForm(_RegulatorChoices):
    """理赔查询 (regulator): 报案号 / 企业 / 保险公司 / 区县 / 行业 / 报案日期."""

    report_no = forms.CharField(label="报案号", widget=forms.TextInput(attrs={"placeholder": "请输入报案号"}))
    applicant = forms.CharField(
        label="企业", widget=forms.TextInput(attrs={"placeholder": "请输入投保企业名称"})
    )
    insurer = forms.ModelChoiceField(
        label="保险公司", queryset=Organisation.objects.none(), empty_label="全部"
    )
    region = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), empty_label="全部")
    industry = forms.ModelChoiceField(label="行业", queryset=Industry.objects.none(), empty_label="全部")
    start = _date_field("开始日期")
    end = _date_field("结束日期")
    date_ranges = (("报案日期", "start", "end"),)


class ClaimStatsForm(_RegulatorChoices):
    """理赔统计's filters. A bad value is an error shown above the figures (they are then not filtered)."""

    insurer = forms.ModelChoiceField(
        label="保险公司",
        queryset=Organisation.objects.none(),
        empty_label="全部",
        error_messages={"invalid_choice": "请选择列表中的保险公司"},
    )
    region = forms.ModelChoiceField(
        label="区县",
        queryset=Region.objects.none(),
        empty_label="全部",
        error_messages={"invalid_choice": "请选择您辖区内的区县"},
    )
    industry = forms.ModelChoiceField(
        label="行业",
        queryset=Industry.objects.none(),
        empty_label="全部",
        error_messages={"invalid_choice": "请选择列表中的行业"},
    )
    start = _date_field("开始日期")
    end = _date_field("结束日期")
    date_ranges = (("统计期间", "start", "end"),)
    keep_params = ()
