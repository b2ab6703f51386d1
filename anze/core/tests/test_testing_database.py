"""What a transactional test leaves behind (anze/core/testing/database.py): empty tables, the migration's base
data as the migration wrote it, the orders' triggers still counting."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region, RegionalRule, ServiceItem
from anze.core.sides import Side
from anze.core.testing import database, factories
from anze.orders import counts, scenarios
from anze.orders.models import InsurerOrderCounts, Order, OrderCountDelta, OrderStatus

pytestmark = pytest.mark.django_db(transaction=True)


def base_data() -> list[tuple]:
    return [
        *Region.objects.order_by("pk").values_list("pk", "code", "name", "level", "parent_id", "sort"),
        *Industry.objects.order_by("pk").values_list("pk", "code", "name", "is_compulsory"),
        *ServiceItem.objects.order_by("pk").values_list("pk", "code", "name", "sort"),
        *RegionalRule.objects.order_by("pk").values_list("pk", "region_id", "min_per_person_injury_limit"),
    ]


def test_it_empties_what_a_test_wrote_and_puts_the_base_data_back() -> None:
    before = base_data()
    kinds = ContentType.objects.count()
    assert Region.objects.filter(code="350503").exists() and RegionalRule.objects.filter(region=None).exists()
    snapshot = database.snapshot(connection)

    org = factories.organisation(Side.ENTERPRISE)
    factories.user(org, admin=True)
    Region.objects.filter(code="350503").update(name="改过的名字")
    Region.objects.create(
        code="350599", name="新区", level="county", parent=Region.objects.get(code="350500")
    )
    Industry.objects.all().delete()

    database.empty(connection, snapshot)

    assert not Organisation.objects.exists() and not User.objects.exists()
    assert base_data() == before
    assert ContentType.objects.count() == kinds


def submit_an_order() -> Order:
    insurer = factories.organisation(Side.INSURER)
    enterprise = factories.organisation(Side.ENTERPRISE)
    return scenarios.online_order(
        insurer_user=factories.user(insurer, admin=True),
        enterprise_user=factories.user(enterprise, admin=True),
        until=OrderStatus.AWAITING_QUOTE,
    )


def test_the_order_counts_triggers_still_count_after_it() -> None:
    snapshot = database.snapshot(connection)
    submit_an_order()
    counts.fold()
    assert InsurerOrderCounts.objects.exists()
    database.empty(connection, snapshot)
    assert not InsurerOrderCounts.objects.exists() and not OrderCountDelta.objects.exists()
    assert not Order.objects.exists()

    order = submit_an_order()
    assert counts.counts_of(order.insurer_id)[OrderStatus.AWAITING_QUOTE] == 1
