"""The claim machine (``CLAIM``) and one function per action; see ``models`` for the graph.

Each function runs in one transaction: ``CLAIM.begin`` (side, permission, the claim's insurer or enterprise,
state), its own checks, ``CLAIM.claim`` (a conditional UPDATE: 0 rows → “该理赔案件状态已变化，请刷新后重试”),
the ``ClaimEvent`` (which writes the 操作日志 entry) and the notifications (SMS + 站内消息 through the outbox,
sent after the commit). **No other code assigns ``Claim.status``.**

Amounts: 理算 and 结案 take the policy's row lock (``lock_policy``) before they read what the policy has paid,
so that two settlements of the same policy are checked one after the other against 累积赔偿限额 (PostgreSQL:
``SELECT … FOR UPDATE``; SQLite: the IMMEDIATE transaction holds the database's write lock from its BEGIN).

报案 on a policy: it must be in force (``lifecycle.check_live``) — except a surrendered one, for an accident
before its surrender took effect (``lifecycle.surrendered_on``; a surrender of unknown date takes no report).
The accident happened inside the period (and before the surrender), not in the future; the report comes no
later than the end of cover plus the region's 报案时限 (base data, ``claim_report_window``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.selectors import claim_report_window
from anze.core.errors import Problems, Refused
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.validators import MOBILE_RE
from anze.core.workflow import Machine, Transition, check_owner, transition
from anze.documents.models import DocumentKind
from anze.notifications import webhooks
from anze.notifications.services import notify
from anze.orders.steps import stored_document
from anze.policies.lifecycle import check_live, surrendered_on
from anze.policies.models import Policy, PolicyStatus
from anze.policies.workflow import side_url

from . import limits
from .models import (
    OPEN_STATUSES,
    AccidentType,
    Claim,
    ClaimEvent,
    ClaimFile,
    ClaimFileStage,
    ClaimPerson,
    ClaimStatus,
    ReportChannel,
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


def _event(claim: Claim, t: Transition, actor: User, from_status: str, **kw: Any) -> ClaimEvent:
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


def _tell_enterprise(claim: Claim, event: ClaimEvent, title: str, text: str, *, sms: bool) -> None:
    notify(
        key=f"claim-event:{event.pk}:enterprise",
        owner=claim.insurer,
        recipient=claim.enterprise,
        phone=claim.reporter_phone if sms else None,
        title=title,
        text=text,
        link=claim_url(claim, Side.ENTERPRISE) if claim.enterprise_id else "",
    )


def _tell_insurer(claim: Claim, event: ClaimEvent, title: str, text: str) -> None:
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


def _text(value: str | None, field: str, label: str, problems: Problems, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.add(field, f"请填写{label}")
    elif len(value) > TEXT_LIMITS.get(field, 500):
        problems.add(field, f"{label}不能超过{TEXT_LIMITS.get(field, 500)}个字")
    return value


def _amount(value: Decimal | None, field: str, label: str, problems: Problems) -> Decimal:
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


def _store_files(
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


# --- 报案 ------------------------------------------------------------------------------------------------------
@dataclass
class Accident:
    """What a report says of the accident (the form's cleaned values; None where it could not be read)."""

    accident_at: datetime | None
    accident_place: str
    accident_type: str
    description: str
    deaths: int | None
    injured: int | None
    estimated_loss: Decimal | None
    reporter_name: str
    reporter_phone: str
    files: dict[str, tuple[str, UploadedFile | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cover:
    """Until when a policy covers accidents, and until when they may be reported."""

    start: date
    end: date  # the last day of cover: the period's end, or the day before a surrender took effect
    report_until: date
    surrendered: date | None
    window_days: int
    window_source: str


def cover_of(policy: Policy) -> Cover:
    """The policy's cover as a report is checked against it; ``Refused`` when it takes no report at all."""
    surrendered = None
    if policy.status == PolicyStatus.SURRENDERED:
        surrendered = surrendered_on(policy)
        if surrendered is None:
            check_live(policy, "报案")  # 保单已退保，不能报案
    else:
        check_live(policy, "报案")
    end = policy.period_end
    if surrendered is not None:
        end = min(end, surrendered - timedelta(days=1))
    window = claim_report_window(policy.order.region)
    return Cover(
        start=policy.period_start,
        end=end,
        report_until=end + timedelta(days=window.days),
        surrendered=surrendered,
        window_days=window.days,
        window_source=window.source,
    )


def check_accident_time(
    cover: Cover, accident_at: datetime | None, now: datetime | None = None, *, required: bool = True
) -> None:
    """出险时间 inside the cover and not in the future; and the report in time (at ``policy``). ``required``:
    a missing time is refused (not when a form already says what is wrong with it)."""
    now = now or timezone.now()
    problems = Problems()
    if timezone.localdate(now) > cover.report_until:
        problems.add(
            "policy",
            f"已超过报案时限：保险期间届满后{cover.window_days}天内报案（截至{cover.report_until:%Y-%m-%d}）",
        )
    if accident_at is None:
        if required:
            problems.add("accident_at", "请填写出险时间")
    elif accident_at > now:
        problems.add("accident_at", "出险时间不能晚于当前时间")
    else:
        day = timezone.localdate(accident_at)
        if cover.surrendered is not None and day >= cover.surrendered:
            problems.add("accident_at", f"出险时间不在保障范围内：保单已于{cover.surrendered:%Y-%m-%d}退保")
        elif not cover.start <= day <= cover.end:
            problems.add(
                "accident_at",
                f"出险时间须在保险期间内（{cover.start:%Y-%m-%d} 至 {cover.end:%Y-%m-%d}）",
            )
    problems.raise_if_any()


def check_report_time(*, policy: Policy, accident_at: datetime | None) -> None:
    """The cover rules of a report (the accident inside the cover, the report in time) on what could be read:
    a view runs it when other fields are wrong too, so that one submission shows every error. Changes nothing."""
    check_accident_time(cover_of(policy), accident_at, required=False)


def _check_accident(accident: Accident, problems: Problems) -> None:
    accident.accident_place = _text(accident.accident_place, "accident_place", "出险地点", problems)
    if accident.accident_type not in AccidentType.values:
        problems.add("accident_type", "请选择事故类型")
    accident.description = _text(accident.description, "description", "事故经过", problems)
    for name, label in (("deaths", "死亡人数"), ("injured", "受伤人数")):
        count = getattr(accident, name)
        if count is None:
            problems.add(name, f"请填写{label}")
        elif count < 0:
            problems.add(name, f"{label}不能为负数")
    _amount(accident.estimated_loss, "estimated_loss", "估损金额", problems)
    accident.reporter_name = _text(accident.reporter_name, "reporter_name", "报案人", problems)
    if len(accident.reporter_name) > 30:
        problems.add("reporter_name", "报案人不能超过30个字")
    accident.reporter_phone = (accident.reporter_phone or "").strip()
    if not MOBILE_RE.fullmatch(accident.reporter_phone):
        problems.add("reporter_phone", "请输入正确的11位手机号码")


def new_report_no() -> str:
    """报案号: BA + yyyyMMddHHmmss (Asia/Shanghai) + 4 random digits."""
    return f"BA{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10000):04d}"


def _create(**fields: Any) -> Claim:
    """Insert with a fresh 报案号, retrying on the rare collision (same second, same digits)."""
    for _ in range(10):
        try:
            with transaction.atomic():
                return Claim.objects.create(report_no=new_report_no(), **fields)
        except IntegrityError as exc:
            if "report_no" not in str(exc):
                raise
    raise Refused("系统繁忙，请稍后重试")


REPORTED = webhooks.register_event("claim.reported", "报案")


@transaction.atomic
def claim_report(*, policy: Policy, actor: User, accident: Accident) -> Claim:
    """报案 by the enterprise insured (企业端) or by its insurer's clerk for a phone report → 待受理. The other
    party is told (the insurer by SMS and 站内消息, the enterprise by 站内消息)."""
    t = CLAIM.begin("report", actor)
    check_owner(
        {Side.INSURER: policy.insurer_id, Side.ENTERPRISE: policy.enterprise_id}, actor, actor.side, "保单"
    )
    policy = lock_policy(policy.pk)  # the status read after the lock: a 冲正 committed meanwhile is seen
    problems = Problems()
    with problems.collect():
        check_accident_time(cover_of(policy), accident.accident_at)
    _check_accident(accident, problems)
    problems.raise_if_any()
    order = policy.order
    channel = ReportChannel.ONLINE if actor.side == Side.ENTERPRISE else ReportChannel.PHONE
    claim = _create(
        policy=policy,
        insurer_id=policy.insurer_id,
        enterprise_id=policy.enterprise_id,
        policy_no=policy.policy_no,
        applicant_name=order.applicant_name,
        region_id=order.region_id,
        industry_id=order.industry_id,
        channel=channel,
        status=t.target,
        accident_at=accident.accident_at,
        accident_place=accident.accident_place,
        accident_type=accident.accident_type,
        description=accident.description,
        deaths=accident.deaths or 0,
        injured=accident.injured or 0,
        estimated_loss=accident.estimated_loss,
        reporter_name=accident.reporter_name,
        reporter_phone=accident.reporter_phone,
        reported_by=actor,
    )
    files = _store_files(claim, actor, ClaimFileStage.REPORT, accident.files)
    changes: dict[str, Any] = {"channel": claim.get_channel_display()}
    if files:
        changes["files"] = "、".join(f.caption for f in files)
    event = _event(claim, t, actor, "", changes=changes)
    what = f"{claim.get_accident_type_display()}，死亡{claim.deaths}人、受伤{claim.injured}人"
    webhooks.publish(  # the insurer's core system hears of every report, online or by phone
        organisation_id=claim.insurer_id,
        event=REPORTED,
        data={
            "report_no": claim.report_no,
            "policy_no": claim.policy_no,
            "application_no": order.application_no,
            "applicant_name": claim.applicant_name,
            "channel": claim.channel,
            "accident_at": claim.accident_at.isoformat(),
            "accident_type": claim.accident_type,
            "accident_type_label": claim.get_accident_type_display(),
            "deaths": claim.deaths,
            "injured": claim.injured,
            "estimated_loss": str(claim.estimated_loss) if claim.estimated_loss is not None else None,
        },
        key=f"claim-event:{event.pk}",
    )
    if channel == ReportChannel.ONLINE:
        _tell_insurer(
            claim,
            event,
            "新的报案",
            f"{claim.applicant_name}对保单{policy.policy_no}报案（报案号{claim.report_no}，{what}），请及时受理。",
        )
    else:
        _tell_enterprise(
            claim,
            event,
            "已登记报案",
            f"{claim.insurer.display_short_name}已登记您对保单{policy.policy_no}的报案，报案号{claim.report_no}。",
            sms=False,
        )
    return claim


# --- 受理 · 立案 · 查勘 -------------------------------------------------------------------------------------------
@transaction.atomic
def claim_accept(*, claim: Claim, actor: User) -> Claim:
    """受理 → 待立案; the enterprise sees it (站内消息)."""
    t = CLAIM.begin("accept", actor, claim)
    from_status = CLAIM.claim(claim, t, accepted_at=timezone.now())
    event = _event(claim, t, actor, from_status)
    _tell_enterprise(
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
    event = _event(claim, t, actor, from_status, changes={"case_no": case_no})
    _tell_enterprise(
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
    notes = _text(notes, "survey_notes", "查勘意见", problems)
    problems.raise_if_any()
    from_status = CLAIM.claim(claim, t, survey_notes=notes, surveyed_at=timezone.now())
    stored = _store_files(claim, actor, ClaimFileStage.SURVEY, files or {})
    changes = {"files": "、".join(f.caption for f in stored)} if stored else {}
    _event(claim, t, actor, from_status, changes=changes)
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
        dd = _amount(line.death_disability, f"death_disability_{index}", "死亡伤残赔款", problems)
        medical = _amount(line.medical, f"medical_{index}", "医疗费用赔款", problems)
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
    _event(claim, t, actor, from_status, changes=changes)
    return claim


@dataclass(frozen=True)
class Payment:
    amount: Decimal | None
    paid_on: date | None
    payee: str


def _check_payment(claim: Claim, payment: Payment, problems: Problems) -> tuple[Decimal, date | None, str]:
    amount = _amount(payment.amount, "paid_amount", "赔款金额", problems)
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
    payee = _text(payment.payee, "payee", "收款人", problems)
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
    event = _event(
        claim,
        t,
        actor,
        from_status,
        changes={"paid_amount": money(amount), "paid_on": f"{day:%Y-%m-%d}", "payee": payee},
    )
    _tell_enterprise(
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
    event = _event(claim, t, actor, from_status, reason=reason)
    _tell_enterprise(
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
    event = _event(claim, t, actor, from_status, reason=reason)
    _tell_enterprise(
        claim,
        event,
        "报案已注销",
        f"您的报案（报案号{claim.report_no}）已注销。原因：{reason}",
        sms=False,
    )
    return claim
