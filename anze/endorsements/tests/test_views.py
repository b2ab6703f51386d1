"""批改管理 (insurer) and 批改与退保 (enterprise) screens: allowed, forbidden (403), another organisation (404),
bad input (the Chinese message beside the field, nothing saved, 422 — never a 500), the lists' constant queries
and Excel exports, and the 批改记录 on the policy's pages."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anze.core.testing import factories, hx_message
from anze.documents import testing as files
from anze.endorsements import scenarios, workflow
from anze.endorsements.models import Endorsement, EndorsementStatus
from anze.orders.models import Order
from anze.policies.models import Policy, PolicyStatus

pytestmark = pytest.mark.django_db
S = EndorsementStatus
HX = {"HTTP_HX_REQUEST": "true"}


def _detail(e: Endorsement, side: str = "insurer") -> str:
    return reverse(f"{side}:endorsements:detail", args=[e.uuid])


def _url(name: str, e: Endorsement, side: str = "insurer") -> str:
    return reverse(f"{side}:endorsements:{name}", args=[e.uuid])


def _change_data(policy: Policy, **overrides) -> dict:
    order = Order.objects.get(pk=policy.order_id)
    data = {
        "headcount": order.headcount,
        "project_name": order.project_name,
        "project_address": order.project_address,
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "effective_on": f"{scenarios.changes.default_effective_on(policy):%Y-%m-%d}",
        "reason": "新增员工",
    }
    for line in order.service_counts.all():
        data[f"service_{line.item_id}"] = line.count
    data.update(overrides)
    return data


# --- 申请批改 / 发起批改 ---------------------------------------------------------------------------------------
def test_the_enterprise_applies_from_its_policy(cast):
    policy = cast.policy(started_days_ago=60)
    url = reverse("enterprise:endorsements:apply", args=[policy.order.application_no])
    client = cast.client(cast.applicant)
    page = client.get(url).content.decode()
    assert (
        'value="120"' in page
        and "出函时保费 12,000.00元" in page
        and "投保人、信用代码、保险公司和赔偿限额不能批改" in page
    )
    response = client.post(url, _change_data(policy, headcount=150))
    e = Endorsement.objects.get(policy=policy)
    assert response.status_code == 302 and response["Location"] == _detail(e, "enterprise")
    html = client.get(_detail(e, "enterprise")).content.decode()
    assert "待审核" in html and "12,000.00 × (+30) ÷ 120 × 305 ÷ 365 = 2,506.85" in html
    assert "加收保费2,506.85元" in html and 'data-change="参保人数"' in html


def test_a_bad_application_shows_its_errors_beside_the_fields_and_saves_nothing(cast):
    policy = cast.policy()
    url = reverse("enterprise:endorsements:apply", args=[policy.order.application_no])
    response = cast.client(cast.applicant).post(
        url,
        _change_data(policy, headcount="0", contact_phone="123", reason="", effective_on="2001-01-01"),
        **HX,
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["headcount"] == ["参保人数须为大于0的整数"]
    assert form.errors["contact_phone"] == ["请输入正确的11位手机号码"]
    assert form.errors["reason"] == ["请填写批改原因"]
    assert form.errors["effective_on"] == [
        f"批改生效日期须在保险期间内（{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}）"
    ]
    unchanged = cast.client(cast.applicant).post(url, _change_data(policy), **HX)
    assert unchanged.status_code == 422 and "未修改任何批改内容" in unchanged.content.decode()
    assert not Endorsement.objects.exists()


def test_the_clerk_starts_one_from_the_policy_page(cast):
    policy = cast.policy()
    client = cast.client(cast.clerk)
    detail = client.get(
        reverse("insurer:policies:detail", args=[policy.order.application_no])
    ).content.decode()
    start = reverse("insurer:endorsements:start", args=[policy.order.application_no])
    assert 'id="endorsement-panel"' in detail and start in detail and "暂无批改或退保" in detail
    response = client.post(start, _change_data(policy, contact_name="蔡新"))
    e = Endorsement.objects.get(policy=policy)
    assert response.status_code == 302 and e.origin == "insurer" and e.contact_name_after == "蔡新"
    detail = client.get(
        reverse("insurer:policies:detail", args=[policy.order.application_no])
    ).content.decode()
    assert str(e.uuid) in detail and start not in detail  # one open request at a time: no second button
    again = client.get(start, **HX)
    assert hx_message(again) == "该保单已有未完成的批改或退保申请，请待其办结后再申请"


def test_the_forms_of_another_organisations_policy_are_404(cast):
    policy = cast.policy()
    no = policy.order.application_no
    assert (
        cast.client(cast.other_clerk).get(reverse("insurer:endorsements:start", args=[no])).status_code == 404
    )
    assert (
        cast.client(cast.other_applicant).get(reverse("enterprise:endorsements:apply", args=[no])).status_code
        == 404
    )
    assert (
        cast.client(cast.other_applicant)
        .get(reverse("enterprise:endorsements:surrender", args=[no]))
        .status_code
        == 404
    )


def test_a_member_without_the_permission_is_forbidden(cast):
    policy = cast.policy()
    e = scenarios.apply(policy, cast.applicant)
    no = policy.order.application_no
    clerk, applicant = factories.user(cast.insurer), factories.user(cast.enterprise)
    for url in (
        reverse("insurer:endorsements:list"),
        reverse("insurer:endorsements:export"),
        reverse("insurer:endorsements:start", args=[no]),
        _detail(e),
        _url("review", e),
        _url("adjust", e),
        _url("payment_notice", e),
        _url("payment_review", e),
        _url("issue", e),
        _url("surrender_review", e),
    ):
        assert cast.client(clerk).get(url).status_code == 403, url
        assert cast.client(cast.applicant).get(url).status_code == 403, url  # another side
    for url in (
        reverse("enterprise:endorsements:list"),
        reverse("enterprise:endorsements:apply", args=[no]),
        reverse("enterprise:endorsements:surrender", args=[no]),
        _detail(e, "enterprise"),
        _url("voucher", e, "enterprise"),
        _url("withdraw", e, "enterprise"),
    ):
        assert cast.client(applicant).get(url).status_code == 403, url


def test_another_organisations_request_is_404(cast):
    e = scenarios.apply(cast.policy(), cast.applicant)
    assert cast.client(cast.other_clerk).get(_detail(e)).status_code == 404
    assert cast.client(cast.other_clerk).post(_url("review", e), {"decision": "approve"}).status_code == 404
    assert cast.client(cast.other_applicant).get(_detail(e, "enterprise")).status_code == 404
    assert cast.client(cast.other_applicant).post(_url("withdraw", e, "enterprise")).status_code == 404
    assert (
        str(e.uuid)
        not in cast.client(cast.other_clerk).get(reverse("insurer:endorsements:list")).content.decode()
    )
    assert scenarios.fresh(e).status == S.PENDING_REVIEW


# --- the insurer's steps ---------------------------------------------------------------------------------------
def test_the_clerk_reviews_and_a_rejection_needs_a_reason(cast):
    e = scenarios.apply(cast.policy(), cast.applicant)
    client = cast.client(cast.clerk)
    dialog = client.get(_url("review", e), **HX).content.decode()
    assert "批改审核" in dialog and "加收保费" in dialog and "按日计算" in dialog
    refused = client.post(_url("review", e), {"decision": "reject", "reason": ""}, **HX)
    assert refused.status_code == 422 and refused.context["form"].errors["reason"] == ["请填写驳回批改的原因"]
    done = client.post(_url("review", e), {"decision": "approve"}, **HX)
    assert done.status_code == 204 and hx_message(done) == "审核通过，请上传付款通知书"
    assert scenarios.fresh(e).status == S.AWAITING_PAYMENT_NOTICE
    late = client.get(_url("review", e), **HX)
    assert hx_message(late) == "批改当前状态为“待上传付款通知书”，不能审核通过（待缴费）"


def test_the_clerk_adjusts_the_premium(cast):
    e = scenarios.apply(cast.policy(), cast.applicant, headcount_change=-10)
    client = cast.client(cast.clerk)
    bad = client.post(_url("adjust", e), {"premium_delta": "abc", "reason": ""}, **HX)
    assert bad.status_code == 422
    assert bad.context["form"].errors == {
        "premium_delta": ["批改保费（元）须为数字（单位：元）"],
        "reason": ["请填写调整原因"],
    }
    done = client.post(_url("adjust", e), {"premium_delta": "0", "reason": "减员不退费"}, **HX)
    assert done.status_code == 204 and scenarios.fresh(e).premium_delta == Decimal("0.00")


def test_the_payment_steps_and_the_批单_through_the_screens(cast):
    policy = cast.policy()
    e = scenarios.drive(
        scenarios.apply(policy, cast.applicant),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.AWAITING_PAYMENT_NOTICE,
    )
    clerk, applicant = cast.client(cast.clerk), cast.client(cast.applicant)
    wrong = clerk.post(_url("payment_notice", e), {"file": files.upload("x.exe", b"MZ\x90\x00")}, **HX)
    assert wrong.status_code == 422 and wrong.context["form"].errors["file"]
    notice = clerk.post(
        _url("payment_notice", e), {"file": files.upload("通知书.pdf", files.pdf_bytes("通知书"))}, **HX
    )
    assert notice.status_code == 204
    voucher = applicant.post(
        _url("voucher", e, "enterprise"), {"file": files.upload("凭证.png", files.png_bytes())}, **HX
    )
    assert voucher.status_code == 204 and scenarios.fresh(e).status == S.AWAITING_PAYMENT_REVIEW
    review = clerk.get(_url("payment_review", e), **HX).content.decode()
    assert 'id="voucher-preview"' in review
    voucher_doc = scenarios.fresh(e).payment_voucher
    shown = clerk.get(reverse("insurer:endorsements:file", args=[e.uuid, voucher_doc.uuid]) + "?inline=1")
    assert shown.status_code == 200
    clerk.post(_url("payment_review", e), {"decision": "approve"}, **HX)
    bad = clerk.post(
        _url("issue", e),
        {"endorsement_no": "", "endorsement_file": files.upload("批单.pdf", files.jpeg_bytes())},
        **HX,
    )
    assert bad.status_code == 422 and set(bad.context["form"].errors) == {
        "endorsement_no",
        "endorsement_file",
    }
    done = clerk.post(
        _url("issue", e),
        {"endorsement_no": "PD-V-1", "endorsement_file": files.upload("批单.pdf", files.pdf_bytes("批单"))},
        **HX,
    )
    assert done.status_code == 204 and scenarios.fresh(e).status == S.ENDORSED
    assert Order.objects.get(pk=policy.order_id).headcount == 150
    # The 批单 among the policy's files, on both sides.
    detail = clerk.get(
        reverse("insurer:policies:detail", args=[policy.order.application_no])
    ).content.decode()
    e = scenarios.fresh(e)
    file_url = reverse("insurer:policies:file", args=[policy.order.application_no, e.endorsement_file.uuid])
    assert "批单 PD-V-1" in detail and file_url in detail
    assert clerk.get(file_url).status_code == 200
    page = applicant.get(
        reverse("enterprise:services:policy", args=[policy.order.application_no])
    ).content.decode()
    assert 'data-testid="current-headcount">150<' in page and "PD-V-1" in page
    assert (
        applicant.get(
            reverse("enterprise:endorsements:file", args=[e.uuid, e.endorsement_file.uuid])
        ).status_code
        == 200
    )
    # Another enterprise cannot reach the file by its UUID.
    assert (
        cast.client(cast.other_applicant)
        .get(reverse("enterprise:endorsements:file", args=[e.uuid, e.endorsement_file.uuid]))
        .status_code
        == 404
    )


def test_a_file_of_another_request_is_404_under_this_one(cast):
    done = scenarios.endorsed(cast.policy(), clerk=cast.clerk, applicant=cast.applicant)
    other = scenarios.apply(cast.policy(), cast.applicant)
    url = reverse("insurer:endorsements:file", args=[other.uuid, done.endorsement_file.uuid])
    assert cast.client(cast.clerk).get(url).status_code == 404


# --- 退保 -------------------------------------------------------------------------------------------------------
def test_the_surrender_form_states_the_rule_and_refuses_another_reason(cast):
    policy = cast.policy()
    url = reverse("enterprise:endorsements:surrender", args=[policy.order.application_no])
    client = cast.client(cast.applicant)
    form = client.get(url, **HX).content.decode()
    assert "应急〔2025〕27号" in form and "建筑施工" in form and "预计退保金额" in form
    response = client.post(
        url,
        {"ground": "other", "reason": "经营调整", "proof": files.upload("证明.pdf", files.pdf_bytes("证明"))},
        **HX,
    )
    assert response.status_code == 422
    assert response.context["form"].errors["ground"][0].startswith("贵企业所属行业（建筑施工）为应保尽保行业")
    missing = client.post(url, {"ground": "suspended", "reason": ""}, **HX)
    assert missing.context["form"].errors == {"reason": ["请填写退保原因"], "proof": ["请上传证明材料"]}
    assert not Endorsement.objects.exists()
    done = client.post(
        url,
        {
            "ground": "suspended",
            "reason": "项目停工",
            "proof": files.upload("证明.pdf", files.pdf_bytes("证明")),
        },
        **HX,
    )
    assert done.status_code == 204 and Endorsement.objects.get().kind == "surrender"


def test_the_clerk_approves_a_surrender_with_the_批单(cast):
    policy = cast.policy()
    e = scenarios.surrender(policy, cast.applicant)
    client = cast.client(cast.clerk)
    dialog = client.get(_url("surrender_review", e), **HX).content.decode()
    assert "今日退保" in dialog and "通过并退保" in dialog
    bad = client.post(_url("surrender_review", e), {"decision": "approve", "refund": "-1"}, **HX)
    assert bad.status_code == 422
    assert bad.context["form"].errors == {
        "refund": ["退保金额不能为负数"],
        "adjust_reason": ["调整退保金额时请填写调整原因"],
        "endorsement_no": ["请输入批单号"],
        "endorsement_file": ["请上传批单文件"],
    }
    done = client.post(
        _url("surrender_review", e),
        {
            "decision": "approve",
            "endorsement_no": "TB-1",
            "endorsement_file": files.upload("批单.pdf", files.pdf_bytes("退保批单")),
        },
        **HX,
    )
    assert done.status_code == 204 and hx_message(done) == "已退保，已通知投保企业"
    assert Policy.objects.get(pk=policy.pk).status == PolicyStatus.SURRENDERED
    page = (
        cast.client(cast.applicant)
        .get(reverse("enterprise:services:policy", args=[policy.order.application_no]))
        .content.decode()
    )
    assert 'data-testid="policy-surrendered"' in page and "申请批改" not in page


def test_the_enterprise_withdraws_its_application_after_confirming(cast):
    e = scenarios.apply(cast.policy(), cast.applicant)
    client = cast.client(cast.applicant)
    confirm = client.get(_url("withdraw", e, "enterprise"), **HX).content.decode()
    assert "是否确认撤回保单" in confirm
    done = client.post(_url("withdraw", e, "enterprise"), **HX)
    assert done.status_code == 204 and scenarios.fresh(e).status == S.WITHDRAWN
    s = scenarios.surrender(cast.policy(), cast.applicant)
    client.post(_url("surrender_withdraw", s, "enterprise"), **HX)
    assert scenarios.fresh(s).status == S.WITHDRAWN


# --- the lists --------------------------------------------------------------------------------------------------
def test_the_insurer_list_has_a_tab_per_state_and_constant_queries(cast, django_assert_max_num_queries):
    client = cast.client(cast.clerk)
    first = scenarios.apply(cast.policy(), cast.applicant)
    client.get(reverse("insurer:endorsements:list"))  # warm the session and the user
    with django_assert_max_num_queries(20) as one:
        html = client.get(reverse("insurer:endorsements:list") + "?size=50").content.decode()
    assert (
        str(first.uuid) in html
        and 'data-tab="pending_review"' in html
        and '待审核<span class="count">(1)' in html
    )
    scenarios.endorsed(cast.policy(), clerk=cast.clerk, applicant=cast.applicant)
    scenarios.surrender(cast.policy(), cast.applicant)
    scenarios.drive(
        scenarios.apply(cast.policy(), cast.applicant),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.REJECTED,
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("insurer:endorsements:list") + "?size=50").content.decode()
    assert html.count("data-endorsement=") == 4
    surrenders = client.get(reverse("insurer:endorsements:list") + "?kind=surrender").content.decode()
    assert surrenders.count("data-endorsement=") == 1
    endorsed = client.get(reverse("insurer:endorsements:list") + "?tab=endorsed").content.decode()
    assert endorsed.count("data-endorsement=") == 1


def test_the_lists_export_what_they_show(cast):
    e = scenarios.endorsed(cast.policy(), clerk=cast.clerk, applicant=cast.applicant)
    scenarios.surrender(cast.policy(), cast.applicant)
    for client, url in (
        (cast.client(cast.clerk), reverse("insurer:endorsements:export") + "?tab=endorsed"),
        (cast.client(cast.applicant), reverse("enterprise:endorsements:export") + "?kind=change"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("类型", "保单编号", "申请编号") and len(rows) == 2
        assert rows[1][0] == "批改" and rows[1][1] == e.policy.policy_no and rows[1][10] == "已批改"
        assert rows[1][6] == "参保人数 120 → 150" and Decimal(str(rows[1][8])) == e.premium_delta
    assert cast.client(cast.other_applicant).get(reverse("enterprise:endorsements:export")).status_code == 200


def test_the_enterprise_list_shows_its_own_only(cast):
    mine = scenarios.apply(cast.policy(), cast.applicant)
    html = cast.client(cast.applicant).get(reverse("enterprise:endorsements:list")).content.decode()
    assert str(mine.uuid) in html
    other = cast.client(cast.other_applicant).get(reverse("enterprise:endorsements:list")).content.decode()
    assert str(mine.uuid) not in other and "暂无数据" in other


def test_my_policies_offer_the_two_requests(cast):
    policy = cast.policy()
    html = cast.client(cast.applicant).get(reverse("enterprise:policies:list")).content.decode()
    assert reverse("enterprise:endorsements:apply", args=[policy.order.application_no]) in html
    assert reverse("enterprise:endorsements:surrender", args=[policy.order.application_no]) in html


def test_the_home_pages_count_what_waits(cast):
    scenarios.apply(cast.policy(), cast.applicant)
    scenarios.drive(
        scenarios.apply(cast.policy(), cast.applicant),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.AWAITING_PAYMENT,
    )
    insurer = cast.client(cast.clerk).get(reverse("insurer:home")).content.decode()
    assert (
        "批改/退保待审核" in insurer
        and f"{reverse('insurer:endorsements:list')}?tab=pending_review" in insurer
    )
    enterprise = cast.client(cast.applicant).get(reverse("enterprise:home")).content.decode()
    assert "批改待缴费" in enterprise and "?tab=awaiting_payment" in enterprise
    assert (
        "批改待缴费" not in cast.client(cast.other_applicant).get(reverse("enterprise:home")).content.decode()
    )


def test_a_rejected_voucher_stays_viewable_and_the_timeline_links_no_order_file(cast):
    e = scenarios.drive(
        scenarios.apply(cast.policy(), cast.applicant),
        clerk=cast.clerk,
        applicant=cast.applicant,
        until=S.AWAITING_PAYMENT_REVIEW,
    )
    first = scenarios.fresh(e).payment_voucher
    workflow.endorsement_reject_payment(endorsement=scenarios.fresh(e), actor=cast.clerk, reason="回单模糊")
    scenarios.drive(e, clerk=cast.clerk, applicant=cast.applicant, until=S.AWAITING_PAYMENT_REVIEW)
    client = cast.client(cast.applicant)
    html = client.get(_detail(e, "enterprise")).content.decode()
    assert "历史付款文件" in html and str(first.uuid) in html
    assert "/orders/" not in html.split('id="endorsement-timeline"')[1]
    assert client.get(reverse("enterprise:endorsements:file", args=[e.uuid, first.uuid])).status_code == 200
