"""Who may open each 机构管理 page: the platform admin only; no permission → 403, another side → 403,
anonymous → the platform login page."""

from __future__ import annotations

import pytest
from django.test import Client

from anze.accounts.models import Organisation, Role, User
from anze.core.sides import Side
from anze.core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def target() -> tuple[Organisation, User]:
    org = factories.organisation(Side.INSURER)
    return org, factories.user(org, admin=True)


def urls(org: Organisation, admin: User) -> list[tuple[str, str]]:
    base = f"/platform/orgs/insurers/{org.pk}"
    return [
        ("get", "/platform/orgs/insurers/"),
        ("get", "/platform/orgs/enterprises/"),
        ("get", "/platform/orgs/service-orgs/"),
        ("get", "/platform/orgs/regulators/"),
        ("get", "/platform/orgs/insurers/export/"),
        ("get", "/platform/orgs/insurers/add/"),
        ("get", f"{base}/"),
        ("get", f"{base}/edit/"),
        ("post", f"{base}/active/"),
        ("get", f"{base}/accounts/{admin.pk}/reset-password/"),
    ]


def test_it_opens_every_page_for_the_platform_admin(platform, target):
    client = platform.client(platform.admin)
    for method, url in urls(*target):
        data = {"active": "1"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (url, response.status_code)


def test_it_refuses_a_platform_user_without_the_permissions(platform, target):
    client = platform.client(platform.limited)
    for method, url in urls(*target):
        assert getattr(client, method)(url).status_code == 403, url


def test_it_refuses_the_admin_of_another_side(insurer_admin, target):
    client = Client()
    client.force_login(insurer_admin)
    for method, url in urls(*target):
        assert getattr(client, method)(url).status_code == 403, url


def test_it_sends_an_anonymous_visitor_to_the_platform_login(target):
    for method, url in urls(*target):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/platform/login/?next="), url


def test_it_needs_its_own_permission_to_reset_an_admin_password(platform, target):
    org, admin = target
    clerk = factories.user(platform.org, roles=[factories.role(platform.org, ["platform.org.manage"])])
    client = platform.client(clerk)
    assert client.get(f"/platform/orgs/insurers/{org.pk}/").status_code == 200
    assert (
        client.get(f"/platform/orgs/insurers/{org.pk}/accounts/{admin.pk}/reset-password/").status_code == 403
    )


def test_it_404s_for_an_organisation_under_another_kinds_url(platform, target):
    org, _ = target
    client = platform.client(platform.admin)
    assert client.get(f"/platform/orgs/enterprises/{org.pk}/").status_code == 404
    assert client.get(f"/platform/orgs/enterprises/{org.pk}/edit/").status_code == 404
    # The platform's own organisation is managed through 系统管理, never here.
    for slug in ("insurers", "enterprises", "service-orgs", "regulators"):
        assert client.get(f"/platform/orgs/{slug}/{platform.org.pk}/").status_code == 404


def test_it_404s_for_an_account_of_another_organisation(platform, target):
    org, _ = target
    stranger = factories.user(factories.organisation(Side.INSURER), admin=True)
    url = f"/platform/orgs/insurers/{org.pk}/accounts/{stranger.pk}/reset-password/"
    assert platform.client(platform.admin).get(url).status_code == 404


def test_it_shows_the_platform_menu_by_permission(platform):
    html = platform.client(platform.admin).get("/platform/").content.decode()
    for label in (
        "机构管理",
        "保险公司",
        "投保企业",
        "服务机构",
        "监管部门",
        "基础数据",
        "服务项目",
        "地区投保规则",
    ):
        assert label in html
    limited = platform.client(platform.limited).get("/platform/").content.decode()
    assert "机构管理" not in limited and "基础数据" not in limited
    assert Role.objects.filter(organisation=platform.org, is_admin=True).exists()
