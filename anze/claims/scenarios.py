"""Drive claims through the real workflow functions — for the tests, the demo data and the browser test.
Nothing here sets a status: a claim "待结案" is exactly what the enterprise and the clerk would have produced by
clicking through."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.accounts.models import User
from anze.policies.models import Policy

from . import reports, workflow
from .limits import Line
from .models import AccidentType, Claim, ClaimStatus

S = ClaimStatus
_case_seq = iter(range(1, 10**9))

# The path of a claim that is paid, step by step: the state each step leaves it in.
PATH: tuple[str, ...] = (S.REPORTED, S.ACCEPTED, S.REGISTERED, S.SURVEYED, S.ADJUSTED, S.SETTLED)


def accident(*, days_ago: int = 1, **overrides: Any) -> reports.Accident:
    """A fall from height yesterday at 10:00, one injured, 20,000 元 estimated."""
    day = timezone.localdate() - timedelta(days=days_ago)
    values: dict[str, Any] = {
        "accident_at": timezone.make_aware(datetime.combine(day, time(10, 0))),
        "accident_place": "项目3号楼施工现场",
        "accident_type": AccidentType.FALL,
        "description": "工人在脚手架作业时不慎坠落，送医救治。",
        "deaths": 0,
        "injured": 1,
        "estimated_loss": Decimal("20000.00"),
        "reporter_name": "蔡明辉",
        "reporter_phone": "13860710001",
    }
    values.update(overrides)
    return reports.Accident(**values)


def fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("policy__order", "insurer", "enterprise").get(pk=claim.pk)


def report(policy: Policy, actor: User, **overrides: Any) -> Claim:
    return reports.claim_report(policy=policy, actor=actor, accident=accident(**overrides))


def lines(*amounts: tuple[str, str]) -> list[Line]:
    """``lines(("10000", "5000"))``: one person per (死亡伤残, 医疗) pair, named 伤者1, 伤者2 …"""
    return [Line(f"伤者{n}", Decimal(dd), Decimal(med)) for n, (dd, med) in enumerate(amounts, start=1)]


def drive(
    claim: Claim,
    clerk: User,
    until: str,
    *,
    people: list[Line] | None = None,
    paid: Decimal | None = None,
    reason: str = "经查勘不属于保险责任范围",
) -> Claim:
    """A reported claim moved by ``clerk`` along the paid path until ``until`` (or 拒赔 after 查勘 / 注销 at once
    for ``until`` = 已拒赔 / 已注销)."""
    claim = fresh(claim)
    if until == S.CANCELLED:
        return workflow.claim_cancel(claim=claim, actor=clerk, reason="报案人撤案")
    target = S.SURVEYED if until == S.DECLINED else until
    people = people or lines(("8000.00", "4000.00"))
    steps = {
        S.ACCEPTED: lambda c: workflow.claim_accept(claim=c, actor=clerk),
        S.REGISTERED: lambda c: workflow.claim_register(
            claim=c, actor=clerk, case_no=f"LA{next(_case_seq):08d}"
        ),
        S.SURVEYED: lambda c: workflow.claim_survey(claim=c, actor=clerk, notes="已现场查勘，伤亡属实。"),
        S.ADJUSTED: lambda c: workflow.claim_adjust(claim=c, actor=clerk, lines=people),
        S.SETTLED: lambda c: workflow.claim_settle(
            claim=c,
            actor=clerk,
            payment=workflow.Payment(
                amount=paid if paid is not None else c.adjusted_amount,
                paid_on=timezone.localdate(),
                payee=c.applicant_name,
            ),
        ),
    }
    for state in PATH[PATH.index(S(claim.status)) + 1 : PATH.index(target) + 1]:
        claim = steps[state](fresh(claim))
    if until == S.DECLINED:
        claim = workflow.claim_decline(claim=fresh(claim), actor=clerk, reason=reason)
    return claim
