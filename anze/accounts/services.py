"""Every change to organisations, accounts and roles goes through these functions.

Each runs in one transaction, checks its own guards (raising ``Refused`` with a Chinese message) and is
recorded by django-auditlog (操作日志) through the model registrations in ``apps.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from axes.utils import reset as axes_reset
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.basedata.models import RegionLevel
from anze.core import catalogue
from anze.core.errors import Problems, Refused
from anze.core.sides import Side

from . import grants
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


def log_password_change(user: User, how: str) -> None:
    """The User registration excludes the password hash, so auditlog records nothing when only the password
    changes: write the 操作日志 row explicitly (the actor comes from auditlog's request context; the row
    carries the account's organisation_id, so that organisation's 管理员 sees it)."""
    LogEntry.objects.log_create(
        user, action=LogEntry.Action.UPDATE, changes={"密码": [None, how]}, force_log=True
    )


# --- accounts ---------------------------------------------------------------------------------------------------
def _account_problems(
    *, actor: User | None, account: User, roles: Iterable[Role] | None, password: str | None
) -> Problems:
    """Every rule of a new account's readable values (``None``: not readable — the form says why), found
    together so that one submission shows every error."""
    problems = Problems()
    if roles is not None:
        with problems.collect():
            roles = _roles_of(account.organisation, roles)
            if actor is not None:
                grants.check_roles_assignable(grants.authority_of(actor), roles)
    if account.username and User.objects.filter(username__iexact=account.username).exists():
        problems.add("username", "登录账号已存在")
    if password is not None:
        with problems.collect():
            _check_password(password, account)
    return problems


def check_user_create(
    *,
    actor: User,
    organisation: Organisation,
    username: str | None = None,
    name: str | None = None,
    mobile: str | None = None,
    password: str | None = None,
    roles: Iterable[Role] | None = None,
) -> None:
    """The rules of 新增账号 on the values a form could read, for the view to show beside their fields when
    another field is wrong (a duplicate login or a weak password with a bad phone). Changes nothing."""
    if actor.organisation_id != organisation.pk:
        raise Refused("只能在本机构新增账号")
    draft = User(
        organisation=organisation,
        username=(username or "").strip(),
        name=(name or "").strip(),
        mobile=(mobile or "").strip(),
    )
    _account_problems(actor=actor, account=draft, roles=roles, password=password or None).raise_if_any()


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    name: str,
    mobile: str,
    password: str,
    roles: Iterable[Role] = (),
    is_active: bool = True,
    remark: str = "",
) -> User:
    """``actor`` is the account adding a colleague (系统管理 › 账号管理): it may give only roles it could hold
    itself (``grants``). ``None`` is the platform itself — registering an organisation with its first 管理员,
    loading the demo — and never comes from a request. Every problem is refused at once."""
    if actor is not None and actor.organisation_id != organisation.pk:
        raise Refused("只能在本机构新增账号")
    roles = list(roles)
    user = User(
        organisation=organisation,
        username=username.strip(),
        name=name.strip(),
        mobile=mobile.strip(),
        is_active=is_active,
        remark=remark,
    )
    problems = _account_problems(actor=actor, account=user, roles=roles, password=password)
    user.set_password(password)
    try:
        user.full_clean(exclude=["username"] if "username" in problems else None)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field not in problems:
                problems.add(None if field == "__all__" else field, messages[0])
    problems.raise_if_any()
    user.save()
    user.roles.set(roles)
    return user


def check_user_update(
    *, actor: User, user: User, password: str | None = None, roles: Iterable[Role] | None = None
) -> None:
    """The rules of 编辑账号 on the values a form could read (see ``check_user_create``). Changes nothing."""
    _update_problems(actor=actor, user=user, roles=roles, new_password=password or "").raise_if_any()


def _update_problems(*, actor: User, user: User, roles: Iterable[Role] | None, new_password: str) -> Problems:
    authority = grants.authority_of(actor)
    grants.check_account_manageable(authority, user)  # not about a field: refused on its own
    problems = Problems()
    if roles is not None:
        with problems.collect():
            roles = _roles_of(user.organisation, roles)
            current = set(user.roles.values_list("pk", flat=True))
            if {role.pk for role in roles} != current:
                if user.pk == actor.pk:
                    removes_admin = user.roles.filter(is_admin=True).exists() and not any(
                        r.is_admin for r in roles
                    )
                    raise Refused(
                        "不能取消自己的管理员角色" if removes_admin else grants.SELF_ROLES, field="roles"
                    )
                grants.check_roles_assignable(authority, roles)
    if new_password:
        if user.pk == actor.pk:
            problems.add("new_password", grants.SELF_PASSWORD)
        else:
            with problems.collect():
                _check_password(new_password, user, field="new_password")
    return problems


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
    """编辑账号. The actor must reach the account (``grants``: a 管理员, or holding every permission it holds),
    may give only roles it could hold itself, and changes neither its own roles nor its own password here.
    Every problem of the fields is refused at once."""
    roles = list(roles)
    problems = _update_problems(actor=actor, user=user, roles=roles, new_password=new_password)
    problems.raise_if_any()
    was_admin = user.roles.filter(is_admin=True).exists()
    if was_admin and not any(role.is_admin for role in roles):
        _ensure_admin_remains(user, action="取消管理员角色")
    if is_active is not None and is_active != user.is_active:
        _set_active_guard(actor=actor, user=user, active=is_active)
        user.is_active = is_active
    user.name = name.strip()
    user.mobile = mobile.strip()
    user.remark = remark
    fields = ["name", "mobile", "remark", "is_active"]
    if new_password:
        user.set_password(new_password)
        fields.append("password")
    user.save(update_fields=fields)
    user.roles.set(roles)
    if new_password:
        log_password_change(user, f"由{actor.name}重置")
    return user


def _set_active_guard(*, actor: User, user: User, active: bool) -> None:
    grants.check_account_manageable(grants.authority_of(actor), user)
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
    grants.check_account_manageable(grants.authority_of(actor), user)
    if user.is_active:
        _ensure_admin_remains(user, action="删除")
    user.deleted_at = timezone.now()
    user.is_active = False
    user.username = f"{user.username}#{user.pk}"
    user.save(update_fields=["deleted_at", "is_active", "username"])


@transaction.atomic
def profile_update(*, user: User, name: str, mobile: str, password: str = "") -> User:
    """个人中心 › 基本资料. A new mobile needs the account's current password (it receives the 忘记密码 codes).

    A view counts the password attempt against the sign-in lock-out first (``throttle.password_confirm``);
    the check here is what holds for every caller."""
    mobile = mobile.strip()
    if mobile != user.mobile and not user.check_password(password):
        raise Refused("密码不正确" if password else "修改手机号码须输入当前登录密码", field="password")
    user.name = name.strip()
    user.mobile = mobile
    user.save(update_fields=["name", "mobile"])
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """个人中心 › 修改密码. A view counts the 原密码 attempt against the sign-in lock-out first
    (``throttle.password_confirm``); the check here is what holds for every caller."""
    if not user.check_password(old_password):
        raise Refused("原密码不正确", field="old_password")
    if old_password == new_password:
        raise Refused("新密码不能与原密码相同", field="new_password")
    _check_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log_password_change(user, "本人修改")
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
def role_create(*, actor: User, name: str, permissions: Iterable[str], remark: str = "") -> Role:
    """新增角色 in the actor's organisation, with permissions the actor holds itself (``grants``)."""
    organisation = actor.organisation
    name = name.strip()
    if Role.objects.filter(organisation=organisation, name=name).exists():
        raise Refused("角色名称已存在", field="name")
    codes = _clean_permissions(organisation, permissions)
    if not codes:
        raise Refused("请至少选择一项权限", field="permissions")
    grants.check_permissions_grantable(grants.authority_of(actor), codes)
    return Role.objects.create(organisation=organisation, name=name, permissions=codes, remark=remark)


