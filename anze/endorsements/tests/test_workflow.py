"""批改 through its action functions: what an application records and costs, what may and may not change, the
payment steps, 出批单 updating the order in the same transaction, and everything refused with its reason."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from anze.basedata.models import RegionalRule, ServiceItem
from anze.core.errors import Refused
from anze.documents import testing as files
from anze.endorsements import changes, scenarios, steps, workflow
from anze.endorsements.models import Endorsement, EndorsementEvent, EndorsementStatus, Origin
from anze.notifications.models import Notification, SmsMessage
from anze.orders.models import Order, OrderServiceItem
from anze.policies.lifecycle import reversal_blocked
from anze.policies.models import Policy
from anze.policies.selectors import order_documents
from anze.prevention import scenarios as services

pytestmark = pytest.mark.django_db
S = EndorsementStatus


def _order(policy: Policy) -> Order:
    return Order.objects.get(pk=policy.order_id)


def _refused(fn, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    return caught.value


# --- 申请 ------------------------------------------------------------------------------------------------------
def test_the_enterprise_applies_and_the_premium_is_computed_by_the_day(cast):
    policy = cast.policy(started_days_ago=60)  # 365 days from 60 days ago: 305 left today, today included
    endorsement = scenarios.apply(policy, cast.applicant, headcount_change=30)
    e = scenarios.fresh(endorsement)
    assert (e.status, e.origin, e.kind) == (S.PENDING_REVIEW, Origin.ENTERPRISE, "change")
    assert (e.headcount_before, e.headcount_after, e.days_left, e.days_total) == (120, 150, 305, 365)
    assert (e.basis_premium, e.basis_headcount) == (Decimal("12000.00"), 120)
    assert e.premium_computed == e.premium_delta == Decimal("2506.85")  # 12000 × 30 × 305 ÷ (120 × 365)
    assert e.prevention_fee_delta == Decimal("501.37")  # the fee keeps its 20 % share
    assert workflow.premium_formula(e) == "12,000.00 × (+30) ÷ 120 × 305 ÷ 365 = 2,506.85"
    event = EndorsementEvent.objects.get(endorsement=e)
    assert event.changes["参保人数"] == ["120", "150"] and event.changes["批改保费"] == "加收保费2,506.85元"
    assert Notification.objects.filter(organisation=cast.insurer, title="新的批改申请").exists()
    assert SmsMessage.objects.filter(phone=cast.insurer.contact_phone, text__contains="申请批改保单").exists()
    # Nothing changes on the order until 已批改.
    assert _order(policy).headcount == 120


def test_the_clerk_starts_one_and_the_enterprise_is_told(cast):
    policy = cast.policy()
    e = scenarios.apply(policy, cast.clerk, headcount_change=0, contact_phone="13912345678")
    assert e.origin == Origin.INSURER and e.premium_delta == Decimal("0.00")
    assert Notification.objects.filter(organisation=cast.enterprise, title="保险公司发起批改").exists()
    assert SmsMessage.objects.filter(phone=policy.order.contact_phone, text__contains="发起批改").exists()


def test_an_increase_on_the_first_day_of_a_period_not_started_costs_the_whole_share(cast):
    policy = cast.policy(started_days_ago=-10)  # starts in 10 days: effective on its first day by default
    e = scenarios.apply(policy, cast.applicant, headcount_change=12)
    assert e.effective_on == policy.period_start and e.days_left == e.days_total == 365
    assert e.premium_delta == Decimal("1200.00")


def test_an_increase_on_the_last_day_costs_one_day(cast):
    policy = cast.policy(started_days_ago=364)  # today is the last day of the period
    assert policy.period_end == timezone.localdate()
    e = scenarios.apply(policy, cast.applicant, headcount_change=30)
    assert (e.days_left, e.premium_delta) == (1, Decimal("8.22"))


def test_a_decrease_is_refunded_and_skips_payment(cast):
    policy = cast.policy(started_days_ago=60)
    e = scenarios.apply(policy, cast.applicant, headcount_change=-30)
    assert e.premium_delta == Decimal("-2506.85") and workflow.premium_text(e) == "退还保费2,506.85元"
    e = workflow.endorsement_approve(endorsement=scenarios.fresh(e), actor=cast.clerk)
    assert e.status == S.AWAITING_DOCUMENT


def test_a_second_request_waits_for_the_first(cast):
    policy = cast.policy()
    scenarios.apply(policy, cast.applicant)
    assert _refused(scenarios.apply, policy, cast.clerk, headcount_change=5).message == steps.ALREADY_OPEN
    assert _refused(scenarios.surrender, policy, cast.applicant).message == steps.ALREADY_OPEN
    assert Endorsement.objects.filter(policy=policy).count() == 1


def test_the_database_holds_one_open_request_per_policy(cast):
    from django.db import IntegrityError, transaction

    e = scenarios.apply(cast.policy(), cast.applicant)
    copy = Endorsement.objects.get(pk=e.pk)
    copy.pk, copy.uuid = None, None
    copy.uuid = __import__("uuid").uuid4()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_it_refuses_every_problem_at_once(cast):
    policy = scenarios.fresh_policy(cast.policy())
    today = timezone.localdate()
    bad = dataclasses.replace(
        scenarios.change(policy),
        reason="  ",
        effective_on=today - timedelta(days=1),
        contact_phone="1234",
        project_name="",
    )
    errors = _refused(workflow.endorsement_apply, policy=policy, actor=cast.applicant, change=bad).errors
    assert errors == {
        "reason": ["请填写批改原因"],
        "effective_on": ["批改生效日期不能早于今天"],
        "project_name": ["请输入项目名称"],
        "contact_phone": ["请输入正确的11位手机号码"],
    }
    assert not Endorsement.objects.exists()


def test_it_refuses_an_effective_day_outside_the_period_and_a_change_of_nothing(cast):
    policy = scenarios.fresh_policy(cast.policy())
    late = dataclasses.replace(
        scenarios.change(policy, headcount_change=1), effective_on=policy.period_end + timedelta(days=1)
    )
    assert _refused(workflow.endorsement_apply, policy=policy, actor=cast.applicant, change=late).errors == {
        "effective_on": [
            f"批改生效日期须在保险期间内（{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}）"
        ]
    }
    same = scenarios.change(policy)
    assert _refused(workflow.endorsement_apply, policy=policy, actor=cast.applicant, change=same).message == (
        changes.NOTHING_CHANGED
    )


def test_an_expired_policy_is_not_endorsed(cast):
    policy = scenarios.fresh_policy(cast.policy(started_days_ago=400))
    bad = dataclasses.replace(scenarios.change(policy, headcount_change=1), effective_on=policy.period_end)
    assert _refused(workflow.endorsement_apply, policy=policy, actor=cast.applicant, change=bad).errors == {
        "effective_on": ["保险期间已结束，不能批改"]
    }


def test_the_endorsed_scheme_must_pass_the_regions_current_rules(cast):
    policy = cast.policy()
    RegionalRule.objects.create(region=policy.order.region, min_per_person_injury_limit=Decimal("600000"))
    refused = _refused(scenarios.apply, policy, cast.applicant)
    assert refused.field is None
    assert refused.message.startswith("每人伤亡责任限额不得低于600,000.00元")
    assert "当前保单的每人伤亡责任限额不符合现行规则" in refused.message


def test_the_fee_follows_the_premium_within_the_regions_ratio(cast):
    policy = cast.policy(started_days_ago=60)
    RegionalRule.objects.create(
        region=policy.order.region, min_fee_ratio=Decimal("20"), max_fee_ratio=Decimal("25")
    )
    e = scenarios.apply(policy, cast.applicant, headcount_change=1)
    premium_after, fee_after = e.premium_after, e.prevention_fee_after
    assert fee_after * 100 >= premium_after * 20 and fee_after * 100 <= premium_after * 25


def test_service_counts_change_but_never_below_what_was_recorded(cast):
    cast.on_stage("org_admin", "staff")
    policy = cast.in_service(counts={"training": 2, "hazard_inspection": 1})
    services.confirm(services.record(policy, cast.org_admin, "training", [cast.staff]), cast.applicant)
    training = ServiceItem.objects.get(code="training")
    hazard = ServiceItem.objects.get(code="hazard_inspection")
    too_few = scenarios.change(scenarios.fresh_policy(policy), service_counts={training.pk: 0})
    errors = _refused(
        workflow.endorsement_apply,
        policy=scenarios.fresh_policy(policy),
        actor=cast.applicant,
        change=too_few,
    ).errors
    assert errors == {f"service_{training.pk}": ["不能少于已记录的服务次数（1次）"]}
    more = scenarios.change(scenarios.fresh_policy(policy), service_counts={training.pk: 4, hazard.pk: 1})
    e = workflow.endorsement_apply(policy=scenarios.fresh_policy(policy), actor=cast.applicant, change=more)
    assert e.premium_delta == Decimal("0.00")  # counts alone change the plan, not the money
    scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.ENDORSED)
    counts = dict(
        OrderServiceItem.objects.filter(order_id=policy.order_id).values_list("item__code", "count")
    )
    assert counts == {"training": 4, "hazard_inspection": 1}


def test_a_change_that_would_leave_nothing_to_do_in_service_is_refused(cast):
    cast.on_stage("org_admin", "staff")
    policy = cast.in_service(counts={"training": 2})
    services.confirm(services.record(policy, cast.org_admin, "training", [cast.staff]), cast.applicant)
    training = ServiceItem.objects.get(code="training")
    done = scenarios.change(scenarios.fresh_policy(policy), service_counts={training.pk: 1})
    assert _refused(
        workflow.endorsement_apply, policy=scenarios.fresh_policy(policy), actor=cast.applicant, change=done
    ).errors == {"service_counts": ["批改后约定服务已全部完成，安全服务须由企业确认服务记录后完成"]}


# --- 审核 and 缴费 ---------------------------------------------------------------------------------------------
def test_the_payable_path_goes_through_the_orders_payment_steps(cast):
    policy = cast.policy()
    e = scenarios.apply(policy, cast.applicant)
    e = workflow.endorsement_approve(endorsement=scenarios.fresh(e), actor=cast.clerk)
    assert e.status == S.AWAITING_PAYMENT_NOTICE
    image_as_pdf = files.upload("通知书.pdf", files.png_bytes())
    refused = _refused(
        workflow.endorsement_upload_payment_notice,
        endorsement=scenarios.fresh(e),
        actor=cast.clerk,
        file=None,
    )
    assert refused.errors == {"file": ["请上传付款通知书"]}
    assert (
        _refused(
            workflow.endorsement_upload_payment_notice,
            endorsement=scenarios.fresh(e),
            actor=cast.clerk,
            file=image_as_pdf,
        ).field
        == "file"
    )
    e = scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.AWAITING_PAYMENT_REVIEW)
    assert SmsMessage.objects.filter(
        phone=policy.order.contact_phone, text__contains="付款通知书已上传"
    ).exists()
    assert _refused(
        workflow.endorsement_reject_payment, endorsement=e, actor=cast.clerk, reason=""
    ).errors == {"reason": ["请填写缴费审核驳回的原因"]}
    e = workflow.endorsement_reject_payment(endorsement=e, actor=cast.clerk, reason="金额不符")
    assert (e.status, e.last_reason) == (S.AWAITING_PAYMENT, "金额不符")
    e = scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.AWAITING_DOCUMENT)
    assert e.status == S.AWAITING_DOCUMENT and e.last_reason == ""


def test_a_policy_without_an_enterprise_account_settles_outside_the_platform(cast):
    order = cast.offline(issued=True)
    policy = scenarios.fresh_policy(order.policy)
    assert policy.enterprise_id is None
    e = scenarios.apply(policy, cast.clerk, headcount_change=10)
    assert e.premium_delta > 0 and not workflow.payable(e)
    e = workflow.endorsement_approve(endorsement=scenarios.fresh(e), actor=cast.clerk)
    assert e.status == S.AWAITING_DOCUMENT


def test_the_clerk_overrides_the_premium_with_a_reason_and_the_path_follows(cast):
    policy = cast.policy()
    e = scenarios.apply(policy, cast.applicant, headcount_change=-10)
    assert _refused(
        workflow.endorsement_adjust,
        endorsement=scenarios.fresh(e),
        actor=cast.clerk,
        premium_delta=Decimal("100"),
        reason="",
    ).errors == {"reason": ["请填写调整批改保费的原因"]}
    assert _refused(
        workflow.endorsement_adjust,
        endorsement=scenarios.fresh(e),
        actor=cast.clerk,
        premium_delta=Decimal("1.234"),
        reason="x",
    ).errors == {"premium_delta": ["批改保费最多保留两位小数"]}
    e = workflow.endorsement_adjust(
        endorsement=scenarios.fresh(e),
        actor=cast.clerk,
        premium_delta=Decimal("300.00"),
        reason="最低收费标准",
    )
    assert (e.premium_computed < 0, e.premium_delta, e.adjust_reason) == (
        True,
        Decimal("300.00"),
        "最低收费标准",
    )
    assert e.prevention_fee_delta == Decimal("60.00")
    assert EndorsementEvent.objects.get(endorsement=e, action="adjust").changes == {
        "批改保费": [f"退还保费{-e.premium_computed:,.2f}元", "加收保费300.00元"]
    }
    e = workflow.endorsement_approve(endorsement=scenarios.fresh(e), actor=cast.clerk)
    assert e.status == S.AWAITING_PAYMENT_NOTICE


def test_an_approval_made_on_an_amount_adjusted_meanwhile_is_stale(cast):
    e = scenarios.apply(cast.policy(), cast.applicant, headcount_change=-10)
    seen = scenarios.fresh(e)  # a clerk opens 审核 on the refund…
    workflow.endorsement_adjust(
        endorsement=scenarios.fresh(e), actor=cast.clerk, premium_delta=Decimal("50"), reason="另一位"
    )
    assert (
        _refused(workflow.endorsement_approve, endorsement=seen, actor=cast.clerk).message
        == "该批改状态已变化，请刷新后重试"
    )
    assert scenarios.fresh(e).status == S.PENDING_REVIEW


def test_reject_and_withdraw_need_their_reason_and_side(cast):
    e = scenarios.apply(cast.policy(), cast.applicant)
    assert _refused(
        workflow.endorsement_reject, endorsement=scenarios.fresh(e), actor=cast.clerk, reason=" "
    ).errors == {"reason": ["请填写驳回批改的原因"]}
    e = workflow.endorsement_reject(
        endorsement=scenarios.fresh(e), actor=cast.clerk, reason="人数与花名册不符"
    )
    assert SmsMessage.objects.filter(text__contains="人数与花名册不符").exists()
    started = scenarios.apply(cast.policy(), cast.clerk, headcount_change=1)
    assert _refused(
        workflow.endorsement_withdraw, endorsement=scenarios.fresh(started), actor=cast.applicant
    ).message == ("保险公司发起的批改不能撤回")


# --- 出批单 ----------------------------------------------------------------------------------------------------
def test_the_批单_updates_the_order_and_keeps_the_history(cast):
    policy = cast.policy(started_days_ago=60)
    e = scenarios.apply(
        policy,
        cast.applicant,
        headcount_change=30,
        project_name="丰泽区安置房三期（二标段）",
        contact_phone="13912345678",
    )
    e = scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.AWAITING_DOCUMENT)
    e = workflow.endorsement_issue(
        endorsement=e, actor=cast.clerk, endorsement_no="PD2026000001", file=scenarios.pdf()
    )
    order = _order(policy)
    assert (order.headcount, order.premium, order.prevention_fee) == (
        150,
        Decimal("14506.85"),
        Decimal("2901.37"),
    )
    assert (order.project_name, order.contact_phone) == ("丰泽区安置房三期（二标段）", "13912345678")
    e = scenarios.fresh(e)
    assert (e.status, e.endorsement_no, e.headcount_before, e.premium_before) == (
        S.ENDORSED,
        "PD2026000001",
        120,
        Decimal("12000.00"),
    )
    policy = Policy.objects.get(pk=policy.pk)
    assert (policy.issued_headcount, policy.issued_premium) == (120, Decimal("12000.00"))  # as issued, kept
    assert SmsMessage.objects.filter(phone="13912345678", text__contains="批单号PD2026000001").exists()
    assert ("批单 PD2026000001", e.endorsement_file) in order_documents(policy)
    assert LogEntry.objects.filter(
        additional_data__action="issue", object_repr__contains=policy.policy_no
    ).exists()


def test_the_批单_number_is_unique_within_the_insurer_and_the_file_a_pdf(cast):
    first = scenarios.endorsed(cast.policy(), clerk=cast.clerk, applicant=cast.applicant)
    e = scenarios.drive(
        scenarios.apply(cast.policy(), cast.applicant),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.AWAITING_DOCUMENT,
    )
    errors = _refused(
        workflow.endorsement_issue,
        endorsement=e,
        actor=cast.clerk,
        endorsement_no=first.endorsement_no,
        file=files.upload("批单.pdf", files.jpeg_bytes()),
    ).errors
    assert set(errors) == {"endorsement_no", "endorsement_file"} and errors["endorsement_no"] == [
        "批单号已存在，请核对"
    ]
    assert scenarios.fresh(e).status == S.AWAITING_DOCUMENT
    # Another insurer may use the same number.
    cast.on_stage("other_clerk")
    from anze.prevention import scenarios as p

    theirs = p.issued_policy(insurer_user=cast.other_clerk, enterprise_user=cast.applicant)
    other = scenarios.drive(
        scenarios.apply(theirs, cast.applicant),
        clerk=cast.other_clerk,
        applicant=cast.applicant,
        until=S.AWAITING_DOCUMENT,
    )
    done = workflow.endorsement_issue(
        endorsement=other, actor=cast.other_clerk, endorsement_no=first.endorsement_no, file=scenarios.pdf()
    )
    assert done.status == S.ENDORSED


def test_a_policy_with_a_批改_is_not_reversed_but_one_with_only_withdrawn_ones_is(cast):
    policy = cast.policy()
    e = scenarios.apply(policy, cast.applicant)
    assert reversal_blocked(policy) == "该保单已有批改或退保记录，不能冲正"
    workflow.endorsement_withdraw(endorsement=scenarios.fresh(e), actor=cast.applicant)
    assert reversal_blocked(policy) is None


def test_an_order_changed_behind_the_批改s_back_is_refused(cast):
    policy = cast.policy()
    e = scenarios.drive(
        scenarios.apply(policy, cast.applicant, headcount_change=-5),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.AWAITING_DOCUMENT,
    )
    Order.objects.filter(pk=policy.order_id).update(headcount=121)  # a shell edit, say
    assert (
        _refused(
            workflow.endorsement_issue,
            endorsement=e,
            actor=cast.clerk,
            endorsement_no="PDX1",
            file=scenarios.pdf(),
        ).message
        == workflow.ORDER_CHANGED
    )
    assert scenarios.fresh(e).status == S.AWAITING_DOCUMENT and not scenarios.fresh(e).endorsement_no


def test_every_step_sends_one_sms_and_one_message_to_the_other_party(cast):
    """Each event of the payable path tells the other party by SMS and 站内消息, once (keyed by the event)."""
    policy = cast.policy()
    e = scenarios.drive(
        scenarios.apply(policy, cast.applicant), clerk=cast.clerk, applicant=cast.applicant, until=S.ENDORSED
    )
    events = list(EndorsementEvent.objects.filter(endorsement=e).order_by("id"))
    assert [event.action for event in events] == [
        "apply",
        "approve_charge",
        "upload_payment_notice",
        "upload_payment_voucher",
        "approve_payment",
        "issue",
    ]
    for event in events:
        party = "insurer" if event.actor.side == "enterprise" else "enterprise"
        key = f"endorsement-event:{event.pk}:{party}"
        assert SmsMessage.objects.filter(dedupe_key=key).count() == 1, event.action
        assert Notification.objects.filter(dedupe_key=key).count() == 1, event.action
