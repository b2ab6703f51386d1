"""Fixtures of the portal's tests: an enterprise in a compulsory sector dealing with an insurer, a second
enterprise that must see nothing of it, and orders driven through the real workflow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders.models import Order, OrderStatus
from anze.policies import scenarios as policy_scenarios


@dataclass
class World:
    insurer: Organisation
    clerk: User  # the insurer's 管理员
    enterprise: Organisation  # 建筑施工: a compulsory sector
    applicant: User  # the enterprise's 管理员
    other: Organisation  # another enterprise
    other_admin: User

    def client(self, user: User | None = None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(db: None) -> World:
    ensure_base_data()
    insurer = factories.organisation(Side.INSURER, name="人保财险测试分公司", contact_phone="13905950101")
    county = Region.objects.get(code="350503")
    enterprise = factories.organisation(
        Side.ENTERPRISE,
        name="泉州测试建筑工程有限公司",
        region=county,
        industry=Industry.objects.get(code="construction"),
        address="泉州市丰泽区东海街道通港西街88号",
        contact_name="蔡明辉",
        contact_phone="13860710001",
    )
    other = factories.organisation(Side.ENTERPRISE, name="泉州别家鞋业有限公司", region=county)
    return World(
        insurer=insurer,
        clerk=factories.user(insurer, admin=True, name="林出单"),
        enterprise=enterprise,
        applicant=factories.user(enterprise, admin=True, name="蔡明辉", mobile="13860710001"),
        other=other,
        other_admin=factories.user(other, admin=True, name="别家管理员"),
    )


@pytest.fixture
def online(world: World) -> Callable[..., Order]:
    """``online(until=…, **overrides)``: an online order of the world's enterprise, through the workflow."""

    def make(until: str = OrderStatus.AWAITING_QUOTE, **kwargs: Any) -> Order:
        return policy_scenarios.online_order(
            insurer_user=world.clerk, enterprise_user=world.applicant, until=until, **kwargs
        )

    return make


@pytest.fixture
def me(world: World) -> Client:
    """The enterprise's 管理员, signed in."""
    return world.client(world.applicant)


@pytest.fixture
def them(world: World) -> Client:
    """The 管理员 of another enterprise, signed in."""
    return world.client(world.other_admin)
