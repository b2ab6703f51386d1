"""Helpers for tests that read an SMS as its recipient would (a verification code, for instance)."""

from __future__ import annotations

from .models import SmsMessage
from .tasks import _as_sms


def received_text(message: SmsMessage) -> str:
    """The text the phone receives: for a code message still in the outbox, with its code decrypted into it
    (the stored text masks it). Once sent the code is gone from the row: read the backend's record instead."""
    return _as_sms(message).text
