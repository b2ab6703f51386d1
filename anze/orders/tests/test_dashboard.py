"""The insurer's home cards: what waits for the insurer, each a link to its tab."""

from __future__ import annotations

import re

import pytest

from anze.orders.models import OrderStatus

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
