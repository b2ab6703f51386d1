from __future__ import annotations

from typing import Any

from django import forms

from anze.core import catalogue
from anze.core.forms import SearchForm, StyledFormMixin
from anze.core.validators import validate_mobile

from . import grants
from .models import Organisation, Role, User


class LoginForm(StyledFormMixin, forms.Form):
    username = forms.CharField(
        label="账号",
        max_length=150,
        widget=forms.TextInput(
            attrs={"placeholder": "请输入账号", "autofocus": True, "autocomplete": "username"}
        ),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"placeholder": "请输入密码", "autocomplete": "current-password"}),
    )


class _UserFields(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="姓名", max_length=30, widget=forms.TextInput(attrs={"placeholder": "请输入姓名"})
    )
    mobile = forms.CharField(
        label="手机号码",
        max_length=11,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"placeholder": "请输入11位手机号码", "inputmode": "numeric"}),
    )


class UserForm(_UserFields):
    """新增 / 编辑账号. On edit the login name is shown read-only and the password is optional (the pencil).

    The roles offered are those the actor may assign (``grants``); on one's own account the roles and the
    password are read-only (个人中心 changes one's password). The services refuse a forged POST anyway; the form
    answers one beside its field.
    """

    username = forms.RegexField(
        label="登录账号",
        max_length=30,
        regex=r"^[A-Za-z0-9_.@-]{3,30}$",
        error_messages={"invalid": "登录账号为3-30位字母、数字或 _ . @ -"},
        widget=forms.TextInput(attrs={"placeholder": "请输入登录账号", "autocomplete": "off"}),
    )
    roles = forms.ModelMultipleChoiceField(
        label="角色",
        queryset=Role.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "请选择本机构的角色", "invalid_pk_value": "请选择本机构的角色"},
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"placeholder": "请输入密码", "autocomplete": "new-password"}),
        help_text="至少8位，须同时包含字母和数字",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    remark = forms.CharField(
        label="备注", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["username", "name", "mobile", "password", "roles", "is_active", "remark"]

    def __init__(self, *args: Any, actor: User, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        self.actor_pk = actor.pk
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "username": instance.username,
                    "name": instance.name,
                    "mobile": instance.mobile,
                    "roles": list(instance.roles.all()),
                    "is_active": instance.is_active,
                    "remark": instance.remark,
                },
            )
        super().__init__(*args, **kwargs)
        roles = self.fields["roles"]
        # Any role of the organisation passes the field (the service explains a refusal beside it); only the
        # assignable ones are offered.
        roles.queryset = Role.objects.filter(organisation_id=actor.organisation_id)
        roles.widget.choices = [(role.pk, role.name) for role in grants.assignable_roles(actor)]
        if instance is not None:
            self.fields["username"].disabled = True
            self.fields["password"].label = "新密码"
            self.fields["password"].help_text = "不修改请留空；至少8位，须同时包含字母和数字"
        else:
            self.fields["password"].required = True
        if self.is_self:
            roles.disabled = True
            roles.help_text = grants.SELF_ROLES
            roles.widget.choices = [(role.pk, role.name) for role in self.initial["roles"]]
            self.fields["password"].disabled = True
            self.fields["password"].help_text = grants.SELF_PASSWORD

    @property
    def is_edit(self) -> bool:
        return self.instance is not None

    @property
    def is_self(self) -> bool:
        return self.instance is not None and self.instance.pk == self.actor_pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_self and hasattr(self.data, "getlist"):
            # The inputs are disabled, so a browser sends neither; anything sent was typed by hand.
            posted = set(self.data.getlist("roles"))
            if "roles" in self.data and posted != {str(role.pk) for role in self.initial["roles"]}:
                self.add_error("roles", grants.SELF_ROLES)
            if self.data.get("password"):
                self.add_error("password", grants.SELF_PASSWORD)
        return data


class UserSearchForm(SearchForm):
    username = forms.CharField(
        label="登录账号", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入登录账号"})
    )
    name = forms.CharField(
        label="姓名", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入姓名"})
    )
    mobile = forms.CharField(
        label="手机号码", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入手机号码"})
    )
    role = forms.ModelChoiceField(
        label="角色", queryset=Role.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "停用")]
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.filter(organisation=organisation)


class RoleForm(StyledFormMixin, forms.Form):
    """新增 / 编辑角色: the permission tree of the actor's side; the permissions the actor does not hold are shown
    greyed out (``grants``: nobody grants what they lack), and the service refuses them if forged."""

    name = forms.CharField(
        label="角色名称", max_length=30, widget=forms.TextInput(attrs={"placeholder": "请输入角色名称"})
    )
    permissions = forms.MultipleChoiceField(label="权限", required=False, widget=forms.CheckboxSelectMultiple)
    remark = forms.CharField(
        label="备注", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: User, instance: Role | None = None, **kwargs: Any) -> None:
        self.instance = instance
        self.side = actor.side
        self.grantable = grants.authority_read(actor).codes
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "remark": instance.remark,
                    "permissions": [
                        p.code
                        for p in catalogue.grantable_for_side(self.side)
                        if p.code in instance.effective_permissions(self.side)
                    ],
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [
            (p.code, p.label) for p in catalogue.grantable_for_side(self.side)
        ]
        if instance is not None and instance.is_admin:
            self.fields["name"].disabled = True
            self.fields["permissions"].disabled = True

    @property
    def limited(self) -> bool:
        """Some permissions of the side are not the actor's to grant (it is not a 管理员)."""
        return any(p.code not in self.grantable for p in catalogue.grantable_for_side(self.side))

    def tree(self) -> list[dict[str, Any]]:
        """The permission tree for the template: groups with their check boxes, checked and greyed-out state."""
        selected = set(self["permissions"].value() or [])
        tree = []
        for group, perms in catalogue.tree_for_side(self.side):
            items = [
                {
                    "code": p.code,
                    "label": p.label,
                    "checked": p.code in selected,
                    "grantable": p.code in self.grantable,
                }
                for p in perms
            ]
            tree.append({"label": group, "perms": items, "grantable": any(i["grantable"] for i in items)})
        return tree


class RoleSearchForm(SearchForm):
    name = forms.CharField(
        label="角色名称", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入角色名称"})
    )


class ProfileForm(_UserFields):
    """个人中心 › 基本资料. A new mobile needs the current password: the mobile receives the 忘记密码 codes, so
    a session left open must not be enough to move the account to another phone."""

    password = forms.CharField(
        label="当前密码",
        strip=False,
        required=False,
        help_text="修改手机号码时须填写",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    @property
    def mobile_changes(self) -> bool:
        return (self.cleaned_data.get("mobile") or "").strip() != self.user.mobile

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mobile") and self.mobile_changes and not data.get("password"):
            self.add_error("password", "修改手机号码须输入当前登录密码")
        return data


class PasswordChangeForm(StyledFormMixin, forms.Form):
    old_password = forms.CharField(
        label="原密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        help_text="至少8位，须同时包含字母和数字",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm_password = forms.CharField(
        label="确认新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("confirm_password") != data.get("new_password"):
            self.add_error("confirm_password", "两次输入的密码不一致")
        return data
