"""Five wrong codes end a code, however many guesses arrive at once (security review, finding 7).

The attack: 40 guesses of a 忘记密码 code sent together. When the failures are counted after the comparison,
every guess in flight sees fewer than five failures and is compared — the review got 8 comparisons. Each guess
is a real request through its own test Client (its own database connection).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from anze.accounts.models import User
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications.tests.fakes import RECORDING, RecordingBackend
from anze.portal import verification
from anze.portal.models import VerificationCode
from anze.portal.tests.support import html

URL = "/enterprise/password-reset/"
MOBILE = "13860719301"
NEW = "Reset2026pass"
GUESSES = 40


def compared_codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    lock = threading.Lock()
    original = verification.constant_time_compare

    def compare(a: Any, b: Any) -> bool:
        with lock:
            seen.append(str(b))
        return original(a, b)

    monkeypatch.setattr(verification, "constant_time_compare", compare)
    return seen


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_code_guesses_are_compared_at_most_five_times_and_the_right_code_then_fails(
    monkeypatch, settings
):
    # A transactional test sends the SMS on commit and the outbox then forgets the code: read it as the phone
    # received it, from the recording backend.
    settings.SMS_BACKEND = RECORDING
    RecordingBackend.sent = []
    enterprise = factories.organisation(Side.ENTERPRISE)
    admin = factories.user(enterprise, admin=True, username=enterprise.credit_code, mobile=MOBILE)
    verification.code_send(phone=MOBILE, purpose="reset_password", user=admin)
    received = re.search(r"验证码为(\d{6})", RecordingBackend.sent[-1].text)
    assert received, RecordingBackend.sent[-1].text
    right = received.group(1)
    wrong = [f"{(int(right) + 1 + i) % 10**6:06d}" for i in range(GUESSES)]
    seen = compared_codes(monkeypatch)
    barrier = threading.Barrier(GUESSES)
    pages: list[str] = []
    lock = threading.Lock()

    def guess(code: str) -> None:
        try:
            barrier.wait(timeout=60)
            data = {
                "identifier": admin.username,
                "phone": MOBILE,
                "code": code,
                "password": NEW,
                "password2": NEW,
            }
            page = html(Client().post(URL, data))
        except Exception as exc:  # a 500
            page = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            pages.append(page)

    threads = [threading.Thread(target=guess, args=(code,)) for code in wrong]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert len(pages) == GUESSES and not [p for p in pages if p.startswith("error")]
    assert len(seen) <= verification.MAX_FAILURES
    assert VerificationCode.objects.get().failures == verification.MAX_FAILURES
    last = Client().post(
        URL, {"identifier": admin.username, "phone": MOBILE, "code": right, "password": NEW, "password2": NEW}
    )
    assert verification.TOO_MANY_FAILURES in html(last)
    admin.refresh_from_db()
    assert not User.objects.get(pk=admin.pk).check_password(NEW)
