"""理赔查询 of the regulator: read-only, within its jurisdiction (a county sees its county), with 导出."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from anze.basedata.models import Region
from anze.claims import scenarios, workflow
from anze.claims.models import ClaimFileStage, ClaimStatus
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing as files
from anze.prevention import scenarios as policy_scenarios

from .conftest import LIMITS

pytestmark = pytest.mark.django_db
LIST = "/regulator/claims/"


@pytest.fixture
def claims(cast, policy):
    jinjiang = Region.objects.get(code="350582")
    org = factories.organisation(Side.ENTERPRISE, name="晋江测试鞋材有限公司", region=jinjiang)
    user = factories.user(org, admin=True)
    other = policy_scenarios.issued_policy(
        insurer_user=cast.clerk, enterprise_user=user, scheme_overrides=LIMITS
    )
    fengze_claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, ClaimStatus.SURVEYED)
    jinjiang_claim = scenarios.report(other, user)
    return fengze_claim, jinjiang_claim


def regulator(code: str):
    return factories.user(
        factories.organisation(Side.REGULATOR, region=Region.objects.get(code=code)), admin=True
    )


def test_each_regulator_sees_its_jurisdiction(claims, client_for):
    fengze_claim, jinjiang_claim = claims
    seen = {
        code: client_for(regulator(code)).get(LIST).content.decode()
        for code in ("350500", "350503", "350582")
    }
    assert fengze_claim.report_no in seen["350500"] and jinjiang_claim.report_no in seen["350500"]
    assert fengze_claim.report_no in seen["350503"] and jinjiang_claim.report_no not in seen["350503"]
    assert jinjiang_claim.report_no in seen["350582"] and fengze_claim.report_no not in seen["350582"]


def test_the_claim_page_is_read_only_and_404_outside_the_jurisdiction(claims, client_for):
    fengze_claim, _ = claims
    html = client_for(regulator("350503")).get(f"{LIST}{fengze_claim.report_no}/").content.decode()
    assert fengze_claim.case_no in html and "claim-actions" not in html
    assert "已现场查勘" not in html  # the insurer's survey notes
    assert "138****0001" in html  # the reporter's phone masked on a shared screen
    assert client_for(regulator("350582")).get(f"{LIST}{fengze_claim.report_no}/").status_code == 404


def test_the_export_follows_the_jurisdiction_and_filters(claims, client_for):
    _fengze_claim, jinjiang_claim = claims
    client = client_for(regulator("350500"))
    response = client.get(f"{LIST}export/", {"region": Region.objects.get(code="350582").pk})
    rows = list(
        load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert [row[0] for row in rows[1:]] == [jinjiang_claim.report_no]


def test_the_list_needs_the_view_permission(client_for, cast):
    member = factories.user(factories.organisation(Side.REGULATOR, region=Region.objects.get(code="350500")))
    assert client_for(member).get(LIST).status_code == 403
    assert client_for(cast.applicant).get(LIST).status_code == 403


def test_the_regulator_sees_the_reports_files_not_the_insurers_survey(cast, policy, client_for):
    claim = scenarios.report(
        policy, cast.applicant, files={"photo_1": ("现场照片", files.upload("现场.jpg", files.jpeg_bytes()))}
    )
    claim = scenarios.drive(claim, cast.clerk, ClaimStatus.REGISTERED)
    workflow.claim_survey(
        claim=scenarios.fresh(claim),
        actor=cast.clerk,
        notes="内部查勘意见",
        files={"report": ("查勘报告", files.upload("查勘.pdf", files.pdf_bytes("查勘")))},
    )
    photo = claim.files.get(stage=ClaimFileStage.REPORT).document
    survey = claim.files.get(stage=ClaimFileStage.SURVEY).document
    page = f"{LIST}{claim.report_no}/"
    client = client_for(regulator("350503"))
    html = client.get(page).content.decode()
    assert "现场照片" in html and f"files/{photo.uuid}/" in html
    assert "查勘报告" not in html and str(survey.uuid) not in html
    shown = client.get(f"{page}files/{photo.uuid}/?inline=1")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert client.get(f"{page}files/{survey.uuid}/").status_code == 404
    # Outside the jurisdiction (晋江 does not hold 丰泽's claim), and without the view permission.
    assert client_for(regulator("350582")).get(f"{page}files/{photo.uuid}/").status_code == 404
    member = factories.user(factories.organisation(Side.REGULATOR, region=Region.objects.get(code="350500")))
    assert client_for(member).get(f"{page}files/{photo.uuid}/").status_code == 403
