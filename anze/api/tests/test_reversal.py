"""冲正 through the API: 申请冲正 and 冲正审核, allowed, forbidden without the scope (403), another insurer's
policy or request (404), bad input (422) — and the two-person rule, which a key does not get round: it acts as
its creator."""

from __future__ import annotations

import pytest

from anze.claims import scenarios as claim_scenarios
from anze.core.testing import factories
from anze.orders.models import OrderStatus
from anze.policies import reversal
from anze.policies.models import PolicyReversal, PolicyStatus, ReversalEvent

from .conftest import Api
from .test_orders import fields, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(cast):  # type: ignore[no-untyped-def]
    return cast.on_stage("clerk", "other_clerk", "applicant")


@pytest.fixture
def reviewer_api(cast, token_for) -> Api:  # type: ignore[no-untyped-def]
    """The core system of another person of the insurer, a 冲正审核员 who manages keys."""
    codes = ["system.api_key", "policy.view", "policy.reversal_review"]
    reviewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, codes)], name="郑审核")
    return Api(token_for("policy.reversal_review", actor=reviewer))


def test_a_reversal_is_requested_then_approved_by_another_person(cast, api, reviewer_api):
    policy = cast.policy()
    answer = api.post(f"/policies/{policy.order.application_no}/reversal", {"reason": "保单号录错"})
    assert answer.status_code == 201, answer.content.decode()
    body = answer.json()
    assert body["status"] == "pending" and body["requested_by"] == "林出单" and body["actions"] == []
    path = f"/reversals/{body['uuid']}/review"
    own = problem(api.post(path, {"decision": "approve"}), 403)
    assert own["detail"] == reversal.OWN_REQUEST
    listed = reviewer_api.get("/reversals", {"status": "pending"}).json()["items"]
    assert [row["uuid"] for row in listed] == [body["uuid"]]
    assert reviewer_api.get(f"/reversals/{body['uuid']}").json()["actions"] == ["approve", "reject"]
    approved = reviewer_api.post(path, {"decision": "approve"}).json()
    assert approved["status"] == "approved" and approved["reviewed_by"] == "郑审核"
    policy.refresh_from_db()
    policy.order.refresh_from_db()
    assert policy.status == PolicyStatus.REVERSED and policy.order.status == OrderStatus.AWAITING_ISSUE
    reversed_ = api.get("/policies", {"status": "reversed"}).json()["items"]
    assert [row["policy_no"] for row in reversed_] == [policy.policy_no]
    assert api.get("/policies", {"status": "active"}).json()["items"] == []
    assert "status" in fields(problem(api.get("/policies", {"status": "expired"}), 422))


def test_a_reversal_is_rejected_with_a_reason(cast, api, reviewer_api):
    policy = cast.policy()
    uuid = api.post(f"/policies/{policy.order.application_no}/reversal", {"reason": "保单号录错"}).json()[
        "uuid"
    ]
    path = f"/reversals/{uuid}/review"
    assert fields(problem(reviewer_api.post(path, {"decision": "reject"}), 422)) == {
        "reason": "请填写驳回冲正申请的原因"
    }
    body = reviewer_api.post(path, {"decision": "reject", "reason": "保单无误"}).json()
    assert body["status"] == "rejected" and body["review_reason"] == "保单无误"
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.ACTIVE
    assert reviewer_api.get(f"/reversals/{uuid}").json()["status"] == "rejected"


def test_requesting_is_refused_for_bad_input_a_blocked_policy_and_a_second_request(cast, api):
    policy = cast.policy()
    path = f"/policies/{policy.order.application_no}/reversal"
    assert fields(problem(api.post(path, {"reason": " "}), 422)) == {"reason": "请填写申请冲正的原因"}
    assert fields(problem(api.post(path, {}), 422)) == {"reason": "请填写此项"}
    assert api.post(path, {"reason": "保单号录错"}).status_code == 201
    assert problem(api.post(path, {"reason": "再次申请"}), 409)["detail"] == reversal.PENDING_EXISTS
    claimed = cast.policy()
    claim = claim_scenarios.report(claimed, cast.applicant)
    body = problem(api.post(f"/policies/{claimed.order.application_no}/reversal", {"reason": "录错"}), 409)
    assert body["detail"] == f"该保单已有理赔案件（报案号 {claim.report_no}），不能冲正"
    assert PolicyReversal.objects.count() == 1


def test_reversal_needs_the_scopes_and_the_insurers_own_policy(cast, api, api_as, other_api):
    policy = cast.policy()
    path = f"/policies/{policy.order.application_no}/reversal"
    problem(api_as("policy.view").post(path, {"reason": "录错"}), 403)
    problem(other_api.post(path, {"reason": "录错"}), 404)
    uuid = api.post(path, {"reason": "录错"}).json()["uuid"]
    problem(api_as("policy.reversal_request").get("/reversals"), 403)
    problem(api_as("policy.reversal_request").post(f"/reversals/{uuid}/review", {"decision": "approve"}), 403)
    assert other_api.get("/reversals").json()["items"] == []
    problem(other_api.get(f"/reversals/{uuid}"), 404)
    problem(other_api.post(f"/reversals/{uuid}/review", {"decision": "approve"}), 404)


def test_a_retried_request_changes_nothing_twice(cast, api):
    policy = cast.policy()
    path = f"/policies/{policy.order.application_no}/reversal"
    first = api.post(path, {"reason": "保单号录错"}, **{"Idempotency-Key": "rev-1"})
    second = api.post(path, {"reason": "保单号录错"}, **{"Idempotency-Key": "rev-1"})
    assert first.status_code == second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert first.content == second.content
    assert PolicyReversal.objects.count() == 1 and ReversalEvent.objects.count() == 1


def test_the_list_pages_by_cursor(cast, api, reviewer_api):
    first, second = cast.policy(), cast.policy()
    for policy in (first, second):
        api.post(f"/policies/{policy.order.application_no}/reversal", {"reason": "录错"})
    page = reviewer_api.get("/reversals", {"limit": 1}).json()
    assert [row["policy_no"] for row in page["items"]] == [second.policy_no]
    rest = reviewer_api.get("/reversals", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [row["policy_no"] for row in rest["items"]] == [first.policy_no] and rest["next_cursor"] is None
    by_number = reviewer_api.get("/reversals", {"policy_no": first.policy_no}).json()["items"]
    assert [row["policy_no"] for row in by_number] == [first.policy_no]
    assert reviewer_api.get("/reversals", {"status": "approved"}).json()["items"] == []


def test_the_list_reads_a_constant_number_of_queries(cast, api, reviewer_api, django_assert_max_num_queries):
    api.post(f"/policies/{cast.policy().order.application_no}/reversal", {"reason": "录错"})
    reviewer_api.get("/reversals")
    with django_assert_max_num_queries(10) as few:
        reviewer_api.get("/reversals")
    baseline = len(few.captured_queries)  # now: the query log is a bounded deque, read lazily
    for _ in range(3):
        api.post(f"/policies/{cast.policy().order.application_no}/reversal", {"reason": "录错"})
    with django_assert_max_num_queries(baseline):
        assert len(reviewer_api.get("/reversals").json()["items"]) == 4
