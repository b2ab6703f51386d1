"""The one secret an SMS may carry — a verification code — kept out of the outbox's clear columns.

A code message is written with its text (and template parameters) holding ``SECRET_PLACEHOLDER``; the row
keeps them with the code masked (what 短信记录 shows) and the code itself encrypted (Fernet, keyed from
SECRET_KEY) in ``SmsMessage.secret``, only until it is sent, fails for good, or outlives the code
(``secret_expires_at``). The sending task decrypts it into the ``Sms`` handed to the provider.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

from .models import SECRET_MASK, SECRET_PLACEHOLDER

__all__ = ["InvalidToken", "mask_codes", "mask_stored_codes", "reveal", "seal", "unmask"]

_KEY_SALT = "anze.notifications.sms-secret"
# A code as the platform's texts (and any earlier one) write it: "验证码为123456", "验证码：1234".
_CODE_RE = re.compile(r"(验证码(?:为|是|:|：)\s*)(\d{4,8})")


def _fernet() -> MultiFernet:
    """Keys from SECRET_KEY, then its fallbacks, so a rotated key does not strand the codes being sent."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(_KEY_SALT, "fernet", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def reveal(token: str) -> str:
    """The sealed secret; InvalidToken when it was not sealed with one of our keys."""
    return _fernet().decrypt(token.encode()).decode()


def mask(text: str) -> str:
    """The text as it is stored and shown: the placeholder replaced by the mask."""
    return text.replace(SECRET_PLACEHOLDER, SECRET_MASK)


def unmask(text: str, secret: str) -> str:
    """The text as the phone receives it: the mask replaced by the secret."""
    return text.replace(SECRET_MASK, secret)


def mask_codes(text: str) -> str:
    """Any code written out in clear in ``text`` masked (the rows stored before codes were kept apart)."""
    return _CODE_RE.sub(lambda m: m.group(1) + SECRET_MASK, text)


def has_clear_code(text: str) -> bool:
    return bool(_CODE_RE.search(text))


def mask_stored_codes(apps: Any, schema_editor: Any = None) -> None:
    """Data migration: mask the codes of the SMS already stored, and mark those rows as code messages (their
    text now holds the mask, so they must never be sent again as they are)."""
    message_model = apps.get_model("notifications", "SmsMessage")
    batch: list[Any] = []
    rows = message_model.objects.filter(text__contains="验证码").order_by("pk")
    for message in rows.iterator(chunk_size=1000):
        codes = {match.group(2) for match in _CODE_RE.finditer(message.text)}
        if not codes:
            continue
        message.text = mask_codes(message.text)
        message.params = {
            key: SECRET_MASK if str(value) in codes else value
            for key, value in (message.params or {}).items()
        }
        message.secret = ""
        message.secret_expires_at = message.created_at
        batch.append(message)
        if len(batch) >= 1000:
            message_model.objects.bulk_update(batch, ["text", "params", "secret", "secret_expires_at"])
            batch = []
    if batch:
        message_model.objects.bulk_update(batch, ["text", "params", "secret", "secret_expires_at"])
