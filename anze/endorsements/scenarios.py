"""Drive 批改 and 退保 to any state through the real action functions — for tests, the demo data and the browser
test. Nothing here sets a status."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from itertools import count
from typing import Any

from anze.accounts.models import User
from anze.documents import testing as files
from anze.policies.models import Policy

from . import changes, surrenders, workflow
from .models import Endorsement, EndorsementStatus, SurrenderGround

S = EndorsementStatus
_numbers = count(1)


def fresh(endorsement: Endorsement) -> Endorsement:
    return Endorsement.objects.select_related(
        "policy__order__region",
        "policy__order__industry",
        "policy__insurer",
        "policy__enterprise__industry",
        "insurer",
        "enterprise",
    ).get(pk=endorsement.pk)


def fresh_policy(policy: Policy) -> Policy:
    return Policy.objects.select_related(
        "order__region", "order__industry", "insurer", "enterprise__industry", "service_org"
    ).get(pk=policy.pk)


def change(policy: Policy, *, headcount_change: int = 0, **overrides: Any) -> changes.Change:
    """The policy's current values with ``headcount_change`` more people and ``overrides``, effective today
    (or on the period's first day)."""
    order = policy.order
    current = changes.current_change(
        order, effective_on=changes.default_effective_on(policy), reason="新增员工入职，增加参保人数"
    )
    headcount = (order.headcount or 0) + headcount_change if headcount_change else order.headcount
    return dataclasses.replace(current, headcount=headcount, **overrides)


def apply(policy: Policy, actor: User, *, headcount_change: int = 30, **overrides: Any) -> Endorsement:
    policy = fresh_policy(policy)
    return workflow.endorsement_apply(
        policy=policy, actor=actor, change=change(policy, headcount_change=headcount_change, **overrides)
    )


def pdf(name: str = "批单.pdf", title: str = "批单") -> Any:
    return files.upload(name, files.pdf_bytes(title, ["批改内容"]))


def number(prefix: str = "PD") -> str:
    return f"{prefix}{next(_numbers):010d}"


def drive(endorsement: Endorsement, *, clerk: User, applicant: User, until: str) -> Endorsement:
    """A 批改 in 待审核 driven on until ``until`` (a state it passes through), the money steps included when
    its premium is payable."""
    steps = [
        (S.PENDING_REVIEW, None),
        (S.AWAITING_PAYMENT_NOTICE, lambda e: workflow.endorsement_approve(endorsement=e, actor=clerk)),
        (
            S.AWAITING_PAYMENT,
            lambda e: workflow.endorsement_upload_payment_notice(
                endorsement=e,
                actor=clerk,
                file=files.upload("批改付款通知书.pdf", files.pdf_bytes("付款通知书")),
            ),
        ),
        (
            S.AWAITING_PAYMENT_REVIEW,
            lambda e: workflow.endorsement_upload_payment_voucher(
                endorsement=e, actor=applicant, file=files.upload("付款凭证.png", files.png_bytes())
            ),
        ),
        (S.AWAITING_DOCUMENT, lambda e: workflow.endorsement_approve_payment(endorsement=e, actor=clerk)),
        (
            S.ENDORSED,
            lambda e: workflow.endorsement_issue(
                endorsement=e, actor=clerk, endorsement_no=number(), file=pdf()
            ),
        ),
    ]
    if until == S.REJECTED:
        return workflow.endorsement_reject(endorsement=fresh(endorsement), actor=clerk, reason="资料不全")
    if until == S.WITHDRAWN:
        return workflow.endorsement_withdraw(endorsement=fresh(endorsement), actor=applicant)
    if not workflow.payable(endorsement):
        steps = [steps[0], (S.AWAITING_DOCUMENT, steps[1][1]), steps[-1]]
    states = [state for state, _ in steps]
    current = states.index(fresh(endorsement).status)
    for _state, step in steps[current + 1 : states.index(until) + 1]:
        endorsement = step(fresh(endorsement))  # type: ignore[misc]
    return fresh(endorsement)


def endorsed(
    policy: Policy, *, clerk: User, applicant: User, headcount_change: int = 30, **overrides: Any
) -> Endorsement:
    return drive(
        apply(policy, applicant, headcount_change=headcount_change, **overrides),
        clerk=clerk,
        applicant=applicant,
        until=S.ENDORSED,
    )


def surrender(
    policy: Policy, applicant: User, *, ground: str = SurrenderGround.SUSPENDED, reason: str = "企业停产停业"
) -> Endorsement:
    return surrenders.surrender_apply(
        policy=fresh_policy(policy),
        actor=applicant,
        application=surrenders.Application(
            ground=ground,
            reason=reason,
            proof=files.upload("停产证明.pdf", files.pdf_bytes("停产停业证明")),
        ),
    )


def surrendered(
    policy: Policy, *, clerk: User, applicant: User, refund: Decimal | None = None, **kw: Any
) -> Endorsement:
    endorsement = surrender(policy, applicant, **kw)
    return surrenders.surrender_approve(
        endorsement=fresh(endorsement),
        actor=clerk,
        endorsement_no=number(),
        file=pdf(),
        refund=refund,
        adjust_reason="按协议调整" if refund is not None else "",
    )
