from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from anze.accounts.models import Organisation, User
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders.models import Order, OrderStatus
from anze.policies import scenarios as policy_scenarios


@dataclass
class Parties:
    """An insurer and an enterprise that deal with each other, plus a second insurer that must see nothing."""

    insurer: Organisation
    clerk: User  # the insurer's 管理员: every order permission
    enterprise: Organisation
    applicant: User  # the enterprise's 管理员
    other_insurer: Organisation
    other_clerk: User


@pytest.fixture
def parties(db: None) -> Parties:
    ensure_base_data()
    insurer = factories.organisation(Side.INSURER, name="人保财险测试分公司", contact_phone="13905950101")
    other = factories.organisation(Side.INSURER, name="平安财险测试支公司")
    enterprise = factories.organisation(Side.ENTERPRISE, name="泉州测试建筑工程有限公司")
    return Parties(
        insurer=insurer,
        clerk=factories.user(insurer, admin=True, name="林出单"),
        enterprise=enterprise,
        applicant=factories.user(enterprise, admin=True, name="蔡投保"),
        other_insurer=other,
        other_clerk=factories.user(other, admin=True, name="黄别家"),
    )


# --- view tests ------------------------------------------------------------------------------------------------
@pytest.fixture
def online(parties: Parties) -> Callable[..., Order]:
    """``online(until=…, **overrides)``: an online order of the parties driven through the workflow."""

    def make(until: str = OrderStatus.AWAITING_QUOTE, **kwargs: Any) -> Order:
        return policy_scenarios.online_order(
            insurer_user=parties.clerk, enterprise_user=parties.applicant, until=until, **kwargs
        )

    return make


@pytest.fixture
def offline(parties: Parties) -> Callable[..., Order]:
    def make(**kwargs: Any) -> Order:
        return policy_scenarios.offline_order(insurer_user=parties.clerk, **kwargs)

    return make


@pytest.fixture
def clerk(parties: Parties) -> Client:
    """The insurer's 管理员, signed in."""
    client = Client()
    client.force_login(parties.clerk)
    return client


@pytest.fixture
def as_user(parties: Parties) -> Callable[..., Client]:
    """``as_user("order.view", …)``: a signed-in clerk of the insurer holding only these permissions."""

    def make(*codes: str) -> Client:
        user = factories.user(parties.insurer, roles=[factories.role(parties.insurer, list(codes))])
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def other_clerk(parties: Parties) -> Client:
    """The 管理员 of another insurer: every order permission, none of these orders."""
    client = Client()
    client.force_login(parties.other_clerk)
    return client
