"""The 新增接口密钥 dialog: a name and the scopes the creator may give (``keys.scope_choices``)."""

from __future__ import annotations

from typing import Any

from django import forms

from anze.accounts.models import User
from anze.core.forms import StyledFormMixin

from . import keys


class ApiKeyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="密钥名称",
        max_length=keys.NAME_MAX,
        error_messages={"required": "请输入密钥名称", "max_length": f"密钥名称不能超过{keys.NAME_MAX}个字"},
        help_text="用于区分不同系统，如“核心业务系统”；日志中以此名称记录该密钥的每次操作",
        widget=forms.TextInput(attrs={"placeholder": "请输入密钥名称"}),
    )
    scopes = forms.MultipleChoiceField(
        label="授权范围",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项授权范围", "invalid_choice": "不能授予您本人不具备的权限"},
        help_text="只能授予您本人具备的权限；密钥的权限不会超过创建人当前的权限",
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = keys.scope_choices(actor)
        self.fields["scopes"].choices = [  # type: ignore[attr-defined]
            (permission.code, f"{permission.label}（{permission.code}）") for permission in offered
        ]
        self._group_of = {permission.code: permission.group for permission in offered}

    def scope_groups(self) -> list[tuple[str, list[Any]]]:
        """The scopes' check boxes under their menu groups (订单管理, 保单管理, …), as the role editor shows them."""
        groups: dict[str, list[Any]] = {}
        for choice in self["scopes"]:
            groups.setdefault(self._group_of[choice.data["value"]], []).append(choice)
        return list(groups.items())