@transaction.atomic
def role_update(*, actor: User, role: Role, name: str, permissions: Iterable[str], remark: str = "") -> Role:
    """编辑角色: the actor must reach the role (``grants``: not one it holds, nothing beyond it, no holder above
    it — a 管理员 reaches every role) and grants only permissions it holds."""
    authority = grants.authority_of(actor)
    grants.check_role_editable(authority, role)
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
    grants.check_permissions_grantable(authority, codes)
    role.name = name
    role.permissions = codes
    role.remark = remark
    role.save(update_fields=["name", "permissions", "remark", "updated_at"])
    return role


@transaction.atomic
def role_delete(*, actor: User, role: Role) -> None:
    if role.is_admin:
        raise Refused("管理员角色为系统内置，不能删除")
    grants.check_role_editable(grants.authority_of(actor), role)
    holders = User.objects.alive().filter(roles=role).count()
    if holders:
        raise Refused(f"角色“{role.name}”已分配给{holders}个账号，请先取消分配后再删除")
    role.delete()


# --- 平台管理 › 机构管理: organisations of the other sides and their first 管理员 ---------------------------------
# What each kind of organisation must have, beyond the model's own constraints (docs/spec/DOMAIN.md §1, §6): enterprises
# sit in a county and record their industry (the regulator's statistics group by both); enterprises and service
# organisations are reachable by address and phone. The platform's organisation form reads this table too.
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    Side.INSURER: ("name", "code"),
    Side.ENTERPRISE: (
        "name",
        "credit_code",
        "region",
        "industry",
        "address",
        "contact_name",
        "contact_phone",
    ),
    Side.SERVICE_ORG: ("name", "credit_code", "region", "address", "contact_name", "contact_phone"),
    Side.REGULATOR: ("name", "region"),
}
MANAGED_KINDS: tuple[str, ...] = tuple(REQUIRED_BY_KIND)
ORGANISATION_FIELDS: tuple[str, ...] = (
    "name",
    "short_name",
    "code",
    "credit_code",
    "region",
    "industry",
    "address",
    "contact_name",
    "contact_phone",
)


