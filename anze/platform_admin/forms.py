"""Forms of 机构管理. Which fields a kind has and which it must fill come from ``accounts.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from anze.accounts.models import Organisation
from anze.accounts.services import ORGANISATION_FIELDS, REQUIRED_BY_KIND, AdminAccount
from anze.basedata.models import Industry, Region, RegionLevel
from anze.core.forms import SearchForm, StyledFormMixin, style_widgets
from anze.core.sides import Side
from anze.core.validators import clean_credit_code, validate_mobile

# The fields each kind's form shows (the rest of ``ORGANISATION_FIELDS`` do not apply to it).
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    Side.INSURER: ("name", "short_name", "code", "credit_code", "address", "contact_name", "contact_phone"),
    Side.ENTERPRISE: (
        "name",
        "short_name",
        "credit_code",
        "region",
        "industry",
        "address",
        "contact_name",
        "contact_phone",
    ),
    Side.SERVICE_ORG: (
        "name",
        "short_name",
        "credit_code",
        "region",
        "address",
        "contact_name",
        "contact_phone",
    ),
    Side.REGULATOR: ("name", "short_name", "region", "address", "contact_name", "contact_phone"),
}

NAME_LABELS: dict[str, str] = {
    Side.INSURER: "保险公司名称",
    Side.ENTERPRISE: "企业名称",
    Side.SERVICE_ORG: "机构名称",
    Side.REGULATOR: "部门名称",
}

LEVEL_INDENT = {RegionLevel.PROVINCE: "", RegionLevel.CITY: "　", RegionLevel.COUNTY: "　　"}


class RegionField(forms.ModelChoiceField):
    """Regions as an indented tree (福建省 › 泉州市 › 晋江市): ordering by GB/T 2260 code gives tree order."""

    def label_from_instance(self, obj: Region) -> str:
        return f"{LEVEL_INDENT.get(obj.level, '')}{obj.name}"


class CountyField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


class IndustryField(forms.ModelChoiceField):
    """Compulsory sectors (应保尽保) are marked so the operator notices a high-risk enterprise."""

    def label_from_instance(self, obj: Industry) -> str:
        return f"{obj.name}（高危）" if obj.is_compulsory else obj.name


def _text(label: str, max_length: int, placeholder: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": placeholder}),
        **kwargs,
    )


class OrganisationForm(StyledFormMixin, forms.Form):
    """新增 / 编辑 an organisation of one kind; on 新增 also its first 管理员 account (``admin_*`` fields)."""

    name = _text("名称", 100, "请输入全称，与营业执照一致")
    short_name = _text("简称", 30, "用于菜单和列表，如 人保财险泉州")
    code = forms.RegexField(
        label="登录代码",
        required=False,
        max_length=30,
        regex=r"^[a-z0-9][a-z0-9-]{1,29}$",
        error_messages={"invalid": "登录代码为2-30位小写字母、数字或连字符，如 picc-qz"},
        widget=forms.TextInput(attrs={"placeholder": "如 picc-qz", "autocomplete": "off"}),
        help_text="保险公司专属登录页地址 /insurer/login/<登录代码>/，修改后旧地址失效",
    )
    credit_code = _text("统一社会信用代码", 18, "18位代码")
    region = RegionField(
        label="所在地区", required=False, queryset=Region.objects.none(), empty_label="请选择"
    )
    industry = IndustryField(
        label="行业", required=False, queryset=Industry.objects.none(), empty_label="请选择"
    )
    address = _text("地址", 200, "请输入详细地址")
    contact_name = _text("联系人", 30, "请输入联系人姓名")
    contact_phone = forms.CharField(
        label="联系电话",
        required=False,
        max_length=11,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"placeholder": "请输入11位手机号码", "inputmode": "numeric"}),
    )
    admin_username = forms.RegexField(
        label="登录账号",
        max_length=30,
        regex=r"^[A-Za-z0-9_.@-]{3,30}$",
        error_messages={"invalid": "登录账号为3-30位字母、数字或 _ . @ -"},
        widget=forms.TextInput(attrs={"placeholder": "管理员的登录账号", "autocomplete": "off"}),
    )
    admin_name = forms.CharField(
        label="姓名", max_length=30, widget=forms.TextInput(attrs={"placeholder": "请输入管理员姓名"})
    )
    admin_mobile = forms.CharField(
        label="手机号码",
        max_length=11,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"placeholder": "请输入11位手机号码", "inputmode": "numeric"}),
    )
    admin_password = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"placeholder": "请输入初始密码", "autocomplete": "new-password"}),
        help_text="至少8位，须同时包含字母和数字；请告知管理员登录后在个人中心修改",
    )

    ADMIN_FIELDS = ("admin_username", "admin_name", "admin_mobile", "admin_password")

    def __init__(self, *args: Any, kind: str, instance: Organisation | None = None, **kwargs: Any) -> None:
        self.kind = kind
        self.instance = instance
        # The dialog opens over a search form with fields of the same names: keep the element ids apart.
        kwargs.setdefault("auto_id", "dlg_%s")
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(instance, f"{name}_id" if name in ("region", "industry") else name)
                    for name in ORGANISATION_FIELDS
                },
            )
        super().__init__(*args, **kwargs)
        shown = FIELDS_BY_KIND[kind]
        for name in ORGANISATION_FIELDS:
            if name not in shown:
                del self.fields[name]
            elif name in REQUIRED_BY_KIND[kind]:
                self.fields[name].required = True
        if instance is not None:
            for name in self.ADMIN_FIELDS:
                del self.fields[name]
        self.fields["name"].label = NAME_LABELS[kind]
        self._limit_choices()
        # StyledFormMixin styled the fields as declared; style again for the replaced and now-required ones.
        style_widgets(self)

    def _limit_choices(self) -> None:
        if "region" in self.fields:
            if self.kind == Side.ENTERPRISE:
                # Enterprises are registered in a county: the regulator's statistics group by county.
                self.fields["region"] = CountyField(
                    label="所在区县",
                    queryset=Region.objects.filter(level=RegionLevel.COUNTY)
                    .select_related("parent")
                    .order_by("code"),
                    empty_label="请选择",
                    required=True,
                )
            else:
                self.fields["region"].queryset = Region.objects.order_by("code")
                if self.kind == Side.REGULATOR:
                    self.fields["region"].label = "管辖地区"
                    self.fields["region"].help_text = "选择省、市或区县：监管账号只能查看该地区的数据"
        if "industry" in self.fields:
            current = self.instance.industry_id if self.instance is not None else None
            # Disabled industries are not offered, except the one the enterprise already has.
            self.fields["industry"].queryset = Industry.objects.filter(Q(is_active=True) | Q(pk=current))

    def clean_credit_code(self) -> str | None:
        value = self.cleaned_data.get("credit_code", "")
        if not value:
            return None
        try:
            return clean_credit_code(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def organisation_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS if name in self.cleaned_data}

    def admin_account(self) -> AdminAccount:
        data = self.cleaned_data
        return AdminAccount(
            username=data["admin_username"],
            name=data["admin_name"],
            mobile=data["admin_mobile"],
            password=data["admin_password"],
        )

    # Two columns as in the manual's wide dialogs; names and addresses are long, so they take a whole row.
    FULL_WIDTH = frozenset({"name", "address"})

    def _rows(self, names: list[str]) -> list[list[tuple[forms.BoundField, str]]]:
        rows: list[list[tuple[forms.BoundField, str]]] = []
        pending: list[tuple[forms.BoundField, str]] = []
        for name in names:
            if name in self.FULL_WIDTH:
                if pending:
                    rows.append(pending)
                    pending = []
                rows.append([(self[name], "col-12")])
                continue
            pending.append((self[name], "col-md-6"))
            if len(pending) == 2:
                rows.append(pending)
                pending = []
        if pending:
            rows.append(pending)
        return rows

    def organisation_rows(self) -> list[list[tuple[forms.BoundField, str]]]:
        return self._rows(list(FIELDS_BY_KIND[self.kind]))

    def admin_rows(self) -> list[list[tuple[forms.BoundField, str]]]:
        return self._rows([name for name in self.ADMIN_FIELDS if name in self.fields])


class OrganisationSearchForm(SearchForm):
    name = forms.CharField(
        label="名称", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入名称"})
    )
    credit_code = forms.CharField(
        label="信用代码",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "请输入统一社会信用代码"}),
    )
    code = forms.CharField(
        label="登录代码", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入登录代码"})
    )
    region = RegionField(label="地区", required=False, queryset=Region.objects.none(), empty_label="全部")
    industry = IndustryField(
        label="行业", required=False, queryset=Industry.objects.none(), empty_label="全部"
    )

    SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
        Side.INSURER: ("name", "code"),
        Side.ENTERPRISE: ("name", "credit_code", "region", "industry"),
        Side.SERVICE_ORG: ("name", "credit_code", "region"),
        Side.REGULATOR: ("name", "region"),
    }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.SEARCH_FIELDS[kind]:
                del self.fields[name]
        if "region" in self.fields:
            self.fields["region"].queryset = Region.objects.order_by("code")
        if "industry" in self.fields:
            self.fields["industry"].queryset = Industry.objects.all()
        self.fields["name"].label = NAME_LABELS[kind]
        self.fields["name"].widget.attrs["placeholder"] = f"请输入{NAME_LABELS[kind]}或简称"


class PasswordResetForm(StyledFormMixin, forms.Form):
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        help_text="至少8位，须同时包含字母和数字",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    confirm_password = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("confirm_password") != data.get("new_password"):
            self.add_error("confirm_password", "两次输入的密码不一致")
        return data


# --- 企业认证 -------------------------------------------------------------------------------------------------------
class ClaimSearchForm(SearchForm):
    name = forms.CharField(
        label="企业名称", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入企业名称"})
    )
    credit_code = forms.CharField(
        label="信用代码",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "请输入统一社会信用代码"}),
    )


class ClaimRejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label="驳回原因",
        max_length=500,
        error_messages={"required": "请填写驳回原因", "max_length": "驳回原因不能超过500个字"},
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "将以短信告知申请人，如：授权书未加盖公章"}),
    )
