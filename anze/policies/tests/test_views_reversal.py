"""冲正 screens: 申请冲正 (dialog on 保单管理, its detail and the order's 查看保单信息), 保单管理 › 冲正审核 with 通过 /
驳回 and 导出, and what every side shows of a reversed policy — 保单管理 (status tag and filter), its detail
(banner, 已作废 files still downloadable, the history), the enterprise's 我的保单, the regulator's 保单查询.
Forbidden (403), another insurer (404), bad input (the message beside the field, nothing saved)."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anze.core.testing import factories
from anze.orders.models import Order, OrderStatus
from anze.policies import reversal, scenarios
from anze.policies.models import Policy, PolicyReversal, PolicyStatus, ReversalStatus

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
LIST = "/insurer/reversals/"


def _toast(response) -> str:  # type: ignore[no-untyped-def]
    """The message of an htmx answer without a body: 204 with ``anze:done`` or ``anze:error``."""
    assert response.status_code == 204
    events = json.loads(response["HX-Trigger"])
    return (events.get("anze:done") or events["anze:error"])["message"]


def _request_url(policy: Policy) -> str:
    return reverse("insurer:policies:reversal_request", args=[policy.order.application_no])


def _detail_url(policy: Policy) -> str:
    return reverse("insurer:policies:detail", args=[policy.order.application_no])


# --- 申请冲正 --------------------------------------------------------------------------------------------------
def test_the_request_dialog_asks_for_a_reason_and_saves_nothing_without_one(cast, client_for, requester):
    policy = cast.policy()
    c = client_for(requester)
    html = c.get(_request_url(policy), headers=HTMX).content.decode()
    assert "申请冲正（保单编号" in html and policy.policy_no in html and 'name="reason"' in html
    for reason in ("", "   "):
        response = c.post(_request_url(policy), {"reason": reason}, headers=HTMX)
        assert response.status_code == 422
        html = response.content.decode()
        assert '<div class="invalid-feedback d-block">请填写冲正原因</div>' in html
    response = c.post(_request_url(policy), {"reason": "长" * 501}, headers=HTMX)
    assert response.status_code == 422 and "原因不能超过500个字" in response.content.decode()
    assert not PolicyReversal.objects.exists()
    response = c.post(_request_url(policy), {"reason": "保单编号录入错误"}, headers=HTMX)
    assert "冲正申请已提交" in _toast(response)
    assert PolicyReversal.objects.get().reason == "保单编号录入错误"


def test_the_request_dialog_says_why_not_when_it_cannot_be_asked(cast, client_for, requester):
    policy = cast.policy()
    reversal.reversal_request(policy=policy, actor=requester, reason="保单编号录入错误")
    response = client_for(cast.clerk).get(_request_url(policy), headers=HTMX)
    assert "该保单已有待审核的冲正申请" in _toast(response)
    response = client_for(cast.clerk).post(_request_url(policy), {"reason": "再来一次"}, headers=HTMX)
    assert response.status_code == 422 and "该保单已有待审核的冲正申请" in response.content.decode()
    assert PolicyReversal.objects.count() == 1


def test_the_request_is_forbidden_without_the_permission_and_404_for_another_insurer(
    cast, client_for, reviewer
):
    policy = cast.policy()
    url = _request_url(policy)
    assert client_for(reviewer).get(url).status_code == 403
    assert client_for(reviewer).post(url, {"reason": "x"}).status_code == 403
    assert client_for(cast.applicant).get(url).status_code == 403
    assert client_for(cast.other_clerk).get(url).status_code == 404
    assert client_for(cast.other_clerk).post(url, {"reason": "x"}).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/insurer/login/")
    assert not PolicyReversal.objects.exists()


def test_the_request_is_offered_on_the_list_the_detail_and_the_order_dialog(cast, client_for, reviewer):
    policy = cast.policy()
    url = _request_url(policy)
    clerk = client_for(cast.clerk)
    assert url in clerk.get("/insurer/policies/").content.decode()
    assert url in clerk.get(_detail_url(policy)).content.decode()
    order_dialog = reverse("insurer:orders:policy", args=[policy.order.application_no])
    assert url in clerk.get(order_dialog, headers=HTMX).content.decode()
    viewer = client_for(reviewer)  # 冲正审核 without 申请冲正
    assert url not in viewer.get("/insurer/policies/").content.decode()
    assert url not in viewer.get(_detail_url(policy)).content.decode()


# --- 冲正审核 --------------------------------------------------------------------------------------------------------
@pytest.fixture
def asked(cast, requester):
    """Three requests of the cast's insurer: 待审核, 已通过, 已驳回; and one of another insurer."""
    reviewer = factories.user(
        cast.insurer, roles=[factories.role(cast.insurer, ["policy.view", "policy.reversal_review"])]
    )
    pending, approved, rejected = (cast.policy(policy_no=f"PREQ00000{n}") for n in range(1, 4))
    made = {
        name: reversal.reversal_request(policy=p, actor=requester, reason=f"原因{name}")
        for name, p in (("pending", pending), ("approved", approved), ("rejected", rejected))
    }
    reversal.reversal_approve(reversal=made["approved"], actor=reviewer)
    reversal.reversal_reject(reversal=made["rejected"], actor=reviewer, reason="无需冲正")
    other = scenarios.online_order(
        insurer_user=cast.other_clerk,
        enterprise_user=cast.other_applicant,
        until=OrderStatus.ISSUED,
        policy_no="POTHER0001",
    )
    other_clerk_2 = factories.user(cast.other_insurer, admin=True)
    made["other"] = reversal.reversal_request(policy=other.policy, actor=other_clerk_2, reason="别家")
    return made


