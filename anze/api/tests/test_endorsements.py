"""批改 and 退保 through the API: each operation allowed, forbidden without its scope (403), another insurer's
request or policy (404), bad input (422 with the field's Chinese message) — and the screens' workflow behind."""

from __future__ import annotations

import pytest

from anze.documents import testing as files
from anze.endorsements import scenarios, workflow
from anze.endorsements.models import Endorsement, EndorsementEvent, EndorsementStatus
from anze.notifications.models import SmsMessage
from anze.policies.models import PolicyStatus

from .test_orders import fields, pdf, problem

pytestmark = pytest.mark.django_db
S = EndorsementStatus


@pytest.fixture
def cast(cast):  # type: ignore[no-untyped-def]
    return cast.on_stage("clerk", "other_clerk", "applicant")


def uuids(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["uuid"] for row in response.json()["items"]]


# --- reading ------------------------------------------------------------------------------------------------
def test_the_list_is_the_insurers_requests_newest_first_by_cursor_and_filtered(cast, api, other_api):
    change = scenarios.apply(cast.policy(), cast.applicant)
    surrender = scenarios.surrender(cast.policy(), cast.applicant)
    first = api.get("/endorsements", {"limit": 1}).json()
    assert [row["uuid"] for row in first["items"]] == [str(surrender.uuid)]
    rest = api.get("/endorsements", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [row["uuid"] for row in rest["items"]] == [str(change.uuid)] and rest["next_cursor"] is None
    assert uuids(api.get("/endorsements", {"kind": "change"})) == [str(change.uuid)]
    assert uuids(api.get("/endorsements", {"status": "pending_review"})) == [
        str(surrender.uuid),
        str(change.uuid),
    ]
    assert uuids(api.get("/endorsements", {"status": "endorsed"})) == []
    assert uuids(api.get("/endorsements", {"policy_no": change.policy.policy_no})) == [str(change.uuid)]
    assert "status" in fields(problem(api.get("/endorsements", {"status": "paid"}), 422))
    assert other_api.get("/endorsements").json()["items"] == []


def test_the_list_reads_a_constant_number_of_queries(cast, api, django_assert_max_num_queries):
    scenarios.apply(cast.policy(), cast.applicant)
    api.get("/endorsements")
    with django_assert_max_num_queries(10) as few:
        api.get("/endorsements")
    baseline = len(few.captured_queries)  # now: the query log is a bounded deque, read lazily
    for _ in range(3):
        scenarios.apply(cast.policy(), cast.applicant)
    with django_assert_max_num_queries(baseline):
        assert len(api.get("/endorsements").json()["items"]) == 4


def test_a_request_reads_with_its_changes_amount_files_and_what_the_key_may_do(cast, api, other_api):
    change = scenarios.apply(cast.policy(), cast.applicant, headcount_change=30)
    body = api.get(f"/endorsements/{change.uuid}").json()
    assert body["kind"] == "change" and body["status_label"] == "待审核" and body["origin"] == "enterprise"
    assert body["changes"][0]["label"] == "参保人数"
    assert body["amount_text"].startswith("加收保费") and " ÷ " in body["formula"]
    assert body["actions"] == ["adjust", "approve_charge", "reject"]
    surrender = scenarios.surrender(cast.policy(), cast.applicant)
    body = api.get(f"/endorsements/{surrender.uuid}").json()
    assert body["kind"] == "surrender" and body["surrender_ground"] == "suspended"
    assert body["refund_today"] is not None and body["actions"] == ["approve", "reject"]
    [proof] = body["files"]
    assert proof["label"] == "证明材料"
    answer = api.client.get(proof["download"], headers=api.headers)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    problem(api.get(f"/endorsements/{change.uuid}/files/{surrender.proof.uuid}"), 404)
    problem(other_api.get(f"/endorsements/{surrender.uuid}"), 404)
    problem(other_api.get(f"/endorsements/{surrender.uuid}/files/{surrender.proof.uuid}"), 404)
    assert "endorsement_uuid" in fields(problem(api.get("/endorsements/not-a-uuid"), 422))


def test_reading_needs_the_scope(cast, api_as):
    change = scenarios.apply(cast.policy(), cast.applicant)
    problem(api_as("policy.view").get("/endorsements"), 403)
    problem(api_as("policy.view").get(f"/endorsements/{change.uuid}"), 403)


# --- 发起批改 ----------------------------------------------------------------------------------------------------
def test_the_insurer_starts_an_endorsement_with_only_what_changes(cast, api):
    policy = cast.policy()
    order = policy.order
    answer = api.post(
        f"/policies/{order.application_no}/endorsements",
        {"headcount": order.headcount + 10, "service_counts": {"training": 3}, "reason": "新增员工入职"},
    )
    assert answer.status_code == 201, answer.content.decode()
    body = answer.json()
    assert body["status"] == "pending_review" and body["origin"] == "insurer"
    assert {line["label"] for line in body["changes"]} == {"参保人数", "服务次数·安全生产宣传教育培训"}
    assert body["premium_delta"] not in (None, "0.00")
    event = EndorsementEvent.objects.get(endorsement__uuid=body["uuid"])
    assert event.action_label == "发起批改" and event.actor_name.startswith("林出单（接口：核心系统")
    assert SmsMessage.objects.filter(phone=order.contact_phone, text__contains="发起批改").exists()


def test_starting_an_endorsement_is_refused_beside_its_fields(cast, api, api_as, other_api):
    policy = cast.policy()
    path = f"/policies/{policy.order.application_no}/endorsements"
    assert fields(problem(api.post(path, {"headcount": 99, "reason": " "}), 422)) == {
        "reason": "请填写批改原因"
    }
    errors = fields(problem(api.post(path, {"contact_phone": "123", "reason": "换联系人"}), 422))
    assert errors == {"contact_phone": "请输入正确的11位手机号码"}
    assert fields(problem(api.post(path, {"service_counts": {"nope": 1}, "reason": "x"}), 422)) == {
        "service_counts": "服务项目代码不存在：nope"
    }
    assert fields(problem(api.post(path, {"service_counts": {"training": 1000}, "reason": "x"}), 422)) == {
        "service_counts.training": "不能大于999"
    }
    assert fields(problem(api.post(path, {"headcount": 99}), 422)) == {"reason": "请填写此项"}
    problem(api_as("endorsement.view").post(path, {"headcount": 99, "reason": "x"}), 403)
    problem(other_api.post(path, {"headcount": 99, "reason": "x"}), 404)
    scenarios.apply(policy, cast.applicant)
    body = problem(api.post(path, {"headcount": 99, "reason": "x"}), 409)
    assert body["detail"] == "该保单已有未完成的批改或退保申请，请待其办结后再申请"
    assert Endorsement.objects.count() == 1


# --- 审核 · 缴费 · 出批单 ---------------------------------------------------------------------------------------------
def test_a_charged_endorsement_goes_through_review_payment_and_issue(cast, api):
    change = scenarios.apply(cast.policy(), cast.applicant, headcount_change=30)
    path = f"/endorsements/{change.uuid}"
    assert fields(problem(api.post(f"{path}/review", {"decision": "reject"}), 422)) == {
        "reason": "请填写驳回批改的原因"
    }
    assert api.post(f"{path}/review", {"decision": "approve"}).json()["status"] == "awaiting_payment_notice"
    assert fields(problem(api.post(f"{path}/payment-notice", {}, json=False), 422)) == {
        "file": "请上传付款通知书"
    }
    body = api.post(f"{path}/payment-notice", {"file": pdf("批改付款通知书.pdf")}, json=False).json()
    assert body["status"] == "awaiting_payment" and [f["label"] for f in body["files"]] == ["付款通知书"]
    voucher = files.upload("付款凭证.png", files.png_bytes())
    workflow.endorsement_upload_payment_voucher(
        endorsement=scenarios.fresh(change), actor=cast.applicant, file=voucher
    )
    rejected = api.post(f"{path}/payment-review", {"decision": "reject", "reason": "金额不符"}).json()
    assert rejected["status"] == "awaiting_payment" and rejected["last_reason"] == "金额不符"
    voucher = files.upload("付款凭证2.png", files.png_bytes())
    workflow.endorsement_upload_payment_voucher(
        endorsement=scenarios.fresh(change), actor=cast.applicant, file=voucher
    )
    assert api.post(f"{path}/payment-review", {"decision": "approve"}).json()["status"] == "awaiting_document"
    errors = fields(problem(api.post(f"{path}/issue", {"endorsement_no": " "}, json=False), 422))
    assert errors == {"endorsement_no": "请输入批单号", "endorsement_file": "请上传批单文件"}
    issued = api.post(
        f"{path}/issue", {"endorsement_no": "PD2027000001", "endorsement_file": pdf("批单.pdf")}, json=False
    )
    assert issued.status_code == 200, issued.content.decode()
    assert issued.json()["status"] == "endorsed" and issued.json()["endorsement_no"] == "PD2027000001"
    change.policy.order.refresh_from_db()
    assert change.policy.order.headcount == change.headcount_after


def test_the_premium_is_adjusted_with_a_reason_and_a_refund_needs_no_payment(cast, api, api_as):
    change = scenarios.apply(cast.policy(), cast.applicant, headcount_change=-10)
    path = f"/endorsements/{change.uuid}"
    assert fields(problem(api.post(f"{path}/adjust", {"premium_delta": "-100.00", "reason": ""}), 422)) == {
        "reason": "请填写调整批改保费的原因"
    }
    assert "premium_delta" in fields(
        problem(api.post(f"{path}/adjust", {"premium_delta": "1e20", "reason": "x"}), 422)
    )
    problem(api_as("endorsement.view", "endorsement.payment").post(f"{path}/adjust", {}), 403)
    body = api.post(f"{path}/adjust", {"premium_delta": "-100.00", "reason": "按协议"}).json()
    assert body["premium_delta"] == "-100.00" and body["adjust_reason"] == "按协议"
    assert api.post(f"{path}/review", {"decision": "approve"}).json()["status"] == "awaiting_document"


def test_the_steps_need_their_scope_the_insurers_own_request_and_its_kind(cast, api, api_as, other_api):
    change = scenarios.apply(cast.policy(), cast.applicant)
    surrender = scenarios.surrender(cast.policy(), cast.applicant)
    approve = {"decision": "approve"}
    problem(api_as("endorsement.view").post(f"/endorsements/{change.uuid}/review", approve), 403)
    problem(api_as("endorsement.review").post(f"/endorsements/{change.uuid}/payment-review", approve), 403)
    problem(api_as("endorsement.review").post(f"/endorsements/{change.uuid}/issue", {}, json=False), 403)
    problem(
        api_as("endorsement.review").post(f"/endorsements/{surrender.uuid}/surrender-review", {}, json=False),
        403,
    )
    problem(other_api.post(f"/endorsements/{change.uuid}/review", approve), 404)
    problem(other_api.post(f"/endorsements/{surrender.uuid}/surrender-review", approve, json=False), 404)
    body = problem(api.post(f"/endorsements/{surrender.uuid}/review", approve), 409)
    assert body["detail"].startswith("该申请为退保申请")
    body = problem(api.post(f"/endorsements/{change.uuid}/surrender-review", approve, json=False), 409)
    assert body["detail"].startswith("该申请为批改申请")
    wrong = problem(api.post(f"/endorsements/{change.uuid}/payment-review", approve), 409)
    assert wrong["detail"] == "批改当前状态为“待审核”，不能缴费审核通过"
    assert scenarios.fresh(change).status == scenarios.fresh(surrender).status == S.PENDING_REVIEW


def test_a_retried_review_changes_nothing_twice(cast, api):
    change = scenarios.apply(cast.policy(), cast.applicant)
    path = f"/endorsements/{change.uuid}/review"
    first = api.post(path, {"decision": "reject", "reason": "资料不全"}, **{"Idempotency-Key": "r-1"})
    second = api.post(path, {"decision": "reject", "reason": "资料不全"}, **{"Idempotency-Key": "r-1"})
    assert first.status_code == second.status_code == 200 and second["Idempotent-Replayed"] == "true"
    assert first.content == second.content and first.json()["status"] == "rejected"
    assert EndorsementEvent.objects.filter(endorsement=change, action="reject").count() == 1


# --- 退保审核 ------------------------------------------------------------------------------------------------------
def test_a_surrender_is_reviewed_with_its_number_pdf_and_refund(cast, api):
    surrender = scenarios.surrender(cast.policy(), cast.applicant)
    path = f"/endorsements/{surrender.uuid}/surrender-review"
    assert fields(problem(api.post(path, {"decision": "reject"}, json=False), 422)) == {
        "reason": "请填写驳回退保的原因"
    }
    errors = fields(problem(api.post(path, {"decision": "approve"}, json=False), 422))
    assert errors == {"endorsement_no": "请输入批单号", "endorsement_file": "请上传批单文件"}
    upload = {"decision": "approve", "endorsement_no": "TB2027000001", "refund": "1.00"}
    errors = fields(problem(api.post(path, {**upload, "endorsement_file": pdf("批单.pdf")}, json=False), 422))
    assert errors == {"adjust_reason": "调整退保金额时请填写调整原因"}
    answer = api.post(
        path, {**upload, "adjust_reason": "协商一致", "endorsement_file": pdf("批单.pdf")}, json=False
    )
    assert answer.status_code == 200, answer.content.decode()
    body = answer.json()
    assert body["status"] == "surrendered" and body["refund_amount"] == "1.00"
    assert body["endorsement_no"] == "TB2027000001" and "批单" in {f["label"] for f in body["files"]}
    surrender.policy.refresh_from_db()
    assert surrender.policy.status == PolicyStatus.SURRENDERED
    listed = api.get("/policies", {"status": "surrendered"}).json()["items"]
    assert [row["policy_no"] for row in listed] == [surrender.policy.policy_no]
    assert api.get("/policies", {"status": "reversed"}).json()["items"] == []
