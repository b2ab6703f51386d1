"""The workflow's rules beyond the table: who may act, guards, events, notifications (出函 and its policy:
anze/policies/tests/test_services.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import transaction

from anze.basedata.models import Region, RegionalRule, ServiceItem
from anze.core.errors import Refused
from anze.core.testing import factories
from anze.documents import testing as files
from anze.notifications.models import Notification, SmsMessage
from anze.orders import applications, scenarios, steps, workflow
from anze.orders.models import Order, OrderEvent, OrderServiceItem, OrderStatus
from anze.orders.transitions import ORDER

S = OrderStatus
pytestmark = pytest.mark.django_db


# --- creating ----------------------------------------------------------------------------------------------------
def test_it_numbers_applications_by_time_and_four_random_digits(cast):
    order = cast.online()
    assert re.fullmatch(r"20\d{12}\d{4}", order.application_no)
    assert order.submitted_at is not None and order.status == S.AWAITING_QUOTE


def test_it_retries_an_application_number_collision(cast, monkeypatch):
    first = cast.online()
    numbers = iter([first.application_no, first.application_no, "20990101000000" + "0001"])
    monkeypatch.setattr(steps, "new_application_no", lambda: next(numbers))
    second = cast.online()
    assert second.application_no == "209901010000000001"


def test_it_takes_the_applicant_from_the_enterprises_account(cast):
    order = cast.online()
    assert order.enterprise == cast.enterprise
    assert order.applicant_name == cast.enterprise.name
    assert order.applicant_credit_code == cast.enterprise.credit_code
    assert order.intended_items.count() == 3
    assert order.business_licence.original_name == "营业执照.pdf"


def test_it_requires_the_application_documents_to_submit(cast):
    app = scenarios.application(cast.insurer, cast.enterprise, legal_id=None)
    with pytest.raises(Refused) as exc:
        applications.order_apply(actor=cast.applicant, application=app)
    assert exc.value.field == "legal_id" and "法人身份证" in exc.value.message
    assert not Order.objects.exists()


def test_it_saves_a_draft_without_telling_the_insurer_then_submits_it(cast):
    app = scenarios.application(cast.insurer, cast.enterprise, legal_id=None)
    draft = applications.order_apply(actor=cast.applicant, application=app, submit=False)
    assert draft.status == S.DRAFT and draft.submitted_at is None
    assert not Notification.objects.filter(organisation=cast.insurer).exists()
    with pytest.raises(Refused):
        applications.order_submit(order=draft, actor=cast.applicant)  # 法人身份证 still missing
    app = scenarios.application(cast.insurer, cast.enterprise, business_licence=None)
    order = applications.order_apply(actor=cast.applicant, application=app, draft=draft)
    assert order.pk == draft.pk and order.status == S.AWAITING_QUOTE
    assert Notification.objects.filter(organisation=cast.insurer).count() == 1


def test_it_refuses_an_application_to_something_that_is_not_an_insurer(cast):
    app = scenarios.application(cast.enterprise, cast.enterprise)
    with pytest.raises(Refused) as exc:
        applications.order_apply(actor=cast.applicant, application=app)
    assert exc.value.field == "insurer"


def test_it_creates_an_offline_order_linked_to_a_registered_enterprise(cast):
    order = scenarios.offline_order(insurer_user=cast.clerk, enterprise=cast.enterprise)
    assert order.status == S.AWAITING_ISSUE and order.order_type == "offline"
    assert order.enterprise == cast.enterprise and order.insurer == cast.insurer
    unknown = scenarios.offline_order(insurer_user=cast.clerk)
    assert unknown.enterprise is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_credit_code", "91350504MA2YL8H370", "校验位不正确"),
        ("contact_phone", "1369777076", "手机号码"),
        ("project_name", "  ", "请输入项目名称"),
        ("applicant_name", "", "请输入投保人名称"),
    ],
)
def test_it_refuses_bad_offline_orders(cast, field, value, message):
    with pytest.raises(Refused) as exc:
        scenarios.offline_order(insurer_user=cast.clerk, **{field: value})
    assert exc.value.field == field and message in exc.value.message
    assert not Order.objects.exists()


# --- who may act -------------------------------------------------------------------------------------------------
def test_it_refuses_another_insurers_clerk(cast):
    order = cast.online()
    with pytest.raises(Refused):
        workflow.order_quote(order=order, actor=cast.other_clerk, scheme=scenarios.scheme())
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_QUOTE


def test_it_refuses_a_clerk_without_the_permission(cast):
    order = cast.online()
    viewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["order.view"])])
    with pytest.raises(Refused) as exc:
        workflow.order_quote(order=order, actor=viewer, scheme=scenarios.scheme())
    assert exc.value.message == "没有该操作的权限"


def test_it_refuses_another_enterprise(cast):
    order = cast.online(until=S.AWAITING_CONFIRMATION)
    stranger_org = factories.organisation("enterprise")
    stranger = factories.user(stranger_org, admin=True)
    with pytest.raises(Refused):
        workflow.order_confirm_quote(order=order, actor=stranger)


def test_it_says_the_order_moved_on_when_another_clerk_was_first(cast):
    order = cast.online()
    stale_copy = Order.objects.get(pk=order.pk)
    workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
    stale_copy.status = S.AWAITING_QUOTE  # what the second clerk's page showed
    with pytest.raises(Refused) as exc:
        workflow.order_quote(order=stale_copy, actor=cast.clerk, scheme=scenarios.scheme())
    assert exc.value.message == "该订单状态已变化，请刷新后重试"
    assert OrderEvent.objects.filter(order=order, action="quote").count() == 1


def test_it_lists_the_actions_available_to_a_user(cast):
    order = cast.online()
    assert ORDER.available_actions(order, cast.clerk) == ["quote", "cancel"]
    assert ORDER.available_actions(order, cast.applicant) == ["cancel"]
    assert ORDER.available_actions(order, cast.other_clerk) == []


# --- 报价 ------------------------------------------------------------------------------------------------------------
def test_it_records_the_quote_with_its_service_counts(cast):
    order = cast.online(until=S.AWAITING_CONFIRMATION)
    assert order.premium == Decimal("12000.00") and order.per_person_injury_limit == Decimal("500000.00")
    counts = {row.item.code: row.count for row in OrderServiceItem.objects.filter(order=order)}
    assert counts == {"training": 2, "hazard_inspection": 4, "emergency_plan": 1}
    event = order.events.get(action="quote")
    assert (
        event.changes["premium"] == "12000.00"
        and event.changes["service_counts"]["安全生产宣传教育培训"] == 2
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"per_accident_limit": Decimal("6000000")},
            "per_accident_limit",
            "每次事故赔偿限额不能大于累积赔偿限额",
        ),
        (
            {"per_person_injury_limit": Decimal("2000000")},
            "per_person_injury_limit",
            "每人伤亡责任限额不能大于每次事故赔偿限额",
        ),
        (
            {"per_person_medical_limit": Decimal("600000")},
            "per_person_medical_limit",
            "每人医疗责任限额不能大于每人伤亡责任限额",
        ),
        ({"premium": Decimal("0")}, "premium", "保费必须大于0"),
        ({"prevention_fee": Decimal("13000")}, "prevention_fee", "事故预防服务费不能大于保费"),
        ({"premium": Decimal("-1")}, "premium", "不能为负数"),
        ({"premium": Decimal("100.001")}, "premium", "最多保留两位小数"),
        (
            {"per_person_injury_limit": Decimal("399999.99"), "per_person_medical_limit": Decimal("1000")},
            "per_person_injury_limit",
            "400,000.00",
        ),
        ({"service_counts": {}}, "service_counts", "请至少填写一项服务次数"),
    ],
)
def test_it_refuses_a_scheme_that_breaks_a_rule(cast, overrides, field, message):
    order = cast.online()
    with pytest.raises(Refused) as exc:
        workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme(**overrides))
    assert exc.value.field == field and message in exc.value.message
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE and order.premium is None
    assert not OrderServiceItem.objects.filter(order=order).exists()


def test_it_refuses_a_period_that_ends_before_it_starts(cast):
    order = cast.online()
    bad = scenarios.scheme()
    with pytest.raises(Refused) as exc:
        workflow.order_quote(
            order=order,
            actor=cast.clerk,
            scheme=scenarios.scheme(period_start=bad.period_end, period_end=bad.period_start),
        )
    assert exc.value.field == "period_end" and "止期必须晚于起期" in exc.value.message


def test_it_enforces_the_regional_minimum_fee_ratio_as_data(cast):
    county = Region.objects.get(code="350582")  # 晋江市
    RegionalRule.objects.create(region=county, min_fee_ratio=Decimal("25"))
    order = cast.online()
    Order.objects.filter(pk=order.pk).update(region=county)
    order.refresh_from_db()
    with pytest.raises(Refused) as exc:  # 2,400 of 12,000 = 20% < 25%
        workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
    assert exc.value.field == "prevention_fee"
    workflow.order_quote(
        order=order, actor=cast.clerk, scheme=scenarios.scheme(prevention_fee=Decimal("3000"))
    )


def test_it_refuses_a_retired_service_item(cast):
    item = ServiceItem.objects.get(code="technology")
    item.is_active = False
    item.save()
    order = cast.online()
    with pytest.raises(Refused) as exc:
        workflow.order_quote(
            order=order,
            actor=cast.clerk,
            scheme=scenarios.scheme(service_counts=scenarios.service_counts(technology=1)),
        )
    assert exc.value.field == "service_counts"


def test_it_lets_the_insurer_quote_again_after_a_rejection(cast):
    order = cast.online(until=S.AWAITING_CONFIRMATION)
    workflow.order_reject_quote(order=order, actor=cast.applicant, reason="保费偏高，请调整")
    assert order.status == S.AWAITING_QUOTE and order.last_reason == "保费偏高，请调整"
    workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme(premium=Decimal("10000")))
    order.refresh_from_db()
    assert (
        order.status == S.AWAITING_CONFIRMATION
        and order.premium == Decimal("10000")
        and order.last_reason == ""
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_requires_a_reason_to_reject_or_cancel(cast, reason):
    order = cast.online(until=S.AWAITING_CONFIRMATION)
    with pytest.raises(Refused) as exc:
        workflow.order_reject_quote(order=order, actor=cast.applicant, reason=reason)
    assert exc.value.field == "reason"
    with pytest.raises(Refused):
        workflow.order_cancel(order=order, actor=cast.clerk, reason=reason)
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_CONFIRMATION


# --- payment -------------------------------------------------------------------------------------------------------
def test_it_refuses_a_payment_notice_that_is_not_a_pdf_or_image(cast):
    order = cast.online(until=S.AWAITING_PAYMENT_NOTICE)
    fake = files.upload("付款通知书.pdf", b"this is not a pdf at all")
    with pytest.raises(Refused) as exc:
        workflow.order_upload_payment_notice(order=order, actor=cast.clerk, file=fake)
    assert exc.value.field == "file" and "PDF" in exc.value.message
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_PAYMENT_NOTICE


def test_it_returns_a_rejected_payment_to_the_enterprise_with_the_reason(cast):
    order = cast.online(until=S.AWAITING_PAYMENT_REVIEW)
    first_voucher = order.payment_voucher
    workflow.order_reject_payment(order=order, actor=cast.clerk, reason="付款金额与保费不一致")
    assert order.status == S.AWAITING_PAYMENT and order.last_reason == "付款金额与保费不一致"
    workflow.order_upload_payment_voucher(
        order=order, actor=cast.applicant, file=files.upload("凭证2.jpg", files.jpeg_bytes())
    )
    order.refresh_from_db()
    assert order.status == S.AWAITING_PAYMENT_REVIEW and order.payment_voucher != first_voucher
    # the first voucher stays reachable from the timeline
    assert str(first_voucher.uuid) in [e.changes.get("document") for e in order.events.all()]


# --- events and notifications ------------------------------------------------------------------------------------
def test_it_records_every_step_in_the_timeline(cast):
    order = cast.online(until=S.ISSUED)
    events = list(order.events.order_by("created_at", "id"))
    assert [e.to_status for e in events] == [*scenarios.ONLINE_PATH, S.ISSUED]
    assert [e.from_status for e in events] == ["draft", *scenarios.ONLINE_PATH]
    assert events[1].actor == cast.clerk and events[1].actor_name == "林出单"
    assert events[1].actor_organisation == cast.insurer.name


def test_it_notifies_the_party_who_acts_next(cast):
    order = cast.online(until=S.AWAITING_PAYMENT_REVIEW)
    to_enterprise = SmsMessage.objects.filter(phone=order.contact_phone).values_list("text", flat=True)
    assert any("已报价" in text for text in to_enterprise)
    assert any("付款通知书已上传" in text for text in to_enterprise)
    insurer_notes = Notification.objects.filter(organisation=cast.insurer).values_list("title", flat=True)
    assert set(insurer_notes) == {"新的投保申请", "报价已确认", "付款凭证待审核"}


def test_it_writes_notifications_only_when_the_transition_commits(cast):
    order = cast.online()
    before = SmsMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
        raise RuntimeError("the request failed after the transition")
    assert SmsMessage.objects.count() == before
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_QUOTE


def test_it_cancels_with_a_reason_before_issue_only(cast):
    order = cast.online(until=S.AWAITING_PAYMENT)
    workflow.order_cancel(order=order, actor=cast.applicant, reason="项目暂停")
    assert order.status == S.CANCELLED
    assert order.events.get(action="cancel").reason == "项目暂停"
    issued = cast.online(until=S.ISSUED)
    with pytest.raises(Refused) as exc:
        workflow.order_cancel(order=issued, actor=cast.clerk, reason="晚了")
    assert "已出函" in exc.value.message


def test_it_discards_a_draft_and_nothing_else(cast):
    draft = applications.order_apply(
        actor=cast.applicant,
        submit=False,
        application=scenarios.application(cast.insurer, cast.enterprise),
    )
    applications.order_discard_draft(order=draft, actor=cast.applicant)
    assert not Order.objects.filter(pk=draft.pk).exists()
    order = cast.online()
    with pytest.raises(Refused):
        applications.order_discard_draft(order=order, actor=cast.applicant)
    assert Order.objects.filter(pk=order.pk).exists()
