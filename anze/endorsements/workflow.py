"""批改 (issue 14 §1): the machine ``ENDORSEMENT`` and one function per action.

    apply (enterprise: 申请批改; insurer: 发起批改) ─▶ 待审核 ─adjust (调整批改保费, with reason)─▶ 待审核
    待审核 ─approve (no extra premium: a refund, nothing, or a policy without an enterprise account)─▶ 待出批单
    待审核 ─approve_charge (extra premium due)─▶ 待上传付款通知书 ─upload_payment_notice─▶ 待缴费
    待缴费 ─upload_payment_voucher (enterprise)─▶ 待缴费审核 ─approve_payment─▶ 待出批单
                                                 待缴费审核 ─reject_payment (reason)─▶ 待缴费
    待审核 / 待上传付款通知书 / 待缴费 ─reject (insurer, reason)─▶ 已驳回 · ─withdraw (enterprise, its own)─▶ 已撤回
    待出批单 ─issue (批单号 + 批单 PDF)─▶ 已批改: the order takes the new values in the same transaction

The payment steps are the order's (``anze.orders.workflow``): the same documents (``orders.steps.stored_document``:
付款通知书 and 付款凭证 as PDF or image, the 批单 a PDF as the policy's), the same order of steps and messages.
A policy whose enterprise has no account (an offline order of an unregistered enterprise) settles extra premium
outside the platform, as its 出函 did: its 批改 skips 待缴费.

Each function runs in one transaction: ``ENDORSEMENT.begin`` (side, permission, party, state, guard), its own
checks, ``ENDORSEMENT.claim`` (the conditional UPDATE: of two clerks acting at once exactly one moves it), the
``EndorsementEvent`` (时间线 and 操作日志) and the notifications (SMS + 站内消息 through the outbox). No other
code assigns ``Endorsement.status`` of a 批改.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.core.errors import Problems, Refused
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.workflow import Machine, Transition, transition
from anze.documents.models import DocumentKind
from anze.orders.models import Order
from anze.orders.steps import save_service_counts, stored_document
from anze.policies.lifecycle import POLICY, check_live
from anze.policies.models import Policy

from . import changes
from .changes import Change
from .models import Endorsement, EndorsementKind, EndorsementStatus, Origin
from .premium import formula
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
REVIEW, PAYMENT, ISSUE = "endorsement.review", "endorsement.payment", "endorsement.issue"
APPLY = "portal.endorsement.apply"
CLOSABLE = (S.PENDING_REVIEW, S.AWAITING_PAYMENT_NOTICE, S.AWAITING_PAYMENT)
ORDER_CHANGED = "保单当前信息已变化，请刷新后重试"


def payable(endorsement: Endorsement) -> bool:
    """Extra premium to collect on the platform: a positive 批改保费 from an enterprise with an account."""
    return bool(endorsement.premium_delta and endorsement.premium_delta > 0 and endorsement.enterprise_id)


def _charges(endorsement: Endorsement, t: Transition) -> str | None:
    return None if payable(endorsement) else "该批改无需缴纳批改保费"


def _charges_nothing(endorsement: Endorsement, t: Transition) -> str | None:
    return "该批改需加收保费，审核通过后须上传付款通知书" if payable(endorsement) else None


def _own_application(endorsement: Endorsement, t: Transition) -> str | None:
    return None if endorsement.origin == Origin.ENTERPRISE else "保险公司发起的批改不能撤回"


def _parties(endorsement: Endorsement) -> dict[str, int | None]:
    """The insurer and the enterprise of the policy — of a 批改 only: a 退保 is the other machine's."""
    if endorsement.kind != EndorsementKind.CHANGE:
        return {}
    return {INSURER: endorsement.insurer_id, ENTERPRISE: endorsement.enterprise_id}


