"""Small helpers of the portal's view tests."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages import get_messages

from anze.notifications.models import SmsMessage
from anze.notifications.testing import received_text

HX: dict[str, str] = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "anze-modal-content"}
ORDERS = "/enterprise/orders/"


def url(order: Any, action: str = "") -> str:
    """/enterprise/orders/<申请编号>/<action>/"""
    return f"{ORDERS}{order.application_no}/" + (f"{action}/" if action else "")


def html(response: Any) -> str:
    return response.content.decode()


def flash(response: Any) -> str:
    """The message an action left for the page the user lands on (shown there as a toast): the latest one, as
    the messages of earlier requests of a test stay queued until a page shows them."""
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    return messages[-1] if messages else ""


def field_row(page: str, name: str) -> str:
    """The form row that holds the input ``name``: its label, input, hint and errors."""
    at = page.index(f'name="{name}"')
    start = page.rfind('<div class="form-row', 0, at)
    end = page.find('<div class="form-row', at)
    return page[start : end if end != -1 else len(page)]


def sms_code(phone: str) -> str:
    """The code of the latest SMS to ``phone``, read from the outbox as a person reads their phone."""
    message = SmsMessage.objects.filter(phone=phone).order_by("-created_at", "-id").first()
    assert message is not None, f"no SMS to {phone}"
    text = received_text(message)  # the stored text masks the code
    match = re.search(r"验证码为(\d{6})", text)
    assert match, text
    return match.group(1)
