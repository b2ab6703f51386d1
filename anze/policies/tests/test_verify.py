"""电子保单验真 (/verify/): public, both fields required, the same neutral answer for a wrong code and an unknown
number, only the masked summary of a match, a per-address limit of failed lookups; the code set at 出函 (online
and offline), unique, and shown beside the policy to those who may see it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anze.policies import verify
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db
URL = "/verify/"


def _ask(client, policy_no, code, ip="10.9.0.1", method="post"):
    send = client.post if method == "post" else client.get
    return send(URL, {"policy_no": policy_no, "code": code}, REMOTE_ADDR=ip)


def test_the_empty_page_is_public_and_linked_from_the_landing_page(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "电子保单验真" in html and 'name="policy_no"' in html and 'name="code"' in html
    assert "请输入" in html and "未查询到" not in html and "保单状态" not in html
    assert 'href="/verify/"' in client.get("/").content.decode()


def test_a_valid_policy_shows_its_masked_summary_and_nothing_else(cast, client):
    policy = cast.policy(policy_no="PVERIFY0001")
    order = policy.order
    response = _ask(client, "PVERIFY0001", policy.verification_code)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="verify-status">有效<' in html
    assert policy.insurer.name in html
    assert f"{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}" in html
    assert verify.mask_name(order.applicant_name) in html
    assert order.applicant_name not in html
    assert f"<td>{order.headcount}</td>" in html
    for secret in (order.contact_phone, order.applicant_credit_code, order.contact_name, order.project_name):
        assert secret not in html
    assert order.application_no not in html and "pdf" not in html.lower()


def test_the_qr_link_opens_the_page_filled_in_and_checked_and_the_code_ignores_case(cast, client):
    policy = cast.policy(policy_no="PVERIFY0002")
    response = _ask(client, "PVERIFY0002", policy.verification_code.lower(), method="get")
    assert response.status_code == 200
    assert 'data-testid="verify-status">有效<' in response.content.decode()


def test_expired_and_not_yet_started_policies_say_so(cast, client):
    expired = cast.policy(policy_no="PVERIFYOLD1")
    Policy.objects.filter(pk=expired.pk).update(
        period_start=timezone.localdate() - timedelta(days=400),
        period_end=timezone.localdate() - timedelta(days=1),
    )
    html = _ask(client, "PVERIFYOLD1", expired.verification_code).content.decode()
    assert 'data-testid="verify-status">已过期<' in html
    future = cast.policy(policy_no="PVERIFYNEW1")
    Policy.objects.filter(pk=future.pk).update(period_start=timezone.localdate() + timedelta(days=1))
    html = _ask(client, "PVERIFYNEW1", future.verification_code).content.decode()
    assert 'data-testid="verify-status">未生效<' in html


def test_the_status_follows_the_period_at_its_bounds(cast):
    policy = cast.policy()
    assert verify.verification_status(policy, policy.period_start) == ("有效", "success")
    assert verify.verification_status(policy, policy.period_end)[0] == "有效"
    assert verify.verification_status(policy, policy.period_end + timedelta(days=1))[0] == "已过期"
    assert verify.verification_status(policy, policy.period_start - timedelta(days=1))[0] == "未生效"


def test_a_wrong_code_and_an_unknown_number_give_the_same_neutral_answer(cast, client):
    policy = cast.policy(policy_no="PVERIFY0003")
    wrong = "A" * 8 if policy.verification_code != "A" * 8 else "B" * 8
    answers = [
        _ask(client, "PVERIFY0003", wrong),
        _ask(client, "PNOSUCH9999", policy.verification_code),
    ]
    for response in answers:
        html = response.content.decode()
        assert response.status_code == 200
        assert verify.NOT_FOUND in html
        assert "保单状态" not in html
        assert policy.insurer.name not in html
        assert verify.mask_name(policy.order.applicant_name) not in html
    # Nothing tells the two apart but what the form echoes (and the CSRF token).
    pages = [
        re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.content.decode()) for response in answers
    ]
    assert pages[0] == pages[1]


@pytest.mark.parametrize(
    ("data", "field_message"),
    [({"policy_no": "", "code": "ABCDEFGH"}, "保单编号"), ({"policy_no": "P1", "code": ""}, "验证码")],
)
def test_a_missing_field_is_refused_at_that_field_without_a_lookup(client, data, field_message):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "invalid-feedback" in html and f"请输入{field_message}" in html
    assert not [q for q in queries.captured_queries if "policies_policy" in q["sql"]]
    assert verify.NOT_FOUND not in html


def test_the_eleventh_failed_lookup_from_one_address_is_refused_another_address_still_works(cast, client):
    policy = cast.policy(policy_no="PVERIFY0004")
    for _ in range(settings.VERIFY_FAILURE_LIMIT):
        assert verify.NOT_FOUND in _ask(client, "PVERIFY0004", "WRONGCDE", ip="10.9.9.9").content.decode()
    with CaptureQueriesContext(connection) as queries:
        refused = _ask(client, "PVERIFY0004", policy.verification_code, ip="10.9.9.9")  # even the right code
    html = refused.content.decode()
    assert refused.status_code == 429
    assert verify.TOO_MANY in html and "保单状态" not in html
    assert not [q for q in queries.captured_queries if "policies_policy" in q["sql"]]
    other = _ask(client, "PVERIFY0004", policy.verification_code, ip="10.9.9.10")
    assert other.status_code == 200 and 'data-testid="verify-status">有效<' in other.content.decode()


def test_right_lookups_are_not_counted_as_failures(cast, client):
    policy = cast.policy(policy_no="PVERIFY0005")
    for _ in range(settings.VERIFY_FAILURE_LIMIT + 2):
        assert _ask(client, "PVERIFY0005", policy.verification_code).status_code == 200


def test_the_code_is_set_at_online_and_offline_issue_unique_and_unambiguous(cast):
    online = cast.online(until="issued").policy
    offline = cast.offline(issued=True).policy
    codes = {online.verification_code, offline.verification_code}
    assert len(codes) == 2
    for code in codes:
        assert len(code) == verify.CODE_LENGTH
        assert set(code) <= set(verify.CODE_ALPHABET)
        assert not set(code) & set("0O1I")
    assert Policy.objects.filter(verification_code=online.verification_code).count() == 1


def test_names_are_masked_in_the_middle():
    assert verify.mask_name("泉州鸿盛建筑工程有限公司") == "泉州鸿盛****有限公司"
    assert verify.mask_name("鸿盛公司") == "鸿****司"
    assert verify.mask_name("鸿") == "鸿****"


def test_the_insurers_detail_shows_the_code_and_qr_to_its_insurer_only(cast, client_for):
    policy = cast.policy()
    url = f"/insurer/policies/{policy.order.application_no}/"
    response = client_for(cast.clerk).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="verification-code">{policy.verification_code}<' in html
    assert "<svg" in html and f"code={policy.verification_code}" in html
    assert f"http://testserver/verify/?policy_no={policy.policy_no}" in html
    assert ">testserver/verify/</a>" in html
    other = client_for(cast.other_clerk).get(url)
    assert other.status_code == 404 and policy.verification_code not in other.content.decode()


def test_the_enterprises_order_detail_and_policy_list_show_the_code_to_its_enterprise_only(cast, client_for):
    policy = cast.policy()
    url = f"/enterprise/orders/{policy.order.application_no}/"
    html = client_for(cast.applicant).get(url).content.decode()
    assert f'data-testid="verification-code">{policy.verification_code}<' in html and "<svg" in html
    listing = client_for(cast.applicant).get("/enterprise/policies/").content.decode()
    assert policy.verification_code in listing
    other = client_for(cast.other_applicant).get(url)
    assert other.status_code == 404 and policy.verification_code not in other.content.decode()
