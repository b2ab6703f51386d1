"""理赔管理 on the insurer side: the list (tabs, filters, constant queries, 导出), 电话报案, the claim page and each
step's dialog — allowed, refused beside the field, forbidden (403), another insurer's claim (404)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anze.claims import scenarios
from anze.claims.models import Claim, ClaimStatus
from anze.core.testing import factories, hx_message, hx_trigger
from anze.documents import testing as files

pytestmark = pytest.mark.django_db
S = ClaimStatus
LIST = "/insurer/claims/"
HX = {"HTTP_HX_REQUEST": "true"}


def url(claim: Claim, step: str = "") -> str:
    return f"{LIST}{claim.report_no}/{step + '/' if step else ''}"


@pytest.fixture
def reported(cast, policy) -> Claim:
    return scenarios.report(policy, cast.applicant)


# --- the list -----------------------------------------------------------------------------------------------
def test_the_list_shows_the_insurers_claims_in_tabs_with_counts(cast, policy, client_for):
    a = scenarios.report(policy, cast.applicant)
    b = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    html = client_for(cast.clerk).get(LIST).content.decode()
    assert a.report_no in html and b.report_no in html and b.case_no in html
    assert 'data-tab="all">全部<span class="count">(2)</span>' in html
    assert 'data-tab="reported">待受理<span class="count">(1)</span>' in html
    html = client_for(cast.clerk).get(LIST, {"tab": "registered"}).content.decode()
    assert b.report_no in html and a.report_no not in html
    assert client_for(cast.other_clerk).get(LIST).content.decode().count("data-report-no") == 0


@pytest.mark.parametrize("field", ["policy_no", "report_no", "case_no", "applicant"])
def test_the_list_filters(cast, policy, client_for, field):
    other_policy = cast.policy(project_name="另一个项目")
    mine = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    theirs = scenarios.drive(scenarios.report(other_policy, cast.applicant), cast.clerk, S.REGISTERED)
    value = {
        "policy_no": policy.policy_no,
        "report_no": mine.report_no,
        "case_no": mine.case_no,
        "applicant": policy.order.applicant_name[:4],
    }[field]
    html = client_for(cast.clerk).get(LIST, {field: value}).content.decode()
    assert mine.report_no in html
    if field != "applicant":  # both policies are the same enterprise's
        assert theirs.report_no not in html


def test_the_list_filters_by_report_date(cast, policy, client_for):
    claim = scenarios.report(policy, cast.applicant)
    today = timezone.localdate()
    client = client_for(cast.clerk)
    assert claim.report_no in client.get(LIST, {"start": today, "end": today}).content.decode()
    yesterday = today - timedelta(days=1)
    assert claim.report_no not in client.get(LIST, {"end": yesterday}).content.decode()


def test_the_list_runs_a_constant_number_of_queries(cast, policy, client_for, django_assert_max_num_queries):
    client = client_for(cast.clerk)
    for _ in range(3):
        scenarios.report(policy, cast.applicant)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(12) as small:
        assert client.get(LIST, {"size": 50}).status_code == 200
    for _ in range(12):
        scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ACCEPTED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST, {"size": 50})
    assert response.content.decode().count("data-report-no=") == 15


def test_the_export_has_the_filtered_claims_with_typed_amounts(cast, policy, client_for):
    settled = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SETTLED)
    scenarios.report(policy, cast.applicant)
    response = client_for(cast.clerk).get(f"{LIST}export/", {"tab": "settled"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("报案号", "案件号", "保单编号") and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["报案号"] == settled.report_no and row["状态"] == "已结案"
    assert row["赔款金额（元）"] == 12000 and row["事故类型"] == "高处坠落"


def test_the_list_and_export_need_their_permissions(cast, client_for):
    member = factories.user(cast.insurer)
    assert client_for(member).get(LIST).status_code == 403
    viewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["claim.view"])])
    assert client_for(viewer).get(LIST).status_code == 200
    assert client_for(viewer).get(f"{LIST}export/").status_code == 403
    assert client_for(cast.applicant).get(LIST).status_code == 403
    assert client_for(None).get(LIST).status_code == 302


# --- the claim page -----------------------------------------------------------------------------------------
def test_the_page_shows_the_claim_its_limits_and_the_steps_the_clerk_may_take(cast, reported, client_for):
    html = client_for(cast.clerk).get(url(reported)).content.decode()
    assert reported.report_no in html and "高处坠落" in html and "600,000.00" in html
    assert 'data-action="accept"' in html and 'data-action="cancel"' in html
    assert 'data-action="register"' not in html
    viewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["claim.view"])])
    html = client_for(viewer).get(url(reported)).content.decode()
    assert "claim-actions" not in html


def test_another_insurer_gets_404_on_every_url_of_the_claim(cast, reported, client_for):
    client = client_for(cast.other_clerk)
    for step in ("", "register", "survey", "adjust", "settle", "decline", "cancel"):
        assert client.get(url(reported, step)).status_code == 404, step
    assert client.post(url(reported, "accept")).status_code == 404
    assert Claim.objects.get(pk=reported.pk).status == S.REPORTED


def test_accept_is_a_button(cast, reported, client_for):
    response = client_for(cast.clerk).post(url(reported, "accept"), **HX)
    assert response.status_code == 204 and hx_message(response) == "已受理"
    assert Claim.objects.get(pk=reported.pk).status == S.ACCEPTED
    again = client_for(cast.clerk).post(url(reported, "accept"), **HX)
    assert hx_message(again) == "理赔案件当前状态为“待立案”，不能受理"
    assert client_for(cast.clerk).get(url(reported, "accept")).status_code == 405


def test_register_refuses_a_missing_or_taken_number_beside_the_field(cast, policy, client_for):
    taken = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ACCEPTED)
    client = client_for(cast.clerk)
    assert client.get(url(claim, "register"), **HX).status_code == 200
    response = client.post(url(claim, "register"), {"case_no": ""}, **HX)
    assert response.status_code == 422 and "请输入案件号" in response.content.decode()
    response = client.post(url(claim, "register"), {"case_no": taken.case_no}, **HX)
    assert response.status_code == 422
    assert response.context["form"].errors["case_no"] == ["案件号已存在"]
    response = client.post(url(claim, "register"), {"case_no": "LA-NEW-1"}, **HX)
    assert response.status_code == 204 and hx_message(response) == "已立案"
    assert Claim.objects.get(pk=claim.pk).case_no == "LA-NEW-1"


def test_a_dialog_opened_on_a_claim_that_moved_on_says_so(cast, reported, client_for):
    response = client_for(cast.clerk).get(url(reported, "settle"), **HX)
    assert response.status_code == 204
    assert hx_trigger(response)["anze:error"]["message"] == "理赔案件当前状态为“待受理”，不能结案"


def test_survey_with_files(cast, policy, client_for):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    client = client_for(cast.clerk)
    bad = client.post(
        url(claim, "survey"),
        {"survey_notes": "查勘属实", "report": files.upload("查勘.pdf", files.png_bytes())},
        **HX,
    )
    assert bad.status_code == 422 and "report" in bad.context["form"].errors
    assert Claim.objects.get(pk=claim.pk).status == S.REGISTERED
    response = client.post(
        url(claim, "survey"),
        {"survey_notes": "查勘属实", "photo": files.upload("现场.png", files.png_bytes())},
        **HX,
    )
    assert response.status_code == 204
    claim.refresh_from_db()
    assert claim.status == S.SURVEYED and claim.files.get().caption == "查勘照片"
    html = client.get(url(claim)).content.decode()
    assert "查勘属实" in html and "查勘材料 · 查勘照片" in html


def _adjust(client, claim, rows: dict[int, tuple[str, str, str]]):
    data = {}
    for index, (name, dd, medical) in rows.items():
        data.update({f"name_{index}": name, f"death_disability_{index}": dd, f"medical_{index}": medical})
    return client.post(url(claim, "adjust"), data, **HX)


def test_adjust_refuses_over_a_limit_with_the_limit_named_beside_the_right_row(cast, policy, client_for):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SURVEYED)
    client = client_for(cast.clerk)
    assert 'name="name_2"' in client.get(url(claim, "adjust"), **HX).content.decode()  # 1 injured + 2 rows
    response = _adjust(client, claim, {0: ("", "", ""), 1: ("王伤者", "400000.01", "100")})
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["death_disability_1"] == ["王伤者的死亡伤残赔款超过每人伤亡责任限额（400,000.00 元）"]
    response = _adjust(client, claim, {0: ("王伤者", "400000", "50000"), 1: ("李伤者", "100000", "0")})
    assert "赔款合计超过每次事故赔偿限额（500,000.00 元）" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == S.SURVEYED
    response = _adjust(client, claim, {0: ("王伤者", "300000", "20000"), 3: ("李伤者", "", "800")})
    assert response.status_code == 204 and hx_message(response) == "理算完成"
    claim.refresh_from_db()
    assert claim.adjusted_amount == Decimal("320800.00")
    assert list(claim.people.values_list("name", flat=True)) == ["王伤者", "李伤者"]


def test_adjust_refuses_bad_amounts_beside_their_field(cast, policy, client_for):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SURVEYED)
    response = _adjust(client_for(cast.clerk), claim, {0: ("王伤者", "abc", "-1")})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["death_disability_0"] == ["请输入金额"] and errors["medical_0"] == ["金额不能为负数"]


def test_settle_and_its_refusals(cast, policy, client_for):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ADJUSTED)
    client = client_for(cast.clerk)
    form = client.get(url(claim, "settle"), **HX).context["form"]
    assert form.initial["paid_amount"] == Decimal("12000.00")
    today = timezone.localdate()
    response = client.post(
        url(claim, "settle"), {"paid_amount": "13000", "paid_on": today, "payee": "王伤者"}, **HX
    )
    assert response.context["form"].errors["paid_amount"] == ["赔款金额不能超过理算金额（12,000.00 元）"]
    response = client.post(
        url(claim, "settle"), {"paid_amount": "12000", "paid_on": today, "payee": "王伤者"}, **HX
    )
    assert response.status_code == 204 and hx_message(response) == "已结案"
    assert Claim.objects.get(pk=claim.pk).status == S.SETTLED


@pytest.mark.parametrize(
    ("step", "label", "state"), [("decline", "拒赔原因", S.DECLINED), ("cancel", "注销原因", S.CANCELLED)]
)
def test_decline_and_cancel_need_their_reason(cast, policy, client_for, step, label, state):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SURVEYED)
    client = client_for(cast.clerk)
    response = client.post(url(claim, step), {"reason": ""}, **HX)
    assert response.status_code == 422 and f"请填写{label}" in response.content.decode()
    response = client.post(url(claim, step), {"reason": "事故不在保险责任范围"}, **HX)
    assert response.status_code == 204
    claim.refresh_from_db()
    assert claim.status == state and claim.close_reason == "事故不在保险责任范围"


@pytest.mark.parametrize(
    ("step", "permission"),
    [
        ("register", "claim.handle"),
        ("survey", "claim.handle"),
        ("adjust", "claim.adjust"),
        ("settle", "claim.settle"),
    ],
)
def test_each_step_needs_its_permission(cast, policy, client_for, step, permission):
    claim = scenarios.report(policy, cast.applicant)
    viewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["claim.view"])])
    assert client_for(viewer).get(url(claim, step)).status_code == 403
    holder = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["claim.view", permission])])
    assert client_for(holder).get(url(claim, step)).status_code in (200, 302)


# --- 电话报案 --------------------------------------------------------------------------------------------------
def _report_data(policy_no: str, **overrides):
    day = timezone.localdate() - timedelta(days=2)
    data = {
        "policy_no": policy_no,
        "accident_date": day.isoformat(),
        "accident_time": "09:30",
        "accident_place": "1号车间冲压线",
        "accident_type": "machinery",
        "description": "操作工右手被冲床压伤。",
        "deaths": "0",
        "injured": "1",
        "estimated_loss": "30000",
        "reporter_name": "陈安全员",
        "reporter_phone": "13800000001",
    }
    data.update(overrides)
    return data


def test_the_clerk_enters_a_phone_report(cast, policy, client_for):
    client = client_for(cast.clerk)
    assert client.get(f"{LIST}report/").status_code == 200
    response = client.post(f"{LIST}report/", _report_data(policy.policy_no))
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == url(claim)
    assert claim.channel == "phone" and claim.accident_type == "machinery"
    assert timezone.localtime(claim.accident_at).strftime("%H:%M") == "09:30"


def test_a_phone_report_is_refused_beside_its_fields(cast, policy, client_for):
    client = client_for(cast.clerk)
    response = client.post(f"{LIST}report/", _report_data("NO-SUCH-POLICY"))
    assert response.status_code == 422
    assert response.context["form"].errors["policy_no"] == ["未找到该保单编号的有效保单"]
    other = cast.policy()  # the applicant's, same insurer: found; another insurer's is not
    assert (
        client_for(cast.other_clerk).post(f"{LIST}report/", _report_data(other.policy_no)).status_code == 422
    )
    early = (policy.period_start - timedelta(days=3)).isoformat()
    response = client.post(
        f"{LIST}report/", _report_data(policy.policy_no, accident_date=early, reporter_phone="1")
    )
    errors = response.context["form"].errors
    assert errors["accident_date"][0].startswith("出险时间须在保险期间内")
    assert errors["reporter_phone"] == ["请输入正确的11位手机号码"]  # both in one pass
    assert not Claim.objects.exists()


def test_every_step_is_in_the_operation_log_of_the_organisation_that_took_it(cast, policy, client_for):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    html = client_for(cast.clerk).get("/insurer/system/logs/operations/").content.decode()
    assert f"理赔案件 {claim.report_no}" in html
    assert "受理" in html and "立案" in html and claim.case_no in html
    enterprise_log = client_for(cast.applicant).get("/enterprise/system/logs/operations/").content.decode()
    assert f"理赔案件 {claim.report_no}" in enterprise_log and "立案" not in enterprise_log


def test_the_home_page_counts_the_claims_waiting(cast, policy, client_for):
    scenarios.report(policy, cast.applicant)
    scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.ADJUSTED)
    html = client_for(cast.clerk).get("/insurer/").content.decode()
    assert "待受理报案" in html and f"{LIST}?tab=reported" in html and f"{LIST}?tab=adjusted" in html
    member = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["order.view"])])
    assert "待受理报案" not in client_for(member).get("/insurer/").content.decode()
