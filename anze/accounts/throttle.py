"""Password checks that a lock-out bounds, however many arrive at once: sign-in and 个人中心's 原密码.

django-axes counts a failure after the password was compared and checks the lock-out before: requests sent
together all pass the check before any failure is counted, so 29 wrong passwords and the right one sent at once
all reached the comparison (security review, finding 7). Here the attempts on one account are taken one at a
time: each runs in a transaction that first locks the account's row (PostgreSQL; on SQLite the transaction
takes the database's write lock at BEGIN, ``transaction_mode="IMMEDIATE"``), then lets axes check the lock-out,
compares the password and records the failure — committed before the next attempt on that account may start.
Never more than AXES_FAILURE_LIMIT wrong passwords are compared per account and address, and the lock-out is
axes' own (same settings, same unlocking by the platform's password reset or 忘记密码).

A right password clears the account's failures from that address in the same locked transaction
(AXES_RESET_ON_SUCCESS is off): axes' own reset runs at ``login()``, after the lock is released, and wiped the
failures counted in between — five more wrong passwords were compared after a sign-in than the limit allows.

An identifier that names no account locks nothing: no password is compared for it.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from anze.core.errors import Refused

from .backends import account_for_login, lockout_key
from .models import User

WRONG_OLD_PASSWORD = "原密码不正确"


def _lock_account(account: User | None) -> None:
    if account is not None:
        list(User.objects.select_for_update().filter(pk=account.pk).values_list("pk", flat=True))


def authenticate_in_turn(request: HttpRequest, **credentials: Any) -> User | None:
    """``authenticate()`` with the attempts on one account one at a time (see the module's docstring).

    ``credentials``: ``username`` and ``password``, and ``organisation`` (an insurer's own page) or ``side``.
    """
    side = None if credentials.get("organisation") is not None else credentials.get("side")
    account = account_for_login(credentials.get("username") or "", side)
    with transaction.atomic():
        _lock_account(account)
        user = authenticate(request, **credentials)
        if user is not None:
            _clear_failures(request, credentials.get("username") or "", side)
    return user  # type: ignore[return-value]


def _clear_failures(request: HttpRequest, identifier: str, side: str | None) -> None:
    """What axes' AXES_RESET_ON_SUCCESS does, for this account and address only, inside the caller's lock."""
    from axes.helpers import get_client_ip_address
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(
        username=lockout_key(identifier, side), ip_address=get_client_ip_address(request)
    ).delete()


def lock_minutes_left(request: HttpRequest, identifier: str, side: str | None) -> int:
    """Whole minutes (at least 1) until the lock-out of ``identifier`` from this request's address ends."""
    from axes.helpers import get_client_ip_address
    from axes.models import AccessAttempt

    last = AccessAttempt.objects.filter(
        username=lockout_key(identifier, side), ip_address=get_client_ip_address(request)
    ).aggregate(last=Max("attempt_time"))["last"]
    cooloff = settings.AXES_COOLOFF_TIME
    if last is None:
        return int(cooloff.total_seconds() // 60)
    seconds = (last + cooloff - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def locked_message(minutes: int) -> str:
    return f"登录失败次数过多，账号已被锁定，请{minutes}分钟后再试"


def password_confirm(request: HttpRequest, *, user: User, password: str, field: str) -> None:
    """The signed-in ``user`` confirms an action with their current password (个人中心's 原密码 and mobile
    change): counted and locked out exactly like a sign-in of that account from this address — the same
    limit, the same minutes, one lock-out for both. Refuses at ``field`` with the minutes left when locked."""
    credentials = {"username": user.username, "password": password, "organisation": user.organisation}
    confirmed = authenticate_in_turn(request, **credentials)
    if getattr(request, "axes_locked_out", False):
        minutes = lock_minutes_left(request, user.username, None)
        raise Refused(f"密码错误次数过多，已被锁定，请{minutes}分钟后再试", field=field)
    if confirmed is None or confirmed.pk != user.pk:
        raise Refused(WRONG_OLD_PASSWORD, field=field)
