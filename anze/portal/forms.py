"""Forms of the enterprise portal. They parse and show errors beside each field; the rules that decide (the
SMS code, the credit code's uniqueness, an application's checks) live in ``services``, ``verification`` and
``anze.orders.workflow``, whose refusals the views put beside the same fields."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from anze.accounts.models import Organisation
from anze.basedata.models import Industry, Region, RegionLevel, ServiceItem
from anze.core.forms import SearchForm, StyledFormMixin
from anze.core.sides import Side
from anze.core.validators import clean_credit_code, validate_mobile
from anze.documents.forms import DocumentField
from anze.documents.validation import IMAGE, PDF
from anze.orders.models import Order
from anze.orders.rules import MAX_PERIOD_YEARS, add_years

from .verification import CODE_DIGITS

PASSWORD_HINT = "至少8位，须同时包含字母和数字"


def _text(label: str, max_length: int, placeholder: str = "", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={"required": f"请输入{label}", "max_length": f"{label}不能超过{max_length}个字"},
        widget=forms.TextInput(attrs={"placeholder": placeholder or f"请输入{label}"}),
        **kwargs,
    )


def _mobile(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=11,
        validators=[validate_mobile],
        error_messages={"required": f"请输入{label}", "max_length": "请输入正确的11位手机号码"},
        widget=forms.TextInput(attrs={"placeholder": "请输入11位手机号码", "inputmode": "numeric"}),
    )


def _code() -> forms.CharField:
    return forms.CharField(
        label="短信验证码",
        max_length=CODE_DIGITS,
        error_messages={"required": "请输入短信验证码", "max_length": f"验证码为{CODE_DIGITS}位数字"},
        widget=forms.TextInput(
            attrs={
                "placeholder": f"请输入{CODE_DIGITS}位验证码",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
            }
        ),
    )


def _password(label: str, placeholder: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        error_messages={"required": placeholder},
        widget=forms.PasswordInput(attrs={"placeholder": placeholder, "autocomplete": "new-password"}),
    )


class NewPasswordMixin:
    """密码 + 确认密码, checked with the project's password validators (the service checks again)."""

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]  # type: ignore[attr-defined]
        try:
            password_validation.validate_password(password)
        except ValidationError as exc:
            raise ValidationError("；".join(exc.messages)) from None
        return password

    def clean_password2(self) -> str:
        password2 = self.cleaned_data["password2"]  # type: ignore[attr-defined]
        if self.cleaned_data.get("password") and password2 != self.cleaned_data["password"]:  # type: ignore[attr-defined]
            raise ValidationError("两次输入的密码不一致")
        return password2


class IndustryChoiceField(forms.ModelChoiceField):
    """行业, the compulsory sectors (应保尽保) marked."""

    def label_from_instance(self, obj: Industry) -> str:
        return f"{obj.name}（高危行业·应保尽保）" if obj.is_compulsory else obj.name


# --- 注册 -------------------------------------------------------------------------------------------------------------
class RegisterForm(NewPasswordMixin, StyledFormMixin, forms.Form):
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        error_messages={"required": "请输入统一社会信用代码"},
        widget=forms.TextInput(attrs={"placeholder": "请输入18位统一社会信用代码", "autofocus": True}),
        help_text="注册后须完成企业认证（投保联系人手机验证或资料审核）方可使用企业端功能",
    )
    name = _text("企业名称", 100, "请输入营业执照上的企业名称")
    industry = IndustryChoiceField(
        label="行业",
        queryset=Industry.objects.none(),
        empty_label="请选择行业",
        error_messages={"required": "请选择行业", "invalid_choice": "请选择行业"},
    )
    region = forms.ModelChoiceField(
        label="所在区县",
        queryset=Region.objects.none(),
        empty_label="请选择所在区县",
        error_messages={"required": "请选择所在区县", "invalid_choice": "请选择所在区县"},
    )
    address = _text("地址", 200, "请输入企业地址")
    contact_name = _text("联系人", 30, "请输入联系人姓名")
    phone = _mobile("手机号")
    code = _code()
    password = _password("密码", "请输入密码")
    password2 = _password("确认密码", "请再次输入密码")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True).order_by("sort", "id")
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.COUNTY).order_by(
            "sort", "code"
        )
        self.fields["password"].help_text = PASSWORD_HINT
        self.fields["phone"].help_text = "用于接收验证码和投保通知，并作为管理员账号的手机号码"

    def clean_credit_code(self) -> str:
        return clean_credit_code(self.cleaned_data["credit_code"])


# --- 忘记密码 -------------------------------------------------------------------------------------------------------
class PasswordResetForm(NewPasswordMixin, StyledFormMixin, forms.Form):
    identifier = forms.CharField(
        label="账号",
        max_length=150,
        error_messages={"required": "请输入统一社会信用代码或登录账号"},
        widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或登录账号", "autofocus": True}),
    )
    phone = _mobile("手机号")
    code = _code()
    password = _password("新密码", "请输入新密码")
    password2 = _password("确认新密码", "请再次输入新密码")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = "请填写该账号登记的手机号码"
        self.fields["password"].help_text = PASSWORD_HINT


