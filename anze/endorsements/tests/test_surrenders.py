"""退保 through its action functions: the compulsory sectors' rule, the refund by the day less the fee spent, the
policy moved to 已退保 through its own machine, and the regulator's 应保尽保 seeing the enterprise uncovered from
that day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from anze.basedata.models import Industry
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing as files
from anze.endorsements import scenarios, surrenders
from anze.endorsements.models import EndorsementEvent, EndorsementStatus, SurrenderGround
from anze.notifications.models import SmsMessage
from anze.orders.models import Order
from anze.policies.lifecycle import check_live, reversal_blocked
from anze.policies.models import Policy, PolicyStatus
from anze.prevention import ledger
from anze.regulator import selectors as regulator

pytestmark = pytest.mark.django_db
S = EndorsementStatus


def _refused(fn, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    return caught.value


def _apply(cast, policy, **application):
    values = {
        "ground": SurrenderGround.SUSPENDED,
        "reason": "项目停工",
        "proof": files.upload("证明.pdf", files.pdf_bytes("证明")),
    }
    values.update(application)
    return surrenders.surrender_apply(
        policy=scenarios.fresh_policy(policy),
        actor=cast.applicant,
        application=surrenders.Application(**values),
    )


def test_a_compulsory_sector_surrenders_only_on_closure_with_proof(cast):
    policy = cast.policy()  # the cast's enterprise is in 建筑施工, a compulsory sector
    assert surrenders.is_compulsory(scenarios.fresh_policy(policy))
    errors = _refused(_apply, cast, policy, ground=SurrenderGround.OTHER, reason="", proof=None).errors
    assert errors == {
        "ground": [f"贵企业所属行业（建筑施工）为应保尽保行业，{surrenders.COMPULSORY_RULE}"],
        "reason": ["请填写退保原因"],
        "proof": ["请上传证明材料"],
    }
    assert "应急〔2025〕27号" in errors["ground"][0]
    for ground in (SurrenderGround.DEREGISTERED, SurrenderGround.BANKRUPT, SurrenderGround.SUSPENDED):
        assert ground in surrenders.CLOSURE_GROUNDS
    e = _apply(cast, policy, ground=SurrenderGround.BANKRUPT)
    assert (e.status, e.kind, e.surrender_ground) == (S.PENDING_REVIEW, "surrender", SurrenderGround.BANKRUPT)
    assert SmsMessage.objects.filter(phone=cast.insurer.contact_phone, text__contains="申请退保").exists()


def test_another_sector_may_surrender_for_another_reason(cast):
    policy = cast.policy()
    Order.objects.filter(pk=policy.order_id).update(industry=Industry.objects.get(code="machinery"))
    e = _apply(cast, policy, ground=SurrenderGround.OTHER, reason="已另行投保")
    assert e.status == S.PENDING_REVIEW


def test_the_refund_is_the_premium_for_the_days_left_less_the_fee_spent(cast):
    policy = cast.policy(started_days_ago=60)
    e = scenarios.surrendered(policy, clerk=cast.clerk, applicant=cast.applicant)
    today = timezone.localdate()
    spent = ledger.spent_total(policy)
    assert e.effective_on == today and (e.days_left, e.days_total) == (305, 365)
    assert e.refund_computed == Decimal("10027.40")  # 12000 × 305 ÷ 365 = 10027.397…
    assert (e.fee_spent, e.refund_amount) == (spent, e.refund_computed - spent)
    policy = Policy.objects.get(pk=policy.pk)
    assert (policy.status, policy.surrendered_on) == (PolicyStatus.SURRENDERED, today)
    assert policy.cover_ends_on == today - timedelta(days=1)
    assert SmsMessage.objects.filter(phone=policy.order.contact_phone, text__contains="已退保").exists()
    assert EndorsementEvent.objects.get(endorsement=e, action="approve").changes["计算方式"] == (
        f"12,000.00 × 305 ÷ 365 − {spent:,.2f} = {e.refund_amount:,.2f}"
    )


def test_the_clerk_may_set_another_refund_with_a_reason(cast):
    e = scenarios.surrender(cast.policy(), cast.applicant)
    kwargs = {
        "endorsement": scenarios.fresh(e),
        "actor": cast.clerk,
        "endorsement_no": "TB001",
        "file": scenarios.pdf(),
    }
    errors = _refused(surrenders.surrender_approve, refund=Decimal("99999"), **kwargs).errors
    assert errors == {"refund": ["退保金额不能大于保费"], "adjust_reason": ["调整退保金额时请填写调整原因"]}
    kwargs["file"] = scenarios.pdf()
    done = surrenders.surrender_approve(refund=Decimal("5000.00"), adjust_reason="按短期费率表计算", **kwargs)
    assert (done.refund_amount, done.adjust_reason, done.status) == (
        Decimal("5000.00"),
        "按短期费率表计算",
        S.SURRENDERED,
    )


def test_the_批单_of_a_surrender_shares_the_numbering_of_the_批改(cast):
    endorsed = scenarios.endorsed(cast.policy(), clerk=cast.clerk, applicant=cast.applicant)
    e = scenarios.surrender(cast.policy(), cast.applicant)
    errors = _refused(
        surrenders.surrender_approve,
        endorsement=scenarios.fresh(e),
        actor=cast.clerk,
        endorsement_no=endorsed.endorsement_no,
        file=None,
    ).errors
    assert errors == {"endorsement_no": ["批单号已存在，请核对"], "endorsement_file": ["请上传批单文件"]}
    assert Policy.objects.get(pk=e.policy_id).status == PolicyStatus.ACTIVE


def test_a_surrendered_policy_takes_no_new_request_and_is_not_reversed(cast):
    policy = cast.policy()
    scenarios.surrendered(policy, clerk=cast.clerk, applicant=cast.applicant)
    policy = scenarios.fresh_policy(policy)
    with pytest.raises(Refused, match="保单已退保，不能申请批改"):
        check_live(policy, "申请批改")
    assert _refused(scenarios.apply, policy, cast.applicant).message == "保单已退保，不能申请批改"
    assert reversal_blocked(policy) == "该保单已有批改或退保记录，不能冲正"


def test_a_rejected_surrender_leaves_the_policy_in_force(cast):
    policy = cast.policy()
    e = scenarios.surrender(policy, cast.applicant)
    assert _refused(
        surrenders.surrender_reject, endorsement=scenarios.fresh(e), actor=cast.clerk, reason=""
    ).errors == {"reason": ["请填写驳回退保的原因"]}
    surrenders.surrender_reject(endorsement=scenarios.fresh(e), actor=cast.clerk, reason="证明材料不清晰")
    assert Policy.objects.get(pk=policy.pk).status == PolicyStatus.ACTIVE
    assert SmsMessage.objects.filter(text__contains="证明材料不清晰").exists()


def test_an_expired_policy_is_not_surrendered(cast):
    policy = cast.policy(started_days_ago=400)
    assert _refused(_apply, cast, policy).errors == {None: ["保险期间已结束，无需退保"]}


# --- the regulator's 应保尽保 --------------------------------------------------------------------------------------
@pytest.fixture
def regulator_user(cast):
    from anze.basedata.models import Region

    city = factories.organisation(
        Side.REGULATOR, name="泉州市应急管理局", region=Region.objects.get(code="350500")
    )
    return factories.user(city, admin=True)


def _cover(user, enterprise):
    row = regulator.compulsory_enterprises(user=user).get(pk=enterprise.pk)
    return regulator.cover_on(row.cover_until), row.covered_now, row.cover_until


def test_the_regulator_sees_a_compulsory_enterprise_without_cover_from_the_surrender_day(
    cast, regulator_user
):
    policy = cast.policy(started_days_ago=60)
    today = timezone.localdate()
    assert _cover(regulator_user, cast.enterprise) == ("covered", True, policy.period_end)
    scenarios.surrendered(policy, clerk=cast.clerk, applicant=cast.applicant)
    assert _cover(regulator_user, cast.enterprise) == ("lapsed", False, today - timedelta(days=1))
    lapsed = regulator.search_cover(user=regulator_user, filters={"cover": "lapsed"})
    assert cast.enterprise.credit_code in [row["credit_code"] for row in lapsed]
    html = cast.client(regulator_user).get("/regulator/cover/?cover=lapsed").content.decode()
    assert (
        cast.enterprise.name in html and "已脱保" in html and f"{today - timedelta(days=1):%Y-%m-%d}" in html
    )


def test_another_policy_in_force_keeps_the_enterprise_covered(cast, regulator_user):
    surrendered = cast.policy(started_days_ago=60)
    other = cast.policy(started_days_ago=10)
    scenarios.surrendered(surrendered, clerk=cast.clerk, applicant=cast.applicant)
    assert _cover(regulator_user, cast.enterprise) == ("covered", True, other.period_end)


def test_the_public_check_says_a_surrendered_policy_is_surrendered(cast):
    from anze.policies.verify import verification_status

    policy = cast.policy()
    assert verification_status(scenarios.fresh_policy(policy)) == ("有效", "success")
    scenarios.surrendered(policy, clerk=cast.clerk, applicant=cast.applicant)
    assert verification_status(scenarios.fresh_policy(policy)) == ("已退保", "info")


def test_the_fee_already_spent_on_services_comes_off_the_refund(cast):
    from anze.prevention import records
    from anze.prevention import scenarios as services

    cast.on_stage("org_admin", "staff")
    policy = cast.in_service(started_days_ago=60, counts={"training": 2})
    made = services.record(policy, cast.org_admin, "training", [cast.staff], cost=Decimal("800.00"))
    records.record_confirm(record=services.fresh_record(made), actor=cast.applicant)
    assert ledger.spent_total(policy) == Decimal("800.00")
    e = scenarios.surrendered(policy, clerk=cast.clerk, applicant=cast.applicant)
    assert (e.refund_computed, e.fee_spent, e.refund_amount) == (
        Decimal("10027.40"),
        Decimal("800.00"),
        Decimal("9227.40"),
    )
    assert EndorsementEvent.objects.get(endorsement=e, action="approve").changes["计算方式"] == (
        "12,000.00 × 305 ÷ 365 − 800.00 = 9,227.40"
    )


def test_an_enterprise_of_the_regulators_register_is_uncovered_from_the_surrender_day_too(
    cast, regulator_user
):
    """The 高危行业企业名录 matches cover by 统一社会信用代码: a surrendered policy ends it the same way."""
    from anze.regulator.models import RegisteredEnterprise

    policy = cast.policy(started_days_ago=60)
    RegisteredEnterprise.objects.create(
        regulator=regulator_user.organisation,
        name=cast.enterprise.name,
        credit_code=policy.order.applicant_credit_code,
        industry=cast.enterprise.industry,
        region=cast.enterprise.region,
    )
    registered = regulator.registered_cover(user=regulator_user).get()
    assert registered.cover_until == policy.period_end
    scenarios.surrendered(policy, clerk=cast.clerk, applicant=cast.applicant)
    registered = regulator.registered_cover(user=regulator_user).get()
    assert regulator.cover_on(registered.cover_until) == "lapsed"
    assert registered.cover_until == timezone.localdate() - timedelta(days=1)
