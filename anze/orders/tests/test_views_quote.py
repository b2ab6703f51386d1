"""报价 dialog (docs/spec/user-manual.txt §3.1.2): the scheme, the service counts, every rule beside its field
at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anze.basedata.models import RegionalRule, ServiceItem
from anze.core.testing import hx_message, hx_trigger
from anze.orders import scenarios, workflow
from anze.orders.models import Order, OrderEvent, OrderStatus
from anze.orders.tests.support import HX, field_row, html, scheme_data, top_errors, url

S = OrderStatus
pytestmark = pytest.mark.django_db


def test_it_opens_the_dialog_with_the_applicant_the_scheme_and_every_service_item(online, clerk):
    order = online()
    response = clerk.get(url(order, "quote"), **HX)
    page = html(response)
    assert response.status_code == 200
    assert order.project_name in page and order.applicant_credit_code in page
    for label in (
        "累积赔偿限额（元）",
        "每人医疗责任限额（元）",
        "保费（元）",
        "事故预防服务费（元）",
        "保险期间",
    ):
        assert label in page, label
    for item in ("安全生产宣传教育培训", "生产安全事故应急预案编制和演练", "其他有关事故预防工作"):
        assert item in page
    assert 'class="modal-header"' in page and "<html" not in page  # a dialog, not a page


def test_it_hints_the_regional_rule(online, clerk, cast):
    order = online()
    RegionalRule.objects.update_or_create(
        region=order.region, defaults={"min_fee_ratio": Decimal("10"), "max_fee_ratio": Decimal("30")}
    )
    page = html(clerk.get(url(order, "quote"), **HX))
    assert "本地区每人伤亡责任限额不低于 40.00万元" in field_row(page, "per_person_injury_limit")
    assert "本地区事故预防服务费为保费的 10%–30%" in field_row(page, "prevention_fee")


def test_it_works_as_a_page_without_javascript(online, clerk):
    order = online()
    page = html(clerk.get(url(order, "quote")))
    assert "<html" in page and "报价" in page
    response = clerk.post(url(order, "quote"), scheme_data())
    assert response.status_code == 302 and response.url == "/insurer/orders/"


def test_it_quotes_and_tells_the_list_to_refresh(online, clerk):
    order = online()
    response = clerk.post(url(order, "quote"), scheme_data(premium="18000.50", prevention_fee="3600"), **HX)
    assert response.status_code == 204
    assert hx_message(response).startswith("报价成功") and hx_trigger(response)["anze:done"]["refresh"]
    order.refresh_from_db()
    assert order.status == S.AWAITING_CONFIRMATION and order.premium == Decimal("18000.50")
    assert sorted(order.service_counts.values_list("count", flat=True)) == [2, 2]


def test_it_prefills_the_previous_quote_after_a_rejection(cast, online, clerk):
    order = online(S.AWAITING_CONFIRMATION, scheme_overrides={"premium": Decimal("23456.00")})
    workflow.order_reject_quote(order=order, actor=cast.applicant, reason="太贵")
    page = html(clerk.get(url(order, "quote"), **HX))
    assert 'value="23456.00"' in field_row(page, "premium")


AMOUNTS = [
    ("per_accident_limit", {"per_accident_limit": "6000000"}, "每次事故赔偿限额不能大于累积赔偿限额"),
    (
        "per_person_injury_limit",
        {"per_person_injury_limit": "1200000"},
        "每人伤亡责任限额不能大于每次事故赔偿限额",
    ),
    (
        "per_person_medical_limit",
        {"per_person_medical_limit": "600000"},
        "每人医疗责任限额不能大于每人伤亡责任限额",
    ),
    ("prevention_fee", {"prevention_fee": "12000.01"}, "事故预防服务费不能大于保费"),
    ("premium", {"premium": "0", "prevention_fee": "0"}, "保费必须大于0"),
    ("premium", {"premium": ""}, "请输入保费"),
    ("aggregate_limit", {"aggregate_limit": "-1"}, "累积赔偿限额不能为负数"),
    ("premium", {"premium": "12000.123"}, "保费最多保留两位小数"),
    ("premium", {"premium": "一万二"}, "保费须为数字"),
    ("aggregate_limit", {"aggregate_limit": "10000000000000"}, "累积赔偿限额过大"),
    (
        "per_person_injury_limit",
        {"per_person_injury_limit": "399999.99"},
        "每人伤亡责任限额不得低于400,000.00元",
    ),
    ("period_end", {"period_end": "2000-01-01"}, "保险期间止期必须晚于起期"),
    ("period_start", {"period_start": ""}, "请选择保险期间起期"),
    ("period_end", {"period_end": "2099-01-01"}, "保险期间不能超过5年"),
]


@pytest.mark.parametrize(("field", "change", "message"), AMOUNTS, ids=[m for _, _, m in AMOUNTS])
def test_it_shows_each_rule_beside_its_field(online, clerk, field, change, message):
    order = online()
    response = clerk.post(url(order, "quote"), scheme_data(**change), **HX)
    assert response.status_code == 422
    assert message in field_row(html(response), field)
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_QUOTE


def test_it_shows_a_bad_service_count_beside_its_item(online, clerk):
    order = online()
    item = ServiceItem.objects.active().first()
    response = clerk.post(url(order, "quote"), scheme_data(**{f"service_{item.pk}": "-1"}), **HX)
    assert response.status_code == 422
    assert "服务次数须为不小于0的整数" in field_row(html(response), f"service_{item.pk}")


def test_it_asks_for_a_service_when_a_fee_is_charged(online, clerk):
    order = online()
    no_services = {f"service_{item.pk}": "" for item in ServiceItem.objects.active()}
    page = html(clerk.post(url(order, "quote"), scheme_data(**no_services), **HX))
    services = page[page.index('id="service-counts"') :]
    assert "已收取事故预防服务费，请至少填写一项服务次数" in services[: services.index("</div>", 200)]


def test_it_enforces_the_regional_fee_ratio_of_the_orders_region(online, clerk):
    order = online()
    RegionalRule.objects.update_or_create(region=order.region, defaults={"min_fee_ratio": Decimal("25")})
    response = clerk.post(url(order, "quote"), scheme_data(premium="10000", prevention_fee="2000"), **HX)
    assert response.status_code == 422
    assert "事故预防服务费不得低于保费的25%" in field_row(html(response), "prevention_fee")


def test_it_shows_all_errors_at_once_and_keeps_what_was_typed(online, clerk):
    order = online()
    typed = scheme_data(
        per_accident_limit="6000000",
        per_person_injury_limit="300000",
        per_person_medical_limit="20000",
        prevention_fee="13000",
    )
    page = html(clerk.post(url(order, "quote"), typed, **HX))
    assert "每次事故赔偿限额不能大于累积赔偿限额" in field_row(page, "per_accident_limit")
    assert "事故预防服务费不能大于保费" in field_row(page, "prevention_fee")
    assert "每人伤亡责任限额不得低于" in field_row(page, "per_person_injury_limit")
    for name in ("per_accident_limit", "per_person_injury_limit", "prevention_fee", "period_start"):
        assert f'value="{typed[name]}"' in field_row(page, name), name
    assert 'class="form-control is-invalid"' in field_row(page, "per_accident_limit")


def test_it_shows_a_refusal_of_the_workflow_at_the_top_and_saves_nothing(cast, online, clerk, monkeypatch):
    """Another clerk quoted while this one was typing: the conditional UPDATE finds the state changed."""
    order = online()
    stale = Order.objects.get(pk=order.pk)
    workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
    monkeypatch.setattr("anze.orders.views_insurer.selectors.order_for", lambda **kwargs: stale)
    events = OrderEvent.objects.filter(order=order).count()
    response = clerk.post(url(order, "quote"), scheme_data(premium="99999"), **HX)
    assert response.status_code == 422
    assert "该订单状态已变化，请刷新后重试" in top_errors(html(response))
    assert OrderEvent.objects.filter(order=order).count() == events
    assert Order.objects.get(pk=order.pk).premium == Decimal("12000.00")


def test_it_says_at_once_when_the_order_has_moved_on(online, clerk):
    order = online(S.AWAITING_CONFIRMATION)
    response = clerk.get(url(order, "quote"), **HX)
    events = hx_trigger(response)
    assert response.status_code == 204
    assert events["anze:error"]["message"] == "订单当前状态为“待确认报价”，不能报价"
    assert "anze:refresh" in events


def test_it_does_not_quote_an_offline_order(offline, clerk):
    # The kernel checks the state before the guard (the order type): an offline order in 待出函 is told its state.
    response = clerk.get(url(offline(), "quote"), **HX)
    assert hx_message(response) == "订单当前状态为“待出函”，不能报价"


def test_it_is_forbidden_without_the_permission(online, as_user):
    order = online()
    assert as_user("order.view").get(url(order, "quote")).status_code == 403
    assert as_user("order.view").post(url(order, "quote"), scheme_data()).status_code == 403
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_QUOTE


def test_it_hides_another_insurers_order(online, other_clerk):
    order = online()
    assert other_clerk.get(url(order, "quote")).status_code == 404
    assert other_clerk.post(url(order, "quote"), scheme_data()).status_code == 404


def test_it_sends_anonymous_users_to_the_login(online, client):
    response = client.get(url(online(), "quote"))
    assert response.status_code == 302 and response.url.startswith("/insurer/login/")
