"""The claim machine (``CLAIM``) and one function per action; see ``models`` for the graph.

Each function runs in one transaction: ``CLAIM.begin`` (side, permission, the claim's insurer or enterprise,
state), its own checks, ``CLAIM.claim`` (a conditional UPDATE: 0 rows → “该理赔案件状态已变化，请刷新后重试”),
the ``ClaimEvent`` (which writes the 操作日志 entry) and the notifications (SMS + 站内消息 through the outbox,
sent after the commit). **No other code assigns ``Claim.status``.**

Amounts: 理算 and 结案 take the policy's row lock (``lock_policy``) before they read what the policy has paid,
so that two settlements of the same policy are checked one after the other against 累积赔偿限额 (PostgreSQL:
``SELECT … FOR UPDATE``; SQLite: the IMMEDIATE transaction holds the database's write lock from its BEGIN).

报案 (``reports``) on a policy: it must be in force (``lifecycle.check_live``) — except a surrendered one, for an accident
before its surrender took effect (``lifecycle.surrendered_on``; a surrender of unknown date takes no report).
The accident happened inside the period (and before the surrender), not in the future; the report comes no
later than the end of cover plus the region's 报案时限 (base data, ``claim_report_window``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.core.errors import Problems, Refused
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, transition
from anze.documents.models import DocumentKind
from anze.notifications.services import notify
from anze.orders.steps import stored_document
from anze.policies.models import Policy
from anze.policies.workflow import side_url

from . import limits
from .models import (
    OPEN_STATUSES,
    Claim,
    ClaimEvent,
    ClaimFile,
    ClaimFileStage,
    ClaimPerson,
    ClaimStatus,
)

S = ClaimStatus
HANDLE, ADJUST, SETTLE = "claim.handle", "claim.adjust", "claim.settle"
TEXT_LIMITS = {"accident_place": 200, "description": 2000, "survey_notes": 2000, "payee": 100}
MAX_PEOPLE = 50
MAX_AMOUNT = Decimal("999999999999.99")  # the amount columns: 14 digits, 2 of them decimals
CASE_NO_TAKEN = "案件号已存在"


def _parties(claim: Claim) -> Mapping[str, int | None]:
    """The insurer of the policy handles the claim; the enterprise insured follows it."""
    return {Side.INSURER: claim.insurer_id, Side.ENTERPRISE: claim.enterprise_id}


# Its literal matrix is tests/test_claim_matrix.py.
CLAIM: Machine[Claim] = Machine(
    model=Claim,
    noun="理赔案件",
    owners=_parties,
    touched="updated_at",
    table=(
        transition("report", "报案", [], S.REPORTED, Side.ENTERPRISE, "portal.claim.report"),
        transition("report", "报案", [], S.REPORTED, Side.INSURER, "claim.report"),
        transition("accept", "受理", [S.REPORTED], S.ACCEPTED, Side.INSURER, HANDLE),
        transition("register", "立案", [S.ACCEPTED], S.REGISTERED, Side.INSURER, HANDLE),
        transition("survey", "查勘", [S.REGISTERED], S.SURVEYED, Side.INSURER, HANDLE),
        # Done again until 结案: the amounts of a new 理算 replace the last one's.
        transition("adjust", "理算", [S.SURVEYED, S.ADJUSTED], S.ADJUSTED, Side.INSURER, ADJUST),
        transition("settle", "结案", [S.ADJUSTED], S.SETTLED, Side.INSURER, SETTLE),
        transition(
            "decline",
            "拒赔",
            [S.REGISTERED, S.SURVEYED, S.ADJUSTED],
            S.DECLINED,
            Side.INSURER,
            SETTLE,
            needs_reason=True,
        ),
        transition("cancel", "注销", OPEN_STATUSES, S.CANCELLED, Side.INSURER, SETTLE, needs_reason=True),
    ),
)


def claims_block_reversal(policy: Policy) -> str | None:
    """The 冲正 blocker (``ClaimsConfig.ready``): a policy with a claim that is not 注销'd is not reversed. A
    注销'd claim (reported by mistake, withdrawn) paid and decided nothing, so it does not hold the policy."""
    claim = (
        Claim.objects.filter(policy_id=policy.pk)
        .exclude(status=S.CANCELLED)
        .values_list("report_no", flat=True)
    ).first()
    return f"该保单已有理赔案件（报案号 {claim}），不能冲正" if claim else None


# --- shared pieces --------------------------------------------------------------------------------------------
def lock_policy(policy_id: int) -> Policy:
    """The policy's row, locked until the transaction ends (PostgreSQL); SQLite's IMMEDIATE transaction holds
    the write lock already. Read what the policy paid, or its status, only after this."""
    return (
        Policy.objects.select_for_update(of=("self",))
        .select_related("order", "order__region__parent__parent", "insurer")
        .get(pk=policy_id)
    )


