"""What the 批改 and 退保 actions share: the step's event, who hears of it, the one-open-request rule, the 批单
(number and PDF) and the transaction that turns a lost race on a unique constraint into a Chinese refusal.

Used by ``workflow`` (批改) and ``surrenders`` (退保); the checks of who may act and the state changes are their
machines'.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from anze.accounts.models import User
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.core.workflow import Transition
from anze.documents.models import Document, DocumentKind
from anze.notifications import webhooks
from anze.notifications.services import notify
from anze.orders.steps import stored_document
from anze.policies.lifecycle import check_live
from anze.policies.models import Policy
from anze.policies.workflow import side_url

from .models import OPEN_STATUSES, Endorsement, EndorsementEvent, EndorsementKind

P = ParamSpec("P")
R = TypeVar("R")

NUMBER_TAKEN = "批单号已存在，请核对"
ALREADY_OPEN = "该保单已有未完成的批改或退保申请，请待其办结后再申请"
NUMBER_MAX = 50


def record_event(
    endorsement: Endorsement,
    t: Transition,
    actor: User,
    from_status: str,
    *,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> EndorsementEvent:
    """The step on the request's 时间线 (and in the 操作日志), written in the step's transaction; the steps the
    insurer's core system waits for (``WEBHOOK_EVENTS``) are queued to its webhooks in the same transaction."""
    event = EndorsementEvent.record(
        actor,
        action=t.action,
        label=t.label,
        from_status=from_status,
        to_status=endorsement.status,
        reason=reason,
        changes=changes,
        endorsement=endorsement,
    )
    code = WEBHOOK_EVENTS.get((endorsement.kind, t.action)) if actor.side == Side.ENTERPRISE else None
    if code is not None:  # its own clerk's steps are not announced to the insurer
        webhooks.publish(
            organisation_id=endorsement.insurer_id,
            event=code,
            data=webhook_data(endorsement, event),
            key=f"endorsement-event:{event.pk}",
        )
    return event


# The enterprise's requests an insurer's core system hears of (issue 15: 批改申请).
WEBHOOK_EVENTS: dict[tuple[str, str], str] = {
    (EndorsementKind.CHANGE, "apply"): webhooks.register_event("endorsement.applied", "批改申请"),
    (EndorsementKind.SURRENDER, "apply"): webhooks.register_event("surrender.applied", "退保申请"),
}


def webhook_data(endorsement: Endorsement, event: EndorsementEvent) -> dict[str, Any]:
    def amount(value: Any) -> str | None:
        return None if value is None else str(value)

    policy = endorsement.policy
    return {
        "uuid": str(endorsement.uuid),
        "kind": endorsement.kind,
        "kind_label": endorsement.get_kind_display(),
        "status": endorsement.status,
        "status_label": endorsement.get_status_display(),
        "policy_no": policy.policy_no,
        "application_no": policy.order.application_no,
        "reason": endorsement.reason,
        "effective_on": endorsement.effective_on.isoformat() if endorsement.effective_on else None,
        "headcount_before": endorsement.headcount_before,
        "headcount_after": endorsement.headcount_after,
        "premium_delta": amount(endorsement.premium_delta),
        "refund_amount": amount(endorsement.refund_amount),
        "actor": event.actor_name,
        "actor_organisation": event.actor_organisation,
    }


# --- who hears of a step ------------------------------------------------------------------------------------
def detail_url(endorsement: Endorsement, side: str) -> str:
    """The request's page on one side (the link of a 站内消息)."""
    return side_url("endorsements:detail", side, endorsement.uuid)


def tell_enterprise(
    endorsement: Endorsement, event: EndorsementEvent, title: str, text: str, *, sms: bool = True
) -> None:
    """The enterprise's 站内消息 (when it has an account) and an SMS to the policy's 投保联系电话. Every step of a
    批改 or 退保 tells the other party both ways: the enterprise hears of each move of its request (the money
    involved changes at several of them), the insurer of each answer of the enterprise."""
    order = endorsement.policy.order
    notify(
        key=f"endorsement-event:{event.pk}:enterprise",
        owner=endorsement.insurer,
        recipient=endorsement.enterprise,
        phone=order.contact_phone if sms else None,
        title=title,
        text=text,
        link=detail_url(endorsement, Side.ENTERPRISE),
    )


def tell_insurer(
    endorsement: Endorsement, event: EndorsementEvent, title: str, text: str, *, sms: bool = True
) -> None:
    insurer = endorsement.insurer
    notify(
        key=f"endorsement-event:{event.pk}:insurer",
        owner=insurer,
        recipient=insurer,
        phone=(insurer.contact_phone or None) if sms else None,
        title=title,
        text=text,
        link=detail_url(endorsement, Side.INSURER),
    )


# --- one open request per policy ----------------------------------------------------------------------------------
def check_none_open(policy: Policy) -> None:
    """A policy takes one 批改 or 退保 request at a time (the partial unique index enforces it in a race)."""
    if Endorsement.objects.filter(policy=policy, status__in=OPEN_STATUSES).exists():
        raise Refused(ALREADY_OPEN)


def refusal_of_request(policy: Policy, label: str) -> str | None:
    """Why no 批改 or 退保 can be requested on ``policy`` now (a form opened on it says so at once), or None."""
    try:
        check_live(policy, label)
        check_none_open(policy)
    except Refused as exc:
        return exc.message
    return None


def open_request(policy: Policy) -> Endorsement | None:
    return Endorsement.objects.filter(policy=policy, status__in=OPEN_STATUSES).first()


def atomic_unique(fn: Callable[P, R]) -> Callable[P, R]:
    """Run an action in a transaction; a unique constraint lost to a concurrent request — the 批单号, or a
    second open request on the policy — becomes its Chinese refusal instead of an error."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except IntegrityError as exc:
            text = str(exc)
            if "endorsement_no" in text:
                raise Refused(NUMBER_TAKEN, field="endorsement_no") from None
            if "policy" in text:
                raise Refused(ALREADY_OPEN) from None
            raise

    return wrapper


# --- the 批单 ------------------------------------------------------------------------------------------------
def check_number(insurer_id: int, number: str) -> str:
    """批单号: required, ≤ 50 characters, not used by the insurer for another 批改 or 退保."""
    number = (number or "").strip()
    if not number:
        raise Refused("请输入批单号", field="endorsement_no")
    if len(number) > NUMBER_MAX:
        raise Refused(f"批单号不能超过{NUMBER_MAX}个字符", field="endorsement_no")
    if Endorsement.objects.filter(insurer_id=insurer_id, endorsement_no=number).exists():
        raise Refused(NUMBER_TAKEN, field="endorsement_no")
    return number


def endorsement_document(
    actor: User, number: str, upload: UploadedFile | None, problems: Problems
) -> tuple[str, Document | None]:
    """The 批单号 and the 批单 PDF, checked together (the PDF as the policy's: a real PDF, ≤ 10 MB)."""
    with problems.collect():
        number = check_number(actor.organisation_id, number)
    document = None
    with problems.collect():
        document = stored_document(actor, DocumentKind.POLICY, upload, "批单文件", "endorsement_file")
    problems.raise_if_any()
    return number, document
