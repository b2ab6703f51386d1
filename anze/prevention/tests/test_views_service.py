"""服务机构端 views: each page for the organisation's users, 403 without permission, 404 across organisations
(a policy never assigned to it, or assigned then declined), anonymous → login, and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.core.testing import factories
from anze.documents import testing as files
from anze.policies.models import ServiceStatus
from anze.prevention import attachments, scenarios
from anze.prevention.models import Attachment, Hazard, Inspection, RecordStatus, ServiceRecord, Staff

pytestmark = pytest.mark.django_db


def _record_post(cast, policy, **overrides):
    data = {
        "item": str(scenarios.record_data(policy, "training", [cast.staff]).item.pk),
        "served_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "place": "一号车间",
        "staff": [str(cast.staff.pk)],
        "content": "全员安全生产教育培训",
        "hazards_found": "",
        "follow_up": "",
    }
    data.update(overrides)
    return data


# --- pages ------------------------------------------------------------------------------------------------
def test_it_shows_every_page_to_the_organisation(cast, client_for):
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    inspection = scenarios_inspection(cast, policy)
    c = client_for(cast.org_admin)
    no = policy.order.application_no
    urls = [
        reverse("service:home"),
        reverse("service:service_orders:list"),
        reverse("service:service_orders:list") + "?tab=in_service",
        reverse("service:service_orders:detail", args=[no]),
        reverse("service:service_orders:plan_add", args=[no]),
        reverse("service:service_orders:record_add", args=[no]),
        reverse("service:service_records:list"),
        reverse("service:service_orders:record", args=[record.uuid]),
        reverse("service:service_orders:record_edit", args=[record.uuid]),
        reverse("service:service_orders:record_attach", args=[record.uuid]),
        reverse("service:inspections:list"),
        reverse("service:inspections:add"),
        reverse("service:inspections:detail", args=[inspection.uuid]),
        reverse("service:inspections:hazard_add", args=[inspection.uuid]),
        reverse("service:videos:list"),
        reverse("service:videos:upload"),
        reverse("service:staff:list"),
        reverse("service:staff:add"),
        reverse("service:staff:edit", args=[cast.staff.pk]),
        reverse("service:complaints:list"),
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, url


def scenarios_inspection(cast, policy):
    from anze.prevention import services

    return services.inspection_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=services.InspectionData(
            inspected_on=timezone.localdate() - timedelta(days=1),
            place="仓库",
            staff=[cast.staff],
            summary="消防设施、用电安全检查",
            uploads=attachments.Uploads(),
        ),
    )


# --- tenancy and permissions ------------------------------------------------------------------------------
def _service_urls(policy, record):
    no = policy.order.application_no
    return [
        reverse("service:service_orders:detail", args=[no]),
        reverse("service:service_orders:plan_add", args=[no]),
        reverse("service:service_orders:record_add", args=[no]),
        reverse("service:service_orders:record", args=[record.uuid]),
        reverse("service:service_orders:record_edit", args=[record.uuid]),
        reverse("service:service_orders:record_attach", args=[record.uuid]),
        reverse("service:service_orders:decline", args=[no]),
    ]


def test_it_hides_a_policy_from_every_other_organisation(cast, client_for):
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    other = client_for(cast.other_org_admin)
    for url in _service_urls(policy, record):
        assert other.get(url).status_code == 404, url
    no = policy.order.application_no
    assert other.post(reverse("service:service_orders:accept", args=[no])).status_code == 404
    assert cast.policy().policy_no not in other.get(reverse("service:service_orders:list")).content.decode()
    assert "暂无数据" in other.get(reverse("service:service_records:list")).content.decode()


def test_it_hides_a_policy_the_organisation_declined(cast, client_for):
    policy = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    c = client_for(cast.org_admin)
    no = policy.order.application_no
    url = reverse("service:service_orders:decline", args=[no])
    response = c.post(url, {"reason": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "请填写拒绝原因" in response.content.decode()
    assert c.post(url, {"reason": "距离太远"}, headers={"HX-Request": "true"}).status_code == 204
    assert c.get(reverse("service:service_orders:detail", args=[no])).status_code == 404
    assert policy.policy_no not in c.get(reverse("service:service_orders:list")).content.decode()


def test_it_accepts_from_the_list(cast, client_for):
    policy = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    c = client_for(cast.org_admin)
    html = c.get(reverse("service:service_orders:list")).content.decode()
    assert policy.policy_no in html and "接受" in html and "培训" in html
    response = c.post(
        reverse("service:service_orders:accept", args=[policy.order.application_no]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert scenarios.fresh(policy).service_status == ServiceStatus.IN_SERVICE


@pytest.mark.parametrize(
    "name",
    [
        "service_orders:list",
        "service_records:list",
        "inspections:list",
        "videos:list",
        "staff:list",
        "complaints:list",
    ],
)
def test_it_requires_the_permission_and_a_signed_in_user_of_the_side(cast, client_for, name):
    url = reverse(f"service:{name}")
    limited = factories.user(cast.org, roles=[], name="无权限")
    assert client_for(limited).get(url).status_code == 403
    assert client_for(cast.clerk).get(url).status_code == 403
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith("/service/login/")
    assert client_for(cast.org_admin).get(url).status_code == 200


# --- bad input --------------------------------------------------------------------------------------------
def test_it_refuses_bad_record_input_beside_the_field(cast, client_for):
    policy = cast.in_service(started_days_ago=10)
    c = client_for(cast.org_admin)
    url = reverse("service:service_orders:record_add", args=[policy.order.application_no])
    cases = [
        ({"served_on": (policy.period_start - timedelta(days=1)).isoformat()}, "须在保险期间内"),
        ({"served_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "不能晚于今天"),
        ({"staff": [str(cast.expired_staff.pk)]}, "已于"),
        ({"place": ""}, "请填写服务地点"),
        ({"report": files.upload("报告.pdf", files.png_bytes())}, "PDF"),
        ({"photo": files.upload("照片.pdf", files.pdf_bytes())}, "只能上传jpg/png文件"),
        ({"video": files.upload("视频.mp4", files.pdf_bytes())}, "MP4"),
    ]
    for overrides, message in cases:
        response = c.post(url, _record_post(cast, policy, **overrides))
        assert response.status_code == 422, overrides
        assert message in response.content.decode(), (overrides, message)
    assert not ServiceRecord.objects.exists()
    response = c.post(url, _record_post(cast, policy, report=files.upload("服务报告.pdf", files.pdf_bytes())))
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.attachments.get().document.kind == "service_report"


def test_it_reports_every_bad_record_field_in_one_submission(cast, client_for):
    """One-pass validation (issue 12 §4): a missing 服务地点 and a bad photo no longer hide a 服务日期 outside
    the policy period or a staff member whose certificate expired."""
    policy = cast.in_service(started_days_ago=10)
    c = client_for(cast.org_admin)
    url = reverse("service:service_orders:record_add", args=[policy.order.application_no])
    data = _record_post(
        cast,
        policy,
        place="",
        served_on=(policy.period_start - timedelta(days=1)).isoformat(),
        staff=[str(cast.expired_staff.pk)],
        photo=files.upload("照片.pdf", files.pdf_bytes()),
    )
    response = c.post(url, data)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "place" in errors and "只能上传jpg/png文件" in errors["photo"][0]
    assert "须在保险期间内" in errors["served_on"][0]
    assert "已于" in errors["staff"][0]
    assert not ServiceRecord.objects.exists()


def test_it_reports_every_bad_plan_and_inspection_field_in_one_submission(cast, client_for):
    """One-pass validation: a missing 服务内容/检查地点 no longer hides a day outside the policy period or a staff
    member whose certificate expired."""
    from anze.prevention.models import PlannedVisit

    policy = cast.in_service(started_days_ago=10)
    c = client_for(cast.org_admin)
    outside = (policy.period_start - timedelta(days=1)).isoformat()
    plan = {
        "item": str(scenarios.record_data(policy, "training", [cast.staff]).item.pk),
        "planned_on": outside,
        "staff": [str(cast.expired_staff.pk)],
        "content": "",
    }
    response = c.post(reverse("service:service_orders:plan_add", args=[policy.order.application_no]), plan)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert (
        "content" in errors and "须在保险期间内" in errors["planned_on"][0] and "已于" in errors["staff"][0]
    )
    assert not PlannedVisit.objects.exists()
    inspection = {
        "policy": str(policy.pk),
        "inspected_on": outside,
        "place": "",
        "staff": [str(cast.expired_staff.pk)],
        "summary": "消防通道检查",
    }
    response = c.post(reverse("service:inspections:add"), inspection)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert (
        "place" in errors and "须在保险期间内" in errors["inspected_on"][0] and "已于" in errors["staff"][0]
    )
    assert not Inspection.objects.exists()


def test_it_refuses_an_oversize_video_in_chinese_without_keeping_it(cast, client_for, settings):
    settings.VIDEO_UPLOAD_MAX_BYTES = 4096
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    c = client_for(cast.org_admin)
    url = reverse("service:service_orders:record_attach", args=[record.uuid])
    response = c.post(
        url, {"file": files.upload("演练.mp4", files.mp4_bytes(size=9000))}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "文件大小不能超过4KB" in response.content.decode()
    assert not Attachment.objects.exists()
    ok = c.post(
        url, {"file": files.upload("演练.mp4", files.mp4_bytes(size=2000))}, headers={"HX-Request": "true"}
    )
    assert ok.status_code == 204 and Attachment.objects.get().document.is_video


def test_it_refuses_to_edit_a_confirmed_record_and_offers_a_correction(cast, client_for):
    policy = cast.in_service()
    record = scenarios.confirm(
        scenarios.record(policy, cast.org_admin, "training", [cast.staff]), cast.applicant
    )
    c = client_for(cast.org_admin)
    response = c.post(
        reverse("service:service_orders:record_edit", args=[record.uuid]),
        _record_post(cast, policy, place="改"),
    )
    assert response.status_code == 302
    assert ServiceRecord.objects.get(pk=record.pk).place != "改"
    html = c.get(reverse("service:service_orders:record", args=[record.uuid])).content.decode()
    assert "新增更正记录" in html and "修改</a>" not in html
    correct_url = reverse("service:service_orders:record_correct", args=[record.uuid])
    response = c.post(correct_url, _record_post(cast, policy, place="更正后的地点"))
    assert response.status_code == 302
    correction = ServiceRecord.objects.get(corrects=record)
    assert correction.place == "更正后的地点" and correction.status == RecordStatus.PENDING


def test_it_plays_a_video_with_range_requests_for_its_organisation_only(cast, client_for):
    policy = cast.in_service()
    uploads = attachments.Uploads(video=files.upload("演练.mp4", files.mp4_bytes(size=5000)))
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff], uploads=uploads)
    document = record.attachments.get().document
    c = client_for(cast.org_admin)
    assert "<video" in c.get(reverse("service:videos:play", args=[document.uuid])).content.decode()
    stream = reverse("service:videos:stream", args=[document.uuid])
    response = c.get(stream, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206 and response["Content-Range"] == "bytes 100-199/5000"
    assert len(b"".join(response.streaming_content)) == 100
    assert client_for(cast.other_org_admin).get(stream).status_code == 404
    assert client_for(cast.clerk).get(stream).status_code == 403


def test_it_manages_staff_with_certificates_and_flags_the_expired(cast, client_for):
    c = client_for(cast.org_admin)
    data = {
        "name": "林新员",
        "mobile": "13960719999",
        "title": "安全评价师",
        "cert-TOTAL_FORMS": "2",
        "cert-INITIAL_FORMS": "0",
        "cert-MIN_NUM_FORMS": "0",
        "cert-MAX_NUM_FORMS": "10",
        "cert-0-name": "注册安全工程师",
        "cert-0-number": "AQ2026001",
        "cert-0-expires_on": "2020-01-01",
        "cert-1-name": "",
        "cert-1-number": "",
        "cert-1-expires_on": "",
    }
    response = c.post(reverse("service:staff:add"), data, headers={"HX-Request": "true"})
    assert response.status_code == 204
    staff = Staff.objects.get(name="林新员")
    assert staff.certificates.get().is_expired
    html = c.get(reverse("service:staff:list")).content.decode()
    assert 'class="cert expired"' in html and "（已过期）" in html
    bad = {**data, "mobile": "123"}
    assert c.post(reverse("service:staff:add"), bad, headers={"HX-Request": "true"}).status_code == 422
    assert (
        client_for(cast.other_org_admin).get(reverse("service:staff:edit", args=[staff.pk])).status_code
        == 404
    )
    form = c.get(reverse("service:service_orders:record_add", args=[cast.in_service().order.application_no]))
    assert "证书“注册安全工程师”已于2020-01-01过期" in form.content.decode()


def test_it_records_an_inspection_with_hazards(cast, client_for):
    policy = cast.in_service()
    c = client_for(cast.org_admin)
    data = {
        "policy": str(policy.pk),
        "inspected_on": timezone.localdate().isoformat(),
        "place": "成品仓库",
        "staff": [str(cast.staff.pk)],
        "summary": "消防通道、电气线路检查",
    }
    response = c.post(reverse("service:inspections:add"), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    url = reverse("service:inspections:hazard_add", args=[inspection.uuid])
    bad = {"level": "major", "description": "疏散通道堵塞", "deadline": "2000-01-01"}
    response = c.post(url, bad, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "整改期限不能早于检查日期" in response.content.decode()
    ok = {
        **bad,
        "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "photo": files.upload("隐患.jpg", files.jpeg_bytes()),
    }
    assert c.post(url, ok, headers={"HX-Request": "true"}).status_code == 204
    hazard = Hazard.objects.get()
    assert hazard.attachments.count() == 1
    assert (
        client_for(cast.other_org_admin)
        .get(reverse("service:inspections:detail", args=[inspection.uuid]))
        .status_code
        == 404
    )


def test_it_lists_service_orders_with_a_constant_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    from anze.policies import scenarios as policy_scenarios
    from anze.policies.models import Policy

    def add(n):
        for _ in range(n):
            order = policy_scenarios.offline_order(
                insurer_user=cast.clerk, enterprise=cast.enterprise, issued=True
            )
            scenarios.assign(Policy.objects.get(order=order), cast.clerk, cast.org)

    c = client_for(cast.org_admin)
    add(5)
    c.get(reverse("service:service_orders:list"))
    with django_assert_max_num_queries(12) as small:
        c.get(reverse("service:service_orders:list"), {"size": 50})
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = c.get(reverse("service:service_orders:list"), {"size": 50})
    assert response.content.decode().count('data-action="accept"') == 30


@pytest.mark.parametrize(
    "fake",
    [
        b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41\x00\x00\x00\x08moov",
        b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41\x00\x00\x00\x08moov"
        + (8 + len(b"<html><script></script>")).to_bytes(4, "big")
        + b"free<html><script></script>",
        files.mp4_bytes()[: files.mp4_bytes().index(b"mdat") - 4]
        + (8 + 4096).to_bytes(4, "big")
        + b"mdat"
        + bytes(4096),
    ],
    ids=["ftyp-and-empty-moov", "html-in-free-box", "zeros-in-mdat"],
)
def test_it_refuses_a_fake_video_in_chinese_without_keeping_it(cast, client_for, fake):
    """Security review, finding 11: files with MP4 boxes but no video were stored and served as video/mp4."""
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    url = reverse("service:service_orders:record_attach", args=[record.uuid])
    response = client_for(cast.org_admin).post(
        url, {"file": files.upload("演练.mp4", fake)}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "MP4文件中没有可播放的视频画面" in response.content.decode()
    assert not Attachment.objects.exists()


def _staff_post(**extra: str) -> dict[str, str]:
    data = {
        "name": "林志强",
        "mobile": "13960711009",
        "title": "安全工程师",
        "cert-TOTAL_FORMS": "2",
        "cert-INITIAL_FORMS": "0",
        "cert-MIN_NUM_FORMS": "0",
        "cert-MAX_NUM_FORMS": "10",
        "cert-0-name": "注册安全工程师",
        "cert-0-number": "ZA2026001",
        "cert-0-expires_on": str(timezone.localdate() + timedelta(days=365)),
    }
    return {**data, **extra}


def test_it_adds_a_staff_member_with_the_certificates_of_the_form(cast, client_for):
    c = client_for(cast.org_admin)
    url = reverse("service:staff:add")
    response = c.post(url, _staff_post(), headers={"HX-Request": "true"})
    assert response.status_code == 204
    member = Staff.objects.get(organisation=cast.org, name="林志强")
    assert [(x.name, x.number) for x in member.certificates.all()] == [("注册安全工程师", "ZA2026001")]


def test_a_half_filled_certificate_or_a_bad_date_saves_no_one(cast, client_for):
    c = client_for(cast.org_admin)
    url = reverse("service:staff:add")
    half = c.post(url, _staff_post(**{"cert-0-number": ""}), headers={"HX-Request": "true"})
    assert half.status_code == 422 and "请填写完整的证书名称、证书编号和有效期" in half.content.decode()
    bad_date = c.post(url, _staff_post(**{"cert-0-expires_on": "不是日期"}))
    assert bad_date.status_code == 422
    assert bad_date.context["form"].certificates.forms[0].errors["expires_on"]
    assert not Staff.objects.filter(name="林志强").exists()
