"""Files kept across a refused submission (issue 12.5).

A file that passed its field's checks is stored at once as a :class:`KeptUpload` of the signed-in user; the
re-rendered form carries a signed token for it (bound to the user and the field's name) instead of an empty
file input, and the next submission without a new file resolves the token back to the file. A token of
another user, another field, a forged or an expired one is a field error, never another user's file. When
the form succeeds, :func:`anze.documents.services.document_create` turns the file into a document and
releases the kept one; ``manage.py sweep_uploads`` deletes what expired. Storage is reached only through
Django's storage API (files may live in object storage).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from .models import KEPT_FOR_HOURS, KeptUpload
from .services import _HashingFile, _sha256_of, clean_original_name

if TYPE_CHECKING:
    from anze.accounts.models import User

logger = logging.getLogger(__name__)

_SALT = "anze.documents.kept"
TOKEN_MAX_AGE = KEPT_FOR_HOURS * 3600
KEPT_INVALID = "已上传的文件无效，请重新上传"
KEPT_EXPIRED = f"已上传的文件已过期（保留{KEPT_FOR_HOURS}小时），请重新上传"


class KeptToken(str):
    """A submitted token (the ``<name>__kept`` hidden input), with the name of the field it was sent for."""

    field_name: str

    def __new__(cls, value: str, field_name: str) -> KeptToken:
        token = super().__new__(cls, value)
        token.field_name = field_name
        return token


class KeptFile(File):
    """A kept upload opened from the storage, shaped like the upload it was: ``name`` is the user's file name,
    ``kept`` the row that ``document_create`` releases once the document exists."""

    def __init__(self, kept: KeptUpload) -> None:
        handle = kept.file.storage.open(kept.file.name, "rb")
        super().__init__(handle, name=kept.original_name)
        self.kept = kept
        self.size = kept.size
        self.content_type = kept.content_type


def token_field(name: str) -> str:
    """The hidden input's name for the file input ``name``."""
    return f"{name}__kept"


def _salt(user_id: Any, field_name: str) -> str:
    return f"{_SALT}:{user_id}:{field_name}"


def kept_token(kept: KeptUpload, field_name: str) -> str:
    """The signed token the form carries for ``kept`` in the field ``field_name``."""
    return signing.dumps(kept.uuid.hex, salt=_salt(kept.owner_id, field_name), compress=False)


def kept_store(*, owner: User, upload: File, accept: frozenset[str], content_type: str) -> KeptUpload:
    """Store a validated ``upload`` for ``owner`` under the temporary prefix and record it."""
    now = timezone.now()
    kept = KeptUpload(
        created_at=now,
        expires_at=now + timedelta(hours=KEPT_FOR_HOURS),
        owner=owner,
        organisation_id=owner.organisation_id,
        accept=",".join(sorted(accept)),
        original_name=clean_original_name(upload.name or ""),
        content_type=content_type,
        size=upload.size or 0,
    )
    content = _HashingFile(upload)
    kept.file.save(kept.original_name, content, save=False)
    try:
        kept.sha256 = content.hexdigest() or _sha256_of(upload)
        kept.save()
    except BaseException:
        kept.file.storage.delete(kept.file.name)
        raise
    finally:
        upload.seek(0)
    logger.info("upload kept for user %s: %s, %d bytes", owner.pk, kept.file.name, kept.size)
    return kept


def kept_resolve(*, token: str, user: Any, field_name: str) -> KeptUpload:
    """The kept upload a submitted token names, when it is ``user``'s, for this field and not expired.
    Raises ``ValidationError`` (Chinese message) otherwise."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ValidationError(KEPT_INVALID, code="kept_invalid")
    try:
        value = signing.loads(token, salt=_salt(user.pk, field_name), max_age=TOKEN_MAX_AGE)
        key = uuid.UUID(hex=str(value))
    except signing.SignatureExpired:
        raise ValidationError(KEPT_EXPIRED, code="kept_expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(KEPT_INVALID, code="kept_invalid") from None
    kept = KeptUpload.objects.filter(uuid=key, owner_id=user.pk).first()
    if kept is None:  # swept after expiring, or already used by a submission that succeeded
        raise ValidationError(KEPT_EXPIRED, code="kept_expired")
    if kept.expired:
        raise ValidationError(KEPT_EXPIRED, code="kept_expired")
    return kept


def kept_release(kept: KeptUpload) -> None:
    """The kept upload became a document: delete its row now (rolled back with the transaction) and its file
    once the transaction commits."""
    name, storage = kept.file.name, kept.file.storage
    KeptUpload.objects.filter(pk=kept.pk).delete()
    transaction.on_commit(lambda: _delete_file(storage, name))


def _delete_file(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the sweep's next run cannot find it without the row: log, do not fail the request
        logger.exception("could not delete kept upload file %s", name)


@dataclass(frozen=True)
class SweepResult:
    deleted: int


def kept_sweep(*, now: datetime | None = None) -> SweepResult:
    """Delete the expired kept uploads and their files."""
    now = now or timezone.now()
    deleted = 0
    for kept in KeptUpload.objects.filter(expires_at__lte=now).iterator():
        name, storage = kept.file.name, kept.file.storage
        if KeptUpload.objects.filter(pk=kept.pk).delete()[0]:
            _delete_file(storage, name)
            deleted += 1
    return SweepResult(deleted=deleted)
