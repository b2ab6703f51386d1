"""登录日志 and 操作日志: the organisation's 管理员 sees its own organisation's only."""

from __future__ import annotations

import pytest
from django.test import Client

from anze.core import catalogue
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_successful_and_failed_sign_ins_for_the_organisation(insurer):
    url = f"/insurer/login/{insurer.org.code}/"
    Client().post(
        url,
        {"username": insurer.limited.username, "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
        HTTP_USER_AGENT="Mozilla/5.0 测试浏览器",
    )
    Client().post(
        url, {"username": insurer.limited.username, "password": "Wrong12345"}, REMOTE_ADDR="10.1.1.2"
    )
    Client().post(
        f"/insurer/login/{insurer.other_org.code}/",
        {"username": insurer.other_org_admin.username, "password": PASSWORD},
    )
    html = insurer.client(insurer.admin).get("/insurer/system/logs/logins/").content.decode()
    assert "10.1.1.1" in html and "10.1.1.2" in html and "成功" in html and "失败" in html
    assert "测试浏览器" in html
    assert insurer.other_org_admin.username not in html


def test_it_filters_login_logs(insurer):
    url = f"/insurer/login/{insurer.org.code}/"
    Client().post(
        url, {"username": insurer.limited.username, "password": "Wrong12345"}, REMOTE_ADDR="10.9.9.9"
    )
    Client().post(url, {"username": insurer.admin.username, "password": PASSWORD}, REMOTE_ADDR="10.8.8.8")
    html = insurer.client(insurer.admin).get("/insurer/system/logs/logins/?success=0").content.decode()
    assert "10.9.9.9" in html and "10.8.8.8" not in html


def test_it_shows_who_changed_which_account_before_and_after(insurer):
    target = factories.user(insurer.org, name="被改的人")
    client = insurer.client(insurer.admin)
    client.post(
        f"/insurer/system/users/{target.pk}/edit/",
        {"name": "改后的名", "mobile": target.mobile, "is_active": "on"},
    )
    client.post("/insurer/system/roles/add/", {"name": "新角色", "permissions": ["order.view"]})
    html = client.get("/insurer/system/logs/operations/").content.decode()
    assert "被改的人 → 改后的名" in html
    assert insurer.admin.name in html
    assert "新角色" in html and "查看订单" in html
    other = insurer.client(insurer.other_org_admin).get("/insurer/system/logs/operations/").content.decode()
    assert "改后的名" not in other


def test_it_shows_logs_to_the_admin_only(insurer, client_for):
    every_grantable = [p.code for p in catalogue.grantable_for_side(Side.INSURER)]
    power_user = factories.user(insurer.org, roles=[factories.role(insurer.org, every_grantable)])
    for url in ["/insurer/system/logs/logins/", "/insurer/system/logs/operations/"]:
        assert client_for(power_user).get(url).status_code == 403
        assert insurer.client(insurer.admin).get(url).status_code == 200


def test_it_files_a_failed_credit_code_sign_in_under_the_enterprise(enterprise):
    Client().post(
        "/enterprise/login/",
        {"username": enterprise.org.credit_code, "password": "Wrong12345"},
        REMOTE_ADDR="10.7.7.7",
    )
    html = enterprise.client(enterprise.admin).get("/enterprise/system/logs/logins/").content.decode()
    assert "10.7.7.7" in html and enterprise.org.credit_code in html