def test_the_review_list_tabs_the_requests_and_shows_only_the_insurers_own(cast, client_for, reviewer, asked):
    c = client_for(reviewer)
    html = c.get(LIST).content.decode()  # 待审核 by default
    assert 'data-tab="pending">待审核<span class="count">(1)' in html
    assert 'data-tab="approved">已通过<span class="count">(1)' in html
    assert 'data-tab="all">全部<span class="count">(3)' in html
    assert "PREQ000001" in html and "PREQ000002" not in html and "POTHER0001" not in html
    assert reverse("insurer:reversals:approve", args=[asked["pending"].uuid]) in html
    html = c.get(LIST, {"status": "all"}).content.decode()
    assert all(no in html for no in ("PREQ000001", "PREQ000002", "PREQ000003")) and "POTHER0001" not in html
    assert "无需冲正" in html
    html = c.get(LIST, {"status": "all", "policy_no": "PREQ000003"}).content.decode()
    assert "PREQ000003" in html and "PREQ000001" not in html
    assert "暂无数据" in c.get(LIST, {"status": "approved", "policy_no": "PXX"}).content.decode()


def test_the_requester_sees_no_review_buttons_on_their_own_request(cast, client_for):
    policy = cast.policy()
    made = reversal.reversal_request(policy=policy, actor=cast.clerk, reason="录错")
    html = client_for(cast.clerk).get(LIST).content.decode()
    assert "本人申请，须由他人审核" in html
    assert reverse("insurer:reversals:approve", args=[made.uuid]) not in html
    assert "须由他人审核" in client_for(cast.clerk).get(_detail_url(policy)).content.decode()


def test_the_review_list_takes_a_constant_number_of_queries(
    cast, client_for, reviewer, requester, django_assert_max_num_queries
):
    c = client_for(reviewer)
    for _ in range(2):
        reversal.reversal_request(policy=cast.policy(), actor=requester, reason="录错")
    c.get(LIST)
    with django_assert_max_num_queries(8) as few:
        assert c.get(LIST, {"size": 50}).status_code == 200
    for _ in range(6):
        reversal.reversal_request(policy=cast.policy(), actor=requester, reason="录错")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = c.get(LIST, {"size": 50}).content.decode()
    assert html.count('data-action="approve"') == 8


def test_approve_asks_first_then_voids_the_policy(cast, client_for, reviewer, asked):
    url = reverse("insurer:reversals:approve", args=[asked["pending"].uuid])
    c = client_for(reviewer)
    html = c.get(url, headers=HTMX).content.decode()
    assert "是否确认通过保单 PREQ000001 的冲正申请" in html and "重新出函" in html
    response = c.post(url, headers=HTMX)
    assert "冲正审核已通过" in _toast(response)
    policy = Policy.objects.get(policy_no="PREQ000001")
    assert policy.status == PolicyStatus.REVERSED and policy.order.status == OrderStatus.AWAITING_ISSUE
    response = c.post(url, headers=HTMX)  # a second click: the request has moved on
    assert "冲正申请当前状态为“已通过”" in _toast(response)


def test_the_requester_holding_both_permissions_is_refused_with_the_reason(cast, client_for):
    made = reversal.reversal_request(policy=cast.policy(), actor=cast.clerk, reason="录错")
    c = client_for(cast.clerk)
    for name in ("approve", "reject"):
        url = reverse(f"insurer:reversals:{name}", args=[made.uuid])
        response = c.get(url, headers=HTMX)
        assert reversal.OWN_REQUEST in _toast(response)
    response = c.post(reverse("insurer:reversals:approve", args=[made.uuid]), headers=HTMX)
    assert reversal.OWN_REQUEST in _toast(response)
    response = c.post(reverse("insurer:reversals:reject", args=[made.uuid]), {"reason": "x"}, headers=HTMX)
    assert response.status_code == 422 and reversal.OWN_REQUEST in response.content.decode()
    assert PolicyReversal.objects.get(pk=made.pk).status == ReversalStatus.PENDING


