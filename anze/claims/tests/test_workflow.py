"""The claim's actions through ``anze.claims.workflow``: what each writes and tells, and every refusal — the
cover (period, surrender, reversal, the 报案时限 of base data), the limits of the scheme, the case number."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from anze.basedata.models import Region, RegionalRule
from anze.claims import reports, scenarios, workflow
from anze.claims.limits import Line
from anze.claims.models import Claim, ClaimEvent, ClaimFile, ClaimPerson, ClaimStatus, ReportChannel
from anze.core.errors import Refused
from anze.documents import testing as files
from anze.documents.models import Document
from anze.notifications.models import Notification, SmsMessage
from anze.policies import lifecycle
from anze.policies.models import Policy, PolicyStatus

pytestmark = pytest.mark.django_db
S = ClaimStatus
D = Decimal


def at(day, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def refused(fn, **kwargs) -> Refused:
    with pytest.raises(Refused) as exc:
        fn(**kwargs)
    return exc.value


# --- 报案 ------------------------------------------------------------------------------------------------------
def test_the_enterprise_reports_and_the_insurer_is_told(cast, policy):
    claim = scenarios.report(policy, cast.applicant)
    assert claim.status == S.REPORTED and claim.channel == ReportChannel.ONLINE
    assert len(claim.report_no) == 20 and claim.report_no.startswith("BA")
    order = policy.order
    assert (claim.insurer, claim.enterprise, claim.region, claim.industry) == (
        policy.insurer,
        policy.enterprise,
        order.region,
        order.industry,
    )
    assert claim.applicant_name == order.applicant_name
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.action, event.to_status, event.actor) == ("report", S.REPORTED, cast.applicant)
    message = Notification.objects.get(organisation=cast.insurer, title="新的报案")
    assert claim.report_no in message.body and message.link == f"/insurer/claims/{claim.report_no}/"
    sms = SmsMessage.objects.get(text__contains=claim.report_no)
    assert sms.phone == cast.insurer.contact_phone and "请及时受理" in sms.text
    log = LogEntry.objects.get(object_repr=f"理赔案件 {claim.report_no}")
    assert log.additional_data["label"] == "报案" and log.changes["状态"] == ["", "待受理"]


def test_the_clerk_enters_a_phone_report_and_the_enterprise_sees_it_without_sms(cast, policy):
    claim = scenarios.report(policy, cast.clerk, reporter_name="张安全")
    assert claim.channel == ReportChannel.PHONE and claim.reported_by == cast.clerk
    message = Notification.objects.get(organisation=cast.enterprise, body__contains=claim.report_no)
    assert message.title == "已登记报案" and message.link == f"/enterprise/claims/{claim.report_no}/"
    assert not SmsMessage.objects.filter(text__contains=claim.report_no).exists()


def test_nobody_reports_on_another_organisations_policy(cast, policy):
    for actor in (cast.other_applicant, cast.other_clerk):
        exc = refused(reports.claim_report, policy=policy, actor=actor, accident=scenarios.accident())
        assert exc.message == "保单不存在或无权操作"
    assert not Claim.objects.exists()


def test_the_accident_must_happen_inside_the_period_and_not_in_the_future(cast, policy):
    before = at(policy.period_start - timedelta(days=1))
    exc = refused(
        reports.claim_report,
        policy=policy,
        actor=cast.applicant,
        accident=scenarios.accident(accident_at=before),
    )
    period = f"{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}"
    assert exc.errors == {"accident_at": [f"出险时间须在保险期间内（{period}）"]}
    future = timezone.now() + timedelta(hours=2)
    exc = refused(
        reports.claim_report,
        policy=policy,
        actor=cast.applicant,
        accident=scenarios.accident(accident_at=future),
    )
    assert exc.errors == {"accident_at": ["出险时间不能晚于当前时间"]}
    assert not Claim.objects.exists() and not ClaimEvent.objects.exists()


def _expired_policy(cast, ended_days_ago: int) -> Policy:
    """A policy whose one-year period ended ``ended_days_ago`` days ago."""
    start = timezone.localdate() - timedelta(days=364 + ended_days_ago)
    return cast.policy(
        started_days_ago=364 + ended_days_ago,
        scheme_overrides={"period_end": start + timedelta(days=364)},
    )


def test_a_report_after_the_period_comes_within_the_base_data_window(cast):
    late = _expired_policy(cast, ended_days_ago=40)
    accident = scenarios.accident(days_ago=60)
    exc = refused(reports.claim_report, policy=late, actor=cast.applicant, accident=accident)
    until = late.period_end + timedelta(days=30)
    assert exc.errors == {"policy": [f"已超过报案时限：保险期间届满后30天内报案（截至{until:%Y-%m-%d}）"]}
    # 丰泽区 (the enterprise's county) allows 60 days: the same report is in time.
    RegionalRule.objects.create(region=Region.objects.get(code="350503"), claim_report_days=60)
    claim = reports.claim_report(policy=late, actor=cast.applicant, accident=scenarios.accident(days_ago=60))
    assert claim.status == S.REPORTED


def test_a_report_just_inside_the_window_is_taken(cast):
    ended = _expired_policy(cast, ended_days_ago=30)
    claim = reports.claim_report(policy=ended, actor=cast.applicant, accident=scenarios.accident(days_ago=35))
    assert claim.status == S.REPORTED


def test_a_reversed_policy_takes_no_report(cast, policy):
    Policy.objects.filter(pk=policy.pk).update(
        status=PolicyStatus.REVERSED
    )  # the 冲正 machine is the reversal app's
    exc = refused(reports.claim_report, policy=policy, actor=cast.applicant, accident=scenarios.accident())
    assert exc.message == "保单已冲正，不能报案"


def test_a_surrendered_policy_takes_reports_of_accidents_before_the_surrender_only(cast, policy):
    Policy.objects.filter(pk=policy.pk).update(
        status=PolicyStatus.SURRENDERED
    )  # the 退保 machine is the endorsement app's
    exc = refused(reports.claim_report, policy=policy, actor=cast.applicant, accident=scenarios.accident())
    assert exc.message == "保单已退保，不能报案"  # no app says since when: refused
    surrendered = timezone.localdate() - timedelta(days=10)

    def surrender_day(p):
        return surrendered if p.pk == policy.pk else None

    lifecycle.surrender_date(surrender_day)
    try:
        exc = refused(
            reports.claim_report,
            policy=policy,
            actor=cast.applicant,
            accident=scenarios.accident(days_ago=10),
        )
        assert exc.errors == {"accident_at": [f"出险时间不在保障范围内：保单已于{surrendered:%Y-%m-%d}退保"]}
        claim = reports.claim_report(
            policy=policy, actor=cast.applicant, accident=scenarios.accident(days_ago=11)
        )
        assert claim.status == S.REPORTED
    finally:
        lifecycle._SURRENDER_DATES.remove(surrender_day)


def test_it_refuses_bad_input_beside_each_field_and_saves_nothing(cast, policy):
    accident = scenarios.accident(
        accident_place=" ",
        accident_type="meteor",
        description="",
        deaths=-1,
        injured=None,
        estimated_loss=D("-5"),
        reporter_name="",
        reporter_phone="12345",
    )
    exc = refused(reports.claim_report, policy=policy, actor=cast.applicant, accident=accident)
    assert exc.errors == {
        "accident_place": ["请填写出险地点"],
        "accident_type": ["请选择事故类型"],
        "description": ["请填写事故经过"],
        "deaths": ["死亡人数不能为负数"],
        "injured": ["请填写受伤人数"],
        "estimated_loss": ["估损金额不能为负数"],
        "reporter_name": ["请填写报案人"],
        "reporter_phone": ["请输入正确的11位手机号码"],
    }
    assert not Claim.objects.exists()


def test_it_stores_the_report_files_and_refuses_a_renamed_one(cast, policy):
    documents = Document.objects.count()
    fake = files.upload("现场.jpg", b"MZ this is not a photo")
    accident = scenarios.accident(
        files={
            "photo_1": ("现场照片", files.upload("现场.jpg", files.jpeg_bytes())),
            "document": ("事故证明材料", fake),
        }
    )
    exc = refused(reports.claim_report, policy=policy, actor=cast.applicant, accident=accident)
    assert list(exc.errors) == ["document"]
    assert not Claim.objects.exists() and Document.objects.count() == documents
    accident = scenarios.accident(
        files={
            "photo_1": ("现场照片", files.upload("现场.jpg", files.jpeg_bytes())),
            "document": ("事故证明材料", files.upload("证明.pdf", files.pdf_bytes("事故证明"))),
        }
    )
    claim = reports.claim_report(policy=policy, actor=cast.applicant, accident=accident)
    assert sorted(ClaimFile.objects.filter(claim=claim).values_list("caption", "document__kind")) == [
        ("事故证明材料", "other"),
        ("现场照片", "photo"),
    ]


# --- 受理 · 立案 · 查勘 -------------------------------------------------------------------------------------------
def test_register_gives_the_case_number_unique_per_insurer_and_sms(cast, policy):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ACCEPTED)
    claim = workflow.claim_register(claim=scenarios.fresh(claim), actor=cast.clerk, case_no=" LA2026001 ")
    assert (claim.status, claim.case_no) == (S.REGISTERED, "LA2026001")
    sms = SmsMessage.objects.get(text__contains="已立案")
    assert sms.phone == "13860710001" and "已立案，案件号LA2026001" in sms.text
    second = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ACCEPTED)
    exc = refused(
        workflow.claim_register, claim=scenarios.fresh(second), actor=cast.clerk, case_no="LA2026001"
    )
    assert exc.errors == {"case_no": ["案件号已存在"]}
    assert scenarios.fresh(second).status == S.ACCEPTED


def test_the_case_number_is_unique_per_insurer_in_the_database(cast, policy):
    from django.db import IntegrityError, transaction

    first = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    second = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=second.pk).update(case_no=first.case_no)


def test_survey_keeps_its_notes_and_files_for_the_insurer(cast, policy):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    exc = refused(workflow.claim_survey, claim=scenarios.fresh(claim), actor=cast.clerk, notes=" ")
    assert exc.errors == {"survey_notes": ["请填写查勘意见"]}
    claim = workflow.claim_survey(
        claim=scenarios.fresh(claim),
        actor=cast.clerk,
        notes="伤者右腿骨折，属实。",
        files={"report": ("查勘报告", files.upload("查勘.pdf", files.pdf_bytes("查勘报告")))},
    )
    assert claim.status == S.SURVEYED and claim.survey_notes == "伤者右腿骨折，属实。"
    assert claim.files.get().stage == "survey"


# --- 理算 ----------------------------------------------------------------------------------------------------------
def _surveyed(cast, policy, **kw) -> Claim:
    return scenarios.fresh(
        scenarios.drive(scenarios.report(policy, cast.applicant, **kw), cast.clerk, S.SURVEYED)
    )


def test_each_person_is_within_the_per_person_limits(cast, policy):
    claim = _surveyed(cast, policy)
    lines = [Line("王伤者", D("400000.01"), D("50000.01")), Line("李伤者", D("400000"), D("50000"))]
    exc = refused(workflow.claim_adjust, claim=claim, actor=cast.clerk, lines=lines)
    assert exc.errors == {
        "death_disability_0": ["王伤者的死亡伤残赔款超过每人伤亡责任限额（400,000.00 元）"],
        "medical_0": ["王伤者的医疗费用赔款超过每人医疗责任限额（50,000.00 元）"],
        None: [
            "赔款合计超过每次事故赔偿限额（500,000.00 元）",
            "赔款合计超过累积赔偿限额（剩余 600,000.00 元）",
        ],
    }
    assert not ClaimPerson.objects.exists() and scenarios.fresh(claim).status == S.SURVEYED


def test_the_accident_total_is_within_the_per_accident_limit(cast, policy):
    claim = _surveyed(cast, policy)
    exc = refused(
        workflow.claim_adjust,
        claim=claim,
        actor=cast.clerk,
        lines=scenarios.lines(("400000", "50000"), ("50000", "0.01")),
    )
    assert exc.errors == {None: ["赔款合计超过每次事故赔偿限额（500,000.00 元）"]}
    claim = workflow.claim_adjust(
        claim=claim, actor=cast.clerk, lines=scenarios.lines(("400000", "50000"), ("50000", "0"))
    )
    assert claim.status == S.ADJUSTED and claim.adjusted_amount == D("500000.00")
    assert list(claim.people.values_list("name", "death_disability", "medical")) == [
        ("伤者1", D("400000.00"), D("50000.00")),
        ("伤者2", D("50000.00"), D("0.00")),
    ]


def test_what_the_policy_paid_counts_against_the_aggregate_limit(cast, policy):
    scenarios.drive(
        scenarios.report(policy, cast.applicant),
        cast.clerk,
        S.SETTLED,
        people=scenarios.lines(("388000", "0")),
    )
    claim = _surveyed(cast, policy)
    exc = refused(
        workflow.claim_adjust, claim=claim, actor=cast.clerk, lines=scenarios.lines(("200000", "12000.01"))
    )
    assert exc.errors == {None: ["赔款合计超过累积赔偿限额（剩余 212,000.00 元）"]}
    claim = workflow.claim_adjust(claim=claim, actor=cast.clerk, lines=scenarios.lines(("200000", "12000")))
    assert claim.adjusted_amount == D("212000.00")


def test_a_new_adjustment_replaces_the_last(cast, policy):
    claim = _surveyed(cast, policy)
    workflow.claim_adjust(claim=claim, actor=cast.clerk, lines=scenarios.lines(("1000", "200"), ("0", "300")))
    claim = workflow.claim_adjust(
        claim=scenarios.fresh(claim), actor=cast.clerk, lines=scenarios.lines(("900", "0"))
    )
    assert claim.adjusted_amount == D("900.00") and claim.people.count() == 1
    last = ClaimEvent.objects.filter(claim=claim, action="adjust").last()
    assert last.changes == {"adjusted_amount": ["1,500.00", "900.00"], "people": "1"}


def test_an_adjustment_needs_named_people_with_proper_amounts(cast, policy):
    claim = _surveyed(cast, policy)
    assert refused(workflow.claim_adjust, claim=claim, actor=cast.clerk, lines=[]).errors == {
        None: ["请至少填写一名伤亡人员的理算金额"]
    }
    exc = refused(
        workflow.claim_adjust, claim=claim, actor=cast.clerk, lines=[Line(" ", D("-1"), D("1.001"))]
    )
    assert exc.errors == {
        "name_0": ["请填写姓名"],
        "death_disability_0": ["死亡伤残赔款不能为负数"],
        "medical_0": ["医疗费用赔款最多保留2位小数"],
    }


# --- 结案 · 拒赔 · 注销 -------------------------------------------------------------------------------------------
def test_settle_pays_at_most_the_adjusted_amount_and_tells_the_enterprise(cast, policy):
    claim = scenarios.fresh(scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ADJUSTED))
    today = timezone.localdate()
    payment = workflow.Payment(amount=D("12000.01"), paid_on=today + timedelta(days=1), payee=" ")
    exc = refused(workflow.claim_settle, claim=claim, actor=cast.clerk, payment=payment)
    assert exc.errors == {
        "paid_amount": ["赔款金额不能超过理算金额（12,000.00 元）"],
        "paid_on": ["支付日期不能晚于今天"],
        "payee": ["请填写收款人"],
    }
    claim = workflow.claim_settle(
        claim=claim, actor=cast.clerk, payment=workflow.Payment(D("11000"), today, "王伤者")
    )
    assert (claim.status, claim.paid_amount, claim.paid_on, claim.payee) == (
        S.SETTLED,
        D("11000"),
        today,
        "王伤者",
    )
    sms = SmsMessage.objects.filter(phone="13860710001").latest("id")
    assert "已结案，赔款11,000.00元" in sms.text and "王伤者" in sms.text


def test_two_adjusted_claims_cannot_both_be_paid_past_the_aggregate_limit(cast, policy):
    first, second = (
        scenarios.drive(
            scenarios.report(policy, cast.applicant),
            cast.clerk,
            S.ADJUSTED,
            people=scenarios.lines(("350000", "0")),
        )
        for _ in range(2)
    )
    scenarios.drive(first, cast.clerk, S.SETTLED)
    exc = refused(
        workflow.claim_settle,
        claim=scenarios.fresh(second),
        actor=cast.clerk,
        payment=workflow.Payment(D("350000"), timezone.localdate(), "企业"),
    )
    assert exc.errors == {"paid_amount": ["赔款金额超过累积赔偿限额（剩余 250,000.00 元）"]}
    settled = workflow.claim_settle(
        claim=scenarios.fresh(second),
        actor=cast.clerk,
        payment=workflow.Payment(D("250000"), timezone.localdate(), "企业"),
    )
    assert settled.status == S.SETTLED


def test_settle_is_refused_when_the_adjustment_changed_meanwhile(cast, policy):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ADJUSTED)
    seen = scenarios.fresh(claim)
    workflow.claim_adjust(claim=scenarios.fresh(claim), actor=cast.clerk, lines=scenarios.lines(("100", "0")))
    exc = refused(
        workflow.claim_settle,
        claim=seen,
        actor=cast.clerk,
        payment=workflow.Payment(D("12000"), timezone.localdate(), "企业"),
    )
    assert exc.message == "该理赔案件状态已变化，请刷新后重试"


def test_decline_and_cancel_need_a_reason(cast, policy):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SURVEYED)
    exc = refused(workflow.claim_decline, claim=scenarios.fresh(claim), actor=cast.clerk, reason=" ")
    assert exc.errors == {"reason": ["请填写拒赔的原因"]}
    declined = workflow.claim_decline(
        claim=scenarios.fresh(claim), actor=cast.clerk, reason="非工作时间饮酒后受伤"
    )
    assert declined.status == S.DECLINED and declined.close_reason == "非工作时间饮酒后受伤"
    assert "不予赔付。原因：非工作时间饮酒后受伤" in SmsMessage.objects.latest("id").text
    fresh = scenarios.report(policy, cast.applicant)
    assert refused(workflow.claim_cancel, claim=fresh, actor=cast.clerk, reason="").errors == {
        "reason": ["请填写注销的原因"]
    }
    cancelled = workflow.claim_cancel(claim=scenarios.fresh(fresh), actor=cast.clerk, reason="重复报案")
    assert cancelled.status == S.CANCELLED


# --- 冲正 ------------------------------------------------------------------------------------------------------
def test_a_claim_blocks_the_reversal_of_its_policy_unless_cancelled(cast, policy):
    assert lifecycle.reversal_blocked(policy) is None
    claim = scenarios.report(policy, cast.applicant)
    assert lifecycle.reversal_blocked(policy) == f"该保单已有理赔案件（报案号 {claim.report_no}），不能冲正"
    scenarios.drive(claim, cast.clerk, S.CANCELLED)
    assert lifecycle.reversal_blocked(policy) is None
    declined = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.DECLINED)
    assert declined.report_no in lifecycle.reversal_blocked(policy)


def test_an_amount_too_large_for_the_books_is_refused(cast, policy):
    claim = _surveyed(cast, policy)
    exc = refused(
        workflow.claim_adjust, claim=claim, actor=cast.clerk, lines=[Line("王伤者", D("1E+30"), D("0"))]
    )
    assert exc.errors == {"death_disability_0": ["死亡伤残赔款过大"]}
