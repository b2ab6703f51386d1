"""The order's online steps and 取消 (docs/spec/DOMAIN.md §2): one function per action of ``transitions.ORDER``.

Every function here runs in one transaction and
1. starts with ``ORDER.begin``: the side, the permission, that the order belongs to the actor's organisation,
   its state and the action's guard, refusing with a Chinese ``Refused`` and changing nothing;
2. checks its data (scheme rules, files, the reason);
3. moves the state with ``ORDER.claim`` — a conditional ``UPDATE … WHERE id = … AND status = <what the caller
   saw>``: the loser of a race gets "该订单状态已变化，请刷新后重试";
4. writes the timeline event and the notifications (outbox rows) in the same transaction; sending happens
   after commit.

The other actions: 投保申请 and drafts in ``applications``, 新增线下订单 in ``offline``, 出函 and 保单信息补录
in ``anze.policies.services``. No other code assigns ``Order.status``; HTML views and any API call these.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.core.formatting import money
from anze.core.sides import Side
from anze.documents.models import DocumentKind

from .models import Order
from .notices import tell_enterprise, tell_insurer
from .rules import Scheme
from .steps import (
    check_scheme,
    record_event,
    save_service_counts,
    scheme_changes,
    scheme_fields,
    stored_document,
)
from .transitions import ORDER


# --- the insurer's steps --------------------------------------------------------------------------------------
@transaction.atomic
def order_quote(*, order: Order, actor: User, scheme: Scheme) -> Order:
    """报价: the scheme, premium, fee, period and service counts → 待确认报价; the enterprise is told."""
    t = ORDER.begin("quote", actor, order)
    check_scheme(scheme, order.region)
    from_status = ORDER.claim(order, t, quoted_at=timezone.now(), last_reason="", **scheme_fields(scheme))
    counts = save_service_counts(order, dict(scheme.service_counts))
    event = record_event(order, t, actor, from_status, changes=scheme_changes(scheme, counts))
    tell_enterprise(
        order,
        event,
        "报价待确认",
        f"您的投保申请{order.application_no}已报价，保费{money(scheme.premium)}元，请登录企业端确认报价。",
    )
    return order


@transaction.atomic
def order_upload_payment_notice(*, order: Order, actor: User, file: UploadedFile | None) -> Order:
    """上传付款通知书 (PDF or image) → 待支付; the enterprise is told to pay."""
    t = ORDER.begin("upload_payment_notice", actor, order)
    document = stored_document(actor, DocumentKind.PAYMENT_NOTICE, file, "付款通知书", "file")
    from_status = ORDER.claim(order, t, payment_notice=document)
    event = record_event(order, t, actor, from_status, changes={"document": str(document.uuid)})
    tell_enterprise(
        order,
        event,
        "付款通知书已上传",
        f"您的投保申请{order.application_no}的付款通知书已上传，请按通知书付款后上传付款凭证。",
    )
    return order


@transaction.atomic
def order_approve_payment(*, order: Order, actor: User) -> Order:
    """支付审核 通过 → 待出函."""
    t = ORDER.begin("approve_payment", actor, order)
    from_status = ORDER.claim(order, t, last_reason="")
    event = record_event(order, t, actor, from_status)
    # The next step is the insurer's own (出函): the enterprise gets a 站内消息, not an SMS.
    tell_enterprise(
        order,
        event,
        "支付审核已通过",
        f"您的投保申请{order.application_no}支付审核已通过，保险公司将尽快出函。",
        sms=False,
    )
    return order


@transaction.atomic
def order_reject_payment(*, order: Order, actor: User, reason: str) -> Order:
    """支付审核 驳回 with a reason → 待支付; the enterprise uploads a new voucher."""
    t = ORDER.begin("reject_payment", actor, order)
    reason = ORDER.reason(reason, t)
    from_status = ORDER.claim(order, t, last_reason=reason)
    event = record_event(order, t, actor, from_status, reason=reason)
    tell_enterprise(
        order,
        event,
        "支付审核未通过",
        f"您的投保申请{order.application_no}支付审核未通过：{reason}。请重新上传付款凭证。",
    )
    return order


# --- the enterprise's steps -----------------------------------------------------------------------------------
@transaction.atomic
def order_confirm_quote(*, order: Order, actor: User) -> Order:
    """确认报价 → 待上传付款通知书; the insurer is told."""
    t = ORDER.begin("confirm_quote", actor, order)
    from_status = ORDER.claim(order, t, last_reason="")
    event = record_event(order, t, actor, from_status)
    tell_insurer(
        order,
        event,
        "报价已确认",
        f"{order.applicant_name}已确认投保申请{order.application_no}的报价，请上传付款通知书。",
    )
    return order


@transaction.atomic
def order_reject_quote(*, order: Order, actor: User, reason: str) -> Order:
    """拒绝报价 with a reason → 待报价 (the insurer may quote again)."""
    t = ORDER.begin("reject_quote", actor, order)
    reason = ORDER.reason(reason, t)
    from_status = ORDER.claim(order, t, last_reason=reason)
    event = record_event(order, t, actor, from_status, reason=reason)
    tell_insurer(
        order,
        event,
        "报价被拒绝",
        f"{order.applicant_name}拒绝了投保申请{order.application_no}的报价：{reason}。请重新报价。",
    )
    return order


@transaction.atomic
def order_upload_payment_voucher(*, order: Order, actor: User, file: UploadedFile | None) -> Order:
    """上传付款凭证 → 待支付审核 (again after a 驳回); the insurer is told."""
    t = ORDER.begin("upload_payment_voucher", actor, order)
    document = stored_document(actor, DocumentKind.PAYMENT_VOUCHER, file, "付款凭证", "file")
    from_status = ORDER.claim(order, t, payment_voucher=document, last_reason="")
    event = record_event(order, t, actor, from_status, changes={"document": str(document.uuid)})
    tell_insurer(
        order,
        event,
        "付款凭证待审核",
        f"{order.applicant_name}已上传投保申请{order.application_no}的付款凭证，请进行支付审核。",
    )
    return order


# --- either side -------------------------------------------------------------------------------------------------
@transaction.atomic
def order_cancel(*, order: Order, actor: User, reason: str) -> Order:
    """取消 with a reason, by the insurer or the enterprise, at any state before 已出函."""
    t = ORDER.begin("cancel", actor, order)
    reason = ORDER.reason(reason, t)
    from_status = ORDER.claim(order, t, last_reason=reason)
    event = record_event(order, t, actor, from_status, reason=reason)
    if actor.side == Side.INSURER:
        tell_enterprise(
            order,
            event,
            "订单已取消",
            f"您的投保申请{order.application_no}已被保险公司取消，原因：{reason}。",
        )
    else:
        tell_insurer(
            order,
            event,
            "订单已取消",
            f"{order.applicant_name}取消了投保申请{order.application_no}，原因：{reason}。",
        )
    return order
