"""退保 (issue 14 §3): the machine ``SURRENDER`` and one function per action.

    apply (enterprise: reason, proof) ─▶ 待审核 ─approve (insurer: 退保金额, 批单号 + 批单 PDF)─▶ 已退保
                                         待审核 ─reject (reason)─▶ 已驳回 · ─withdraw (enterprise)─▶ 已撤回

An enterprise of a compulsory sector (base data 行业 marked 应保尽保) may surrender only when it is deregistered,
bankrupt, or has stopped production or business, with proof (《安全生产责任保险实施办法》应急〔2025〕27号); the
form says so and the application is refused otherwise.

退保金额 = the current premium for the days left from the 退保 day (inclusive) ÷ the days of the period, less the
prevention fee already spent (``anze.prevention.ledger.spent_total``), never below zero (``premium.Refund``);
the clerk may set another amount with a reason. Approval moves the policy itself to 已退保 through the policy's
machine (``policies.lifecycle.POLICY``, ``surrender``) with ``surrendered_on`` = that day, in the same
transaction: from that day the policy covers nothing, and the regulator's 应保尽保 shows a compulsory
enterprise without other cover as 已脱保.

A 退保 is an ``Endorsement`` of kind ``surrender`` (see ``models``): its 批单号 is from the same numbering, and it
is the policy's one open request while it waits. No other code assigns its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import Industry
from anze.core.errors import Problems
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.workflow import Machine, transition
from anze.documents.models import DocumentKind
from anze.orders.steps import stored_document
from anze.policies.lifecycle import POLICY, check_live
from anze.policies.models import Policy
from anze.prevention.ledger import spent_total

from . import premium as pricing
from .models import (
    CLOSURE_GROUNDS,
    Endorsement,
    EndorsementKind,
    EndorsementStatus,
    Origin,
    SurrenderGround,
)
from .steps import (
    atomic_unique,
    check_none_open,
    endorsement_document,
    record_event,
    tell_enterprise,
    tell_insurer,
)

S = EndorsementStatus
INSURER, ENTERPRISE = Side.INSURER, Side.ENTERPRISE
REVIEW = "endorsement.surrender"
APPLY = "portal.surrender.apply"
REASON_MAX = 500
COMPULSORY_RULE = (
    "依据《安全生产责任保险实施办法》（应急〔2025〕27号），应保尽保行业的企业仅在企业注销、破产或停产停业时可以退保，"
    "并须提供证明材料"
)


def _parties(endorsement: Endorsement) -> dict[str, int | None]:
    if endorsement.kind != EndorsementKind.SURRENDER:
        return {}
    return {INSURER: endorsement.insurer_id, ENTERPRISE: endorsement.enterprise_id}


# Its literal matrix is tests/test_surrender_matrix.py.
SURRENDER: Machine[Endorsement] = Machine(
    model=Endorsement,
    noun="退保申请",
    owners=_parties,
    touched="updated_at",
    table=(
        transition("apply", "申请退保", [], S.PENDING_REVIEW, ENTERPRISE, APPLY),
        transition("approve", "退保审核通过", [S.PENDING_REVIEW], S.SURRENDERED, INSURER, REVIEW),
        transition("reject", "驳回退保", [S.PENDING_REVIEW], S.REJECTED, INSURER, REVIEW, needs_reason=True),
        transition("withdraw", "撤回退保", [S.PENDING_REVIEW], S.WITHDRAWN, ENTERPRISE, APPLY),
    ),
)


def _industry(policy: Policy) -> Industry | None:
    """The policy's 行业: its order's (the enterprise's own when the order recorded none)."""
    if policy.order.industry is not None:
        return policy.order.industry
    return policy.enterprise.industry if policy.enterprise is not None else None


def is_compulsory(policy: Policy) -> bool:
    """The policy's enterprise is of an 应保尽保 sector."""
    industry = _industry(policy)
    return bool(industry and industry.is_compulsory)


def industry_name(policy: Policy) -> str:
    industry = _industry(policy)
    return industry.name if industry else ""


def refund_on(policy: Policy, day: date) -> pricing.Refund:
    """退保金额 of ``policy`` surrendered on ``day`` (the day itself not covered)."""
    return pricing.Refund(
        premium=policy.order.premium or Decimal("0.00"),
        days_left=pricing.days_left(policy.period_start, policy.period_end, day),
        days_total=pricing.period_days(policy.period_start, policy.period_end),
        fee_spent=spent_total(policy),
    )


@dataclass(frozen=True)
class Application:
    ground: str
    reason: str
    proof: UploadedFile | None


def _check_application(policy: Policy, application: Application, problems: Problems) -> str:
    if application.ground not in SurrenderGround.values:
        problems.add("ground", "请选择退保原因类别")
    elif is_compulsory(policy) and application.ground not in CLOSURE_GROUNDS:
        problems.add("ground", f"贵企业所属行业（{industry_name(policy)}）为应保尽保行业，{COMPULSORY_RULE}")
    reason = (application.reason or "").strip()
    if not reason:
        problems.add("reason", "请填写退保原因")
    elif len(reason) > REASON_MAX:
        problems.add("reason", f"退保原因不能超过{REASON_MAX}个字")
    if policy.period_end < timezone.localdate():
        problems.add(None, "保险期间已结束，无需退保")
    return reason


def check_apply(*, policy: Policy, application: Application) -> None:
    """The checks of 申请退保 that need no file, for the view to show beside their fields when the form has
    other errors. Changes nothing."""
    problems = Problems()
    _check_application(policy, application, problems)
    problems.raise_if_any()


@atomic_unique
def surrender_apply(*, policy: Policy, actor: User, application: Application) -> Endorsement:
    """申请退保 with a reason and proof → 待审核, with the refund estimated as of today; the insurer is told."""
    t = SURRENDER.begin("apply", actor)
    POLICY.check_owner(policy, actor, actor.side)
    check_live(policy, "申请退保")
    check_none_open(policy)
    problems = Problems()
    reason = _check_application(policy, application, problems)
    proof = None
    with problems.collect():
        proof = stored_document(actor, DocumentKind.OTHER, application.proof, "证明材料", "proof")
    problems.raise_if_any()
    today = timezone.localdate()
    estimate = refund_on(policy, today)
    endorsement = Endorsement.objects.create(
        kind=EndorsementKind.SURRENDER,
        status=t.target,
        policy=policy,
        insurer_id=policy.insurer_id,
        enterprise_id=policy.enterprise_id,
        origin=Origin.ENTERPRISE,
        created_by=actor,
        reason=reason,
        surrender_ground=application.ground,
        proof=proof,
        premium_before=policy.order.premium,
        days_left=estimate.days_left,
        days_total=estimate.days_total,
        refund_computed=estimate.pro_rata,
        fee_spent=estimate.fee_spent,
        refund_amount=estimate.amount,
    )
    endorsement.policy = policy
    event = record_event(
        endorsement,
        t,
        actor,
        "",
        changes={
            "退保原因类别": endorsement.get_surrender_ground_display(),
            "预计退保金额": f"{money(estimate.amount)}元",
        },
    )
    tell_insurer(
        endorsement,
        event,
        "新的退保申请",
        f"{policy.order.applicant_name}申请退保保单{policy.policy_no}（{endorsement.get_surrender_ground_display()}），请审核。",
    )
    return endorsement


@atomic_unique
def surrender_approve(
    *,
    endorsement: Endorsement,
    actor: User,
    endorsement_no: str,
    file: UploadedFile | None,
    refund: Decimal | None = None,
    adjust_reason: str = "",
) -> Endorsement:
    """退保审核通过: the refund as of today (or the clerk's amount, with a reason), 批单号 + 批单 PDF → 已退保;
    the policy becomes 已退保 from today (``POLICY.surrender``). The enterprise is told."""
    t = SURRENDER.begin("approve", actor, endorsement)
    policy = endorsement.policy
    pt = POLICY.begin("surrender", actor, policy)
    today = timezone.localdate()
    computed = refund_on(policy, today)
    problems = Problems()
    amount = computed.amount
    adjust_reason = (adjust_reason or "").strip()
    if refund is not None and refund != computed.amount:
        if refund < 0:
            problems.add("refund", "退保金额不能为负数")
        elif refund.as_tuple().exponent < -2:  # type: ignore[operator]
            problems.add("refund", "退保金额最多保留两位小数")
        elif refund > (policy.order.premium or Decimal("0")):
            problems.add("refund", "退保金额不能大于保费")
        if not adjust_reason:
            problems.add("adjust_reason", "调整退保金额时请填写调整原因")
        amount = refund
    elif len(adjust_reason) > REASON_MAX:
        problems.add("adjust_reason", f"调整原因不能超过{REASON_MAX}个字")
    number, document = endorsement_document(actor, endorsement_no, file, problems)
    now = timezone.now()
    from_status = SURRENDER.claim(
        endorsement,
        t,
        endorsement_no=number,
        endorsement_file=document,
        endorsed_at=now,
        effective_on=today,
        premium_before=policy.order.premium,
        days_left=computed.days_left,
        days_total=computed.days_total,
        refund_computed=computed.pro_rata,
        fee_spent=computed.fee_spent,
        refund_amount=amount,
        adjust_reason=adjust_reason if amount != computed.amount else "",
        last_reason="",
    )
    POLICY.claim(policy, pt, surrendered_on=today)
    event = record_event(
        endorsement,
        t,
        actor,
        from_status,
        reason=endorsement.adjust_reason,
        changes={
            "endorsement_no": number,
            "surrendered_on": f"{today:%Y-%m-%d}",
            "refund_amount": f"{money(amount)}元",
            "计算方式": computed.formula,
        },
    )
    tell_enterprise(
        endorsement,
        event,
        "退保已办理",
        f"您的保单{policy.policy_no}已退保，自{today:%Y-%m-%d}起终止保障，退保金额{money(amount)}元，批单号{number}。",
    )
    return endorsement


@transaction.atomic
def surrender_reject(*, endorsement: Endorsement, actor: User, reason: str) -> Endorsement:
    """驳回退保 with a reason → 已驳回; the policy stays in force; the enterprise is told."""
    t = SURRENDER.begin("reject", actor, endorsement)
    reason = SURRENDER.reason(reason, t)
    from_status = SURRENDER.claim(endorsement, t, last_reason=reason)
    event = record_event(endorsement, t, actor, from_status, reason=reason)
    tell_enterprise(
        endorsement,
        event,
        "退保申请被驳回",
        f"您的保单{endorsement.policy.policy_no}的退保申请未通过：{reason}。保单继续有效。",
    )
    return endorsement


@transaction.atomic
def surrender_withdraw(*, endorsement: Endorsement, actor: User, reason: str = "") -> Endorsement:
    """撤回退保 by the enterprise → 已撤回; the insurer is told."""
    t = SURRENDER.begin("withdraw", actor, endorsement)
    reason = SURRENDER.reason(reason, t)
    from_status = SURRENDER.claim(endorsement, t, last_reason=reason)
    event = record_event(endorsement, t, actor, from_status, reason=reason)
    tell_insurer(
        endorsement,
        event,
        "退保申请已撤回",
        f"{endorsement.policy.order.applicant_name}撤回了保单{endorsement.policy.policy_no}的退保申请。",
    )
    return endorsement
