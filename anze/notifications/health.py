"""The SMS outbox's check of ``/readyz`` (registered by ``NotificationsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from anze.core.health import CheckFailed, age_seconds

from .models import SmsMessage, SmsStatus


def check_sms() -> dict[str, Any]:
    """Age of the oldest SMS that is due to be sent and still pending."""
    now = timezone.now()
    due = SmsMessage.objects.filter(status=SmsStatus.PENDING).annotate(
        due_at=Coalesce("next_attempt_at", "created_at")
    )
    oldest = due.filter(due_at__lte=now).aggregate(at=Min("due_at"))["at"]
    age = age_seconds(oldest, now)
    result = {"oldest_pending_seconds": age, "max_seconds": settings.HEALTH_SMS_PENDING_MAX_SECONDS}
    if age > settings.HEALTH_SMS_PENDING_MAX_SECONDS:
        raise CheckFailed(result)
    return result