def test_reject_needs_a_reason_beside_its_field(cast, client_for, reviewer, asked):
    url = reverse("insurer:reversals:reject", args=[asked["pending"].uuid])
    c = client_for(reviewer)
    assert "驳回原因" in c.get(url, headers=HTMX).content.decode()
    response = c.post(url, {"reason": ""}, headers=HTMX)
    assert response.status_code == 422
    assert '<div class="invalid-feedback d-block">请填写驳回原因</div>' in response.content.decode()
    assert PolicyReversal.objects.get(pk=asked["pending"].pk).status == ReversalStatus.PENDING
    response = c.post(url, {"reason": "保单无误"}, headers=HTMX)
    assert response.status_code == 204
    assert PolicyReversal.objects.get(pk=asked["pending"].pk).review_reason == "保单无误"


@pytest.mark.parametrize("name", ["list", "export", "approve", "reject"])
def test_the_review_pages_need_the_review_permission_and_the_insurer(
    cast, client_for, requester, reviewer, asked, name
):
    args = [] if name in ("list", "export") else [asked["pending"].uuid]
    url = reverse(f"insurer:reversals:{name}", args=args)
    assert client_for(requester).get(url).status_code == 403  # 申请冲正 without 冲正审核
    assert client_for(cast.applicant).get(url).status_code == 403
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/insurer/login/")
    if args:
        assert client_for(cast.other_clerk).get(url).status_code == 404
        assert client_for(cast.other_clerk).post(url, {"reason": "x"}).status_code == 404
        other = reverse(f"insurer:reversals:{name}", args=[asked["other"].uuid])
        assert client_for(reviewer).get(other).status_code == 404
    assert client_for(reviewer).get(url).status_code == 200
    assert PolicyReversal.objects.get(pk=asked["pending"].pk).status == ReversalStatus.PENDING


def test_the_export_has_the_lists_rows(cast, client_for, reviewer, asked):
    response = client_for(reviewer).get(reverse("insurer:reversals:export"), {"status": "all"})
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("保单编号", "申请编号", "投保人") and rows[0][8] == "审核状态"
    assert sorted((r[0], r[8]) for r in rows[1:]) == [
        ("PREQ000001", "待审核"),
        ("PREQ000002", "已通过"),
        ("PREQ000003", "已驳回"),
    ]
    rejected = next(r for r in rows[1:] if r[0] == "PREQ000003")
    assert rejected[5] == "原因rejected" and rejected[11] == "无需冲正"
    response = client_for(reviewer).get(reverse("insurer:reversals:export"))  # the default tab: 待审核
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["PREQ000001"]


def test_the_menu_and_the_home_card_show_the_review_list_to_its_holders_only(
    cast, client_for, requester, reviewer, asked
):
    home = client_for(reviewer).get("/insurer/").content.decode()
    assert 'href="/insurer/reversals/"' in home
    assert "冲正待审核" in home and 'href="/insurer/reversals/?status=pending"' in home
    home = client_for(requester).get("/insurer/").content.decode()
    assert 'href="/insurer/reversals/"' not in home and "冲正待审核" not in home


def test_the_tab_links_keep_one_question_mark(cast, client_for, reviewer, asked):
    html = client_for(reviewer).get(LIST, {"policy_no": "PREQ"}).content.decode()
    assert 'href="/insurer/reversals/?policy_no=PREQ&amp;status=approved"' in html
    html = client_for(cast.clerk).get("/insurer/policies/").content.decode()
    assert 'href="/insurer/policies/?tab=none"' in html


# --- what the sides show of a reversed policy ------------------------------------------------------------------
@pytest.fixture
def reissued(cast, requester, reviewer):
    """A policy reversed, its order issued again under a new number: (old, new)."""
    old = scenarios.reverse(cast.policy(policy_no="POLD000001"), requester=requester, reviewer=reviewer)
    scenarios.issue(Order.objects.get(pk=old.order_id), actor=requester, policy_no="PNEW000001")
    return Policy.objects.get(pk=old.pk), Policy.objects.get(policy_no="PNEW000001")


def test_the_detail_of_a_reversed_policy_has_a_banner_and_its_files_marked_voided(
    cast, client_for, requester, reviewer
):
    policy = scenarios.reverse(cast.policy(), requester=requester, reviewer=reviewer, reason="误传保单文件")
    html = client_for(cast.clerk).get(_detail_url(policy)).content.decode()
    assert 'data-testid="voided-banner"' in html and "该保单已冲正作废" in html and "误传保单文件" in html
    assert 'data-testid="policy-status">已冲正<' in html
    assert html.count('<span class="voided-mark">已作废</span>') == 3  # 保单, 发票, 合同
    assert _request_url(policy) not in html  # read-only: no new request
    assert reverse("insurer:policies:assign", args=[policy.order.application_no]) not in html
    for document in (policy.policy_file, policy.invoice_file, policy.contract_file):
        url = reverse("insurer:policies:file", args=[policy.order.application_no, document.uuid])
        assert client_for(cast.clerk).get(url).status_code == 200
        assert client_for(cast.other_clerk).get(url).status_code == 404


