"""Who may grant what (docs/spec/ARCHITECTURE.md, "Grants"). The services of 账号管理 and 角色管理 call these checks on every
write, the views and forms read them to offer only what may be granted.

The rules, for an editor of the same organisation:

- a role is assigned, and a permission granted, only by someone holding every permission it carries; the
  built-in 管理员 role (which carries the admin-only 操作日志 and 登录日志) is assigned only by a 管理员;
- nobody changes their own roles (a 管理员 included), nor sets their own password here (个人中心 asks for the old
  one);
- an account that holds a permission the editor lacks — every 管理员, for an editor who is not one — is edited,
  enabled or disabled, deleted and given a new password only by a 管理员;
- a role is edited or deleted only by someone holding every permission it carries, who does not hold it
  themselves and is above each of its holders (editing a role edits them all). A 管理员 may edit any role, even
  one it holds: it holds every permission already, so it cannot gain one that way.

Authority is read from the database inside the caller's transaction, with the editor's role rows locked, so a
concurrent change of the editor's own roles cannot slip between the check and the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from anze.core import catalogue
from anze.core.errors import Refused

from .models import Role, User

SELF_ROLES = "不能修改自己的角色，请由其他管理员修改"
SELF_PASSWORD = "请在个人中心修改自己的密码"


@dataclass(frozen=True)
class Authority:
    """What an editor may grant: the permissions it holds (a 管理员: every one of its side)."""

    user_id: int
    organisation_id: int
    side: str
    is_admin: bool
    codes: frozenset[str]
    role_ids: frozenset[int]


def codes_of(roles: Iterable[Role], side: str) -> frozenset[str]:
    """The permissions the roles give, as ``User.has_perm_code`` answers: a 管理员 everything of the side, other
    roles their listed codes, never an admin-only one."""
    roles = list(roles)
    if any(role.is_admin for role in roles):
        return catalogue.codes_for_side(side)
    codes: set[str] = set()
    for role in roles:
        codes |= role.effective_permissions(side)
    return frozenset(code for code in codes if not catalogue.get(code).admin_only)


def _authority(actor: User, roles: list[Role]) -> Authority:
    side = actor.side
    return Authority(
        user_id=actor.pk,
        organisation_id=actor.organisation_id,
        side=side,
        is_admin=any(role.is_admin for role in roles),
        codes=codes_of(roles, side),
        role_ids=frozenset(role.pk for role in roles),
    )


def authority_of(actor: User) -> Authority:
    """For a write: the actor's roles read again in the caller's transaction, their rows locked."""
    return _authority(actor, list(Role.objects.filter(users=actor).select_for_update(of=("self",))))


def _labels(codes: Iterable[str]) -> str:
    order = {p.code: i for i, p in enumerate(catalogue.PERMISSIONS)}
    return "、".join(catalogue.get(code).label for code in sorted(codes, key=lambda c: order.get(c, 0)))


# --- assignments ---------------------------------------------------------------------------------------------
def role_assignable(authority: Authority, role: Role) -> bool:
    if role.is_admin:
        return authority.is_admin
    return role.effective_permissions(authority.side) <= authority.codes


def check_roles_assignable(authority: Authority, roles: Iterable[Role]) -> None:
    """Refuses with every role the authority may not give, each in its own message."""
    messages: list[str] = []
    for role in roles:
        if role.is_admin and not authority.is_admin:
            messages.append(f"只有管理员可以分配“{role.name}”角色")
        elif not role_assignable(authority, role):
            messages.append(f"不能分配超出您本人权限的角色“{role.name}”")
    if messages:
        raise Refused(errors={"roles": messages})


def check_permissions_grantable(authority: Authority, codes: Iterable[str]) -> None:
    missing = set(codes) - authority.codes
    if missing:
        raise Refused(f"不能授予您本人不具备的权限：{_labels(missing)}", field="permissions")


# --- reach: the accounts and roles an editor may change ------------------------------------------------------
@dataclass(frozen=True)
class Reach:
    """The accounts and roles of the organisation beyond an editor (empty for a 管理员)."""

    users_beyond: frozenset[int]
    roles_beyond: frozenset[int]
    roles_held: frozenset[int]


def _memberships(organisation_id: int) -> QuerySet:
    return User.roles.through.objects.filter(
        user__organisation_id=organisation_id, user__deleted_at__isnull=True
    ).values_list("user_id", "role_id")


def reach_of(authority: Authority) -> Reach:
    """Two queries whatever the organisation's size: its roles, and who holds which."""
    if authority.is_admin:
        return Reach(frozenset(), frozenset(), authority.role_ids)
    roles = {role.pk: role for role in Role.objects.filter(organisation_id=authority.organisation_id)}
    held_by: dict[int, list[Role]] = {}
    holders: dict[int, list[int]] = {}
    for user_id, role_id in _memberships(authority.organisation_id):
        held_by.setdefault(user_id, []).append(roles[role_id])
        holders.setdefault(role_id, []).append(user_id)
    users_beyond = frozenset(
        user_id
        for user_id, user_roles in held_by.items()
        if not codes_of(user_roles, authority.side) <= authority.codes
    )
    roles_beyond = frozenset(
        pk
        for pk, role in roles.items()
        if not role_assignable(authority, role) or users_beyond.intersection(holders.get(pk, ()))
    )
    return Reach(users_beyond, roles_beyond, authority.role_ids)


def account_refusal(authority: Authority, user: User) -> str | None:
    """Why the editor may not touch this account (edit, enable/disable, delete, new password), or ``None``."""
    if user.organisation_id != authority.organisation_id:
        return "该账号不属于本机构"
    if user.pk in reach_of(authority).users_beyond:
        return f"账号“{user.username}”的权限超出您的权限，只有管理员可以修改"
    return None


def role_refusal(authority: Authority, role: Role) -> str | None:
    """Why the editor may not edit or delete this role, or ``None``."""
    if role.organisation_id != authority.organisation_id:
        return "角色不属于本机构"
    if authority.is_admin:
        return None
    reach = reach_of(authority)
    if role.pk in reach.roles_held:
        return f"不能修改自己所属的角色“{role.name}”，请由管理员修改"
    if role.pk in reach.roles_beyond:
        return f"角色“{role.name}”的权限或其账号的权限超出您的权限，只有管理员可以修改"
    return None


def check_account_manageable(authority: Authority, user: User) -> None:
    if message := account_refusal(authority, user):
        raise Refused(message)


def check_role_editable(authority: Authority, role: Role) -> None:
    if message := role_refusal(authority, role):
        raise Refused(message)


# --- reads for the screens (the request's own roles, no lock) -------------------------------------------------
def authority_read(actor: User) -> Authority:
    """The signed-in user's authority from the roles the request already loaded (``User._roles``): what the
    lists and forms offer. The services check again with ``authority_of`` when they write."""
    return _authority(actor, actor._roles)


def assignable_roles(actor: User) -> list[Role]:
    """The roles the account form offers: those of the organisation the actor may assign."""
    authority = authority_read(actor)
    roles = Role.objects.filter(organisation_id=actor.organisation_id)
    return [role for role in roles if role_assignable(authority, role)]
