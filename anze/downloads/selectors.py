"""Reads of the 下载中心, from the signed-in user: a user sees and downloads only the exports they asked for —
another user's, of the same organisation or not, is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Export

if TYPE_CHECKING:
    from anze.accounts.models import User


def exports_for(*, user: User) -> QuerySet[Export]:
    """The user's exports, the newest first (index ``export_user_idx``)."""
    return Export.objects.filter(user=user).order_by("-created_at", "-id")


def export_for(*, user: User, export_uuid: UUID) -> Export:
    return get_object_or_404(Export, uuid=export_uuid, user=user)
