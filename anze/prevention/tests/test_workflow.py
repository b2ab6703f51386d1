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
def test_it_creates_a_record_that_waits_for_the_enterprise(svc):
    policy = svc.in_service()
    record = scenarios.record(policy, svc.org_admin, "training", [svc.staff])
    assert record.status == RecordStatus.PENDING and record.service_org == svc.org
    message = Notification.objects.get(organisation=svc.enterprise, title="服务记录待确认")
    assert message.link == f"/enterprise/services/records/{record.uuid}/"
    assert SmsMessage.objects.filter(phone=policy.order.contact_phone, text__contains="服务记录").exists()
    assert ServiceEvent.objects.filter(subject_uuid=record.uuid, action="create").count() == 1


@pytest.mark.parametrize(
    ("offset", "message"),
    [("before", "保险期间内"), ("after", "保险期间内"), ("future", "不能晚于今天")],
)
def test_it_refuses_a_service_date_outside_the_period_or_in_the_future(svc, offset, message):
    policy = svc.in_service(started_days_ago=10)
    day = {
        "before": policy.period_start - timedelta(days=1),
        "after": policy.period_end + timedelta(days=1),
        "future": TODAY() + timedelta(days=1),
    }[offset]
    text = _refused(
        lambda: scenarios.record(policy, svc.org_admin, "training", [svc.staff], served_on=day), "served_on"
    )
    assert message in text
    assert not ServiceRecord.objects.exists()


def test_it_refuses_staff_with_an_expired_certificate_or_of_another_organisation(svc):
    policy = svc.in_service()
    text = _refused(lambda: scenarios.record(policy, svc.org_admin, "training", [svc.expired_staff]), "staff")
    assert "王过期" in text and "过期" in text
    foreign = scenarios.staff(svc.other_org, "赵外援")
    _refused(lambda: scenarios.record(policy, svc.org_admin, "training", [foreign]), "staff")
    _refused(lambda: scenarios.record(policy, svc.org_admin, "training", []), "staff")
    assert not ServiceRecord.objects.exists()


def test_it_refuses_an_item_that_is_not_contracted(svc):
    policy = svc.in_service(counts={"training": 1})
    _refused(lambda: scenarios.record(policy, svc.org_admin, "emergency_plan", [svc.staff]), "item")


def test_it_refuses_records_before_acceptance_and_from_another_organisation(svc):
    policy = scenarios.assign(svc.policy(), svc.clerk, svc.org)
    _refused(lambda: scenarios.record(policy, svc.org_admin, "training", [svc.staff]))
    accepted = scenarios.accept(policy, svc.org_admin)
    other_staff = scenarios.staff(svc.other_org, "赵外援")
    _refused(lambda: scenarios.record(accepted, svc.other_org_admin, "training", [other_staff]))


def test_it_never_changes_a_confirmed_record_and_corrects_it_with_a_linked_one(svc):
    policy = svc.in_service()
    record = scenarios.confirm(
        scenarios.record(policy, svc.org_admin, "training", [svc.staff]), svc.applicant
    )
    data = scenarios.record_data(policy, "training", [svc.staff], place="改过的地点")
    _refused(
        lambda: records.record_update(record=scenarios.fresh_record(record), actor=svc.org_admin, data=data)
    )
    upload = scenarios.report_pdf()
    _refused(
        lambda: records.record_add_attachment(
            record=scenarios.fresh_record(record), actor=svc.org_admin, upload=upload
        )
    )
    assert ServiceRecord.objects.get(pk=record.pk).place != "改过的地点"
    with pytest.raises(ArchivedError):
        ServiceRecord.objects.get(pk=record.pk).delete()
    # The correction keeps the original's item even when another is asked for.
    data = scenarios.record_data(policy, "hazard_inspection", [svc.staff], place="改过的地点")
    correction = records.record_create(
        policy=scenarios.fresh(policy), actor=svc.org_admin, data=data, corrects=record
    )
    assert correction.corrects == record and correction.item == record.item
    assert correction.status == RecordStatus.PENDING


