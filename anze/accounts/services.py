"""Every change to organisations, accounts and roles goes through these functions.

Each runs in one transaction, checks its own guards (raising ``Refused`` with a Chinese message) and is
recorded by django-auditlog (操作日志) through the model registrations in ``apps.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anze.core.errors import Refused

from . import catalogue
from .models import ADMIN_ROLE_NAME, Organisation, Role, User


# --- organisations -----------------------------------------------------------------------------------------
@transaction.atomic
def organisation_create(**fields: Any) -> Organisation:
    """Create an organisation with its 管理员 role (every organisation has one)."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    Role.objects.create(
        organisation=organisation, name=ADMIN_ROLE_NAME, is_admin=True, remark="系统内置，拥有本机构全部权限"
    )
    return organisation


def admin_role_of(organisation: Organisation) -> Role:
    return Role.objects.get(organisation=organisation, is_admin=True)


# --- guards --------------------------------------------------------------------------------------------------
def _check_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise Refused("；".join(exc.messages), field=field) from None


def _active_admins(organisation: Organisation) -> Any:
    return User.objects.alive().filter(organisation=organisation, is_active=True, roles__is_admin=True)


def _ensure_admin_remains(user: User, *, action: str) -> None:
    """Refuse when ``user`` is the last enabled account holding the organisation's 管理员 role."""
    if not user.roles.filter(is_admin=True).exists():
        return
    # Lock the other admins' rows (PostgreSQL) so that two admins removing each other cannot both succeed.
    others = _active_admins(user.organisation).exclude(pk=user.pk).select_for_update(of=("self",))
    if not list(others.values_list("pk", flat=True)[:1]):
        raise Refused(f"{user.name}是本机构最后一个启用的管理员，不能{action}")


def _roles_of(organisation: Organisation, roles: Iterable[Role]) -> list[Role]:
    roles = list(roles)
    if any(role.organisation_id != organisation.pk for role in roles):
        raise Refused("角色不属于本机构", field="roles")
    return roles


# --- accounts ---------------------------------------------------------------------------------------------------
@transaction.atomic
def user_create(
    *,
    organisation: Organisation,
    username: str,
    name: str,
    mobile: str,
    password: str,
    roles: Iterable[Role] = (),
    is_active: bool = True,
    remark: str = "",
) -> User:
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Refused("登录账号已存在", field="username")
    user = User(
        organisation=organisation,
        username=username,
        name=name.strip(),
        mobile=mobile.strip(),
        is_active=is_active,
        remark=remark,
    )
    _check_password(password, user)
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise Refused(messages[0], field=field) from None
    user.save()
    user.roles.set(_roles_of(organisation, roles))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    name: str,
    mobile: str,
    roles: Iterable[Role],
    remark: str = "",
    is_active: bool | None = None,
    new_password: str = "",
) -> User:
    roles = _roles_of(user.organisation, roles)
    was_admin = user.roles.filter(is_admin=True).exists()
    if was_admin and not any(role.is_admin for role in roles):
        if user.pk == actor.pk:
            raise Refused("不能取消自己的管理员角色", field="roles")
        _ensure_admin_remains(user, action="取消管理员角色")
    if is_active is not None and is_active != user.is_active:
        _set_active_guard(actor=actor, user=user, active=is_active)
        user.is_active = is_active
    user.name = name.strip()
    user.mobile = mobile.strip()
    user.remark = remark
    fields = ["name", "mobile", "remark", "is_active"]
    if new_password:
        _check_password(new_password, user, field="new_password")
        user.set_password(new_password)
        fields.append("password")
    user.save(update_fields=fields)
    user.roles.set(roles)
    return user


def _set_active_guard(*, actor: User, user: User, active: bool) -> None:
    if not active:
        if user.pk == actor.pk:
            raise Refused("不能停用自己的账号")
        _ensure_admin_remains(user, action="停用")


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    _set_active_guard(actor=actor, user=user, active=active)
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_delete(*, actor: User, user: User) -> None:
    """Soft delete: the account can no longer sign in and leaves every list; its name stays in history.

    The login name is freed (suffixed with ``#<id>``, a character login names cannot contain) so that it
    can be given to a new colleague.
    """
    if user.pk == actor.pk:
        raise Refused("不能删除自己的账号")
    if user.is_active:
        _ensure_admin_remains(user, action="删除")
    user.deleted_at = timezone.now()
    user.is_active = False
    user.username = f"{user.username}#{user.pk}"
    user.save(update_fields=["deleted_at", "is_active", "username"])


@transaction.atomic
def profile_update(*, user: User, name: str, mobile: str) -> User:
    user.name = name.strip()
    user.mobile = mobile.strip()
    user.save(update_fields=["name", "mobile"])
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise Refused("原密码不正确", field="old_password")
    if old_password == new_password:
        raise Refused("新密码不能与原密码相同", field="new_password")
    _check_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


# --- roles ---------------------------------------------------------------------------------------------------------
def _clean_permissions(organisation: Organisation, codes: Iterable[str]) -> list[str]:
    allowed = {p.code for p in catalogue.grantable_for_side(organisation.kind)}
    codes = list(dict.fromkeys(codes))
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise Refused("包含本机构不可用的权限", field="permissions")
    return [p.code for p in catalogue.grantable_for_side(organisation.kind) if p.code in codes]


@transaction.atomic
def role_create(
    *, organisation: Organisation, name: str, permissions: Iterable[str], remark: str = ""
) -> Role:
    name = name.strip()
    if Role.objects.filter(organisation=organisation, name=name).exists():
        raise Refused("角色名称已存在", field="name")
    codes = _clean_permissions(organisation, permissions)
    if not codes:
        raise Refused("请至少选择一项权限", field="permissions")
    return Role.objects.create(organisation=organisation, name=name, permissions=codes, remark=remark)


@transaction.atomic
def role_update(*, role: Role, name: str, permissions: Iterable[str], remark: str = "") -> Role:
    name = name.strip()
    if Role.objects.filter(organisation=role.organisation, name=name).exclude(pk=role.pk).exists():
        raise Refused("角色名称已存在", field="name")
    if role.is_admin:
        # The 管理员 role always holds every permission of its side; only its remark may change.
        if name != role.name:
            raise Refused("管理员角色不能改名", field="name")
        role.remark = remark
        role.save(update_fields=["remark", "updated_at"])
        return role
    codes = _clean_permissions(role.organisation, permissions)
    if not codes:
        raise Refused("请至少选择一项权限", field="permissions")
    role.name = name
    role.permissions = codes
    role.remark = remark
    role.save(update_fields=["name", "permissions", "remark", "updated_at"])
    return role


@transaction.atomic
def role_delete(*, role: Role) -> None:
    if role.is_admin:
        raise Refused("管理员角色为系统内置，不能删除")
    holders = User.objects.alive().filter(roles=role).count()
    if holders:
        raise Refused(f"角色“{role.name}”已分配给{holders}个账号，请先取消分配后再删除")
    role.delete()
