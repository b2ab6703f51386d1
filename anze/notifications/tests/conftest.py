from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from anze.accounts.models import Organisation
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications import services

from .fakes import RECORDING, FailingBackend, RecordingBackend

PHONE = "13697770764"
ISSUED = "您的投保申请202502192340024959已出函，保单号5457854121，请登录企业端查看电子保单。"


@pytest.fixture
def sms(settings: Any) -> type[RecordingBackend]:
    """Every SMS goes to the recording backend; ``sms.sent`` lists what was sent."""
    settings.SMS_BACKEND = RECORDING
    RecordingBackend.sent = []
    FailingBackend.calls = 0
    return RecordingBackend


@pytest.fixture
def insurer_org(db: None) -> Organisation:
    return factories.organisation(Side.INSURER)


@pytest.fixture
def enterprise_org(db: None) -> Organisation:
    return factories.organisation(Side.ENTERPRISE)


@pytest.fixture
def notify_issued(insurer_org: Organisation, enterprise_org: Organisation) -> Callable[..., None]:
    """notify() as the order workflow calls it on 出函, inside its own transaction."""

    def call(**overrides: Any) -> None:
        arguments: dict[str, Any] = {
            "key": "order-event:1:enterprise",
            "owner": insurer_org,
            "recipient": enterprise_org,
            "phone": PHONE,
            "title": "保单已出函",
            "text": ISSUED,
            "link": "/enterprise/",
        }
        arguments.update(overrides)
        with transaction.atomic():
            services.notify(**arguments)

    return call