# The whole graph; its literal matrix is tests/test_endorsement_matrix.py.
ENDORSEMENT: Machine[Endorsement] = Machine(
    model=Endorsement,
    noun="批改",
    owners=_parties,
    touched="updated_at",
    table=(
        transition("apply", "申请批改", [], S.PENDING_REVIEW, ENTERPRISE, APPLY),
        transition("apply", "发起批改", [], S.PENDING_REVIEW, INSURER, "endorsement.start"),
        transition(
            "adjust", "调整批改保费", [S.PENDING_REVIEW], S.PENDING_REVIEW, INSURER, REVIEW, needs_reason=True
        ),
        transition(
            "approve",
            "审核通过",
            [S.PENDING_REVIEW],
            S.AWAITING_DOCUMENT,
            INSURER,
            REVIEW,
            guard=_charges_nothing,
        ),
        transition(
            "approve_charge",
            "审核通过（待缴费）",
            [S.PENDING_REVIEW],
            S.AWAITING_PAYMENT_NOTICE,
            INSURER,
            REVIEW,
            guard=_charges,
        ),
        transition("reject", "驳回批改", CLOSABLE, S.REJECTED, INSURER, REVIEW, needs_reason=True),
        transition("withdraw", "撤回批改", CLOSABLE, S.WITHDRAWN, ENTERPRISE, APPLY, guard=_own_application),
        transition(
            "upload_payment_notice",
            "上传付款通知书",
            [S.AWAITING_PAYMENT_NOTICE],
            S.AWAITING_PAYMENT,
            INSURER,
            PAYMENT,
        ),
        transition(
            "upload_payment_voucher",
            "上传付款凭证",
            [S.AWAITING_PAYMENT],
            S.AWAITING_PAYMENT_REVIEW,
            ENTERPRISE,
            APPLY,
        ),
        transition(
            "approve_payment",
            "缴费审核通过",
            [S.AWAITING_PAYMENT_REVIEW],
            S.AWAITING_DOCUMENT,
            INSURER,
            PAYMENT,
        ),
        transition(
            "reject_payment",
            "缴费审核驳回",
            [S.AWAITING_PAYMENT_REVIEW],
            S.AWAITING_PAYMENT,
            INSURER,
            PAYMENT,
            needs_reason=True,
        ),
        transition("issue", "出批单", [S.AWAITING_DOCUMENT], S.ENDORSED, INSURER, ISSUE),
    ),
)


def premium_text(endorsement: Endorsement) -> str:
    """批改保费 as the screens and messages say it: 加收 1,504.11 元 / 退还 752.05 元 / 无需调整保费."""
    delta = endorsement.premium_delta or Decimal("0")
    if delta > 0:
        return f"加收保费{money(delta)}元"
    if delta < 0:
        return f"退还保费{money(-delta)}元"
    return "无需调整保费"


def premium_formula(endorsement: Endorsement) -> str:
    """The computation of the 批改保费 by the day, with its figures."""
    e = endorsement
    if not e.headcount_change or e.basis_premium is None or not e.days_total:
        return ""
    return formula(
        basis_premium=e.basis_premium,
        basis_headcount=e.basis_headcount or 0,
        change=e.headcount_change,
        days_left=e.days_left or 0,
        days_total=e.days_total,
        amount=e.premium_computed or Decimal("0.00"),
    )


def _money_summary(endorsement: Endorsement) -> dict[str, Any]:
    summary: dict[str, Any] = {"批改保费": premium_text(endorsement)}
    if text := premium_formula(endorsement):
        summary["计算方式"] = text
    return summary


