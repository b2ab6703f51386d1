"""The people of the test suite, in two vocabularies that do two different jobs.

**The cast** (``Cast``, fixture ``cast``): everyone around one policy, by role in the story — the orders,
policies, prevention, portal and core tests use it.

==================  =====================================================================================
``insurer``         人保财险测试分公司, the policy's insurer; ``clerk`` (林出单) is its 管理员
``other_insurer``   平安财险测试支公司, an insurer that must see nothing; ``other_clerk`` (黄别家)
``enterprise``      泉州测试建筑工程有限公司, 丰泽区, 建筑施工 (a compulsory sector), with address and contact
                    (蔡明辉 13860710001); ``applicant`` (蔡投保) is its 管理员
``other_enterprise`` 晋江测试鞋业有限公司, an enterprise that must see nothing; ``other_applicant`` (许别企)
``org``             泉州安信安全技术服务有限公司, the service organisation assigned; ``org_admin`` (苏服务)
``other_org``       福建闽安安全评价有限公司, a competing service organisation; ``other_org_admin`` (李评价)
``staff``           陈安全, a qualified member of ``org``'s staff; ``expired_staff`` 王过期, qualification lapsed
``platform_admin``  平台管理员, the 管理员 of the platform's operator
==================  =====================================================================================

A member is created on first use, or up-front by ``on_stage(…)``: each app's conftest overrides ``cast`` to
put on stage the people its tests assume exist before the first request (``orders``: both insurers and the
enterprise; ``portal``: the insurer and both enterprises; ``policies``, ``prevention``, ``core``: everyone), so
that "another party sees nothing" is never true only because that party does not exist yet, and a test that
needs two organisations does not pay for six. Put a member on stage before starting threads or counting
queries. Helpers: ``client`` (a signed-in test client), ``online`` / ``offline`` (orders driven through the
real workflow), ``policy`` / ``in_service`` (an issued policy, and one whose service ``org`` has accepted). The
fixtures ``online`` and ``offline`` are the cast's helpers of the same name.

**The personas** (``Personas`` in the root ``conftest.py``, fixtures ``insurer`` / ``enterprise`` /
``service_org`` / ``make_personas(side)``): the permission matrix of *one side*, for the view-permission tests
of any side (the platform and regulators too) — ``org`` and its 管理员 ``admin``, ``limited`` (a member without
permissions), ``other_org`` and its 管理员 ``other_org_admin`` (same side, other tenant: 404), ``foreign`` (a
管理员 of another side: 403). Both vocabularies say ``other_…`` for "another organisation of the same side" and
``…_admin`` for an organisation's 管理员; a persona's ``org`` is whichever side is under test, the cast's is
the service organisation.

Set-ups that are a different idea keep their own: the regulators by region and their orders in
``regulator/tests`` (scope by region, not by party).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from anze.core.sides import Side
from anze.core.testing import factories

if TYPE_CHECKING:
    from collections.abc import Callable

    from anze.accounts.models import Organisation, User
    from anze.orders.models import Order
    from anze.policies.models import Policy
    from anze.prevention.models import Staff


class Cast:
    """Everyone around a policy; see the module docstring. Members are created on first access."""

    EVERYONE = (
        "clerk",
        "other_clerk",
        "applicant",
        "other_applicant",
        "org_admin",
        "other_org_admin",
        "staff",
        "expired_staff",
    )

    def on_stage(self, *members: str) -> Cast:
        """Create ``members`` now (a user brings its organisation), in this order; the others stay lazy."""
        for name in members:
            getattr(self, name)
        return self

    # --- the insurers ----------------------------------------------------------------------------------------
    @cached_property
    def insurer(self) -> Organisation:
        return factories.organisation(Side.INSURER, name="人保财险测试分公司", contact_phone="13905950101")

    @cached_property
    def clerk(self) -> User:
        """The insurer's 管理员: every permission of the insurer side."""
        return factories.user(self.insurer, admin=True, name="林出单")

    @cached_property
    def other_insurer(self) -> Organisation:
        return factories.organisation(Side.INSURER, name="平安财险测试支公司")

    @cached_property
    def other_clerk(self) -> User:
        return factories.user(self.other_insurer, admin=True, name="黄别家")

    # --- the enterprises -------------------------------------------------------------------------------------
    @cached_property
    def enterprise(self) -> Organisation:
        from anze.basedata.models import Industry, Region

        return factories.organisation(
            Side.ENTERPRISE,
            name="泉州测试建筑工程有限公司",
            region=Region.objects.get(code="350503"),
            industry=Industry.objects.get(code="construction"),
            address="泉州市丰泽区东海街道通港西街88号",
            contact_name="蔡明辉",
            contact_phone="13860710001",
        )

    @cached_property
    def applicant(self) -> User:
        """The enterprise's 管理员."""
        return factories.user(self.enterprise, admin=True, name="蔡投保", mobile="13860710001")

    @cached_property
    def other_enterprise(self) -> Organisation:
        from anze.basedata.models import Region

        return factories.organisation(
            Side.ENTERPRISE, name="晋江测试鞋业有限公司", region=Region.objects.get(code="350503")
        )

    @cached_property
    def other_applicant(self) -> User:
        return factories.user(self.other_enterprise, admin=True, name="许别企")

    # --- the service organisations ---------------------------------------------------------------------------
    @cached_property
    def org(self) -> Organisation:
        return factories.organisation(
            Side.SERVICE_ORG,
            name="泉州安信安全技术服务有限公司",
            short_name="安信安全",
            contact_phone="13960710001",
        )

    @cached_property
    def org_admin(self) -> User:
        return factories.user(self.org, admin=True, name="苏服务")

    @cached_property
    def other_org(self) -> Organisation:
        return factories.organisation(
            Side.SERVICE_ORG,
            name="福建闽安安全评价有限公司",
            short_name="闽安评价",
            contact_phone="13960710002",
        )

    @cached_property
    def other_org_admin(self) -> User:
        return factories.user(self.other_org, admin=True, name="李评价")

    @cached_property
    def staff(self) -> Staff:
        from anze.prevention import scenarios

        return scenarios.staff(self.org, "陈安全")

    @cached_property
    def expired_staff(self) -> Staff:
        from anze.prevention import scenarios

        return scenarios.staff(self.org, "王过期", expired=True, mobile="13960710102")

    # --- the platform ----------------------------------------------------------------------------------------
    @cached_property
    def platform_admin(self) -> User:
        """The 管理员 of the platform's operator (基础数据, 机构管理)."""
        return factories.user(factories.organisation(Side.PLATFORM), admin=True, name="平台管理员")

    # --- who acts from each side, for the machines' matrices -------------------------------------------------------
    def owners(self) -> dict[str, User]:
        """Per side, the 管理员 of the policy's own organisation."""
        return {Side.INSURER: self.clerk, Side.SERVICE_ORG: self.org_admin, Side.ENTERPRISE: self.applicant}

    def strangers(self) -> dict[str, User]:
        """Per side, the 管理员 of another organisation of that side."""
        return {
            Side.INSURER: self.other_clerk,
            Side.SERVICE_ORG: self.other_org_admin,
            Side.ENTERPRISE: self.other_applicant,
        }

    def members_without_permissions(self) -> dict[str, User]:
        """Per side, a new member of the policy's own organisation holding no role."""
        return {
            Side.INSURER: factories.user(self.insurer),
            Side.SERVICE_ORG: factories.user(self.org),
            Side.ENTERPRISE: factories.user(self.enterprise),
        }

    # --- helpers ---------------------------------------------------------------------------------------------
    def client(self, user: User | None = None) -> Client:
        """A test client signed in as ``user`` (anonymous without one)."""
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def online(self, until: str | None = None, **kwargs: Any) -> Order:
        """An online order of the applicant to the insurer, driven through the workflow ``until`` a state."""
        from anze.orders.models import OrderStatus
        from anze.policies import scenarios

        return scenarios.online_order(
            insurer_user=self.clerk,
            enterprise_user=self.applicant,
            until=until or OrderStatus.AWAITING_QUOTE,
            **kwargs,
        )

    def offline(self, **kwargs: Any) -> Order:
        """An offline order (线下录入) of the insurer."""
        from anze.policies import scenarios

        return scenarios.offline_order(insurer_user=self.clerk, **kwargs)

    def policy(self, **kwargs: Any) -> Policy:
        """An issued policy of the applicant with the insurer."""
        from anze.prevention import scenarios

        return scenarios.issued_policy(insurer_user=self.clerk, enterprise_user=self.applicant, **kwargs)

    def in_service(self, **kwargs: Any) -> Policy:
        """An issued policy whose service ``org`` has been assigned and has accepted."""
        from anze.prevention import scenarios

        return scenarios.in_service(self.policy(**kwargs), self.clerk, self.org_admin)


@pytest.fixture
def cast(db: None) -> Cast:
    from anze.basedata.seed import ensure_base_data

    ensure_base_data()
    return Cast()


@pytest.fixture
def online(cast: Cast) -> Callable[..., Order]:
    """``online(until=…, **overrides)``: ``cast.online``."""
    return cast.online


@pytest.fixture
def offline(cast: Cast) -> Callable[..., Order]:
    """``offline(**overrides)``: ``cast.offline``."""
    return cast.offline
