from __future__ import annotations

from dataclasses import dataclass

import pytest

from anze.accounts.models import Organisation, User
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.policies.models import Policy
from anze.prevention import scenarios
from anze.prevention.models import Staff


@dataclass
class Service:
    """Everyone around a policy's services: its insurer, the enterprise, two service organisations (the one
    assigned and a competitor that must see nothing), another insurer and another enterprise."""

    insurer: Organisation
    clerk: User
    other_insurer: Organisation
    other_clerk: User
    enterprise: Organisation
    applicant: User
    other_enterprise: Organisation
    other_applicant: User
    org: Organisation
    org_admin: User
    other_org: Organisation
    other_org_admin: User
    staff: Staff
    expired_staff: Staff

    def policy(self, **kwargs) -> Policy:
        return scenarios.issued_policy(insurer_user=self.clerk, enterprise_user=self.applicant, **kwargs)

    def in_service(self, **kwargs) -> Policy:
        return scenarios.in_service(self.policy(**kwargs), self.clerk, self.org_admin)


@pytest.fixture
def svc(db: None) -> Service:
    ensure_base_data()
    insurer = factories.organisation(Side.INSURER, name="人保财险测试分公司", contact_phone="13905950101")
    other_insurer = factories.organisation(Side.INSURER, name="平安财险测试支公司")
    enterprise = factories.organisation(
        Side.ENTERPRISE, name="泉州测试建筑工程有限公司", contact_phone="13860710001"
    )
    other_enterprise = factories.organisation(Side.ENTERPRISE, name="晋江测试鞋业有限公司")
    org = factories.organisation(
        Side.SERVICE_ORG,
        name="泉州安信安全技术服务有限公司",
        short_name="安信安全",
        contact_phone="13960710001",
    )
    other_org = factories.organisation(
        Side.SERVICE_ORG, name="福建闽安安全评价有限公司", short_name="闽安评价", contact_phone="13960710002"
    )
    return Service(
        insurer=insurer,
        clerk=factories.user(insurer, admin=True, name="林出单"),
        other_insurer=other_insurer,
        other_clerk=factories.user(other_insurer, admin=True, name="黄别家"),
        enterprise=enterprise,
        applicant=factories.user(enterprise, admin=True, name="蔡投保"),
        other_enterprise=other_enterprise,
        other_applicant=factories.user(other_enterprise, admin=True, name="许别企"),
        org=org,
        org_admin=factories.user(org, admin=True, name="苏服务"),
        other_org=other_org,
        other_org_admin=factories.user(other_org, admin=True, name="李评价"),
        staff=scenarios.staff(org, "陈安全"),
        expired_staff=scenarios.staff(org, "王过期", expired=True, mobile="13960710102"),
    )
