"""电子保单验真: the verification code (验证码) of every policy and the public check at ``/verify/``.

Decision (issue 15 §3): the uploaded PDF is kept unchanged — no cover page is added. The platform shows the
code, with a QR code that opens ``/verify/`` filled in, beside the policy: the insurer's 保单详情 and the
enterprise's order detail (电子保单). Whoever is handed the PDF asks its holder for the code, or scans the QR.

- The code is 8 random characters from an alphabet without 0/O/1/I, unique over all policies, set when the
  policy is created (``anze.policies.services``; the migration back-filled the older rows).
- The check needs both 保单编号 and 验证码; a wrong code and an unknown number give the same neutral answer,
  and the code is compared in constant time, so the page tells nothing about which numbers exist.
- Failed lookups are counted per client address in the cache; after VERIFY_FAILURE_LIMIT of them within
  VERIFY_FAILURE_WINDOW_SECONDS every further lookup is refused before the policy table is read.
- The answer shows only: status, insurer, period, the insured's name partly masked, the headcount.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from anze.core.clientip import client_ip

from .models import POLICY_TONE, Policy, PolicyStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # upper case, no 0/O/1/I
CODE_LENGTH = 8

NOT_FOUND = "未查询到匹配的保单，请核对保单编号与验证码"
TOO_MANY = "查询过于频繁，请10分钟后再试"


def new_verification_code() -> str:
    """A code no policy has yet (32⁸ codes: a clash is about one in 10¹² per pair, and then another is drawn)."""
    return new_verification_codes(1)[0]


def new_verification_codes(count: int) -> list[str]:
    """``count`` distinct codes no policy has yet (the Excel import's policies: one query per 500)."""
    codes: list[str] = []
    while len(codes) < count:
        drawn = {_draw() for _ in range(min(count - len(codes), 500))} - set(codes)
        drawn -= set(
            Policy.objects.filter(verification_code__in=drawn).values_list("verification_code", flat=True)
        )
        codes.extend(sorted(drawn))
    return codes


def _draw() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def mask_name(name: str) -> str:
    """泉州鸿盛建筑工程有限公司 → 泉州鸿盛****有限公司: first 4 and last 4 kept; a short name keeps its first and
    last character; the middle always becomes four asterisks (its length is not told either)."""
    name = name.strip()
    if len(name) > 8:
        return f"{name[:4]}****{name[-4:]}"
    if len(name) >= 2:
        return f"{name[0]}****{name[-1]}"
    return name + "****"


def verification_status(policy: Policy, today: date | None = None) -> tuple[str, str]:
    """(label, tone) of a policy for the public check. Checked in order: the states that end a policy before its
    period does — 已冲正 and 已退保 (issue 14) go first here, as ``if`` branches on the policy's own fields —
    then the period: 未生效 before period_start, 已过期 after period_end, otherwise 有效."""
    today = today or timezone.localdate()
    if policy.status != PolicyStatus.ACTIVE:  # 已冲正 (voided by a 冲正), 已退保: whatever the period
        return policy.get_status_display(), POLICY_TONE[policy.status]
    if policy.period_start > today:
        return "未生效", "warning"
    if policy.period_end < today:
        return "已过期", "danger"
    return "有效", "success"


@dataclass(frozen=True)
class VerifiedPolicy:
    """Everything the public page may show of a policy — nothing else leaves this module."""

    policy_no: str
    status: str
    tone: str
    insurer_name: str
    period_start: date
    period_end: date
    insured_name: str  # masked
    headcount: int | None


def _failure_key(ip: str | None) -> str:
    return f"anze:verify:failures:{ip or 'unknown'}"


def is_blocked(request: HttpRequest) -> bool:
    failures = cache.get(_failure_key(client_ip(request))) or 0
    return int(failures) >= settings.VERIFY_FAILURE_LIMIT


def _count_failure(request: HttpRequest) -> None:
    """One more failed lookup from this address; the window starts with the first failure."""
    key = _failure_key(client_ip(request))
    cache.add(key, 0, timeout=settings.VERIFY_FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.VERIFY_FAILURE_WINDOW_SECONDS)


def policy_verify(request: HttpRequest, *, policy_no: str, code: str) -> VerifiedPolicy | None:
    """The policy numbered ``policy_no`` whose code is ``code``, as the public page shows it; None (and one
    failure counted for the client's address) when there is none. The caller checks ``is_blocked`` first."""
    policy_no = policy_no.strip()
    code = code.strip().upper()
    candidates = Policy.objects.filter(policy_no=policy_no).select_related("insurer", "order")
    found = None
    # A number is unique per insurer only: each candidate is compared in full; an unknown number is compared
    # with a code no policy has, so that it costs a comparison as well.
    policies: list[Policy | None] = [*candidates] or [None]
    for policy in policies:
        stored = policy.verification_code if policy is not None else "-" * CODE_LENGTH
        if secrets.compare_digest(stored.encode(), code.encode()) and policy is not None:
            found = policy
    if found is None:
        _count_failure(request)
        return None
    label, tone = verification_status(found)
    return VerifiedPolicy(
        policy_no=found.policy_no,
        status=label,
        tone=tone,
        insurer_name=found.insurer.name,
        period_start=found.period_start,
        period_end=found.period_end,
        insured_name=mask_name(found.order.applicant_name),
        headcount=found.order.headcount,
    )


def verify_url(request: HttpRequest, policy: Policy) -> str:
    """The absolute address of ``/verify/`` filled in with the policy's number and code (what the QR opens)."""
    query = urlencode({"policy_no": policy.policy_no, "code": policy.verification_code})
    return request.build_absolute_uri(f"{reverse('verify')}?{query}")


def qr_svg(data: str) -> str:
    """An inline ``<svg>`` QR code of ``data`` (segno); empty when segno is not installed."""
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is in the environment
        return ""
    return str(segno.make(data, error="m").svg_inline(scale=3))