@dataclass(frozen=True)
class AdminAccount:
    """The first 管理员 account created with an organisation."""

    username: str
    name: str
    mobile: str
    password: str


KIND_LABELS: dict[str, str] = {
    Side.INSURER: "保险公司",
    Side.ENTERPRISE: "投保企业",
    Side.SERVICE_ORG: "服务机构",
    Side.REGULATOR: "监管部门",
}


def _check_organisation(organisation: Organisation, *, industry_was: int | None = None) -> None:
    """The kind's required fields, a valid model, and clear messages for duplicates (checked before the
    database's unique constraints would answer with a generic one)."""
    if organisation.kind not in MANAGED_KINDS:
        raise Refused("平台管理只能维护保险公司、投保企业、服务机构和监管部门")
    for name in REQUIRED_BY_KIND[organisation.kind]:
        field = Organisation._meta.get_field(name)
        value = getattr(organisation, field.attname)
        if value in (None, ""):
            verb = "请选择" if field.is_relation else "请输入"
            raise Refused(f"{verb}{field.verbose_name}", field=name)
    try:
        organisation.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise Refused(messages[0], field=None if field == "__all__" else field) from None
    if organisation.kind == Side.ENTERPRISE:
        if organisation.region.level != RegionLevel.COUNTY:
            raise Refused("投保企业的所在地区请选择到区县", field="region")
        # A disabled industry is not offered to new enterprises; one that already has it may keep it.
        if not organisation.industry.is_active and organisation.industry_id != industry_was:
            raise Refused("该行业已停用，请选择其他行业", field="industry")
    others = Organisation.objects.exclude(pk=organisation.pk)
    if others.filter(kind=organisation.kind, name=organisation.name).exists():
        raise Refused(f"已存在同名的{KIND_LABELS[organisation.kind]}", field="name")
    if organisation.code:
        clash = others.filter(code__iexact=organisation.code).first()
        if clash is not None:
            raise Refused(f"登录代码已被“{clash.name}”使用", field="code")
    if organisation.credit_code:
        clash = others.filter(credit_code=organisation.credit_code).first()
        if clash is not None:
            raise Refused(f"该统一社会信用代码已被“{clash.name}”使用", field="credit_code")


# Empty means NULL for these (unique codes may be absent many times; relations may be unset), "" for the rest.
_NULLABLE_FIELDS = frozenset({"code", "credit_code", "region", "industry"})