def test_it_lets_the_organisation_fix_a_disputed_record_which_then_waits_again(svc):
    policy = svc.in_service()
    record = scenarios.record(policy, svc.org_admin, "training", [svc.staff])
    records.record_dispute(record=scenarios.fresh_record(record), actor=svc.applicant, reason="培训人数不符")
    assert Notification.objects.filter(organisation=svc.org, title="服务记录有异议").exists()
    _refused(
        lambda: records.record_dispute(
            record=scenarios.fresh_record(record), actor=svc.applicant, reason="再次"
        )
    )
    data = scenarios.record_data(policy, "training", [svc.staff], content="培训32人，附签到表")
    records.record_update(record=scenarios.fresh_record(record), actor=svc.org_admin, data=data)
    fresh = scenarios.fresh_record(record)
    assert fresh.status == RecordStatus.PENDING and fresh.dispute_reason == ""
    event = ServiceEvent.objects.get(subject_uuid=record.uuid, action="edit")
    assert event.changes["服务内容"][1] == "培训32人，附签到表"


def test_it_requires_a_reason_for_an_objection(svc):
    record = scenarios.record(svc.in_service(), svc.org_admin, "training", [svc.staff])
    _refused(lambda: records.record_dispute(record=record, actor=svc.applicant, reason=""), "reason")


def test_it_refuses_the_confirmation_of_another_enterprise(svc):
    record = scenarios.record(svc.in_service(), svc.org_admin, "training", [svc.staff])
    _refused(lambda: records.record_confirm(record=scenarios.fresh_record(record), actor=svc.other_applicant))
    _refused(lambda: records.record_confirm(record=scenarios.fresh_record(record), actor=svc.org_admin))
    assert scenarios.fresh_record(record).status == RecordStatus.PENDING


def test_it_stores_the_record_files_with_their_kinds(svc):
    policy = svc.in_service()
    from anze.documents import testing as files

    uploads = attachments.Uploads(
        report=scenarios.report_pdf(),
        photo=files.upload("现场.jpg", files.jpeg_bytes()),
        video=files.upload("现场.mp4", files.mp4_bytes()),
    )
    record = scenarios.record(policy, svc.org_admin, "training", [svc.staff], uploads=uploads)
    kinds = sorted(a.document.kind for a in record.attachments.select_related("document"))
    assert kinds == ["photo", "service_report", "video"]


# --- plans ------------------------------------------------------------------------------------------------
def test_it_plans_visits_inside_the_period_only(svc):
    policy = svc.in_service()
    future_day = min(policy.period_end, TODAY() + timedelta(days=30))
    data = services.PlanData(
        item=scenarios.record_data(policy, "training", []).item,
        planned_on=future_day,
        staff=[svc.staff],
        content="季度培训",
    )
    visit = services.plan_add(policy=policy, actor=svc.org_admin, data=data)
    assert visit.planned_on == future_day
    data.planned_on = policy.period_end + timedelta(days=1)
    _refused(lambda: services.plan_add(policy=policy, actor=svc.org_admin, data=data), "planned_on")
    data.planned_on, data.staff = future_day, [svc.expired_staff]
    _refused(lambda: services.plan_add(policy=policy, actor=svc.org_admin, data=data), "staff")


# --- hazards ----------------------------------------------------------------------------------------------
def _inspection(svc, policy):
    return services.inspection_create(
        policy=scenarios.fresh(policy),
        actor=svc.org_admin,
        data=services.InspectionData(
            inspected_on=TODAY() - timedelta(days=3),
            place="仓库",
            staff=[svc.staff],
            summary="消防检查",
            uploads=attachments.Uploads(),
        ),
    )


def test_it_takes_a_hazard_through_rectification_and_verification(svc):
    policy = svc.in_service()
    inspection = _inspection(svc, policy)
    hazard = hazards.hazard_create(
        inspection=inspection,
        actor=svc.org_admin,
        level=HazardLevel.MAJOR,
        description="配电箱未接地",
        location="二号车间",
        deadline=TODAY() + timedelta(days=7),
    )
    assert hazard.status == HazardStatus.OPEN
    assert Notification.objects.filter(organisation=svc.enterprise, title="隐患整改通知").exists()
    hazards.hazard_rectify(hazard=hazard, actor=svc.applicant, rectification="已加装接地线")
    assert Notification.objects.filter(organisation=svc.org, title="隐患已整改，待复查").exists()
    hazards.hazard_reopen(hazard=hazard, actor=svc.org_admin, reason="接地电阻仍超标")
    assert hazard.status == HazardStatus.OPEN
    hazards.hazard_rectify(hazard=hazard, actor=svc.org_admin, rectification="更换接地极，复测合格")
    hazards.hazard_verify(hazard=hazard, actor=svc.org_admin, verification="复查合格")
    assert hazard.status == HazardStatus.VERIFIED and hazard.verified_by == svc.org_admin
    _refused(lambda: hazards.hazard_rectify(hazard=hazard, actor=svc.applicant, rectification="再次"))


