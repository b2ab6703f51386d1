"""The insurer's home cards: what waits for the insurer, each a link to its tab."""

from __future__ import annotations

import json
import re

import pytest

from anze.orders.models import OrderStatus
from anze.policies import scenarios as policy_scenarios

S = OrderStatus
pytestmark = pytest.mark.django_db


def cards(page: str) -> dict[str, tuple[str, str]]:
    """{label: (value, url)} of the home page's cards."""
    found = re.findall(
        r'<a class="stat-card tone-\w+" href="([^"]+)">.*?<div class="value">(\d+)</div><div class="label">([^<]+)<',
        page,
        re.S,
    )
    return {label: (value, href) for href, value, label in found}


def test_it_counts_what_waits_for_the_insurer(online, offline, clerk):
    online()
    online()
    online(S.AWAITING_PAYMENT_REVIEW)
    offline()
    online(S.AWAITING_CONFIRMATION)  # waits for the enterprise: no card
    found = cards(clerk.get("/insurer/").content.decode())
    assert found["待报价"] == ("2", "/insurer/orders/?tab=awaiting_quote")
    assert found["待上传付款通知书"][0] == "0"
    assert found["待支付审核"][0] == "1" and found["待出函"][0] == "1"
    assert "待确认报价" not in found


def test_it_shows_no_order_cards_without_order_view(insurer):
    page = insurer.client(insurer.limited).get("/insurer/").content.decode()
    assert "待报价" not in cards(page)


# --- this month's figures and the 12-month chart (issue 12, point 7) -----------------------------------------
def figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)">.*?<div class="value">([^<]+)</div>', page, re.S))


def test_the_home_shows_this_months_quotes_issues_and_premium_of_its_own_insurer(online, clerk, cast):
    online(S.AWAITING_CONFIRMATION)  # quoted this month
    online(S.ISSUED)  # quoted and issued this month
    online()  # not quoted yet
    policy_scenarios.online_order(  # another insurer's: never counted here
        insurer_user=cast.other_clerk, enterprise_user=cast.applicant, until=S.ISSUED
    )
    page = clerk.get("/insurer/").content.decode()
    found = figures(page)
    assert found["quotes"] == "2" and found["issued"] == "1"
    assert found["premium"] == "12,000.00"
    chart = json.loads(
        re.search(r'id="insurer-chart-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    assert len(chart["month"]) == 12 and chart["issued"][-1] == 1 and chart["quotes"][-1] == 2
    assert sum(chart["issued"]) == 1 and "echarts" in page


def test_the_home_figures_take_a_constant_number_of_queries(online, clerk, django_assert_max_num_queries):
    online(S.ISSUED)
    clerk.get("/insurer/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        clerk.get("/insurer/")
    for _ in range(3):
        online(S.ISSUED)
        online(S.AWAITING_CONFIRMATION)
    with django_assert_max_num_queries(len(first.captured_queries)):
        clerk.get("/insurer/")
