"""The default backend: writes each message to the log instead of sending it (development, demos, tests)."""

from __future__ import annotations

import logging
import uuid

from anze.core.validators import mask_mobile

from . import Sms, SmsBackend, signed_text

logger = logging.getLogger("anze.notifications.sms")


class ConsoleBackend(SmsBackend):
    name = "console"

    def send(self, sms: Sms) -> str:
        # The phone is masked even here: log files travel further than the database.
        logger.info("短信(console) %s：%s", mask_mobile(sms.phone), signed_text(sms.text))
        return f"console-{uuid.uuid4().hex[:20]}"
