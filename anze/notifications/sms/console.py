"""The default backend: writes each message to the log instead of sending it (development, demos, tests)."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings

from anze.core.validators import mask_mobile

from . import Sms, SmsBackend, signed_text

logger = logging.getLogger("anze.notifications.sms")


class ConsoleBackend(SmsBackend):
    name = "console"

    def send(self, sms: Sms) -> str:
        # The phone is masked even here: log files travel further than the database. A verification code shows
        # in development only (DEBUG), where the log is the developer's phone: `make run`'s 注册 needs it.
        text = sms.text if settings.DEBUG else (sms.shown_text or sms.text)
        logger.info("短信(console) %s：%s", mask_mobile(sms.phone), signed_text(text))
        return f"console-{uuid.uuid4().hex[:20]}"
