"""Records, hazards and complaints: guards (dates, staff certificates, items, states), the archive rule (a
confirmed record is never changed, corrections are new records), notifications and working-day deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from anze.core.errors import Refused
from anze.notifications.models import Notification, SmsMessage
from anze.policies.models import ServiceEvent, ServiceStatus
from anze.prevention import attachments, complaints, hazards, records, scenarios, services
from anze.prevention.models import (
    ArchivedError,
    ComplaintStatus,
    HazardLevel,
    HazardStatus,
    RecordStatus,
    ServiceRecord,
)
from anze.prevention.workdays import add_working_days

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _refused(fn, field=None):
    with pytest.raises(Refused) as exc:
        fn()
    if field is not None:
        assert exc.value.field == field, exc.value.message
    return exc.value.message


# --- records ----------------------------------------------------------------------------------------------
def test_it_creates_a_record_that_waits_for_the_enterprise(cast):
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    assert record.status == RecordStatus.PENDING and record.service_org == cast.org
    message = Notification.objects.get(organisation=cast.enterprise, title="服务记录待确认")
    assert message.link == f"/enterprise/services/records/{record.uuid}/"
    assert SmsMessage.objects.filter(phone=policy.order.contact_phone, text__contains="服务记录").exists()
    assert ServiceEvent.objects.filter(subject_uuid=record.uuid, action="create").count() == 1


@pytest.mark.parametrize(
    ("offset", "message"),
    [("before", "保险期间内"), ("after", "保险期间内"), ("future", "不能晚于今天")],
)
def test_it_refuses_a_service_date_outside_the_period_or_in_the_future(cast, offset, message):
    policy = cast.in_service(started_days_ago=10)
    day = {
        "before": policy.period_start - timedelta(days=1),
        "after": policy.period_end + timedelta(days=1),
        "future": TODAY() + timedelta(days=1),
    }[offset]
    text = _refused(
        lambda: scenarios.record(policy, cast.org_admin, "training", [cast.staff], served_on=day), "served_on"
    )
    assert message in text
    assert not ServiceRecord.objects.exists()


def test_it_refuses_staff_with_an_expired_certificate_or_of_another_organisation(cast):
    policy = cast.in_service()
    text = _refused(
        lambda: scenarios.record(policy, cast.org_admin, "training", [cast.expired_staff]), "staff"
    )
    assert "王过期" in text and "过期" in text
    foreign = scenarios.staff(cast.other_org, "赵外援")
    _refused(lambda: scenarios.record(policy, cast.org_admin, "training", [foreign]), "staff")
    _refused(lambda: scenarios.record(policy, cast.org_admin, "training", []), "staff")
    assert not ServiceRecord.objects.exists()


def test_it_refuses_an_item_that_is_not_contracted(cast):
    policy = cast.in_service(counts={"training": 1})
    _refused(lambda: scenarios.record(policy, cast.org_admin, "emergency_plan", [cast.staff]), "item")


def test_it_refuses_records_before_acceptance_and_from_another_organisation(cast):
    policy = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    _refused(lambda: scenarios.record(policy, cast.org_admin, "training", [cast.staff]))
    accepted = scenarios.accept(policy, cast.org_admin)
    other_staff = scenarios.staff(cast.other_org, "赵外援")
    _refused(lambda: scenarios.record(accepted, cast.other_org_admin, "training", [other_staff]))


def test_it_never_changes_a_confirmed_record_and_corrects_it_with_a_linked_one(cast):
    policy = cast.in_service()
    record = scenarios.confirm(
        scenarios.record(policy, cast.org_admin, "training", [cast.staff]), cast.applicant
    )
    data = scenarios.record_data(policy, "training", [cast.staff], place="改过的地点")
    _refused(
        lambda: records.record_update(record=scenarios.fresh_record(record), actor=cast.org_admin, data=data)
    )
    upload = scenarios.report_pdf()
    _refused(
        lambda: records.record_add_attachment(
            record=scenarios.fresh_record(record), actor=cast.org_admin, upload=upload
        )
    )
    assert ServiceRecord.objects.get(pk=record.pk).place != "改过的地点"
    with pytest.raises(ArchivedError):
        ServiceRecord.objects.get(pk=record.pk).delete()
    # The correction keeps the original's item even when another is asked for.
    data = scenarios.record_data(policy, "hazard_inspection", [cast.staff], place="改过的地点")
    correction = records.record_create(
        policy=scenarios.fresh(policy), actor=cast.org_admin, data=data, corrects=record
    )
    assert correction.corrects == record and correction.item == record.item
    assert correction.status == RecordStatus.PENDING


def test_it_lets_the_organisation_fix_a_disputed_record_which_then_waits_again(cast):
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    records.record_dispute(record=scenarios.fresh_record(record), actor=cast.applicant, reason="培训人数不符")
    assert Notification.objects.filter(organisation=cast.org, title="服务记录有异议").exists()
    _refused(
        lambda: records.record_dispute(
            record=scenarios.fresh_record(record), actor=cast.applicant, reason="再次"
        )
    )
    data = scenarios.record_data(policy, "training", [cast.staff], content="培训32人，附签到表")
    records.record_update(record=scenarios.fresh_record(record), actor=cast.org_admin, data=data)
    fresh = scenarios.fresh_record(record)
    assert fresh.status == RecordStatus.PENDING and fresh.dispute_reason == ""
    event = ServiceEvent.objects.get(subject_uuid=record.uuid, action="edit")
    assert event.changes["服务内容"][1] == "培训32人，附签到表"


def test_it_requires_a_reason_for_an_objection(cast):
    record = scenarios.record(cast.in_service(), cast.org_admin, "training", [cast.staff])
    _refused(lambda: records.record_dispute(record=record, actor=cast.applicant, reason=""), "reason")


def test_it_refuses_the_confirmation_of_another_enterprise(cast):
    record = scenarios.record(cast.in_service(), cast.org_admin, "training", [cast.staff])
    _refused(
        lambda: records.record_confirm(record=scenarios.fresh_record(record), actor=cast.other_applicant)
    )
    _refused(lambda: records.record_confirm(record=scenarios.fresh_record(record), actor=cast.org_admin))
    assert scenarios.fresh_record(record).status == RecordStatus.PENDING


def test_it_stores_the_record_files_with_their_kinds(cast):
    policy = cast.in_service()
    from anze.documents import testing as files

    uploads = attachments.Uploads(
        report=scenarios.report_pdf(),
        photo=files.upload("现场.jpg", files.jpeg_bytes()),
        video=files.upload("现场.mp4", files.mp4_bytes()),
    )
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff], uploads=uploads)
    kinds = sorted(a.document.kind for a in record.attachments.select_related("document"))
    assert kinds == ["photo", "service_report", "video"]


# --- plans ------------------------------------------------------------------------------------------------
def test_it_plans_visits_inside_the_period_only(cast):
    policy = cast.in_service()
    future_day = min(policy.period_end, TODAY() + timedelta(days=30))
    data = services.PlanData(
        item=scenarios.record_data(policy, "training", []).item,
        planned_on=future_day,
        staff=[cast.staff],
        content="季度培训",
    )
    visit = services.plan_add(policy=policy, actor=cast.org_admin, data=data)
    assert visit.planned_on == future_day
    data.planned_on = policy.period_end + timedelta(days=1)
    _refused(lambda: services.plan_add(policy=policy, actor=cast.org_admin, data=data), "planned_on")
    data.planned_on, data.staff = future_day, [cast.expired_staff]
    _refused(lambda: services.plan_add(policy=policy, actor=cast.org_admin, data=data), "staff")


# --- hazards ----------------------------------------------------------------------------------------------
def _inspection(cast, policy):
    return services.inspection_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=services.InspectionData(
            inspected_on=TODAY() - timedelta(days=3),
            place="仓库",
            staff=[cast.staff],
            summary="消防检查",
            uploads=attachments.Uploads(),
        ),
    )


def test_it_takes_a_hazard_through_rectification_and_verification(cast):
    policy = cast.in_service()
    inspection = _inspection(cast, policy)
    hazard = hazards.hazard_create(
        inspection=inspection,
        actor=cast.org_admin,
        level=HazardLevel.MAJOR,
        description="配电箱未接地",
        location="二号车间",
        deadline=TODAY() + timedelta(days=7),
    )
    assert hazard.status == HazardStatus.OPEN
    assert Notification.objects.filter(organisation=cast.enterprise, title="隐患整改通知").exists()
    hazards.hazard_rectify(hazard=hazard, actor=cast.applicant, rectification="已加装接地线")
    assert Notification.objects.filter(organisation=cast.org, title="隐患已整改，待复查").exists()
    hazards.hazard_reopen(hazard=hazard, actor=cast.org_admin, reason="接地电阻仍超标")
    assert hazard.status == HazardStatus.OPEN
    hazards.hazard_rectify(hazard=hazard, actor=cast.org_admin, rectification="更换接地极，复测合格")
    hazards.hazard_verify(hazard=hazard, actor=cast.org_admin, verification="复查合格")
    assert hazard.status == HazardStatus.VERIFIED and hazard.verified_by == cast.org_admin
    _refused(lambda: hazards.hazard_rectify(hazard=hazard, actor=cast.applicant, rectification="再次"))


def test_it_refuses_a_deadline_before_the_inspection_and_strangers(cast):
    inspection = _inspection(cast, cast.in_service())
    _refused(
        lambda: hazards.hazard_create(
            inspection=inspection,
            actor=cast.org_admin,
            level=HazardLevel.GENERAL,
            description="通道堵塞",
            location="",
            deadline=inspection.inspected_on - timedelta(days=1),
        ),
        "deadline",
    )
    hazard = hazards.hazard_create(
        inspection=inspection,
        actor=cast.org_admin,
        level=HazardLevel.GENERAL,
        description="通道堵塞",
        location="",
        deadline=TODAY() + timedelta(days=3),
    )
    _refused(lambda: hazards.hazard_rectify(hazard=hazard, actor=cast.other_applicant, rectification="x"))
    _refused(lambda: hazards.hazard_verify(hazard=hazard, actor=cast.other_org_admin, verification="x"))


# --- complaints -------------------------------------------------------------------------------------------
def test_it_counts_ten_working_days_monday_to_friday():
    friday = date(2026, 11, 27)
    assert friday.weekday() == 4
    assert add_working_days(friday, 10) == date(2026, 12, 11)
    assert add_working_days(friday, 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # filed on a Saturday


def test_it_files_a_complaint_extends_it_once_and_answers_it(cast):
    policy = cast.in_service()
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(policy), actor=cast.applicant, content="服务人员迟到两小时"
    )
    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.due_on == add_working_days(TODAY(), 10)
    assert Notification.objects.filter(organisation=cast.org, title="新的服务投诉").exists()
    assert Notification.objects.filter(organisation=cast.insurer, title="新的服务投诉").exists()
    complaints.complaint_extend(complaint=complaint, actor=cast.clerk, reason="需调取现场视频核实")
    assert complaint.extended and complaint.due_on == add_working_days(TODAY(), 30)
    assert "一次" in _refused(
        lambda: complaints.complaint_extend(complaint=complaint, actor=cast.org_admin, reason="再延")
    )
    complaints.complaint_answer(
        complaint=complaint, actor=cast.org_admin, answer="经核实属实，已调整人员安排"
    )
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.answered_org == cast.org
    assert Notification.objects.filter(organisation=cast.enterprise, title="投诉已答复").exists()
    _refused(lambda: complaints.complaint_answer(complaint=complaint, actor=cast.clerk, answer="再答"))


def test_it_flags_an_overdue_complaint(cast):
    policy = cast.in_service()
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(policy), actor=cast.applicant, content="未按计划服务"
    )
    type(complaint).objects.filter(pk=complaint.pk).update(due_on=TODAY() - timedelta(days=1))
    complaint.refresh_from_db()
    assert complaint.is_overdue and complaint.status_tone == "danger"


def test_it_refuses_complaints_about_policies_without_a_service_or_of_others(cast):
    policy = cast.policy()
    _refused(lambda: complaints.complaint_file(policy=policy, actor=cast.applicant, content="x"), "policy")
    served = cast.in_service()
    _refused(
        lambda: complaints.complaint_file(
            policy=scenarios.fresh(served), actor=cast.other_applicant, content="x"
        )
    )
    assert scenarios.fresh(served).service_status == ServiceStatus.IN_SERVICE


def test_a_hazard_is_refused_with_every_problem_at_once(cast):
    """One-pass validation (issue 12 §4): the workflow names every bad field, not only the first."""
    policy = cast.in_service()
    inspection = _inspection(cast, policy)
    with pytest.raises(Refused) as refused:
        hazards.hazard_create(
            inspection=inspection,
            actor=cast.org_admin,
            level="unknown",
            description="",
            location="",
            deadline=inspection.inspected_on - timedelta(days=1),
        )
    assert set(refused.value.errors) == {"level", "description", "deadline"}
    assert not inspection.hazards.exists()
