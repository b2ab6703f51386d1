"""事故预防服务费台账 on the screens: the one ledger panel on the four sides' policy pages (planned, spent and
remaining per item), the 服务费用 of the record form (default, bad input beside the field), the enterprise's
confirmation refused when over budget, and the insurer's 批准超支 dialog — allowed, bad input, 403 for another
side or without the permission, 404 for another insurer's policy."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anze.basedata.models import ServiceItem
from anze.core.sides import Side
from anze.core.testing import factories
from anze.prevention import ledger, records, scenarios
from anze.prevention.models import FeeOverrun, RecordStatus, ServiceRecord

pytestmark = pytest.mark.django_db
D = Decimal
HX = {"HX-Request": "true"}


@pytest.fixture
def policy(cast):
    """Training 2 × 400 = 800 and hazard 1 × 500 = 500 planned; 1,200 fee; a 400 training and a 550 hazard
    inspection confirmed (950 spent), a 100 training waiting."""
    ServiceItem.objects.filter(code="training").update(unit_price=D("400.00"))
    ServiceItem.objects.filter(code="hazard_inspection").update(unit_price=D("500.00"))
    policy = cast.in_service(scheme_overrides={"prevention_fee": D("1200.00")})
    for code, cost in (("training", None), ("hazard_inspection", D("550.00"))):
        made = scenarios.record(policy, cast.org_admin, code, [cast.staff], cost=cost)
        scenarios.confirm(made, cast.applicant)
    scenarios.record(policy, cast.org_admin, "training", [cast.staff], cost=D("100.00"))
    return scenarios.fresh(policy)


def _rows(html: str) -> dict[str, list[str]]:
    """The ledger table's rows: item → its cells' text."""
    table = re.search(r'<table class="table" id="fee-table">(.*?)</table>', html, re.S)[1]
    rows = {}
    for item, body in re.findall(r'<tr data-item="([^"]+)">(.*?)</tr>', table, re.S):
        rows[item] = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body, re.S)
        ]
    return rows


EXPECTED = {
    "安全生产宣传教育培训": ["安全生产宣传教育培训", "2", "400.00", "800.00", "400.00", "400.00"],
    "生产安全事故隐患排查": ["生产安全事故隐患排查", "1", "500.00", "500.00", "550.00", "-50.00"],
    "合计": ["合计", "", "", "1,300.00", "950.00", "350.00"],
}


def _pages(cast, policy):
    no = policy.order.application_no
    return {
        Side.INSURER: (cast.clerk, reverse("insurer:policies:detail", args=[no])),
        Side.ENTERPRISE: (cast.applicant, reverse("enterprise:services:policy", args=[no])),
        Side.SERVICE_ORG: (cast.org_admin, reverse("service:service_orders:detail", args=[no])),
    }


def test_every_side_shows_the_same_ledger(cast, client_for, policy):
    regulator = factories.user(factories.organisation(Side.REGULATOR, name="泉州市应急管理局"), admin=True)
    pages = {
        **_pages(cast, policy),
        Side.REGULATOR: (
            regulator,
            reverse("regulator:supervision:order_detail", args=[policy.order.application_no]),
        ),
    }
    for side, (user, url) in pages.items():
        response = client_for(user).get(url)
        html = response.content.decode()
        assert response.status_code == 200, side
        assert _rows(html) == EXPECTED, side
        assert 'data-testid="fee-budget">1,200.00 元' in html, side
        assert 'data-testid="fee-spent">950.00 元（79%）' in html, side
        assert 'data-testid="fee-remaining">250.00 元' in html, side
        assert "1 条服务记录，费用 100.00 元" in html, side
        assert "按单价测算的计划金额合计 1,300.00 元，与服务费预算 1,200.00 元不一致" in html, side
        assert ('data-action="fee-overrun"' in html) == (side == Side.INSURER), side


def test_the_ledger_lists_the_overruns_granted(cast, client_for, policy):
    ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("300"), reason="增加一次应急演练")
    for user, url in _pages(cast, policy).values():
        html = client_for(user).get(url).content.decode()
        assert 'data-testid="fee-allowance">300.00 元' in html
        assert 'data-testid="fee-remaining">550.00 元' in html
        assert "增加一次应急演练" in html and 'id="fee-overruns"' in html


def test_the_policy_pages_query_count_does_not_grow_with_the_ledger(
    cast, client_for, policy, django_assert_max_num_queries
):
    c = client_for(cast.clerk)
    url = reverse("insurer:policies:detail", args=[policy.order.application_no])
    c.get(url)
    with django_assert_max_num_queries(60) as before:
        c.get(url)
    for _ in range(3):
        ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("100"), reason="理由")
    made = scenarios.record(policy, cast.org_admin, "hazard_inspection", [cast.staff], cost=D("10"))
    scenarios.confirm(made, cast.applicant)
    # The new record brings its own rows to the archive's existing prefetches: no query per row or line.
    with django_assert_max_num_queries(len(before.captured_queries)):
        c.get(url)


def test_the_insurer_without_the_permission_sees_no_overrun_button(cast, client_for, policy):
    viewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["policy.view"])])
    html = (
        client_for(viewer)
        .get(reverse("insurer:policies:detail", args=[policy.order.application_no]))
        .content.decode()
    )
    assert 'id="fee-ledger"' in html and 'data-action="fee-overrun"' not in html


# --- the record form's 服务费用 -----------------------------------------------------------------------------------
def _record_post(cast, policy, **overrides):
    data = {
        "item": str(ServiceItem.objects.get(code="training").pk),
        "served_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "place": "一号车间",
        "staff": [str(cast.staff.pk)],
        "content": "全员安全生产教育培训",
        "cost": "",
    }
    data.update(overrides)
    return data


def test_the_record_form_defaults_the_cost_to_the_items_unit_price(cast, client_for, policy):
    c = client_for(cast.org_admin)
    url = reverse("service:service_orders:record_add", args=[policy.order.application_no])
    form = c.get(url).content.decode()
    assert "不填按单价：安全生产宣传教育培训 400.00 元/次；生产安全事故隐患排查 500.00 元/次" in form
    response = c.post(url, _record_post(cast, policy))
    assert response.status_code == 422  # 400 when 250 remains
    assert (
        "本保单剩余可用 250.00 元，该服务记录需记账 400.00 元" in response.context["form"].errors["cost"][0]
    )
    ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("1000"), reason="理由")
    assert c.post(url, _record_post(cast, policy)).status_code == 302
    assert ServiceRecord.objects.latest("id").cost == D("400.00")
    assert c.post(url, _record_post(cast, policy, cost="120.50")).status_code == 302
    assert ServiceRecord.objects.latest("id").cost == D("120.50")


@pytest.mark.parametrize(
    "cost, message",
    [
        ("abc", "服务费用须为数字（单位：元）"),
        ("-10", "服务费用不能为负数"),
        ("1.234", "服务费用最多保留2位小数"),
        ("300", "事故预防服务费余额不足：本保单剩余可用 250.00 元"),
    ],
)
def test_a_bad_cost_is_shown_beside_the_field_and_nothing_is_saved(cast, client_for, policy, cost, message):
    before = ServiceRecord.objects.count()
    url = reverse("service:service_orders:record_add", args=[policy.order.application_no])
    response = client_for(cast.org_admin).post(url, _record_post(cast, policy, cost=cost))
    assert response.status_code == 422
    assert any(message in error for error in response.context["form"].errors["cost"])
    assert ServiceRecord.objects.count() == before


def test_a_bad_cost_is_reported_with_the_other_fields_in_one_submission(cast, client_for, policy):
    url = reverse("service:service_orders:record_add", args=[policy.order.application_no])
    data = _record_post(cast, policy, place="", cost="-1")
    errors = client_for(cast.org_admin).post(url, data).context["form"].errors
    assert errors["place"] == ["请填写服务地点"] and errors["cost"] == ["服务费用不能为负数"]


def test_the_record_shows_its_cost(cast, client_for, policy):
    record = ServiceRecord.objects.filter(status=RecordStatus.PENDING).get()
    html = (
        client_for(cast.applicant)
        .get(reverse("enterprise:services:record", args=[record.uuid]))
        .content.decode()
    )
    assert 'data-testid="record-cost">100.00 元' in html and "企业确认后计入本保单的事故预防服务费" in html


# --- the enterprise's confirmation over budget ----------------------------------------------------------------------
def test_the_enterprise_is_told_what_remains_when_a_confirmation_would_overspend(cast, client_for, policy):
    over = scenarios.record(policy, cast.org_admin, "training", [cast.staff], cost=D("200.00"))
    waiting = ServiceRecord.objects.get(status=RecordStatus.PENDING, cost=D("100.00"))
    records.record_confirm(record=scenarios.fresh_record(waiting), actor=cast.applicant)  # 150 left
    c = client_for(cast.applicant)
    url = reverse("enterprise:services:record_confirm", args=[over.uuid])
    response = c.post(url, headers=HX)
    assert response.status_code == 204
    message = json.loads(response["HX-Trigger"])["anze:error"]["message"]
    assert message == (
        "事故预防服务费余额不足：本保单剩余可用 150.00 元，该服务记录需记账 200.00 元，超出 50.00 元。"
        "请联系保险公司批准超支后再确认。"
    )
    assert ServiceRecord.objects.get(pk=over.pk).status == RecordStatus.PENDING
    ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("50"), reason="理由")
    assert c.post(url, headers=HX).status_code == 204
    assert ServiceRecord.objects.get(pk=over.pk).status == RecordStatus.CONFIRMED


# --- 批准超支 ---------------------------------------------------------------------------------------------------------
def _overrun_url(policy) -> str:
    return reverse("insurer:fees:overrun", args=[policy.order.application_no])


def test_the_insurer_grants_an_overrun_from_the_policy_page(cast, client_for, policy):
    c = client_for(cast.clerk)
    dialog = c.get(_overrun_url(policy), headers=HX).content.decode()
    assert "事故预防服务费 1,200.00 元" in dialog and "剩余可用 250.00 元" in dialog
    response = c.post(_overrun_url(policy), {"amount": "500", "reason": "企业扩建，增加培训"})
    assert response.status_code == 302
    assert response.url == reverse("insurer:policies:detail", args=[policy.order.application_no])
    grant = FeeOverrun.objects.get()
    assert (grant.policy, grant.amount, grant.reason, grant.granted_by) == (
        policy,
        D("500.00"),
        "企业扩建，增加培训",
        cast.clerk,
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"amount": "", "reason": "理由"}, "amount", "请输入批准超支金额"),
        ({"amount": "很多", "reason": "理由"}, "amount", "批准超支金额须为数字（单位：元）"),
        ({"amount": "0", "reason": "理由"}, "amount", "批准超支金额须大于0"),
        ({"amount": "-100", "reason": "理由"}, "amount", "批准超支金额须大于0"),
        ({"amount": "10.001", "reason": "理由"}, "amount", "批准超支金额最多保留2位小数"),
        ({"amount": "100", "reason": ""}, "reason", "请填写批准理由"),
    ],
)
def test_a_bad_overrun_is_refused_beside_its_field(cast, client_for, policy, data, field, message):
    response = client_for(cast.clerk).post(_overrun_url(policy), data, headers=HX)
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert not FeeOverrun.objects.exists()


def test_an_overrun_is_forbidden_to_other_sides_and_without_the_permission(cast, client_for, policy):
    viewer = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["policy.view"])])
    for user in (viewer, cast.applicant, cast.org_admin):
        for method in ("get", "post"):
            response = getattr(client_for(user), method)(_overrun_url(policy), {"amount": "1", "reason": "r"})
            assert response.status_code == 403, (user, method)
    response = client_for(None).get(_overrun_url(policy))
    assert response.status_code == 302 and response.url.startswith("/insurer/login/")
    assert not FeeOverrun.objects.exists()


def test_another_insurers_policy_is_not_found(cast, client_for, policy):
    c = client_for(cast.other_clerk)
    assert c.get(_overrun_url(policy)).status_code == 404
    assert c.post(_overrun_url(policy), {"amount": "100", "reason": "理由"}).status_code == 404
    assert not FeeOverrun.objects.exists()