def record_event(claim: Claim, t: Transition, actor: User, from_status: str, **kw: Any) -> ClaimEvent:
    return ClaimEvent.record(
        actor,
        action=t.action,
        label=t.label,
        from_status=from_status,
        to_status=claim.status,
        claim=claim,
        **kw,
    )


def claim_url(claim: Claim, side: str) -> str:
    """The claim's page on ``side`` (the link of a 站内消息)."""
    return side_url("claims:detail", side, claim.report_no)


def tell_enterprise(claim: Claim, event: ClaimEvent, title: str, text: str, *, sms: bool) -> None:
    notify(
        key=f"claim-event:{event.pk}:enterprise",
        owner=claim.insurer,
        recipient=claim.enterprise,
        phone=claim.reporter_phone if sms else None,
        title=title,
        text=text,
        link=claim_url(claim, Side.ENTERPRISE) if claim.enterprise_id else "",
    )


def tell_insurer(claim: Claim, event: ClaimEvent, title: str, text: str) -> None:
    insurer = claim.insurer
    notify(
        key=f"claim-event:{event.pk}:insurer",
        owner=insurer,
        recipient=insurer,
        phone=insurer.contact_phone or None,
        title=title,
        text=text,
        link=claim_url(claim, Side.INSURER),
    )


def clean_text(
    value: str | None, field: str, label: str, problems: Problems, *, required: bool = True
) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.add(field, f"请填写{label}")
    elif len(value) > TEXT_LIMITS.get(field, 500):
        problems.add(field, f"{label}不能超过{TEXT_LIMITS.get(field, 500)}个字")
    return value


def clean_amount(value: Decimal | None, field: str, label: str, problems: Problems) -> Decimal:
    if value is None:
        problems.add(field, f"请填写{label}")
        return limits.ZERO
    if value < 0:
        problems.add(field, f"{label}不能为负数")
    elif value > MAX_AMOUNT:
        problems.add(field, f"{label}过大")
    elif value != value.quantize(Decimal("0.01")):
        problems.add(field, f"{label}最多保留2位小数")
    return value


def store_files(
    claim: Claim, actor: User, stage: str, uploads: Mapping[str, tuple[str, UploadedFile | None]]
) -> list[ClaimFile]:
    """Each upload (field → (caption, file)) stored with the documents' content checks; a refused file is an
    error at its field."""
    problems = Problems()
    stored = []
    for name, (caption, upload) in uploads.items():
        if upload is None:
            continue
        with problems.collect():
            kind = DocumentKind.PHOTO if name.startswith("photo") else DocumentKind.OTHER
            document = stored_document(actor, kind, upload, caption, name, required=False)
            if document is not None:
                stored.append(ClaimFile(claim=claim, document=document, stage=stage, caption=caption))
    problems.raise_if_any()
    return ClaimFile.objects.bulk_create(stored)


# --- 受理 · 立案 · 查勘 -------------------------------------------------------------------------------------------
@transaction.atomic
def claim_accept(*, claim: Claim, actor: User) -> Claim:
    """受理 → 待立案; the enterprise sees it (站内消息)."""
    t = CLAIM.begin("accept", actor, claim)
    from_status = CLAIM.claim(claim, t, accepted_at=timezone.now())
    event = record_event(claim, t, actor, from_status)
    tell_enterprise(
        claim,
        event,
        "报案已受理",
        f"您的报案（报案号{claim.report_no}）已受理，保险公司将尽快立案。",
        sms=False,
    )
    return claim


def check_case_no(claim: Claim, case_no: str | None) -> str:
    """案件号: given, ≤ 50 characters, not yet used by the insurer (the database's constraint is the last word)."""
    case_no = (case_no or "").strip()
    if not case_no:
        raise Refused("请输入案件号", field="case_no")
    if len(case_no) > 50:
        raise Refused("案件号不能超过50个字符", field="case_no")
    if Claim.objects.filter(insurer_id=claim.insurer_id, case_no=case_no).exclude(pk=claim.pk).exists():
        raise Refused(CASE_NO_TAKEN, field="case_no")
    return case_no


def claim_register(*, claim: Claim, actor: User, case_no: str) -> Claim:
    """立案 with the insurer's 案件号 (unique per insurer) → 待查勘; the enterprise is told by SMS."""
    try:
        return _register(claim=claim, actor=actor, case_no=case_no)
    except IntegrityError as exc:  # another clerk took the number a moment ago
        if "case_no" in str(exc):
            raise Refused(CASE_NO_TAKEN, field="case_no") from None
        raise


