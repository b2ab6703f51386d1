"""接口密钥: created by an organisation's 管理员 (shown once), stored as a digest, revoked; and the check of
every API call — which key, acting as whom, how many calls this minute.

A token reads ``anze_<prefix>_<secret>``: the prefix finds the key (and tells keys apart in the list), the
whole token's SHA-256 is compared with the stored digest in constant time. 32 random bytes make a slow hash
pointless: nobody guesses them, and a stolen digest does not give the token back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from anze.accounts import grants
from anze.accounts.models import User
from anze.core import catalogue
from anze.core.errors import Problems, Refused
from anze.core.workflow import NO_PERMISSION

from .models import ApiKey, KeyActor

TOKEN_START = "anze_"
NAME_MAX = 20
# The permissions a key may carry: those the API's operations require (anze.api.endpoints declares each one's,
# and a test holds the two lists equal), in catalogue order.
API_SCOPES: tuple[str, ...] = (
    "order.view",
    "order.quote",
    "order.payment_notice",
    "order.payment_review",
    "order.issue",
    "order.offline_create",
    "policy.view",
    "policy.assign_service",
    "policy.reversal_request",
    "policy.reversal_review",
    "endorsement.view",
    "endorsement.start",
    "endorsement.review",
    "endorsement.payment",
    "endorsement.issue",
    "endorsement.surrender",
    "claim.view",
    "claim.report",
    "claim.handle",
    "claim.adjust",
    "claim.settle",
)
# last_used_at is written at most this often per key: a busy key would otherwise update its row on every call.
USED_EVERY = timedelta(minutes=1)


def scope_choices(actor: User) -> list[catalogue.Permission]:
    """The scopes the creation dialog offers: the API's, of the actor's side, that the actor holds."""
    codes = grants.authority_read(actor).codes
    return [
        catalogue.get(code)
        for code in API_SCOPES
        if code in codes and actor.side in catalogue.get(code).sides
    ]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"


# --- the 管理员's actions -----------------------------------------------------------------------------------------
@transaction.atomic
def key_create(*, actor: User, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """新增接口密钥 of the actor's organisation: returns the key and its token, which is shown once and never
    stored. Refuses a scope the API does not use, and one the actor does not hold (``grants``)."""
    if not actor.has_perm_code("system.api_key"):
        raise Refused(NO_PERMISSION)
    problems = Problems()
    name = (name or "").strip()
    if not name:
        problems.add("name", "请输入密钥名称")
    elif len(name) > NAME_MAX:
        problems.add("name", f"密钥名称不能超过{NAME_MAX}个字")
    elif ApiKey.objects.filter(organisation_id=actor.organisation_id, name=name, revoked_at=None).exists():
        problems.add("name", "已有同名的有效密钥，请换一个名称")
    chosen = list(dict.fromkeys(scopes or []))
    if not chosen:
        problems.add("scopes", "请至少选择一项授权范围")
    elif unknown := [code for code in chosen if code not in API_SCOPES]:
        problems.add("scopes", f"开放接口不提供这些权限：{'、'.join(unknown)}")
    else:
        with problems.collect():
            try:
                grants.check_permissions_grantable(grants.authority_of(actor), chosen)
            except Refused as exc:
                raise exc.renamed({"permissions": "scopes"}) from None
    problems.raise_if_any()
    for _ in range(5):
        prefix, token = _new_token()
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    organisation_id=actor.organisation_id,
                    name=name,
                    prefix=prefix,
                    secret_hash=digest(token),
                    scopes=[code for code in API_SCOPES if code in chosen],
                    created_by=actor,
                )
            return key, token
        except IntegrityError as exc:
            if "prefix" not in str(exc):
                raise Refused("已有同名的有效密钥，请换一个名称", field="name") from None
    raise Refused("系统繁忙，请稍后重试")


@transaction.atomic
def key_revoke(*, actor: User, key: ApiKey) -> ApiKey:
    """吊销: the key stops working at once; it stays in the list (and its steps in the logs) as 已吊销."""
    if not actor.has_perm_code("system.api_key"):
        raise Refused(NO_PERMISSION)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise Refused("该密钥已吊销")
    key.revoked_at = timezone.now()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    return key


# --- a call ---------------------------------------------------------------------------------------------------------
def key_of(token: str) -> ApiKey | None:
    """The key a token names when it is valid: not revoked, its organisation and its creator still active."""
    if not token.startswith(TOKEN_START):
        return None
    prefix = token[len(TOKEN_START) :].split("_", 1)[0]
    key = (
        ApiKey.objects.select_related("organisation", "created_by__organisation")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, digest(token)):
        return None
    if not key.organisation.is_active or not key.created_by.can_sign_in:
        return None
    return key


def key_for_request(request: HttpRequest) -> ApiKey | None:
    """The request's key (``Authorization: Bearer anze_…``), looked up once per request."""
    if not hasattr(request, "_anze_api_key"):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        key = key_of(token.strip()) if scheme.lower() == "bearer" else None
        if key is not None:
            _mark_used(key)
        request._anze_api_key = key  # type: ignore[attr-defined]
    return request._anze_api_key  # type: ignore[attr-defined]


def _mark_used(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def actor_for(key: ApiKey) -> KeyActor:
    """The key's creator as the key acts (``KeyActor``): the workflow functions' ``actor``."""
    found = (
        KeyActor.objects.select_related("organisation").prefetch_related("roles").get(pk=key.created_by_id)
    )
    actor = cast(KeyActor, found)  # (the proxy's manager is typed as its parent's)
    actor.api_key = key
    return actor


def over_limit(key: ApiKey) -> int:
    """Count one call of ``key`` in this minute: 0 while within ``API_RATE_LIMIT_PER_MINUTE``, else the seconds
    until the next minute (the 429's Retry-After). A fixed window in the cache, shared by every node when the
    cache is Redis."""
    now = time.time()
    window = int(now // 60)
    slot = f"anze:api-rate:{key.pk}:{window}"
    cache.add(slot, 0, timeout=90)
    try:
        calls = cache.incr(slot)
    except ValueError:  # expired between add and incr
        cache.set(slot, 1, timeout=90)
        calls = 1
    if calls <= settings.API_RATE_LIMIT_PER_MINUTE:
        return 0
    return max(1, int((window + 1) * 60 - now + 0.999))
