"""The policy operations and the reference data: allowed, forbidden without the scope, another insurer's 404,
bad input 422."""

from __future__ import annotations

import pytest

from anze.policies.models import ServiceStatus

from .test_orders import fields, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(cast):  # type: ignore[no-untyped-def]
    return cast.on_stage("org_admin", "other_org_admin")


def test_policies_are_listed_newest_first_by_cursor_and_filtered(cast, api):
    first, second = cast.policy(), cast.policy()
    page = api.get("/policies", {"limit": 1}).json()
    assert [row["policy_no"] for row in page["items"]] == [second.policy_no]
    rest = api.get("/policies", {"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [row["policy_no"] for row in rest["items"]] == [first.policy_no] and rest["next_cursor"] is None
    found = api.get("/policies", {"policy_no": first.policy_no}).json()["items"]
    assert [row["application_no"] for row in found] == [first.order.application_no]
    assert api.get("/policies", {"service_status": "in_service"}).json()["items"] == []
    assert "service_status" in fields(problem(api.get("/policies", {"service_status": "done"}), 422))


def test_the_list_reads_a_constant_number_of_queries(cast, api, django_assert_max_num_queries):
    cast.policy()
    api.get("/policies")
    with django_assert_max_num_queries(10) as few:
        api.get("/policies")
    for _ in range(3):
        cast.policy()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/policies").json()["items"]) == 4


def test_a_policy_reads_with_its_files(cast, api):
    policy = cast.policy()
    body = api.get(f"/policies/{policy.order.application_no}").json()
    assert body["policy_no"] == policy.policy_no and body["service_status"] == "none"
    assert body["status"] == "active" and body["status_label"] == "有效"
    kinds = {f["kind"]: f for f in body["files"]}
    assert {"policy", "invoice", "contract"} <= set(kinds)
    answer = api.client.get(kinds["policy"]["download"], headers=api.headers)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]


def test_policies_need_the_scope_and_are_the_insurers_own(cast, api_as, other_api):
    policy = cast.policy()
    no = policy.order.application_no
    problem(api_as("order.view").get("/policies"), 403)
    problem(api_as("order.view").get(f"/policies/{no}"), 403)
    assert other_api.get("/policies").json()["items"] == []
    problem(other_api.get(f"/policies/{no}"), 404)
    problem(other_api.get(f"/policies/{no}/files/{policy.order.policy_file.uuid}"), 404)


def test_a_third_party_service_is_applied_for_by_credit_code(cast, api, api_as, other_api):
    policy = cast.policy()
    path = f"/policies/{policy.order.application_no}/service"
    orgs = api.get("/service-orgs").json()
    assert {org["credit_code"] for org in orgs} >= {cast.org.credit_code, cast.other_org.credit_code}
    assert fields(problem(api.post(path, {"service_org": "91350503MA00000000"}), 422)) == {
        "service_org": "请选择一家启用中的第三方安全服务机构"
    }
    assert fields(problem(api.post(path, {}), 422)) == {"service_org": "请填写此项"}
    problem(api_as("policy.view").post(path, {"service_org": cast.org.credit_code}), 403)
    problem(api_as("policy.view").get("/service-orgs"), 403)
    problem(other_api.post(path, {"service_org": cast.org.credit_code}), 404)
    body = api.post(path, {"service_org": cast.org.credit_code}).json()
    assert body["service_status"] == ServiceStatus.PENDING
    assert body["service_org"]["name"] == cast.org.name
    again = problem(api.post(path, {"service_org": cast.org.credit_code}), 409)
    assert again["detail"] == "保单安全服务当前状态为“待处理”，不能申请第三方安全服务"


def test_the_reference_data_needs_only_a_valid_key(cast, api_as):
    body = api_as("policy.view").get("/basedata").json()
    assert {"code": "training", "name": "安全生产宣传教育培训"} in body["service_items"]
    assert {"code": "350503", "name": "丰泽区"} in body["regions"]
    assert any(row["code"] == "construction" for row in body["industries"])
