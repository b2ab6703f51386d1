"""接口密钥 (API keys) and the answers kept for ``Idempotency-Key``.

A key belongs to an organisation and acts as the 管理员 who created it, narrowed to its scopes: every workflow
step it takes is that person's authority, written on the order's timeline and in the 操作日志 with the key's
name (``anze.audit.oplog.acting_through``). The scopes it may use are those its creator still holds
(``KeyActor``): a creator who loses a permission, or the account, takes it from the key too.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from anze.accounts.grants import codes_of
from anze.accounts.models import User


class ApiKey(models.Model):
    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属机构", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=20)
    # The visible start of the token ("anze_<prefix>_…"): how a call finds its key, and how a person tells keys
    # apart in the list. The rest of the token is only in ``secret_hash``.
    prefix = models.CharField("密钥前缀", max_length=16, unique=True, editable=False)
    secret_hash = models.CharField("密钥摘要", max_length=64, editable=False)
    scopes = models.JSONField("授权范围", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "接口密钥"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_key_unique_name_per_organisation",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-created_at", "-id"], name="api_key_org_idx")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, int]:
        """The organisation's 操作日志 shows who created and revoked its keys."""
        return {"organisation_id": self.organisation_id}

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def masked(self) -> str:
        return f"anze_{self.prefix}_••••••••"

    @property
    def state(self) -> tuple[str, str]:
        """(状态, tag tone) as the list shows it: a key whose creator can no longer sign in does not work."""
        if self.revoked_at is not None:
            return "已吊销", "info"
        if not self.created_by.can_sign_in:
            return "已失效（创建人账号已停用）", "danger"
        return "有效", "success"


class KeyActor(User):
    """The creator of a key, as the key acts: the key's scopes that the creator still holds, never an admin-only
    permission (a key does not manage keys nor read the logs). The workflow functions take it as their actor,
    so ``Machine.begin`` checks the same side, permission and ownership as for the person on a screen."""

    api_key: ApiKey

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "接口密钥的操作人"

    @property
    def is_org_admin(self) -> bool:
        return False

    @cached_property
    def permission_codes(self) -> frozenset[str]:
        return frozenset(self.api_key.scopes) & codes_of(self._roles, self.side)


class IdempotencyRecord(models.Model):
    """The first successful answer to a POST with an ``Idempotency-Key`` (``anze.api.idempotency``): a retry with
    the same key and the same request gets it again, and changes nothing twice."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属机构", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField("幂等键", max_length=255)
    fingerprint = models.CharField("请求摘要", max_length=64)
    status_code = models.PositiveSmallIntegerField("响应码")
    content_type = models.CharField("响应类型", max_length=100)
    body = models.TextField("响应内容", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "幂等请求"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_per_organisation")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return self.key