# --- 申请 / 发起 ----------------------------------------------------------------------------------------------
@atomic_unique
def endorsement_apply(*, policy: Policy, actor: User, change: Change) -> Endorsement:
    """申请批改 (the enterprise, from 我的保单) or 发起批改 (the insurer's clerk, from 保单管理) → 待审核, with
    the values before and after and the 批改保费 computed by the day; the other party is told."""
    t = ENDORSEMENT.begin("apply", actor)
    POLICY.check_owner(policy, actor, actor.side)
    check_live(policy, "申请批改")
    check_none_open(policy)
    order = policy.order
    draft = changes.check_change(policy, order, change)
    endorsement = Endorsement.objects.create(
        kind=EndorsementKind.CHANGE,
        status=t.target,
        policy=policy,
        insurer_id=policy.insurer_id,
        enterprise_id=policy.enterprise_id,
        origin=actor.side,
        created_by=actor,
        **draft.fields,
    )
    endorsement.policy = policy
    event = record_event(endorsement, t, actor, "", changes={**draft.summary, **_money_summary(endorsement)})
    what = "、".join(label for label, _, _ in draft.lines)
    if actor.side == ENTERPRISE:
        tell_insurer(
            endorsement,
            event,
            "新的批改申请",
            f"{order.applicant_name}申请批改保单{policy.policy_no}（{what}），{premium_text(endorsement)}，请审核。",
        )
    else:
        tell_enterprise(
            endorsement,
            event,
            "保险公司发起批改",
            f"{policy.insurer.display_short_name}对您的保单{policy.policy_no}发起批改（{what}），"
            f"{premium_text(endorsement)}，请登录企业端查看。",
        )
    return endorsement


def check_apply(*, policy: Policy, actor: User, change: Change) -> None:
    """The checks of 申请批改 on the values a form could read (changes nothing), for the view to show beside
    their fields when the form itself has errors."""
    changes.check_change(policy, policy.order, change)


# --- 审核 -----------------------------------------------------------------------------------------------------
@transaction.atomic
def endorsement_adjust(
    *, endorsement: Endorsement, actor: User, premium_delta: Decimal | None, reason: str
) -> Endorsement:
    """调整批改保费 with a reason: the clerk's amount instead of the one computed by the day (the fee follows)."""
    t = ENDORSEMENT.begin("adjust", actor, endorsement)
    problems = Problems()
    with problems.collect():
        reason = ENDORSEMENT.reason(reason, t)
    if premium_delta is None:
        problems.add("premium_delta", "请输入批改保费")
    elif premium_delta.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.add("premium_delta", "批改保费最多保留两位小数")
    elif premium_delta == endorsement.premium_delta:
        problems.add("premium_delta", "批改保费未变化")
    problems.raise_if_any()
    assert premium_delta is not None
    order = endorsement.policy.order
    fee_delta = changes.fee_change(
        order,
        endorsement.premium_before or Decimal("0"),
        endorsement.prevention_fee_before or Decimal("0"),
        premium_delta,
    )
    fields = {
        "premium_before": endorsement.premium_before,
        "prevention_fee_before": endorsement.prevention_fee_before,
        "premium_delta": premium_delta,
        "prevention_fee_delta": fee_delta,
        "service_counts_before": endorsement.service_counts_before,
        "service_counts_after": endorsement.service_counts_after,
    }
    changes.check_endorsed_scheme(order, fields)
    before = premium_text(endorsement)
    from_status = ENDORSEMENT.claim(
        endorsement,
        t,
        where={"premium_delta": endorsement.premium_delta, "updated_at": endorsement.updated_at},
        premium_delta=premium_delta,
        prevention_fee_delta=fee_delta,
        adjust_reason=reason,
    )
    event = record_event(
        endorsement,
        t,
        actor,
        from_status,
        reason=reason,
        changes={"批改保费": [before, premium_text(endorsement)]},
    )
    tell_enterprise(
        endorsement,
        event,
        "批改保费已调整",
        f"您的保单{endorsement.policy.policy_no}的批改保费已由保险公司调整为：{premium_text(endorsement)}。原因：{reason}",
    )
    return endorsement


@transaction.atomic
def endorsement_approve(*, endorsement: Endorsement, actor: User) -> Endorsement:
    """审核通过: → 待上传付款通知书 when extra premium is due, else → 待出批单. The endorsed scheme is checked
    again (a regional rule may have changed since the application)."""
    t = ENDORSEMENT.begin("approve_charge" if payable(endorsement) else "approve", actor, endorsement)
    policy = endorsement.policy
    check_live(policy, t.label)
    changes.check_endorsed_scheme(policy.order, _scheme_fields(endorsement))
    # The amount the choice of transition rests on must still be the one seen (no 调整 in between).
    from_status = ENDORSEMENT.claim(
        endorsement, t, where={"premium_delta": endorsement.premium_delta}, last_reason=""
    )
    event = record_event(endorsement, t, actor, from_status)
    if t.action == "approve_charge":
        text = (
            f"您的保单{policy.policy_no}的批改申请已审核通过，需{premium_text(endorsement)}，"
            "保险公司将上传付款通知书。"
        )
    else:
        text = f"您的保单{policy.policy_no}的批改申请已审核通过（{premium_text(endorsement)}），保险公司将出具批单。"
    tell_enterprise(endorsement, event, "批改审核通过", text)
    return endorsement


