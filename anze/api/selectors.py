"""Reads of 接口密钥, from the signed-in user: an organisation sees its own keys only (another's is 404)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from anze.accounts.models import User

from .models import ApiKey


def keys_for(*, user: User) -> QuerySet[ApiKey]:
    """Newest first, with their creators (the list's status reads them): one query for the page."""
    return (
        ApiKey.objects.filter(organisation_id=user.organisation_id)
        .select_related("created_by__organisation", "revoked_by")
        .order_by("-created_at", "-id")
    )


def key_for(*, user: User, key_uuid: uuid.UUID) -> ApiKey:
    return get_object_or_404(keys_for(user=user), uuid=key_uuid)