# --- 投保申请 -------------------------------------------------------------------------------------------------------
def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InsurerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class ApplicationForm(StyledFormMixin, forms.Form):
    """投保申请 (new, a draft being edited, or a 续保). ``submitting``: the 提交 button was pressed, so the two
    files are required unless the draft already has them; 保存草稿 accepts the form without them."""

    insurer = InsurerChoiceField(
        label="保险公司",
        queryset=Organisation.objects.none(),
        empty_label="请选择保险公司",
        error_messages={"required": "请选择保险公司", "invalid_choice": "请选择保险公司"},
    )
    project_name = _text("项目名称", 100)
    project_address = _text("项目地址", 200)
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
        widget=forms.NumberInput(attrs={"placeholder": "全体从业人员人数（人）", "min": 1}),
    )
    expected_start = forms.DateField(
        label="期望保险起期",
        error_messages={"required": "请选择期望保险起期", "invalid": "日期格式不正确"},
        widget=_date_widget(),
    )
    expected_end = forms.DateField(
        label="期望保险止期",
        error_messages={"required": "请选择期望保险止期", "invalid": "日期格式不正确"},
        widget=_date_widget(),
    )
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
    contact_name = _text("投保联系人", 30)
    contact_phone = _mobile("联系电话")
    remark = forms.CharField(
        label="备注",
        max_length=500,
        required=False,
        error_messages={"max_length": "备注不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "选填"}),
    )

    def __init__(
        self,
        *args: Any,
        draft: Order | None = None,
        renewal: Order | None = None,
        submitting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.renewal = renewal
        self.submitting = submitting
        self.fields["insurer"].queryset = Organisation.objects.active().of_kind(Side.INSURER).order_by("id")
        self.fields["intended_items"].queryset = ServiceItem.objects.active().order_by("sort", "id")
        self.fields["contact_phone"].help_text = "报价、付款、出函等通知将以短信发送到此号码"
        for name, label in (("business_licence", "营业执照"), ("legal_id", "法人身份证")):
            current = getattr(draft, name) if draft is not None else None
            field = self.fields[name]
            # Required (red *) unless the draft keeps a file already; the workflow decides on 提交 either way.
            field.required = current is None and (submitting or not self.is_bound)
            field.error_messages["required"] = f"请上传{label}"
            if current is not None:
                self.initial.setdefault(name, current)
                field.help_text = "已上传，如需更换请重新选择文件"
            elif renewal is not None and getattr(renewal, name) is not None:
                # 续保 keeps the renewed order's file unless a new one is chosen (Application.documents_of).
                field.required = False
                field.help_text = "沿用原保单的投保资料，如需更换请重新选择文件"

    def clean_expected_start(self) -> date:
        start: date = self.cleaned_data["expected_start"]
        if start < timezone.localdate() and self.submitting:
            raise ValidationError("期望保险起期不能早于今天")
        return start

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("expected_start"), data.get("expected_end")
        if start and end:
            if end <= start:
                self.add_error("expected_end", "期望保险止期必须晚于起期")
            elif end > add_years(start, MAX_PERIOD_YEARS):
                self.add_error("expected_end", f"期望保险期间不能超过{MAX_PERIOD_YEARS}年，请核对日期")
        return data

    def upload(self, name: str) -> Any:
        """The newly chosen file, or None (the draft's current file, a ``Document``, is kept by the workflow)."""
        value = self.cleaned_data.get(name)
        return None if value is None or value == self.initial.get(name) else value

    @staticmethod
    def one_year_from(start: date) -> tuple[date, date]:
        return start, add_years(start, 1) - timedelta(days=1)


# --- 订单操作 -------------------------------------------------------------------------------------------------------
class ReasonForm(StyledFormMixin, forms.Form):
    """拒绝报价 and 取消: a required reason of up to 500 characters (the workflow checks it again)."""

    reason = forms.CharField(
        max_length=500,
        error_messages={"max_length": "原因不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, label: str, placeholder: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.error_messages["required"] = f"请填写{label}"
        field.widget.attrs["placeholder"] = placeholder


class ConfirmForm(StyledFormMixin, forms.Form):
    """确认报价: nothing to fill in; only a general error (the order moved on meanwhile) to show."""


class VoucherForm(StyledFormMixin, forms.Form):
    file = DocumentField(label="付款凭证", accept={PDF, IMAGE})


# --- searches -------------------------------------------------------------------------------------------------------
class OrderSearchForm(SearchForm):
    application_no = forms.CharField(
        label="申请编号", max_length=18, widget=forms.TextInput(attrs={"placeholder": "请输入申请编号"})
    )
    project = forms.CharField(
        label="项目名称", max_length=100, widget=forms.TextInput(attrs={"placeholder": "请输入项目名称"})
    )
    insurer = InsurerChoiceField(label="保险公司", queryset=Organisation.objects.none(), empty_label="全部")
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))

    date_ranges = (("申请时间", "start", "end"),)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["insurer"].queryset = Organisation.objects.of_kind(Side.INSURER).order_by("id")


class PolicySearchForm(SearchForm):
    policy_no = forms.CharField(
        label="保单编号", max_length=50, widget=forms.TextInput(attrs={"placeholder": "请输入保单编号"})
    )
    project = forms.CharField(
        label="项目名称", max_length=100, widget=forms.TextInput(attrs={"placeholder": "请输入项目名称"})
    )


# --- 企业认证 -------------------------------------------------------------------------------------------------------
class ClaimCodeForm(StyledFormMixin, forms.Form):
    """联系人手机验证: the code sent to the contact phone on file (the number is never typed here)."""

    code = _code()


class ClaimDocumentsForm(StyledFormMixin, forms.Form):
    """资料认证: 营业执照 and an 授权书 (the enterprise authorises this account), each a PDF or a picture."""

    business_licence = DocumentField(label="营业执照", accept={PDF, IMAGE})
    authorisation = DocumentField(label="授权书", accept={PDF, IMAGE})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_licence"].help_text = "加盖企业公章的营业执照复印件或扫描件"
        self.fields["authorisation"].help_text = "企业授权本账号代表企业办理投保业务的授权书（加盖公章）"
