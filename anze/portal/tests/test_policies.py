"""我的保单: the enterprise's policies with period, premium, insurer, files, the service organisation and the
progress per service item, the links to the prevention pages; tabs; constant queries; tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anze.core.sides import Side
from anze.core.testing import factories
from anze.portal.tests.support import html
from anze.prevention import scenarios

pytestmark = pytest.mark.django_db
URL = "/enterprise/policies/"


def issued(cast, **kwargs):  # type: ignore[no-untyped-def]
    return scenarios.issued_policy(insurer_user=cast.clerk, enterprise_user=cast.applicant, **kwargs)


def row(page: str, policy) -> str:  # type: ignore[no-untyped-def]
    start = page.index(f'data-policy-no="{policy.policy_no}"')
    return page[start : page.find("</tr>", start)]


@pytest.fixture
def service_org(cast):  # type: ignore[no-untyped-def]
    org = factories.organisation(Side.SERVICE_ORG, name="泉州安信安全技术服务有限公司", short_name="安信安全")
    return factories.user(org, admin=True)


def test_it_lists_the_policies_with_period_premium_insurer_and_files(cast, me):
    policy = issued(cast)
    cells = row(html(me.get(URL)), policy)
    assert policy.order.application_no in cells and cast.insurer.name in cells
    assert f"{policy.period_start:%Y-%m-%d} 至" in cells and f"{policy.period_end:%Y-%m-%d}" in cells
    assert "12,000.00" in cells and "保障中" in cells
    for label, document in (
        ("保单", policy.order.policy_file),
        ("发票", policy.order.invoice_file),
        ("合同", policy.order.contract_file),
    ):
        assert f"files/{document.uuid}/download/" in cells and f'data-file="{label}"' in cells
    assert "保险公司尚未指定服务机构" in cells
    assert f"/enterprise/services/policies/{policy.order.application_no}/" in cells  # 服务进度


def test_it_shows_the_service_organisation_and_progress_per_item(cast, me, service_org):
    policy = issued(cast, counts={"training": 2, "hazard_inspection": 1})
    scenarios.in_service(policy, cast.clerk, service_org)
    member = scenarios.staff(service_org.organisation)
    scenarios.confirm(scenarios.record(policy, service_org, "training", [member]), cast.applicant)
    cells = row(html(me.get(URL)), policy)
    assert "【安信安全】安全服务中" in cells
    assert '安全生产宣传教育培训</span><span class="count">1/2</span>' in cells
    assert '生产安全事故隐患排查</span><span class="count">0/1</span>' in cells
    assert 'data-action="records"' in cells and 'data-action="complain"' in cells
    assert f"/enterprise/services/policies/{policy.order.application_no}/complain/" in cells


def test_it_tabs_policies_by_their_period(cast, me):
    current = issued(cast)
    expiring = issued(cast, started_days_ago=350)  # ends in 14 days
    page = html(me.get(URL))
    assert '保障中<span class="count">(2)' in page and '已到期<span class="count">(0)' in page
    assert "30天内到期" in row(page, expiring) and 'data-action="renew"' in row(page, expiring)
    assert 'data-action="renew"' not in row(page, current)
    assert current.policy_no not in html(me.get(f"{URL}?tab=expired"))


def test_it_searches_by_policy_number(cast, me):
    a, b = issued(cast, policy_no="PQZA000001"), issued(cast, policy_no="PQZB000002")
    page = html(me.get(f"{URL}?policy_no=PQZB"))
    assert b.policy_no in page and a.policy_no not in page


def test_it_shows_only_the_enterprises_own_policies(cast, me, them):
    policy = issued(cast)
    assert policy.policy_no not in html(them.get(URL))
    assert "暂无数据" in html(them.get(URL))


@pytest.mark.parametrize("size", [10, 50])
def test_it_runs_a_constant_number_of_queries(cast, me, service_org, size):
    first = issued(cast)
    scenarios.in_service(first, cast.clerk, service_org)
    me.get(URL)
    with CaptureQueriesContext(connection) as few:
        me.get(f"{URL}?size=10")
    for _ in range(3):
        scenarios.in_service(issued(cast), cast.clerk, service_org)
    with CaptureQueriesContext(connection) as more:
        me.get(f"{URL}?size={size}")
    assert len(more) == len(few) and len(few) <= 14


def test_it_needs_the_policy_permission(cast, insurer):
    viewer = factories.user(cast.enterprise, roles=[factories.role(cast.enterprise, ["portal.order.view"])])
    assert cast.client(viewer).get(URL).status_code == 403
    assert cast.client(insurer.admin).get(URL).status_code == 403


def test_an_expired_policy_is_tabbed_as_expired(cast, me):
    policy = issued(cast, started_days_ago=400)
    assert policy.period_end < timezone.localdate() + timedelta(days=1)
    assert policy.policy_no in html(me.get(f"{URL}?tab=expired"))


def test_it_shows_the_request_in_progress_instead_of_new_requests_and_then_the_endorsement(cast, me):
    """While a 批改 is open the row says so and links to it (a second request would be refused); once
    endorsed its 批单 is in the file column, opened through the 批改's own file view."""
    from anze.endorsements import scenarios as endorsements

    policy = issued(cast)
    assert 'data-action="endorse"' in row(html(me.get(URL)), policy)
    request = endorsements.apply(policy, cast.applicant)
    cells = row(html(me.get(URL)), policy)
    assert 'data-action="endorse"' not in cells and 'data-action="surrender"' not in cells
    assert "批改办理中" in cells and f"/enterprise/endorsements/{request.uuid}/" in cells
    assert 'data-file="批单"' not in cells
    done = endorsements.drive(request, clerk=cast.clerk, applicant=cast.applicant, until="endorsed")
    cells = row(html(me.get(URL)), policy)
    assert "办理中" not in cells and 'data-action="endorse"' in cells
    link = f"/enterprise/endorsements/{done.uuid}/files/{done.endorsement_file.uuid}/"
    assert link in cells and 'data-file="批单"' in cells
    assert me.get(link).status_code == 200
