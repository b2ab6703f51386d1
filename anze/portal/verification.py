"""SMS verification codes (短信验证码) for 注册 and 忘记密码.

- A code is 6 digits, valid for 5 minutes, once; only the latest code of a phone and purpose counts.
- A phone gets at most one code a minute and ten a (calendar, Asia/Shanghai) day, whatever the purpose —
  what SMS providers allow for verification templates, and what keeps the platform from being used to
  bomb a number with messages.
- Five wrong codes end a code: a 6-digit code cannot be guessed within its five minutes.
- Only an HMAC of the code (keyed with SECRET_KEY) is stored: the table alone does not give a usable code.
  Its SMS is stored with the code masked (短信记录 shows 您的验证码为******); the code itself travels to the
  provider encrypted in the outbox row, wiped once sent (anze.notifications.codes).

``code_check`` is deliberately not atomic and must be called before the caller's transaction: the failure it
counts has to stay counted when the caller's form is refused and its transaction rolled back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from anze.accounts.models import User
from anze.core.errors import Refused
from anze.core.validators import mask_mobile, validate_mobile
from anze.notifications.models import SECRET_PLACEHOLDER
from anze.notifications.services import sms_enqueue

from .models import CodePurpose, SmsCodeQuota, VerificationCode

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MIN_INTERVAL = timedelta(minutes=1)
DAILY_LIMIT = 10
MAX_FAILURES = 5

WRONG = "验证码不正确，请核对后重新输入"
USED = "验证码已使用，请重新获取"
EXPIRED = "验证码已过期，请重新获取"
TOO_MANY_FAILURES = "验证码错误次数过多，请重新获取"
NOT_SENT = "请先获取短信验证码"


@dataclass(frozen=True)
class CodeSent:
    phone: str
    wait_seconds: int  # before the next code may be asked for

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def valid_minutes(self) -> int:
        return int(CODE_TTL.total_seconds() // 60)


def _digest(phone: str, purpose: str, code: str) -> str:
    return salted_hmac(
        "anze.portal.verification", f"{purpose}:{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field="phone") from None
    return phone


def _take_quota(phone: str) -> None:
    """Count one code against the phone's quota, or refuse saying when the next one may be asked for.

    One conditional UPDATE decides: of two simultaneous requests only one finds the row still claimable.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    SmsCodeQuota.objects.get_or_create(phone=phone)
    claimed = (
        SmsCodeQuota.objects.filter(phone=phone)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - MIN_INTERVAL))
        .filter(Q(day__isnull=True) | ~Q(day=today) | Q(day_count__lt=DAILY_LIMIT))
        .update(
            last_sent_at=now,
            day=today,
            day_count=Case(When(day=today, then=F("day_count") + 1), default=Value(1)),
        )
    )
    if claimed:
        return
    quota = SmsCodeQuota.objects.get(phone=phone)
    if quota.day == today and quota.day_count >= DAILY_LIMIT:
        raise Refused(f"该手机号今日获取验证码已达{DAILY_LIMIT}次，请明天再试", field="phone")
    assert quota.last_sent_at is not None
    wait = max(1, int((quota.last_sent_at + MIN_INTERVAL - now).total_seconds() + 0.999))
    raise Refused(f"验证码发送过于频繁，请{wait}秒后再试", field="phone")


def seconds_until_next(phone: str) -> int:
    """How long the phone must wait before its next code (0: it may ask now) — for the button's countdown."""
    last = SmsCodeQuota.objects.filter(phone=phone).values_list("last_sent_at", flat=True).first()
    if last is None:
        return 0
    return max(0, int((last + MIN_INTERVAL - timezone.now()).total_seconds() + 0.999))


@transaction.atomic
def code_send(*, phone: str, purpose: str, user: User | None = None, deliver: bool = True) -> CodeSent:
    """Send a new code to ``phone`` (an SMS through the notifications outbox, sent after commit).

    ``deliver=False`` does everything but the SMS — the code is random and nobody learns it: 忘记密码 uses it
    when the account and phone do not match, so that the answer, the limits and the later "验证码不正确"
    are the same as for a match, and a stranger cannot tell which phone belongs to which account.
    """
    if purpose not in CodePurpose.values:
        raise ValueError(f"unknown verification purpose {purpose!r}")
    phone = _check_phone(phone)
    _take_quota(phone)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    sms = None
    if deliver:
        minutes = int(CODE_TTL.total_seconds() // 60)
        label = CodePurpose(purpose).label
        # The code goes to the outbox encrypted, only until it is sent: the stored text (短信记录) masks it.
        sms = sms_enqueue(
            phone,
            f"您的验证码为{SECRET_PLACEHOLDER}，用于{label}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
            secret=code,
            secret_ttl=CODE_TTL,
        )
    VerificationCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_digest(phone, purpose, code),
        user=user,
        sms=sms,
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    return CodeSent(phone=phone, wait_seconds=int(MIN_INTERVAL.total_seconds()))


def code_check(*, phone: str, purpose: str, code: str) -> VerificationCode:
    """The phone's latest code for ``purpose`` if ``code`` is it and it is still valid; else a refusal at the
    ``code`` field saying why (wrong, used, expired, too many failures, none sent). A wrong code is counted
    before the comparison (see the module's docstring). Does not use the code: ``code_use`` does, in the caller's
    transaction."""
    phone = (phone or "").strip()
    code = (code or "").strip()
    if not code:
        raise Refused("请输入短信验证码", field="code")
    latest = (
        VerificationCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at", "-id").first()
    )
    if latest is None:
        raise Refused(NOT_SENT, field="code")
    if latest.used_at is not None:
        raise Refused(USED, field="code")
    if latest.expires_at <= timezone.now():
        raise Refused(EXPIRED, field="code")
    # Count the attempt before comparing: one conditional UPDATE claims one of the MAX_FAILURES tries, so
    # guesses sent at once cannot all pass a "fewer than five failures" check made before any was counted.
    claimed = VerificationCode.objects.filter(pk=latest.pk, failures__lt=MAX_FAILURES).update(
        failures=F("failures") + 1
    )
    if not claimed:
        raise Refused(TOO_MANY_FAILURES, field="code")
    if not constant_time_compare(latest.code_hash, _digest(phone, purpose, code)):
        raise Refused(WRONG, field="code")
    # The right code gives its try back: a form refused for another field may be sent again with it.
    VerificationCode.objects.filter(pk=latest.pk).update(failures=F("failures") - 1)
    return latest


def code_use(code: VerificationCode) -> None:
    """Mark a checked code used, inside the transaction of what it allowed; a second use (two submissions at
    once) is refused, so one code registers one enterprise or resets one password."""
    used = VerificationCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise Refused(USED, field="code")


IP_HOURLY_LIMIT = 20


def claim_ip_quota(ip: str | None) -> None:
    """At most IP_HOURLY_LIMIT codes an hour from one address, whatever the phones: the per-phone quota alone
    would let one client send codes to many numbers (SMS bombing, cost). Counted in the cache — shared by
    every worker when ANZE_REDIS_URL is set, per process otherwise."""
    if not ip:
        return
    key = f"sms-code-ip:{ip}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > IP_HOURLY_LIMIT:
        raise Refused("验证码发送过于频繁，请稍后再试")
