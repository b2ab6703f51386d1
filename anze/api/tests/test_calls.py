"""What every call shares: ``Idempotency-Key`` on a POST, problems for what cannot be read, the schema and its
page (served locally), and every operation's key and scope."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anze.api import keys
from anze.api.endpoints import KeyAuth, api
from anze.api.models import IdempotencyRecord
from anze.notifications.models import SmsMessage
from anze.orders.models import OrderEvent, OrderStatus

from .conftest import V1
from .test_orders import QUOTE, fields, pdf, problem

pytestmark = pytest.mark.django_db
S = OrderStatus


# --- Idempotency-Key --------------------------------------------------------------------------------------------
def test_a_retried_post_returns_the_first_answer_and_changes_nothing_twice(cast, api, online):
    order = online(until=S.AWAITING_ISSUE)
    path = f"/orders/{order.application_no}/issue"

    def issue():  # type: ignore[no-untyped-def]
        upload = {
            "policy_no": "PICC2027000077",
            "policy_file": pdf("保单.pdf"),
            "invoice_file": pdf("发票.pdf"),
        }
        return api.post(path, upload, json=False, **{"Idempotency-Key": "issue-77"})

    first, second = issue(), issue()
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert OrderEvent.objects.filter(order=order, action="issue").count() == 1
    assert SmsMessage.objects.filter(text__contains="PICC2027000077").count() == 1


def test_the_same_key_with_another_request_is_refused(cast, api, online):
    order = online()
    path = f"/orders/{order.application_no}/quote"
    assert api.post(path, QUOTE, **{"Idempotency-Key": "q-1"}).status_code == 200
    body = problem(api.post(path, {**QUOTE, "premium": "13000"}, **{"Idempotency-Key": "q-1"}), 422)
    assert fields(body) == {"Idempotency-Key": "已用于另一个请求"}
    order.refresh_from_db()
    assert order.premium == 12000


def test_a_refused_call_is_not_remembered_and_its_retry_runs(cast, api, online):
    order = online()
    path = f"/orders/{order.application_no}/quote"
    problem(api.post(path, {**QUOTE, "premium": "0"}, **{"Idempotency-Key": "q-2"}), 422)
    assert not IdempotencyRecord.objects.exists()
    problem(api.post(path, {**QUOTE, "premium": "0"}, **{"Idempotency-Key": "q-2"}), 422)
    assert api.post(path, {**QUOTE, "premium": "0"}, **{"Idempotency-Key": "q-3"}).status_code == 422


def test_a_key_is_per_organisation_and_forgotten_after_its_hours(cast, api, other_api, online, settings):
    order = online()
    path = f"/orders/{order.application_no}/quote"
    assert api.post(path, QUOTE, **{"Idempotency-Key": "shared"}).status_code == 200
    problem(other_api.post(path, QUOTE, **{"Idempotency-Key": "shared"}), 404)  # not the other's replay
    record = IdempotencyRecord.objects.get()
    assert record.organisation_id == cast.insurer.pk
    IdempotencyRecord.objects.update(
        created_at=timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS + 1)
    )
    body = problem(api.post(path, QUOTE, **{"Idempotency-Key": "shared"}), 409)  # run again: quoted already
    assert "待确认报价" in body["detail"]


def test_an_unreadable_idempotency_key_is_refused(cast, api, online):
    order = online()
    body = problem(
        api.post(f"/orders/{order.application_no}/quote", QUOTE, **{"Idempotency-Key": "x" * 256}), 422
    )
    assert fields(body) == {"Idempotency-Key": "不能超过255个字符"}


# --- what cannot be read ---------------------------------------------------------------------------------------
def test_what_cannot_be_read_is_a_problem_never_a_500(cast, api, online):
    order = online()
    path = f"{V1}/orders/{order.application_no}/quote"
    broken = api.client.post(path, "{not json", content_type="application/json", headers=api.headers)
    assert broken.status_code in (400, 422) and broken["Content-Type"].startswith("application/problem+json")
    nul = problem(
        api.post(
            f"/orders/{order.application_no}/payment-review", {"decision": "reject", "reason": "a\x00b"}
        ),
        422,
    )
    assert fields(nul) == {"reason": "不能包含空字符"}
    # A key of a mapping too (a service item's code; PostgreSQL refuses a NUL in any text: a 500 before)
    key = problem(
        api.post(f"/orders/{order.application_no}/quote", {**QUOTE, "service_counts": {"a\x00": 1}}), 422
    )
    assert fields(key) == {"service_counts": "不能包含空字符"}
    assert problem(api.get("/orders", {"name": "蓬\x00壶"}), 422)
    problem(api.get(f"/orders/{order.application_no}/files/not-a-uuid"), 422)


# --- the schema and its page -------------------------------------------------------------------------------------
def test_the_schema_and_its_page_are_served_without_a_key_from_our_own_files():
    client = Client()
    schema = client.get(f"{V1}/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "安责险平台开放接口"
    assert schema.json()["components"]["securitySchemes"]["KeyAuth"]["scheme"] == "bearer"
    page = client.get(f"{V1}/docs")
    html = page.content.decode()
    assert page.status_code == 200 and "swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the page loads something from another site"
    assert '"validatorUrl": null' in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_every_operation_authenticates_with_a_key_and_every_scope_is_used():
    scopes = set()
    for path_view in api._routers[0][1].path_operations.values():
        for operation in path_view.operations:
            [auth] = operation.auth_callbacks
            assert isinstance(auth, KeyAuth), operation.view_func.__name__
            scopes.add(auth.scope)
    assert scopes - {None} == set(keys.API_SCOPES)


@pytest.mark.django_db(transaction=True)
def test_two_calls_with_one_key_at_once_take_the_step_once(cast, api, online):
    """The retry arrives while the first call still runs: it waits for the first one's record (the unique index
    on PostgreSQL, the write lock on SQLite) and replays its answer."""
    import threading

    from django.db import connection

    order = online()
    path = f"/orders/{order.application_no}/quote"
    answers: list[object] = []
    start = threading.Barrier(2)

    def call() -> None:
        try:
            start.wait()
            headers = {**api.headers, "Idempotency-Key": "race"}
            answers.append(Client().post(V1 + path, QUOTE, content_type="application/json", headers=headers))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200]  # type: ignore[attr-defined]
    assert answers[0].content == answers[1].content  # type: ignore[attr-defined]
    assert OrderEvent.objects.filter(order=order, action="quote").count() == 1