def _assign(organisation: Organisation, fields: Mapping[str, Any]) -> None:
    for name in ORGANISATION_FIELDS:
        if name in fields:
            value = fields[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(organisation, name, (value or None) if name in _NULLABLE_FIELDS else (value or ""))


_DUPLICATE = "名称、登录代码或统一社会信用代码与已有机构重复，请核对后重试"


@transaction.atomic
def organisation_register(
    *, kind: str, fields: Mapping[str, Any], admin: AdminAccount
) -> tuple[Organisation, User]:
    """Create an organisation with its 管理员 role and its first 管理员 account, all or nothing.

    ``fields`` holds ``ORGANISATION_FIELDS``. Refusals about the account name their field with an ``admin_``
    prefix (``admin_username``, ``admin_password``, …) so they never land on the organisation's own ``name``.
    """
    draft = Organisation(kind=kind)
    _assign(draft, fields)
    _check_organisation(draft)
    try:
        # A savepoint: a duplicate written by another operator since the check becomes a refusal, not a 500.
        with transaction.atomic():
            organisation = organisation_create(
                kind=kind, **{name: getattr(draft, name) for name in ORGANISATION_FIELDS}
            )
    except (IntegrityError, ValidationError):
        raise Refused(_DUPLICATE) from None
    try:
        user = user_create(
            actor=None,
            organisation=organisation,
            username=admin.username,
            name=admin.name,
            mobile=admin.mobile,
            password=admin.password,
            roles=[admin_role_of(organisation)],
        )
    except Refused as exc:
        # Propagating rolls the whole registration back: never an organisation without its 管理员.
        raise exc.renamed(prefix="admin_") from None
    return organisation, user


@transaction.atomic
def organisation_update(*, organisation: Organisation, fields: Mapping[str, Any]) -> Organisation:
    """Edit an organisation's registration data. Its kind never changes; changing an insurer's login code
    moves its login page (/insurer/login/<code>/)."""
    industry_was = organisation.industry_id
    _assign(organisation, fields)
    _check_organisation(organisation, industry_was=industry_was)
    try:
        with transaction.atomic():
            organisation.save(update_fields=list(ORGANISATION_FIELDS))
    except IntegrityError:
        raise Refused(_DUPLICATE) from None
    return organisation


@transaction.atomic
def organisation_set_active(*, actor: User, organisation: Organisation, active: bool) -> Organisation:
    """停用: none of the organisation's accounts can sign in, and signed-in sessions end at their next request
    (``OrganisationBackend`` checks the organisation on every request). 启用 restores them; nothing else
    changes, so history is intact either way."""
    if organisation.kind not in MANAGED_KINDS:
        raise Refused("平台运营机构不能在此启用或停用")
    if organisation.pk == actor.organisation_id:
        raise Refused("不能停用本机构")
    organisation.is_active = active
    organisation.save(update_fields=["is_active"])
    return organisation


@transaction.atomic
def organisation_admin_password_reset(
    *, actor: User, organisation: Organisation, user: User, new_password: str
) -> User:
    """The platform sets a new password for one of an organisation's 管理员 accounts (who forgot theirs), and
    lifts a sign-in lock-out of that account so the new password works at once. Other accounts' passwords
    are their own organisation's 管理员's business (系统管理 › 账号管理).

    An account takeover power: only a platform account holding ``platform.org.reset_password`` (granted only by
    someone who holds it, ``grants``), only for the four managed kinds — never the platform's own accounts."""
    if actor.side != Side.PLATFORM or not actor.has_perm_code("platform.org.reset_password"):
        raise Refused("没有重置机构管理员密码的权限")
    if organisation.kind not in MANAGED_KINDS:
        raise Refused("平台运营机构的账号请在系统管理中维护")
    if user.organisation_id != organisation.pk or user.is_deleted:
        raise Refused("该账号不属于此机构")
    if not user.roles.filter(is_admin=True).exists():
        raise Refused("只能重置该机构管理员账号的密码，其他账号请由该机构管理员重置")
    _check_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log_password_change(user, "由平台重置")
    # django-axes counts failures per lower-cased login name (AXES_USERNAME_CALLABLE).
    axes_reset(username=user.username.lower())
    return user


@transaction.atomic
def password_reset_forgotten(*, user: User, new_password: str) -> User:
    """忘记密码: the account's owner sets a new password after proving who they are — a code sent to the
    account's own mobile, checked by the caller (the enterprise portal). Lifts a sign-in lock-out, like the
    platform's reset, so that the new password works at once."""
    if not user.can_sign_in:
        raise Refused("该账号已停用，请联系本单位管理员")
    _check_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log_password_change(user, "短信验证后本人重置")
    axes_reset(username=user.username.lower())
    return user
