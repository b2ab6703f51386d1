"""企业端 安全服务 pages and 投诉管理 of the insurer: confirmation, objection, rectification, complaints — for the
enterprise whose policy it is, 404 for another enterprise, 403 without permission, anonymous → login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.core.testing import factories
from anze.policies.models import ServiceStatus
from anze.prevention import attachments, complaints, hazards, scenarios, services
from anze.prevention.models import Complaint, ComplaintStatus, HazardLevel, HazardStatus, RecordStatus

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def test_it_lets_the_enterprise_confirm_each_record_and_completes_the_service(cast, client_for):
    policy = cast.in_service(counts={"training": 1})
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    c = client_for(cast.applicant)
    html = c.get(reverse("enterprise:services:records"), {"status": "pending"}).content.decode()
    assert record.place in html and "确认</a>" in html
    detail = c.get(reverse("enterprise:services:record", args=[record.uuid])).content.decode()
    assert 'data-action="confirm"' in detail and 'data-action="dispute"' in detail
    assert (
        c.post(reverse("enterprise:services:record_confirm", args=[record.uuid]), headers=HX).status_code
        == 204
    )
    assert scenarios.fresh_record(record).status == RecordStatus.CONFIRMED
    assert scenarios.fresh(policy).service_status == ServiceStatus.COMPLETED
    html = c.get(reverse("enterprise:services:policy", args=[policy.order.application_no])).content.decode()
    assert "【安信安全】安全服务已完成" in html and "1/1" in html


def test_it_takes_an_objection_with_a_reason(cast, client_for):
    record = scenarios.record(cast.in_service(), cast.org_admin, "training", [cast.staff])
    c = client_for(cast.applicant)
    url = reverse("enterprise:services:record_dispute", args=[record.uuid])
    response = c.post(url, {"reason": ""}, headers=HX)
    assert response.status_code == 422 and "请填写异议原因" in response.content.decode()
    assert c.post(url, {"reason": "参训人数与签到表不符"}, headers=HX).status_code == 204
    assert scenarios.fresh_record(record).status == RecordStatus.DISPUTED


def test_it_hides_another_enterprises_records_policies_and_files(cast, client_for):
    policy = cast.in_service()
    from anze.documents import testing as files

    uploads = attachments.Uploads(report=files.upload("报告.pdf", files.pdf_bytes()))
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff], uploads=uploads)
    other = client_for(cast.other_applicant)
    no = policy.order.application_no
    document = record.attachments.get().document
    for url in (
        reverse("enterprise:services:record", args=[record.uuid]),
        reverse("enterprise:services:record_dispute", args=[record.uuid]),
        reverse("enterprise:services:policy", args=[no]),
        reverse("enterprise:services:file", args=[no, document.uuid]),
        reverse("enterprise:services:complaint_add", args=[no]),
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(reverse("enterprise:services:record_confirm", args=[record.uuid])).status_code == 404
    assert scenarios.fresh_record(record).status == RecordStatus.PENDING
    assert (
        client_for(cast.applicant)
        .get(reverse("enterprise:services:file", args=[no, document.uuid]))
        .status_code
        == 200
    )


@pytest.mark.parametrize("name", ["services:records", "services:hazards", "services:complaints"])
def test_it_requires_the_permission_and_sign_in(cast, client_for, name):
    url = reverse(f"enterprise:{name}")
    limited = factories.user(cast.enterprise, roles=[], name="无权限")
    assert client_for(limited).get(url).status_code == 403
    assert client_for(cast.org_admin).get(url).status_code == 403
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/enterprise/login/")
    assert client_for(cast.applicant).get(url).status_code == 200


def test_it_lets_the_enterprise_rectify_a_hazard(cast, client_for):
    policy = cast.in_service()
    inspection = services.inspection_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=services.InspectionData(
            timezone.localdate(), "车间", [cast.staff], "检查", attachments.Uploads()
        ),
    )
    hazard = hazards.hazard_create(
        inspection=inspection,
        actor=cast.org_admin,
        level=HazardLevel.MAJOR,
        description="叉车无证驾驶",
        location="",
        deadline=timezone.localdate() + timedelta(days=3),
    )
    c = client_for(cast.applicant)
    assert "叉车无证驾驶" in c.get(reverse("enterprise:services:hazards")).content.decode()
    url = reverse("enterprise:services:hazard_rectify", args=[hazard.uuid])
    assert c.post(url, {"rectification": ""}, headers=HX).status_code == 422
    assert c.post(url, {"rectification": "已安排持证司机"}, headers=HX).status_code == 204
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED
    assert client_for(cast.other_applicant).get(url).status_code == 404


def test_it_files_a_complaint_that_the_insurer_and_the_organisation_answer(cast, client_for):
    policy = cast.in_service()
    c = client_for(cast.applicant)
    url = reverse("enterprise:services:complaint_add", args=[policy.order.application_no])
    assert c.post(url, {"content": ""}, headers=HX).status_code == 422
    assert c.post(url, {"content": "服务人员态度差"}, headers=HX).status_code == 204
    complaint = Complaint.objects.get()
    for user, side in ((cast.clerk, "insurer"), (cast.org_admin, "service")):
        html = client_for(user).get(reverse(f"{side}:complaints:list")).content.decode()
        assert "服务人员态度差" in html and f"{complaint.due_on:%Y-%m-%d}" in html
    assert (
        client_for(cast.other_clerk)
        .get(reverse("insurer:complaints:detail", args=[complaint.uuid]))
        .status_code
        == 404
    )
    assert (
        client_for(cast.other_org_admin)
        .get(reverse("service:complaints:detail", args=[complaint.uuid]))
        .status_code
        == 404
    )
    insurer = client_for(cast.clerk)
    extend = reverse("insurer:complaints:extend", args=[complaint.uuid])
    assert insurer.post(extend, {"reason": "需调取监控核实"}, headers=HX).status_code == 204
    assert "答复期限只能延长一次" in insurer.post(extend, {"reason": "再延"}, headers=HX).content.decode()
    answer = reverse("service:complaints:answer", args=[complaint.uuid])
    assert (
        client_for(cast.org_admin).post(answer, {"answer": "已更换服务人员并致歉"}, headers=HX).status_code
        == 204
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ANSWERED
    html = c.get(reverse("enterprise:services:complaint", args=[complaint.uuid])).content.decode()
    assert "已更换服务人员并致歉" in html


def test_it_flags_overdue_complaints_in_red(cast, client_for):
    policy = cast.in_service()
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(policy), actor=cast.applicant, content="未到场"
    )
    Complaint.objects.filter(pk=complaint.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    html = (
        client_for(cast.org_admin)
        .get(reverse("service:complaints:list"), {"status": "overdue"})
        .content.decode()
    )
    assert "未到场" in html and "已逾期" in html


def test_it_shows_what_waits_on_each_sides_home(cast, client_for):
    policy = cast.in_service()
    scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    cast.policy()
    insurer_home = client_for(cast.clerk).get(reverse("insurer:home")).content.decode()
    assert "待申请安全服务" in insurer_home and "?tab=none" in insurer_home
    service_home = client_for(cast.org_admin).get(reverse("service:home")).content.decode()
    assert "待企业确认记录" in service_home
    enterprise_home = client_for(cast.applicant).get(reverse("enterprise:home")).content.decode()
    assert "待确认服务记录" in enterprise_home and "?status=pending" in enterprise_home
