"""Organisations (the tenants of the five sides), their users and roles."""

from __future__ import annotations

import functools
from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from anze.core import catalogue
from anze.core.sides import Side
from anze.core.validators import clean_credit_code, validate_mobile

ADMIN_ROLE_NAME = "管理员"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def of_kind(self, kind: str) -> OrganisationQuerySet:
        return self.filter(kind=kind)

    def verified(self) -> OrganisationQuerySet:
        return self.filter(verification=Verification.VERIFIED)


class Verification(models.TextChoices):
    """Whether an enterprise proved it is who its 统一社会信用代码 says (``anze.portal.claims``). Only a verified
    enterprise has the orders keyed in under its code linked to it."""

    PENDING = "pending", "待认证"
    VERIFIED = "verified", "已认证"


class Organisation(models.Model):
    """A tenant: the platform operator, an insurer, an enterprise, a service organisation or a regulator."""

    kind = models.CharField("类型", max_length=20, choices=Side.choices)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    code = models.SlugField(
        "登录代码",
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        help_text="保险公司登录页地址中的代码，如 picc-qz",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    region = models.ForeignKey(
        "basedata.Region",
        verbose_name="所在地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "basedata.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=11, blank=True, validators=[validate_mobile])
    is_active = models.BooleanField("启用", default=True)
    # An organisation the platform creates is verified; an enterprise that registers itself is pending until
    # a claim of one of its accounts is approved (anze.portal.claims).
    verification = models.CharField(
        "认证状态", max_length=10, choices=Verification.choices, default=Verification.VERIFIED
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_name_per_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind=Side.INSURER) | models.Q(code__isnull=False),
                name="insurer_has_login_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[Side.ENTERPRISE, Side.SERVICE_ORG])
                | models.Q(credit_code__isnull=False),
                name="enterprise_and_service_org_have_credit_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=Side.REGULATOR) | models.Q(region__isnull=False),
                name="regulator_has_region",
            ),
        ]
        indexes = [models.Index(fields=["kind", "is_active", "id"], name="organisation_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        """Stored with each auditlog entry: the organisation's own 操作日志 shows changes made to it."""
        return {"organisation_id": self.pk}

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind in (Side.ENTERPRISE, Side.SERVICE_ORG):
            try:
                self.credit_code = clean_credit_code(self.credit_code or "")
            except ValidationError as exc:
                errors["credit_code"] = exc.messages[0]
        elif self.credit_code:
            try:
                self.credit_code = clean_credit_code(self.credit_code)
            except ValidationError as exc:
                errors["credit_code"] = exc.messages[0]
        else:
            self.credit_code = None
        if self.kind == Side.INSURER and not self.code:
            errors["code"] = "请输入保险公司登录代码"
        if not self.code:
            self.code = None
        if self.kind == Side.REGULATOR and not self.region_id:
            errors["region"] = "请选择监管部门的管辖地区"
        if errors:
            raise ValidationError(errors)


class Role(models.Model):
    """A named set of permissions of the organisation's side. The 管理员 role always holds all of them."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.CASCADE, related_name="roles"
    )
    name = models.CharField("角色名称", max_length=30)
    permissions = models.JSONField("权限", default=list, blank=True)
    is_admin = models.BooleanField("管理员角色", default=False, editable=False)
    remark = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["-is_admin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="role_unique_name_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_admin=True),
                name="one_admin_role_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        """Stored with each auditlog entry so that 操作日志 is scoped to the organisation."""
        return {"organisation_id": self.organisation_id}

    def effective_permissions(self, side: str) -> frozenset[str]:
        if self.is_admin:
            return catalogue.codes_for_side(side)
        return frozenset(self.permissions) & catalogue.codes_for_side(side)


@functools.lru_cache(maxsize=8)
def _roles_sql(alias: str) -> str:
    """The statement of ``user.roles.all()`` on database ``alias``, its one parameter the user's id."""
    sql, params = Role.objects.using(alias).filter(users__id=0).query.sql_with_params()
    assert params == (0,), params  # its one parameter: the user's id
    return sql


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username)

    def alive(self) -> models.QuerySet[User]:
        return self.filter(deleted_at__isnull=True)


class User(AbstractBaseUser):
    """A person who signs in. Belongs to exactly one organisation; deleted accounts are kept for history."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", on_delete=models.PROTECT, related_name="users"
    )
    username = models.CharField(
        "登录账号",
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_.@-]{3,30}$", "登录账号为3-30位字母、数字或 _ . @ -")],
    )
    name = models.CharField("姓名", max_length=30)
    mobile = models.CharField("手机号码", max_length=11, validators=[validate_mobile])
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    is_active = models.BooleanField("启用", default=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False)
    remark = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name", "mobile"]

    class Meta:
        verbose_name = verbose_name_plural = "账号"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "deleted_at", "id"], name="user_org_alive_idx")]

    def __str__(self) -> str:
        return self.name or self.username

    def get_additional_data(self) -> dict[str, int]:
        return {"organisation_id": self.organisation_id}

    # --- what the user may do ------------------------------------------------------------------------
    @property
    def side(self) -> str:
        return self.organisation.kind

    @cached_property
    def _roles(self) -> list[Role]:
        """The user's roles (``self.roles.all()``; prefetched ones as they are). Read on every request of a
        signed-in user, through the ORM's own statement compiled once per process: building it took four times
        as long as running it (issue 16, docs/BENCH.md "a page's fixed cost")."""
        if "roles" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.roles.all())
        return list(
            Role.objects.db_manager(self._state.db).raw(_roles_sql(self._state.db or "default"), [self.pk])
        )

    @cached_property
    def permission_codes(self) -> frozenset[str]:
        """Read from the roles on every request, so a role change takes effect at the next one."""
        codes: set[str] = set()
        for role in self._roles:
            codes |= role.effective_permissions(self.side)
        return frozenset(codes)

    @property
    def is_org_admin(self) -> bool:
        return any(role.is_admin for role in self._roles)

    def has_perm_code(self, code: str) -> bool:
        if code == catalogue.SIGNED_IN:
            return True
        perm = catalogue.get(code)
        if perm.admin_only:
            return self.is_org_admin and self.side in perm.sides
        return code in self.permission_codes

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def can_sign_in(self) -> bool:
        return self.is_active and self.deleted_at is None and self.organisation.is_active
