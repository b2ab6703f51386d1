"""Reads of the imports, starting from the signed-in user: an organisation sees its own batches, of one kind at a
time; another organisation's batch (or a missing one) is a 404."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from anze.accounts.models import User

from .models import ImportBatch

RECENT = 10  # the import page lists this many of the organisation's latest imports


def batches_for(*, user: User, kind: str) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(organisation_id=user.organisation_id, kind=kind)


def recent_batches(*, user: User, kind: str) -> list[ImportBatch]:
    return list(
        batches_for(user=user, kind=kind).select_related("created_by").order_by("-created_at", "-id")[:RECENT]
    )


def batch_for(*, user: User, kind: str, uuid: UUID) -> ImportBatch:
    return get_object_or_404(batches_for(user=user, kind=kind).select_related("created_by"), uuid=uuid)