def _scheme_fields(e: Endorsement) -> dict[str, Any]:
    return {
        "premium_before": e.premium_before or Decimal("0"),
        "prevention_fee_before": e.prevention_fee_before or Decimal("0"),
        "premium_delta": e.premium_delta or Decimal("0"),
        "prevention_fee_delta": e.prevention_fee_delta or Decimal("0"),
        "service_counts_before": e.service_counts_before,
        "service_counts_after": e.service_counts_after,
    }


@transaction.atomic
def endorsement_reject(*, endorsement: Endorsement, actor: User, reason: str) -> Endorsement:
    """驳回 with a reason (at 审核, or a 批改 whose premium was never paid) → 已驳回; the enterprise is told."""
    t = ENDORSEMENT.begin("reject", actor, endorsement)
    reason = ENDORSEMENT.reason(reason, t)
    from_status = ENDORSEMENT.claim(endorsement, t, last_reason=reason)
    event = record_event(endorsement, t, actor, from_status, reason=reason)
    tell_enterprise(
        endorsement,
        event,
        "批改申请被驳回",
        f"您的保单{endorsement.policy.policy_no}的批改申请未通过：{reason}。",
    )
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, actor: User, reason: str = "") -> Endorsement:
    """撤回 by the enterprise of its own application, before it has paid → 已撤回; the insurer is told."""
    t = ENDORSEMENT.begin("withdraw", actor, endorsement)
    reason = ENDORSEMENT.reason(reason, t)
    from_status = ENDORSEMENT.claim(endorsement, t, last_reason=reason)
    event = record_event(endorsement, t, actor, from_status, reason=reason)
    tell_insurer(
        endorsement,
        event,
        "批改申请已撤回",
        f"{endorsement.policy.order.applicant_name}撤回了保单{endorsement.policy.policy_no}的批改申请。",
    )
    return endorsement


# --- 缴费: the order's payment steps ---------------------------------------------------------------------------
@transaction.atomic
def endorsement_upload_payment_notice(
    *, endorsement: Endorsement, actor: User, file: UploadedFile | None
) -> Endorsement:
    """上传付款通知书 (PDF or image) → 待缴费; the enterprise is told to pay."""
    t = ENDORSEMENT.begin("upload_payment_notice", actor, endorsement)
    document = stored_document(actor, DocumentKind.PAYMENT_NOTICE, file, "付款通知书", "file")
    from_status = ENDORSEMENT.claim(endorsement, t, payment_notice=document)
    event = record_event(endorsement, t, actor, from_status, changes={"document": str(document.uuid)})
    tell_enterprise(
        endorsement,
        event,
        "批改付款通知书已上传",
        f"您的保单{endorsement.policy.policy_no}的批改需{premium_text(endorsement)}，付款通知书已上传，"
        "请按通知书付款后上传付款凭证。",
    )
    return endorsement


@transaction.atomic
def endorsement_upload_payment_voucher(
    *, endorsement: Endorsement, actor: User, file: UploadedFile | None
) -> Endorsement:
    """上传付款凭证 → 待缴费审核 (again after a 驳回); the insurer is told."""
    t = ENDORSEMENT.begin("upload_payment_voucher", actor, endorsement)
    document = stored_document(actor, DocumentKind.PAYMENT_VOUCHER, file, "付款凭证", "file")
    from_status = ENDORSEMENT.claim(endorsement, t, payment_voucher=document, last_reason="")
    event = record_event(endorsement, t, actor, from_status, changes={"document": str(document.uuid)})
    tell_insurer(
        endorsement,
        event,
        "批改付款凭证待审核",
        f"{endorsement.policy.order.applicant_name}已上传保单{endorsement.policy.policy_no}批改的付款凭证，请进行缴费审核。",
    )
    return endorsement


