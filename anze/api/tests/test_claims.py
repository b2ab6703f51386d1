"""理赔 through the API: 电话报案登记 and each step, allowed, forbidden without its scope (403), another insurer's
claim (404), bad input (422 with the field's Chinese message; a limit passed names the limit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anze.claims import scenarios
from anze.claims.models import Claim, ClaimEvent, ClaimStatus
from anze.claims.tests.conftest import LIMITS
from anze.documents import testing as files
from anze.notifications.models import SmsMessage

from .test_orders import fields, pdf, problem

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture
def cast(cast):  # type: ignore[no-untyped-def]
    return cast.on_stage("clerk", "other_clerk", "applicant")


@pytest.fixture
def policy(cast):  # type: ignore[no-untyped-def]
    """Issued 60 days ago with small limits: 每人伤亡 40万, 每人医疗 5万, 每次事故 50万, 累积 60万."""
    return cast.policy(scheme_overrides=LIMITS)


def report_form(policy, **overrides):  # type: ignore[no-untyped-def]
    yesterday = timezone.localtime() - timedelta(days=1)
    return {
        "policy_no": policy.policy_no,
        "accident_at": yesterday.replace(microsecond=0).isoformat(),
        "accident_place": "项目3号楼施工现场",
        "accident_type": "fall",
        "description": "工人在脚手架作业时坠落，送医救治。",
        "deaths": "0",
        "injured": "1",
        "estimated_loss": "20000",
        "reporter_name": "蔡明辉",
        "reporter_phone": "13860710001",
        **overrides,
    }


# --- 电话报案登记 -------------------------------------------------------------------------------------------------
def test_a_phone_report_is_registered_with_its_photo(cast, api, policy):
    photo = files.upload("现场.png", files.png_bytes())
    answer = api.post("/claims", {**report_form(policy), "photo_1": photo}, json=False)
    assert answer.status_code == 201, answer.content.decode()
    body = answer.json()
    assert (
        body["status"] == "reported" and body["channel"] == "phone" and body["policy_no"] == policy.policy_no
    )
    assert body["accident_type_label"] == "高处坠落" and body["actions"] == ["accept", "cancel"]
    [stored] = body["files"]
    assert stored["label"] == "现场照片"
    assert api.client.get(stored["download"], headers=api.headers)["Content-Type"] == "image/png"
    claim = Claim.objects.get(report_no=body["report_no"])
    assert claim.events.get().actor_name.startswith("林出单（接口：核心系统")


def test_a_phone_report_is_refused_beside_its_fields(cast, api, api_as, other_api, policy):
    future = (timezone.localtime() + timedelta(days=1)).isoformat()
    errors = fields(
        problem(
            api.post(
                "/claims",
                report_form(policy, accident_at=future, accident_type="nope", reporter_phone="123"),
                json=False,
            ),
            422,
        )
    )
    assert errors == {
        "accident_at": "出险时间不能晚于当前时间",
        "accident_type": "请选择事故类型",
        "reporter_phone": "请输入正确的11位手机号码",
    }
    errors = fields(
        problem(api.post("/claims", report_form(policy, accident_at="1900-01-01"), json=False), 422)
    )
    assert errors == {"accident_at": "请输入正确的出险时间"}
    unknown = {"policy_no": "未找到该保单编号的有效保单"}
    assert (
        fields(problem(api.post("/claims", report_form(policy, policy_no="NOPE"), json=False), 422))
        == unknown
    )
    # Another insurer's policy is not found either.
    assert fields(problem(other_api.post("/claims", report_form(policy), json=False), 422)) == unknown
    problem(api_as("claim.view").post("/claims", report_form(policy), json=False), 403)
    assert not Claim.objects.exists()


# --- reading ------------------------------------------------------------------------------------------------
def test_the_list_is_the_insurers_claims_newest_first_by_cursor_and_filtered(cast, api, other_api, policy):
    older = scenarios.report(policy, cast.applicant)
    newer = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    first = api.get("/claims", {"limit": 1}).json()
    assert [row["report_no"] for row in first["items"]] == [newer.report_no]
    rest = api.get("/claims", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [row["report_no"] for row in rest["items"]] == [older.report_no] and rest["next_cursor"] is None
    by_status = api.get("/claims", {"status": "registered"}).json()["items"]
    assert [row["case_no"] for row in by_status] == [newer.case_no]
    by_case = api.get("/claims", {"case_no": newer.case_no[:4]}).json()["items"]
    assert [row["report_no"] for row in by_case] == [newer.report_no]
    assert "status" in fields(problem(api.get("/claims", {"status": "paid"}), 422))
    assert other_api.get("/claims").json()["items"] == []
    problem(other_api.get(f"/claims/{older.report_no}"), 404)
    problem(api.get("/claims/BA000000000000000000"), 404)
    assert "report_no" in fields(problem(api.get("/claims/12345"), 422))


def test_reading_needs_the_scope(cast, api_as, policy):
    claim = scenarios.report(policy, cast.applicant)
    problem(api_as("policy.view").get("/claims"), 403)
    problem(api_as("policy.view").get(f"/claims/{claim.report_no}"), 403)


def test_the_list_reads_a_constant_number_of_queries(cast, api, policy, django_assert_max_num_queries):
    scenarios.report(policy, cast.applicant)
    api.get("/claims")
    with django_assert_max_num_queries(10) as few:
        api.get("/claims")
    baseline = len(few.captured_queries)  # now: the query log is a bounded deque, read lazily
    for _ in range(3):
        scenarios.report(policy, cast.applicant)
    with django_assert_max_num_queries(baseline):
        assert len(api.get("/claims").json()["items"]) == 4


# --- the steps ------------------------------------------------------------------------------------------------
def test_a_claim_is_handled_to_settlement_and_each_limit_is_named(cast, api, policy):
    claim = scenarios.report(policy, cast.applicant)
    path = f"/claims/{claim.report_no}"
    assert api.post(f"{path}/accept").json()["status"] == "accepted"
    taken = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.REGISTERED)
    assert fields(problem(api.post(f"{path}/register", {"case_no": taken.case_no}), 422)) == {
        "case_no": "案件号已存在"
    }
    assert api.post(f"{path}/register", {"case_no": "LA2027000001"}).json()["case_no"] == "LA2027000001"
    assert SmsMessage.objects.filter(text__contains="LA2027000001").exists()
    assert fields(problem(api.post(f"{path}/survey", {"survey_notes": " "}, json=False), 422)) == {
        "survey_notes": "请填写查勘意见"
    }
    surveyed = api.post(
        f"{path}/survey", {"survey_notes": "伤亡属实", "report": pdf("查勘报告.pdf")}, json=False
    )
    assert surveyed.json()["status"] == "surveyed" and "查勘报告" in {
        f["label"] for f in surveyed.json()["files"]
    }

    person = {"name": "伤者1", "death_disability": "400000.01", "medical": "50000.01"}
    errors = fields(problem(api.post(f"{path}/adjust", {"people": [person]}), 422))
    assert errors == {
        "people.0.death_disability": "伤者1的死亡伤残赔款超过每人伤亡责任限额（400,000.00 元）",
        "people.0.medical": "伤者1的医疗费用赔款超过每人医疗责任限额（50,000.00 元）",
    }
    two = [{"name": f"伤者{n}", "death_disability": "300000", "medical": "0"} for n in (1, 2)]
    errors = fields(problem(api.post(f"{path}/adjust", {"people": two}), 422))
    assert errors == {"people": "赔款合计超过每次事故赔偿限额（500,000.00 元）"}
    assert fields(problem(api.post(f"{path}/adjust", {"people": []}), 422)) == {
        "people": "请至少填写一名伤亡人员的理算金额"
    }
    assert (
        fields(problem(api.post(f"{path}/adjust", {"people": [{**person, "name": ""}]}), 422))[
            "people.0.name"
        ]
        == "请填写姓名"
    )
    one = [{"name": "伤者1", "death_disability": "8000", "medical": "4000.50"}]
    adjusted = api.post(f"{path}/adjust", {"people": one}).json()
    assert adjusted["status"] == "adjusted" and adjusted["adjusted_amount"] == "12000.50"
    assert adjusted["people"] == [{"name": "伤者1", "death_disability": "8000.00", "medical": "4000.50"}]

    today = timezone.localdate().isoformat()
    settle = {"paid_amount": "12000.51", "paid_on": today, "payee": "伤者1"}
    assert fields(problem(api.post(f"{path}/settle", settle), 422)) == {
        "paid_amount": "赔款金额不能超过理算金额（12,000.50 元）"
    }
    settled = api.post(f"{path}/settle", {**settle, "paid_amount": "12000.50"}).json()
    assert settled["status"] == "settled" and settled["limits"]["paid"] == "12000.50"
    assert settled["actions"] == []


def test_the_steps_need_their_scope_the_insurers_own_claim_and_its_state(
    cast, api, api_as, other_api, policy
):
    claim = scenarios.report(policy, cast.applicant)
    path = f"/claims/{claim.report_no}"
    problem(api_as("claim.view").post(f"{path}/accept"), 403)
    problem(api_as("claim.handle").post(f"{path}/adjust", {"people": []}), 403)
    problem(api_as("claim.adjust").post(f"{path}/cancel", {"reason": "撤案"}), 403)
    problem(other_api.post(f"{path}/accept"), 404)
    problem(other_api.post(f"{path}/cancel", {"reason": "撤案"}), 404)
    body = problem(api.post(f"{path}/decline", {"reason": "不属于保险责任"}), 409)
    assert body["detail"] == "理赔案件当前状态为“待受理”，不能拒赔"
    problem(
        api.post(f"{path}/adjust", {"people": [{"name": "a", "death_disability": "1", "medical": "0"}]}), 409
    )
    assert fields(problem(api.post(f"{path}/cancel", {"reason": " "}), 422)) == {"reason": "请填写注销的原因"}
    assert fields(problem(api.post(f"{path}/cancel", {}), 422)) == {"reason": "请填写此项"}
    assert scenarios.fresh(claim).status == S.REPORTED
    cancelled = api.post(f"{path}/cancel", {"reason": "报案人撤案"}).json()
    assert cancelled["status"] == "cancelled" and cancelled["close_reason"] == "报案人撤案"


def test_a_claim_is_declined_with_a_reason(cast, api, policy):
    claim = scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, S.SURVEYED)
    body = api.post(f"/claims/{claim.report_no}/decline", {"reason": "不属于保险责任"}).json()
    assert body["status"] == "declined" and body["close_reason"] == "不属于保险责任"


def test_a_retried_step_changes_nothing_twice(cast, api, policy):
    claim = scenarios.report(policy, cast.applicant)
    path = f"/claims/{claim.report_no}/accept"
    first = api.post(path, **{"Idempotency-Key": "accept-1"})
    second = api.post(path, **{"Idempotency-Key": "accept-1"})
    assert first.status_code == second.status_code == 200 and second["Idempotent-Replayed"] == "true"
    assert first.content == second.content
    assert ClaimEvent.objects.filter(claim=claim, action="accept").count() == 1
