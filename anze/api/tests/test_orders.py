"""The order operations: each one allowed, forbidden without its scope (403), another insurer's order (404),
bad input (422 with the field's Chinese message) — and the same workflow as the screens behind them."""

from __future__ import annotations

import pytest

from anze.core.testing import factories
from anze.documents import testing as files
from anze.notifications.models import SmsMessage
from anze.orders.models import Order, OrderEvent, OrderStatus, OrderType
from anze.orders.scenarios import service_counts
from anze.policies.models import Policy

from .conftest import Api

pytestmark = pytest.mark.django_db
S = OrderStatus

QUOTE = {
    "aggregate_limit": "5000000",
    "per_accident_limit": "1000000",
    "per_person_injury_limit": "500000",
    "per_person_medical_limit": "50000",
    "premium": "12000.00",
    "prevention_fee": 2400,
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "service_counts": {"training": 2, "hazard_inspection": 4},
}


def pdf(name: str) -> object:
    return files.upload(name, files.pdf_bytes(name))


def problem(response: object, status: int) -> dict:
    assert response.status_code == status, response.content.decode()  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("application/problem+json")  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body: dict) -> dict[str | None, str]:
    return {error["field"]: error["detail"] for error in body["errors"]}


# --- reading ----------------------------------------------------------------------------------------------------
def test_the_list_is_the_insurers_submitted_orders_newest_first_by_cursor(cast, api, online, offline):
    older, newer, newest = online(), online(), offline()
    first = api.get("/orders", {"limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert [row["application_no"] for row in body["items"]] == [newest.application_no, newer.application_no]
    assert body["next_cursor"]
    rest = api.get("/orders", {"limit": 2, "cursor": body["next_cursor"]}).json()
    assert [row["application_no"] for row in rest["items"]] == [older.application_no]
    assert rest["next_cursor"] is None


def test_the_list_filters_as_the_screen_does(cast, api, online, offline):
    quoted = online(until=S.AWAITING_CONFIRMATION)
    waiting = online()
    typed = offline(project_name="洛江区机械厂房")
    by_status = api.get("/orders", {"status": "awaiting_confirmation"}).json()["items"]
    assert [row["application_no"] for row in by_status] == [quoted.application_no]
    by_type = api.get("/orders", {"order_type": "offline"}).json()["items"]
    assert [row["application_no"] for row in by_type] == [typed.application_no]
    by_name = api.get("/orders", {"name": "机械厂"}).json()["items"]
    assert [row["application_no"] for row in by_name] == [typed.application_no]
    by_number = api.get("/orders", {"application_no": waiting.application_no}).json()["items"]
    assert [row["application_no"] for row in by_number] == [waiting.application_no]


def test_the_list_reads_a_constant_number_of_queries(cast, api, online, django_assert_max_num_queries):
    for _ in range(3):
        online()
    api.get("/orders")  # the key's row and its creator, once
    with django_assert_max_num_queries(8) as few:
        api.get("/orders", {"limit": 2})
    for _ in range(4):
        online()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/orders", {"limit": 6}).json()["items"]) == 6


def test_another_insurers_orders_are_neither_listed_nor_found(cast, other_api, online):
    order = online()
    assert other_api.get("/orders").json()["items"] == []
    problem(other_api.get(f"/orders/{order.application_no}"), 404)
    document = order.business_licence
    problem(other_api.get(f"/orders/{order.application_no}/files/{document.uuid}"), 404)


def test_the_list_refuses_a_bad_filter_beside_it(cast, api):
    assert fields(problem(api.get("/orders", {"status": "paid"}), 422)) == {
        "status": "须为以下之一：awaiting_quote、awaiting_confirmation、awaiting_payment_notice、awaiting_payment、"
        "awaiting_payment_review、awaiting_issue、issued、cancelled"
    }
    assert "cursor" in fields(problem(api.get("/orders", {"cursor": "not-a-cursor"}), 422))
    assert fields(problem(api.get("/orders", {"limit": 500}), 422)) == {"limit": "不能大于100"}
    assert "start" in fields(problem(api.get("/orders", {"start": "2026-13-01"}), 422))


def test_the_detail_has_the_scheme_files_and_what_the_key_may_do_now(cast, api, online):
    order = online(until=S.AWAITING_PAYMENT_NOTICE)
    body = api.get(f"/orders/{order.application_no}").json()
    assert body["status"] == "awaiting_payment_notice" and body["status_label"] == "待上传付款通知书"
    assert body["premium"] == "12000.00" and body["period_start"]
    assert {row["item"] for row in body["service_counts"]} == {
        "training",
        "hazard_inspection",
        "emergency_plan",
    }
    assert {f["kind"] for f in body["files"]} == {"business_licence", "legal_id"}
    assert body["actions"] == ["upload_payment_notice"]


def test_a_file_of_the_order_downloads_and_no_other(cast, api, online):
    order = online(until=S.AWAITING_PAYMENT_REVIEW)
    voucher = api.get(f"/orders/{order.application_no}").json()["files"]
    download = next(f["download"] for f in voucher if f["kind"] == "payment_voucher")
    answer = api.client.get(download, headers=api.headers)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert b"".join(answer.streaming_content).startswith(b"\x89PNG")
    stranger = online().business_licence
    problem(api.get(f"/orders/{order.application_no}/files/{stranger.uuid}"), 404)


def test_reading_needs_a_valid_key_and_the_scope(cast, api_as, online):
    order = online()
    body = problem(Api(None).get("/orders"), 401)
    assert "Authorization" in body["detail"]
    problem(Api("anze_00000000_wrong").get(f"/orders/{order.application_no}"), 401)
    detail = problem(api_as("policy.view").get("/orders"), 403)["detail"]
    assert detail == "该接口密钥没有“查看订单”的授权范围"
    problem(api_as("order.quote").get(f"/orders/{order.application_no}"), 403)
    assert "application_no" in fields(problem(api_as("order.view").get("/orders/12345"), 422))


# --- 报价 ----------------------------------------------------------------------------------------------------------
def test_a_quote_takes_the_workflow_step_and_says_who_took_it(cast, api, online):
    order = online()
    answer = api.post(f"/orders/{order.application_no}/quote", QUOTE)
    assert answer.status_code == 200, answer.content.decode()
    body = answer.json()
    assert body["status"] == "awaiting_confirmation" and body["premium"] == "12000.00"
    assert {row["item"]: row["count"] for row in body["service_counts"]} == {
        "training": 2,
        "hazard_inspection": 4,
    }
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert event.action == "quote" and event.actor == cast.clerk
    assert event.actor_name.startswith("林出单（接口：核心系统")
    assert SmsMessage.objects.filter(phone=order.contact_phone, text__contains="已报价").exists()


def test_a_quote_is_refused_beside_each_field_and_nothing_changes(cast, api, online):
    order = online()
    bad = {**QUOTE, "per_person_injury_limit": "300000", "service_counts": {"training": 2, "no_such_item": 1}}
    body = problem(api.post(f"/orders/{order.application_no}/quote", bad), 422)
    assert fields(body) == {"service_counts": "服务项目代码不存在：no_such_item"}
    bad = {**QUOTE, "per_person_injury_limit": "300000", "prevention_fee": "13000"}
    errors = fields(problem(api.post(f"/orders/{order.application_no}/quote", bad), 422))
    assert errors["per_person_injury_limit"].startswith("每人伤亡责任限额不得低于400,000.00元")
    assert errors["prevention_fee"] == "事故预防服务费不能大于保费"
    schema = fields(
        problem(api.post(f"/orders/{order.application_no}/quote", {**QUOTE, "premium": "很多"}), 422)
    )
    assert schema == {"premium": "须为数字"}
    missing = fields(problem(api.post(f"/orders/{order.application_no}/quote", {}), 422))
    assert missing["premium"] == "请填写此项" and missing["period_start"] == "请填写此项"
    assert fields(
        problem(api.post(f"/orders/{order.application_no}/quote", {**QUOTE, "period_end": "2199-01-01"}), 422)
    ) == {"period_end": "不能大于2099-12-31"}
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE and order.premium is None


def test_a_quote_in_the_wrong_state_is_409_with_the_workflows_words(cast, api, online):
    order = online(until=S.AWAITING_CONFIRMATION)
    body = problem(api.post(f"/orders/{order.application_no}/quote", QUOTE), 409)
    assert body["detail"] == "订单当前状态为“待确认报价”，不能报价"


def test_a_quote_needs_the_scope_and_the_insurers_own_order(cast, api_as, other_api, online):
    order = online()
    assert problem(api_as("order.view").post(f"/orders/{order.application_no}/quote", QUOTE), 403)
    problem(other_api.post(f"/orders/{order.application_no}/quote", QUOTE), 404)
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE


def test_a_key_loses_what_its_creator_loses(cast, token_for, online):
    """The key acts as its creator: a creator no longer holding 报价 takes it from the key (Machine.begin's
    permission check, through ``KeyActor``), and a creator who cannot sign in any more takes the key."""
    manager = factories.user(
        cast.insurer, roles=[factories.role(cast.insurer, ["system.api_key", "order.view", "order.quote"])]
    )
    api = Api(token_for("order.view", "order.quote", actor=manager))
    order = online()
    manager.roles.set([factories.role(cast.insurer, ["order.view"])])
    assert problem(api.post(f"/orders/{order.application_no}/quote", QUOTE), 403)["detail"].endswith(
        "“报价”的授权范围"
    )
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    problem(api.get("/orders"), 401)


# --- 付款 ----------------------------------------------------------------------------------------------------------
def test_the_payment_notice_is_uploaded_as_a_file(cast, api, api_as, other_api, online):
    order = online(until=S.AWAITING_PAYMENT_NOTICE)
    path = f"/orders/{order.application_no}/payment-notice"
    assert fields(problem(api.post(path, {}, json=False), 422)) == {"file": "请上传付款通知书"}
    fake = files.upload("通知书.pdf", b"not a pdf at all")
    assert "file" in fields(problem(api.post(path, {"file": fake}, json=False), 422))
    problem(api_as("order.view").post(path, {"file": pdf("通知书.pdf")}, json=False), 403)
    problem(other_api.post(path, {"file": pdf("通知书.pdf")}, json=False), 404)
    answer = api.post(path, {"file": pdf("付款通知书.pdf")}, json=False)
    assert answer.status_code == 200 and answer.json()["status"] == "awaiting_payment"


def test_the_payment_review_approves_or_rejects_with_a_reason(cast, api, api_as, other_api, online):
    order = online(until=S.AWAITING_PAYMENT_REVIEW)
    path = f"/orders/{order.application_no}/payment-review"
    assert fields(problem(api.post(path, {"decision": "reject"}), 422)) == {
        "reason": "请填写支付审核驳回的原因"
    }
    assert "decision" in fields(problem(api.post(path, {"decision": "maybe"}), 422))
    problem(api_as("order.view").post(path, {"decision": "approve"}), 403)
    problem(other_api.post(path, {"decision": "approve"}), 404)
    rejected = api.post(path, {"decision": "reject", "reason": "回单模糊"}).json()
    assert rejected["status"] == "awaiting_payment" and rejected["last_reason"] == "回单模糊"
    again = online(until=S.AWAITING_PAYMENT_REVIEW)
    approved = api.post(f"/orders/{again.application_no}/payment-review", {"decision": "approve"}).json()
    assert approved["status"] == "awaiting_issue"


# --- 出函 ------------------------------------------------------------------------------------------------------------
def test_an_online_order_is_issued_with_its_pdfs(cast, api, online):
    order = online(until=S.AWAITING_ISSUE)
    answer = api.post(
        f"/orders/{order.application_no}/issue",
        {"policy_no": "PICC2027000001", "policy_file": pdf("电子保单.pdf"), "invoice_file": pdf("发票.pdf")},
        json=False,
    )
    assert answer.status_code == 200, answer.content.decode()
    assert answer.json()["status"] == "issued" and answer.json()["policy_no"] == "PICC2027000001"
    assert Policy.objects.get(order=order).policy_no == "PICC2027000001"
    assert SmsMessage.objects.filter(phone=order.contact_phone, text__contains="PICC2027000001").exists()


def test_issuing_is_refused_with_every_problem_at_once(cast, api, api_as, other_api, online, offline):
    taken = online(until=S.ISSUED, policy_no="PICC2027000009")
    assert taken.status == S.ISSUED
    order = online(until=S.AWAITING_ISSUE)
    path = f"/orders/{order.application_no}/issue"
    errors = fields(problem(api.post(path, {"policy_no": "PICC2027000009"}, json=False), 422))
    assert errors == {
        "policy_no": "保单编号已存在，请核对",
        "policy_file": "请上传保单文件",
        "invoice_file": "请上传发票文件",
    }
    assert fields(problem(api.post(path, {}, json=False), 422)) == {"policy_no": "请填写此项"}
    upload = {"policy_no": "P1", "policy_file": pdf("a.pdf"), "invoice_file": pdf("b.pdf")}
    problem(api_as("order.view").post(path, upload, json=False), 403)
    problem(other_api.post(path, upload, json=False), 404)
    typed = offline()
    body = problem(api.post(f"/orders/{typed.application_no}/issue", upload, json=False), 409)
    assert body["detail"] == "线下订单不能出函"
    order.refresh_from_db()
    assert order.status == S.AWAITING_ISSUE


# --- 线下订单 ---------------------------------------------------------------------------------------------------------
OFFLINE = {
    "applicant_name": "泉州市洛江区示范机械有限公司",
    "applicant_credit_code": factories.credit_code(880001, "350504"),
    "contact_name": "张三",
    "contact_phone": "13697770764",
    "project_name": "洛江区示范机械厂房",
    "region": "350503",
    "industry": "construction",
    "headcount": "50",
    "intended_items": ["training", "hazard_inspection"],
}


def test_an_offline_order_is_created_then_backfilled(cast, api):
    created = api.post("/orders/offline", {**OFFLINE, "business_licence": pdf("营业执照.pdf")}, json=False)
    assert created.status_code == 201, created.content.decode()
    body = created.json()
    assert body["order_type"] == "offline" and body["status"] == "awaiting_issue"
    assert [item["code"] for item in body["intended_items"]] == ["training", "hazard_inspection"]
    backfill = {
        **{k: v for k, v in QUOTE.items() if k != "service_counts"},
        "service_counts": '{"training": 1}',
        "policy_no": "PXX2027000001",
        "policy_file": pdf("电子保单.pdf"),
        "invoice_file": pdf("发票.pdf"),
        "contract_file": pdf("合同.pdf"),
    }
    answer = api.post(f"/orders/{body['application_no']}/backfill", backfill, json=False)
    assert answer.status_code == 200, answer.content.decode()
    issued = answer.json()
    assert issued["status"] == "issued" and issued["service_counts"] == [
        {"item": "training", "name": "安全生产宣传教育培训", "count": 1}
    ]
    assert Order.objects.get(application_no=body["application_no"]).order_type == OrderType.OFFLINE


def test_an_offline_order_is_refused_beside_its_fields(cast, api, api_as):
    bad = {
        **OFFLINE,
        "applicant_credit_code": "91350504MA2YL8H3X",
        "region": "999999",
        "contact_phone": "123",
    }
    errors = fields(problem(api.post("/orders/offline", bad, json=False), 422))
    assert errors == {"region": "所在区县代码不存在"}
    errors = fields(problem(api.post("/orders/offline", {**bad, "region": "350503"}, json=False), 422))
    assert set(errors) == {"applicant_credit_code", "contact_phone"}
    assert errors["contact_phone"] == "请输入正确的11位手机号码"
    problem(api_as("order.view").post("/orders/offline", OFFLINE, json=False), 403)
    assert not Order.objects.filter(order_type=OrderType.OFFLINE).exists()


def test_the_backfill_is_refused_beside_its_fields_and_for_another_insurer(cast, api, other_api, offline):
    order = offline()
    path = f"/orders/{order.application_no}/backfill"
    scheme = {k: v for k, v in QUOTE.items() if k != "service_counts"}
    errors = fields(
        problem(api.post(path, {**scheme, "policy_no": "P9", "service_counts": "[1]"}, json=False), 422)
    )
    assert errors == {"service_counts": '服务次数须为JSON对象，如 {"training": 2}，次数为0–999的整数'}
    nul = {**scheme, "policy_no": "P9", "service_counts": '{"a\\u0000": 1}'}  # escaped in the JSON text
    assert fields(problem(api.post(path, nul, json=False), 422)) == errors
    errors = fields(problem(api.post(path, {**scheme, "policy_no": "P9", "premium": "-1"}, json=False), 422))
    assert errors["premium"] == "保费不能为负数" and errors["policy_file"] == "请上传保单文件"
    problem(other_api.post(path, {**scheme, "policy_no": "P9"}, json=False), 404)
    order.refresh_from_db()
    assert order.status == S.AWAITING_ISSUE


def test_a_quote_reports_a_service_count_by_its_item_code(cast, api, online):
    order = online()
    counts = service_counts(training=1)
    assert counts  # the item exists
    body = problem(
        api.post(f"/orders/{order.application_no}/quote", {**QUOTE, "service_counts": {"training": 1000}}),
        422,
    )
    assert fields(body) == {"service_counts.training": "不能大于999"}


def test_every_change_is_in_the_operation_log_with_the_keys_name_and_address(cast, token_for, online):
    from auditlog.models import LogEntry

    order = online()
    api = Api(token_for(name="核心业务系统"))
    api.client.defaults["REMOTE_ADDR"] = "203.0.113.9"
    assert api.post(f"/orders/{order.application_no}/quote", QUOTE).status_code == 200
    entry = LogEntry.objects.filter(additional_data__kind="business").latest("id")
    assert entry.additional_data["api_key"] == "核心业务系统"
    assert entry.additional_data["label"] == "报价" and entry.object_repr == f"订单 {order.application_no}"
    assert entry.remote_addr == "203.0.113.9" and entry.actor == cast.clerk
    from anze.audit.presenters import present

    assert present([entry])[0].actor == f"林出单（{cast.clerk.username}） · 接口密钥“核心业务系统”"