def test_it_refuses_a_deadline_before_the_inspection_and_strangers(svc):
    inspection = _inspection(svc, svc.in_service())
    _refused(
        lambda: hazards.hazard_create(
            inspection=inspection,
            actor=svc.org_admin,
            level=HazardLevel.GENERAL,
            description="通道堵塞",
            location="",
            deadline=inspection.inspected_on - timedelta(days=1),
        ),
        "deadline",
    )
    hazard = hazards.hazard_create(
        inspection=inspection,
        actor=svc.org_admin,
        level=HazardLevel.GENERAL,
        description="通道堵塞",
        location="",
        deadline=TODAY() + timedelta(days=3),
    )
    _refused(lambda: hazards.hazard_rectify(hazard=hazard, actor=svc.other_applicant, rectification="x"))
    _refused(lambda: hazards.hazard_verify(hazard=hazard, actor=svc.other_org_admin, verification="x"))


# --- complaints -------------------------------------------------------------------------------------------
def test_it_counts_ten_working_days_monday_to_friday():
    friday = date(2026, 11, 27)
    assert friday.weekday() == 4
    assert add_working_days(friday, 10) == date(2026, 12, 11)
    assert add_working_days(friday, 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # filed on a Saturday


def test_it_files_a_complaint_extends_it_once_and_answers_it(svc):
    policy = svc.in_service()
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(policy), actor=svc.applicant, content="服务人员迟到两小时"
    )
    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.due_on == add_working_days(TODAY(), 10)
    assert Notification.objects.filter(organisation=svc.org, title="新的服务投诉").exists()
    assert Notification.objects.filter(organisation=svc.insurer, title="新的服务投诉").exists()
    complaints.complaint_extend(complaint=complaint, actor=svc.clerk, reason="需调取现场视频核实")
    assert complaint.extended and complaint.due_on == add_working_days(TODAY(), 30)
    assert "一次" in _refused(
        lambda: complaints.complaint_extend(complaint=complaint, actor=svc.org_admin, reason="再延")
    )
    complaints.complaint_answer(complaint=complaint, actor=svc.org_admin, answer="经核实属实，已调整人员安排")
    assert complaint.status == ComplaintStatus.ANSWERED and complaint.answered_org == svc.org
    assert Notification.objects.filter(organisation=svc.enterprise, title="投诉已答复").exists()
    _refused(lambda: complaints.complaint_answer(complaint=complaint, actor=svc.clerk, answer="再答"))


def test_it_flags_an_overdue_complaint(svc):
    policy = svc.in_service()
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(policy), actor=svc.applicant, content="未按计划服务"
    )
    type(complaint).objects.filter(pk=complaint.pk).update(due_on=TODAY() - timedelta(days=1))
    complaint.refresh_from_db()
    assert complaint.is_overdue and complaint.status_tone == "danger"


def test_it_refuses_complaints_about_policies_without_a_service_or_of_others(svc):
    policy = svc.policy()
    _refused(lambda: complaints.complaint_file(policy=policy, actor=svc.applicant, content="x"), "policy")
    served = svc.in_service()
    _refused(
        lambda: complaints.complaint_file(
            policy=scenarios.fresh(served), actor=svc.other_applicant, content="x"
        )
    )
    assert scenarios.fresh(served).service_status == ServiceStatus.IN_SERVICE


def test_a_hazard_is_refused_with_every_problem_at_once(svc):
    """One-pass validation (issue 12 §4): the workflow names every bad field, not only the first."""
    policy = svc.in_service()
    inspection = _inspection(svc, policy)
    with pytest.raises(Refused) as refused:
        hazards.hazard_create(
            inspection=inspection,
            actor=svc.org_admin,
            level="unknown",
            description="",
            location="",
            deadline=inspection.inspected_on - timedelta(days=1),
        )
    assert set(refused.value.errors) == {"level", "description", "deadline"}
    assert not inspection.hazards.exists()
