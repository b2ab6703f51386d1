"""我的理赔 on the enterprise portal: 报案 from 我的保单, the list with progress and amounts, the claim page
(without the insurer's survey notes and files) — and another enterprise sees none of it (404)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anze.claims import scenarios, workflow
from anze.claims.models import Claim, ClaimStatus
from anze.core.testing import factories
from anze.documents import testing as files

pytestmark = pytest.mark.django_db
S = ClaimStatus
LIST = "/enterprise/claims/"


def _data(policy, **overrides):
    day = timezone.localdate() - timedelta(days=1)
    data = {
        "policy": policy.pk,
        "accident_date": day.isoformat(),
        "accident_time": "14:20",
        "accident_place": "项目基坑",
        "accident_type": "collapse",
        "description": "基坑边坡局部坍塌，一名工人被埋后救出。",
        "deaths": "0",
        "injured": "1",
        "estimated_loss": "50000.00",
        "reporter_name": "蔡明辉",
        "reporter_phone": "13860710001",
    }
    data.update(overrides)
    return data


def test_the_policy_list_links_to_a_report_on_that_policy(cast, policy, client_for):
    client = client_for(cast.applicant)
    html = client.get("/enterprise/policies/").content.decode()
    link = f"{LIST}report/?policy={policy.order.application_no}"
    assert link in html
    form = client.get(link).context["form"]
    assert (
        form.initial["policy"] == policy.pk and form.initial["reporter_phone"] == policy.order.contact_phone
    )


def test_the_enterprise_reports_with_photos(cast, policy, client_for):
    data = _data(
        policy,
        photo_1=files.upload("现场1.jpg", files.jpeg_bytes()),
        document=files.upload("情况说明.pdf", files.pdf_bytes("事故情况说明")),
    )
    response = client_for(cast.applicant).post(f"{LIST}report/", data)
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{claim.report_no}/"
    assert claim.enterprise == cast.enterprise and claim.files.count() == 2
    html = client_for(cast.applicant).get(f"{LIST}{claim.report_no}/").content.decode()
    assert "待受理" in html and "报案材料 · 现场照片" in html


def test_a_report_is_refused_beside_its_fields_and_nothing_is_saved(cast, policy, client_for):
    late = (policy.period_start - timedelta(days=1)).isoformat()
    response = client_for(cast.applicant).post(
        f"{LIST}report/",
        _data(policy, accident_date=late, accident_place="", photo_1=files.upload("x.jpg", b"no")),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["accident_place"] == ["请填写出险地点"]
    assert errors["accident_date"][0].startswith("出险时间须在保险期间内")
    assert "photo_1" in errors
    assert not Claim.objects.exists()


def test_another_enterprises_policy_is_not_offered(cast, policy, client_for):
    response = client_for(cast.other_applicant).post(f"{LIST}report/", _data(policy))
    assert response.status_code == 422 and "policy" in response.context["form"].errors
    assert not Claim.objects.exists()


def test_the_list_shows_progress_and_amounts_of_its_own_claims_only(cast, policy, client_for):
    settled = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SETTLED)
    open_claim = scenarios.report(policy, cast.clerk)
    html = client_for(cast.applicant).get(LIST).content.decode()
    assert settled.report_no in html and open_claim.report_no in html and "12,000.00" in html
    assert client_for(cast.other_applicant).get(LIST).content.decode().count("data-report-no=") == 0
    sheet = load_workbook(
        BytesIO(b"".join(client_for(cast.applicant).get(f"{LIST}export/").streaming_content))
    )
    assert sheet.active.max_row == 3


def test_the_claim_page_hides_the_insurers_survey_and_shows_the_payment(cast, policy, client_for):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    workflow.claim_survey(
        claim=scenarios.fresh(claim),
        actor=cast.clerk,
        notes="内部查勘意见：疑似违章作业",
        files={"report": ("查勘报告", files.upload("查勘.pdf", files.pdf_bytes("查勘")))},
    )
    scenarios.drive(claim, cast.clerk, S.SETTLED)
    client = client_for(cast.applicant)
    html = client.get(f"{LIST}{claim.report_no}/").content.decode()
    assert "已结案" in html and "12,000.00 元" in html and claim.case_no in html
    assert "内部查勘意见" not in html and "查勘报告" not in html and "claim-actions" not in html
    survey_file = claim.files.get()
    assert client.get(f"{LIST}{claim.report_no}/files/{survey_file.document.uuid}/").status_code == 404


def test_another_enterprise_gets_404(cast, policy, client_for):
    claim = scenarios.report(
        policy, cast.applicant, files={"photo_1": ("现场照片", files.upload("a.jpg", files.jpeg_bytes()))}
    )
    document = claim.files.get().document
    client = client_for(cast.other_applicant)
    assert client.get(f"{LIST}{claim.report_no}/").status_code == 404
    assert client.get(f"{LIST}{claim.report_no}/files/{document.uuid}/").status_code == 404
    own = client_for(cast.applicant).get(f"{LIST}{claim.report_no}/files/{document.uuid}/")
    assert own.status_code == 200


def test_the_pages_need_their_permissions(cast, client_for):
    member = factories.user(cast.enterprise)
    assert client_for(member).get(LIST).status_code == 403
    assert client_for(member).get(f"{LIST}report/").status_code == 403
    viewer = factories.user(cast.enterprise, roles=[factories.role(cast.enterprise, ["portal.claim.view"])])
    assert client_for(viewer).get(LIST).status_code == 200
    assert client_for(viewer).get(f"{LIST}report/").status_code == 403
    assert client_for(cast.clerk).get(LIST).status_code == 403