@transaction.atomic
def _register(*, claim: Claim, actor: User, case_no: str) -> Claim:
    t = CLAIM.begin("register", actor, claim)
    case_no = check_case_no(claim, case_no)
    from_status = CLAIM.claim(claim, t, case_no=case_no, registered_at=timezone.now())
    event = record_event(claim, t, actor, from_status, changes={"case_no": case_no})
    tell_enterprise(
        claim,
        event,
        "报案已立案",
        f"您对保单{claim.policy.policy_no}的报案（报案号{claim.report_no}）已立案，案件号{case_no}。",
        sms=True,
    )
    return claim


@transaction.atomic
def claim_survey(
    *,
    claim: Claim,
    actor: User,
    notes: str,
    files: Mapping[str, tuple[str, UploadedFile | None]] | None = None,
) -> Claim:
    """查勘: the surveyor's notes and files → 待理算 (internal: the enterprise sees the step, not the notes)."""
    t = CLAIM.begin("survey", actor, claim)
    problems = Problems()
    notes = clean_text(notes, "survey_notes", "查勘意见", problems)
    problems.raise_if_any()
    from_status = CLAIM.claim(claim, t, survey_notes=notes, surveyed_at=timezone.now())
    stored = store_files(claim, actor, ClaimFileStage.SURVEY, files or {})
    changes = {"files": "、".join(f.caption for f in stored)} if stored else {}
    record_event(claim, t, actor, from_status, changes=changes)
    return claim


# --- 理算 · 结案 --------------------------------------------------------------------------------------------------
def clean_lines(lines: Sequence[limits.Line]) -> list[limits.Line]:
    """The people of a 理算: at least one, each named, amounts ≥ 0 with two decimals."""
    problems = Problems()
    cleaned = []
    for index, line in enumerate(lines):
        name = (line.name or "").strip()
        if not name:
            problems.add(f"name_{index}", "请填写姓名")
        elif len(name) > 30:
            problems.add(f"name_{index}", "姓名不能超过30个字")
        dd = clean_amount(line.death_disability, f"death_disability_{index}", "死亡伤残赔款", problems)
        medical = clean_amount(line.medical, f"medical_{index}", "医疗费用赔款", problems)
        cleaned.append(limits.Line(name, dd, medical))
    if not lines:
        problems.add(None, "请至少填写一名伤亡人员的理算金额")
    elif len(lines) > MAX_PEOPLE:
        problems.add(None, f"理算人员不能超过{MAX_PEOPLE}人")
    problems.raise_if_any()
    return cleaned


def check_adjustment(*, claim: Claim, lines: Sequence[limits.Line]) -> Decimal:
    """The rules of a 理算 against the limits and what the policy has paid (no lock: for a view showing every
    error at once; ``claim_adjust`` checks again under the lock)."""
    lines = clean_lines(lines)
    paid = limits.paid_on_policy(claim.policy_id, excluding=claim.pk)
    return limits.check_adjustment(lines, limits.Limits.of(claim.policy.order), paid)


@transaction.atomic
def claim_adjust(*, claim: Claim, actor: User, lines: Sequence[limits.Line]) -> Claim:
    """理算: per person death/disability and medical amounts, each within its per-person limit, their total
    within 每次事故赔偿限额 and, with what the policy has paid, within 累积赔偿限额 → 待结案. A new 理算
    replaces the last one's lines."""
    t = CLAIM.begin("adjust", actor, claim)
    lines = clean_lines(lines)
    policy = lock_policy(claim.policy_id)
    paid = limits.paid_on_policy(policy.pk, excluding=claim.pk)
    total = limits.check_adjustment(lines, limits.Limits.of(policy.order), paid)
    before = claim.adjusted_amount
    from_status = CLAIM.claim(claim, t, adjusted_amount=total, adjusted_at=timezone.now())
    claim.people.all().delete()
    ClaimPerson.objects.bulk_create(
        ClaimPerson(
            claim=claim,
            sort=index,
            name=line.name,
            death_disability=line.death_disability,
            medical=line.medical,
        )
        for index, line in enumerate(lines)
    )
    changes: dict[str, Any] = {
        "adjusted_amount": [money(before) if before is not None else "", money(total)],
        "people": str(len(lines)),
    }
    record_event(claim, t, actor, from_status, changes=changes)
    return claim


@dataclass(frozen=True)
class Payment:
    amount: Decimal | None
    paid_on: date | None
    payee: str