@transaction.atomic
def endorsement_approve_payment(*, endorsement: Endorsement, actor: User) -> Endorsement:
    """缴费审核通过 → 待出批单."""
    t = ENDORSEMENT.begin("approve_payment", actor, endorsement)
    from_status = ENDORSEMENT.claim(endorsement, t, last_reason="")
    event = record_event(endorsement, t, actor, from_status)
    tell_enterprise(
        endorsement,
        event,
        "批改缴费审核已通过",
        f"您的保单{endorsement.policy.policy_no}批改的缴费审核已通过，保险公司将出具批单。",
    )
    return endorsement


@transaction.atomic
def endorsement_reject_payment(*, endorsement: Endorsement, actor: User, reason: str) -> Endorsement:
    """缴费审核驳回 with a reason → 待缴费; the enterprise uploads a new voucher."""
    t = ENDORSEMENT.begin("reject_payment", actor, endorsement)
    reason = ENDORSEMENT.reason(reason, t)
    from_status = ENDORSEMENT.claim(endorsement, t, last_reason=reason)
    event = record_event(endorsement, t, actor, from_status, reason=reason)
    tell_enterprise(
        endorsement,
        event,
        "批改缴费审核未通过",
        f"您的保单{endorsement.policy.policy_no}批改的缴费审核未通过：{reason}。请重新上传付款凭证。",
    )
    return endorsement


# --- 出批单 ----------------------------------------------------------------------------------------------------
@atomic_unique
def endorsement_issue(
    *, endorsement: Endorsement, actor: User, endorsement_no: str, file: UploadedFile | None
) -> Endorsement:
    """出批单: 批单号 (unique within the insurer) + 批单 PDF → 已批改. In the same transaction the order takes
    the values after the change — headcount, premium, prevention fee, project, contact, service counts — so every
    screen and export shows them; the enterprise is told (SMS to the contact phone as it now is)."""
    t = ENDORSEMENT.begin("issue", actor, endorsement)
    policy = endorsement.policy
    check_live(policy, t.label)
    number, document = endorsement_document(actor, endorsement_no, file, Problems())
    now = timezone.now()
    from_status = ENDORSEMENT.claim(
        endorsement, t, endorsement_no=number, endorsement_file=document, endorsed_at=now
    )
    _apply_to_order(endorsement, policy.order, now)
    event = record_event(
        endorsement,
        t,
        actor,
        from_status,
        changes={
            "endorsement_no": number,
            **{label: [b, a] for label, b, a in changes.endorsement_lines(endorsement)},
        },
    )
    tell_enterprise(
        endorsement,
        event,
        "批改已生效",
        f"您的保单{policy.policy_no}批改已完成，批单号{number}，自{endorsement.effective_on:%Y-%m-%d}起生效，"
        "请登录企业端查看批单。",
    )
    return endorsement


def _apply_to_order(e: Endorsement, order: Order, now: Any) -> None:
    """The order's current values become the 批改's values after, if they are still those it was made from."""
    values = {
        "headcount": e.headcount_after,
        "premium": e.premium_after,
        "prevention_fee": e.prevention_fee_after,
        "project_name": e.project_name_after,
        "project_address": e.project_address_after,
        "contact_name": e.contact_name_after,
        "contact_phone": e.contact_phone_after,
    }
    updated = Order.objects.filter(
        pk=order.pk,
        headcount=e.headcount_before,
        premium=e.premium_before,
        prevention_fee=e.prevention_fee_before,
    ).update(**values, updated_at=now)
    if updated != 1:
        raise Refused(ORDER_CHANGED)
    for name, value in values.items():
        setattr(order, name, value)
    if e.service_counts_after != e.service_counts_before:
        save_service_counts(order, {int(k): v for k, v in e.service_counts_after.items()})
