"""Every URL of 订单管理: anonymous → the insurer login, no permission → 403, another insurer's order → 404."""

from __future__ import annotations

import pytest

from anze.orders.models import OrderStatus
from anze.orders.tests.support import LIST, url

S = OrderStatus
pytestmark = pytest.mark.django_db

# (path after the order's URL, or a list URL; the permission it needs)
ORDER_PAGES = [
    ("", "order.view"),
    ("quote/", "order.quote"),
    ("payment-notice/", "order.payment_notice"),
    ("payment-review/", "order.payment_review"),
    ("issue/", "order.issue"),
    ("cancel/", "order.cancel"),
    ("policy/", "order.view"),
]
LIST_PAGES = [
    (LIST, "order.view"),
    (f"{LIST}export/", "order.export"),
    (f"{LIST}offline/add/", "order.offline_create"),
]


@pytest.fixture
def issued(online):
    return online(S.ISSUED)


@pytest.mark.parametrize(("path", "code"), ORDER_PAGES)
def test_it_guards_each_order_page(issued, client, as_user, other_clerk, path, code):
    target = url(issued) + path
    anonymous = client.get(target)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/insurer/login/?next=")
    # Every order permission but this one (order.view alone for the pages that need only it: none at all).
    all_codes = {c for _, c in ORDER_PAGES} | {"order.view"}
    lacking = as_user(*(all_codes - {code}))
    assert lacking.get(target).status_code == 403
    assert other_clerk.get(target).status_code == 404


@pytest.mark.parametrize("path", ["files/{uuid}/", "files/{uuid}/download/"])
def test_it_guards_the_files(issued, client, as_user, other_clerk, path):
    target = url(issued) + path.format(uuid=issued.policy_file.uuid)
    assert client.get(target).status_code == 302
    assert as_user("order.quote").get(target).status_code == 403
    assert other_clerk.get(target).status_code == 404
    assert as_user("order.view").get(target).status_code == 200


@pytest.mark.parametrize(("path", "code"), LIST_PAGES)
def test_it_guards_each_list_page(client, as_user, insurer, path, code):
    assert client.get(path).status_code == 302
    assert as_user().get(path).status_code == 403
    assert insurer.client(insurer.foreign).get(path).status_code == 403  # a user of another side
    assert as_user(code).get(path).status_code == 200