def test_the_detail_after_reissue_shows_the_new_policy_and_the_old_one_voided(cast, client_for, reissued):
    old, new = reissued
    html = client_for(cast.clerk).get(_detail_url(new)).content.decode()
    assert "保单 PNEW000001" in html and 'data-testid="voided-banner"' not in html
    assert 'id="other-policies"' in html and "POLD000001" in html
    assert 'id="reversal-history"' in html and 'data-testid="reversal-status">已通过<' in html
    assert html.count('<span class="voided-mark">已作废</span>') == 3  # the old policy's files only
    url = reverse("insurer:policies:file", args=[new.order.application_no, old.policy_file.uuid])
    assert client_for(cast.clerk).get(url).status_code == 200
    assert client_for(cast.other_clerk).get(url).status_code == 404


def test_the_policy_list_tags_and_filters_by_policy_status(cast, client_for, reissued, requester):
    pending = cast.policy(policy_no="PWAIT00001")
    reversal.reversal_request(policy=pending, actor=requester, reason="录错")
    c = client_for(cast.clerk)
    html = c.get("/insurer/policies/").content.decode()
    assert "POLD000001" in html and "PNEW000001" in html
    assert (
        'data-testid="policy-status">已冲正<' in html and 'data-testid="reversal-pending">冲正待审核<' in html
    )
    html = c.get("/insurer/policies/", {"status": "reversed"}).content.decode()
    assert "POLD000001" in html and "PNEW000001" not in html and "PWAIT00001" not in html
    html = c.get("/insurer/policies/", {"status": "active"}).content.decode()
    assert "POLD000001" not in html and "PNEW000001" in html
    assert "POLD000001" in c.get("/insurer/policies/", {"status": "bogus"}).content.decode()  # ignored
    response = c.get(reverse("insurer:policies:export"), {"status": "reversed"})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][-1] == "保单状态" and [(r[1], r[-1]) for r in rows[1:]] == [("POLD000001", "已冲正")]


def test_the_policy_list_with_reversals_takes_a_constant_number_of_queries(
    cast, client_for, requester, django_assert_max_num_queries
):
    c = client_for(cast.clerk)
    reversal.reversal_request(policy=cast.policy(), actor=requester, reason="录错")
    c.get("/insurer/policies/")
    with django_assert_max_num_queries(9) as few:
        c.get("/insurer/policies/", {"size": 50})
    for _ in range(4):
        reversal.reversal_request(policy=cast.policy(), actor=requester, reason="录错")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = c.get("/insurer/policies/", {"size": 50}).content.decode()
    assert html.count("冲正待审核") == 5


def test_the_enterprise_sees_the_new_policy_and_the_old_one_reversed(cast, client_for, reissued):
    old, _new = reissued
    c = client_for(cast.applicant)
    html = c.get("/enterprise/policies/").content.decode()
    start = html.index('data-policy-no="POLD000001"')
    row = html[start : html.find("</tr>", start)]
    assert 'data-testid="policy-status">已冲正<' in row and row.count("已作废</span>") == 3
    assert 'data-action="services"' not in row and 'data-action="renew"' not in row
    start = html.index('data-policy-no="PNEW000001"')
    assert "已冲正" not in html[start : html.find("</tr>", start)]
    assert "PNEW000001" in c.get("/enterprise/policies/", {"tab": "in_force"}).content.decode()
    in_force = c.get("/enterprise/policies/", {"tab": "in_force"}).content.decode()
    assert "POLD000001" not in in_force
    assert "POLD000001" in c.get("/enterprise/policies/", {"tab": "reversed"}).content.decode()
    url = reverse("enterprise:orders:file_download", args=[old.order.application_no, old.policy_file.uuid])
    assert c.get(url).status_code == 200
    assert client_for(cast.other_applicant).get(url).status_code == 404


def test_the_regulator_sees_the_reversed_policy_as_reversed(cast, client_for, reissued):
    regulator = factories.user(factories.organisation("regulator"), admin=True)
    c = client_for(regulator)
    html = c.get("/regulator/policies/").content.decode()
    start = html.index("POLD000001")
    assert "已冲正" in html[start : html.find("</tr>", start)]
    html = c.get("/regulator/policies/", {"standing": "reversed"}).content.decode()
    assert "POLD000001" in html and "PNEW000001" not in html
    html = c.get("/regulator/policies/", {"standing": "not_started"}).content.decode()
    assert "POLD000001" not in html
