"""Every platform page renders for the platform admin (as a page and, for dialogs, as an htmx fragment), every
pattern declares its permission, and the home page shows the organisation cards."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from anze.accounts import services
from anze.basedata.models import Industry, RegionalRule, ServiceItem
from anze.core.sides import Side
from anze.core.testing import factories

pytestmark = pytest.mark.django_db


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def test_it_declares_a_permission_on_every_platform_screen():
    mine = [
        (route, p)
        for route, p in _patterns(get_resolver())
        if route.startswith(("platform/orgs/", "platform/basedata/"))
    ]
    assert len(mine) >= 40  # 4 kinds × 7 + 15 base-data pages
    for route, pattern in mine:
        assert getattr(pattern.callback, "required_permission", None) in (
            "platform.org.manage",
            "platform.org.reset_password",
            "platform.basedata.manage",
            "platform.enterprise.verify",  # 企业认证 (/platform/orgs/claims/)
        ), route


def test_it_renders_every_platform_page(platform):
    enterprise = factories.organisation(Side.ENTERPRISE, industry=Industry.objects.get(code="mining"))
    admin = factories.user(enterprise, admin=True)
    factories.user(enterprise, roles=[factories.role(enterprise, ["portal.apply"])])
    insurer = factories.organisation(Side.INSURER)
    regulator = factories.organisation(Side.REGULATOR)
    service_org = factories.organisation(Side.SERVICE_ORG)
    item = ServiceItem.objects.first()
    industry = Industry.objects.first()
    rule = RegionalRule.objects.get(region__isnull=True)
    pages = [
        "/platform/",
        "/platform/orgs/insurers/",
        "/platform/orgs/insurers/?tab=disabled&name=无此公司",
        "/platform/orgs/enterprises/?tab=active",
        "/platform/orgs/service-orgs/",
        "/platform/orgs/regulators/",
        f"/platform/orgs/insurers/{insurer.pk}/",
        f"/platform/orgs/enterprises/{enterprise.pk}/",
        f"/platform/orgs/service-orgs/{service_org.pk}/",
        f"/platform/orgs/regulators/{regulator.pk}/",
        "/platform/basedata/service-items/",
        "/platform/basedata/service-items/?status=0",
        "/platform/basedata/industries/",
        "/platform/basedata/regions/",
        "/platform/basedata/rules/",
    ]
    dialogs = [
        "/platform/orgs/insurers/add/",
        "/platform/orgs/enterprises/add/",
        "/platform/orgs/service-orgs/add/",
        "/platform/orgs/regulators/add/",
        f"/platform/orgs/insurers/{insurer.pk}/edit/",
        f"/platform/orgs/enterprises/{enterprise.pk}/edit/",
        f"/platform/orgs/service-orgs/{service_org.pk}/edit/",
        f"/platform/orgs/regulators/{regulator.pk}/edit/",
        f"/platform/orgs/enterprises/{enterprise.pk}/accounts/{admin.pk}/reset-password/",
        "/platform/basedata/service-items/add/",
        f"/platform/basedata/service-items/{item.pk}/edit/",
        "/platform/basedata/industries/add/",
        f"/platform/basedata/industries/{industry.pk}/edit/",
        "/platform/basedata/regions/add/",
        "/platform/basedata/rules/add/",
        f"/platform/basedata/rules/{rule.pk}/edit/",
    ]
    client = platform.client(platform.admin)
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and ("<table" in html or "stat-card" in html), url
    for url in dialogs:  # opened without JavaScript: the same form as a full page
        response = client.get(url)
        assert response.status_code == 200 and 'type="submit"' in response.content.decode(), url
    for url in dialogs:
        response = client.get(url, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200 and 'class="modal-header"' in html and "<html" not in html, url
    # An htmx refresh of a list gets only its list region.
    response = client.get("/platform/orgs/insurers/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-region")
    assert response.content.decode().lstrip().startswith('<div id="list-region"')


def test_it_shows_organisation_counts_on_the_platform_home(platform):
    factories.organisation(Side.INSURER)
    factories.organisation(Side.INSURER, is_active=False)
    for _ in range(3):
        factories.organisation(Side.ENTERPRISE)
    html = platform.client(platform.admin).get("/platform/").content.decode()
    counts = {
        kind: services.Organisation.objects.filter(kind=kind, is_active=True).count()
        for kind in (Side.INSURER, Side.ENTERPRISE, Side.SERVICE_ORG, Side.REGULATOR)
    }
    for label, slug, kind in [
        ("保险公司", "insurers", Side.INSURER),
        ("投保企业", "enterprises", Side.ENTERPRISE),
        ("服务机构", "service-orgs", Side.SERVICE_ORG),
        ("监管部门", "regulators", Side.REGULATOR),
    ]:
        assert f'href="/platform/orgs/{slug}/?tab=active"' in html
        assert f'<div class="value">{counts[kind]}</div><div class="label">{label}</div>' in html
    assert counts[Side.ENTERPRISE] >= 3


def test_it_shows_no_cards_without_the_permission(platform):
    html = platform.client(platform.limited).get("/platform/").content.decode()
    assert "/platform/orgs/insurers/" not in html