def _check_payment(claim: Claim, payment: Payment, problems: Problems) -> tuple[Decimal, date | None, str]:
    amount = clean_amount(payment.amount, "paid_amount", "赔款金额", problems)
    adjusted = claim.adjusted_amount or limits.ZERO
    if payment.amount is not None and amount > adjusted:
        problems.add("paid_amount", f"赔款金额不能超过理算金额（{money(adjusted)} 元）")
    day = payment.paid_on
    if day is None:
        problems.add("paid_on", "请选择支付日期")
    elif day > timezone.localdate():
        problems.add("paid_on", "支付日期不能晚于今天")
    elif day < timezone.localdate(claim.reported_at):
        problems.add(
            "paid_on", f"支付日期不能早于报案日期（{timezone.localdate(claim.reported_at):%Y-%m-%d}）"
        )
    payee = clean_text(payment.payee, "payee", "收款人", problems)
    return amount, day, payee


def check_settlement(*, claim: Claim, payment: Payment) -> None:
    """The rules of a 结案 on what could be read (no lock; ``claim_settle`` checks again under it)."""
    problems = Problems()
    amount, _, _ = _check_payment(claim, payment, problems)
    if payment.amount is not None:
        paid = limits.paid_on_policy(claim.policy_id, excluding=claim.pk)
        for _, texts in limits.total_errors(
            amount, limits.Limits.of(claim.policy.order), paid, field="paid_amount", noun="赔款金额"
        ).errors.items():
            for text in texts:
                problems.add("paid_amount", text)
    problems.raise_if_any()


@transaction.atomic
def claim_settle(*, claim: Claim, actor: User, payment: Payment) -> Claim:
    """结案: the 赔款金额 paid (≤ the 理算 amount), its 支付日期 and 收款人 → 已结案. Checked again, under the
    policy's row lock, against 每次事故赔偿限额 and — with every other settled claim of the policy — 累积赔偿
    限额: two settlements at once are checked one after the other. The enterprise is told by SMS."""
    t = CLAIM.begin("settle", actor, claim)
    problems = Problems()
    amount, day, payee = _check_payment(claim, payment, problems)
    problems.raise_if_any()
    policy = lock_policy(claim.policy_id)
    paid = limits.paid_on_policy(policy.pk, excluding=claim.pk)
    limits.total_errors(
        amount, limits.Limits.of(policy.order), paid, field="paid_amount", noun="赔款金额"
    ).raise_if_any()
    # ``where``: the 理算 the clerk saw is still the last one (a new 理算 meanwhile makes this stale).
    from_status = CLAIM.claim(
        claim,
        t,
        where={"adjusted_amount": claim.adjusted_amount},
        paid_amount=amount,
        paid_on=day,
        payee=payee,
        settled_at=timezone.now(),
    )
    event = record_event(
        claim,
        t,
        actor,
        from_status,
        changes={"paid_amount": money(amount), "paid_on": f"{day:%Y-%m-%d}", "payee": payee},
    )
    tell_enterprise(
        claim,
        event,
        "理赔已结案",
        f"您对保单{policy.policy_no}的理赔（案件号{claim.case_no}）已结案，赔款{money(amount)}元已于"
        f"{day:%Y-%m-%d}支付给{payee}。",
        sms=True,
    )
    return claim


# --- 拒赔 · 注销 --------------------------------------------------------------------------------------------------
@transaction.atomic
def claim_decline(*, claim: Claim, actor: User, reason: str) -> Claim:
    """拒赔 with the reason → 已拒赔; the enterprise is told by SMS."""
    t = CLAIM.begin("decline", actor, claim)
    reason = CLAIM.reason(reason, t)
    from_status = CLAIM.claim(claim, t, close_reason=reason, closed_at=timezone.now())
    event = record_event(claim, t, actor, from_status, reason=reason)
    tell_enterprise(
        claim,
        event,
        "理赔已拒赔",
        f"您对保单{claim.policy.policy_no}的理赔（案件号{claim.case_no}）经审核不予赔付。原因：{reason}",
        sms=True,
    )
    return claim


@transaction.atomic
def claim_cancel(*, claim: Claim, actor: User, reason: str) -> Claim:
    """注销 with the reason (报案有误、撤案、重复报案) → 已注销; the enterprise sees it (站内消息)."""
    t = CLAIM.begin("cancel", actor, claim)
    reason = CLAIM.reason(reason, t)
    from_status = CLAIM.claim(claim, t, close_reason=reason, closed_at=timezone.now())
    event = record_event(claim, t, actor, from_status, reason=reason)
    tell_enterprise(
        claim,
        event,
        "报案已注销",
        f"您的报案（报案号{claim.report_no}）已注销。原因：{reason}",
        sms=False,
    )
    return claim
