"""The sidebar is built and rendered once per set of shown items and active item (core.menu), and shared by
every user and page with them: it must follow a role change at the next request, never show an item the user
may not see, and light up the page's own entry."""

from __future__ import annotations

import re

import pytest

from anze.core.testing import factories

pytestmark = pytest.mark.django_db


def sidebar(html: str) -> str:
    found = re.search(r'<ul class="anze-menu" id="menu">(.*?)</aside>', html, re.S)
    assert found, html
    return found.group(1)


def test_the_menu_shows_only_what_the_roles_allow_and_follows_a_role_change(insurer):
    role = factories.role(insurer.org, ["order.view"])
    clerk = factories.user(insurer.org, roles=[role])
    client = insurer.client(clerk)
    menu = sidebar(client.get("/insurer/orders/").content.decode())
    assert "订单管理" in menu and "账号管理" not in menu and "保单管理" not in menu
    assert "账号管理" in sidebar(insurer.client(insurer.admin).get("/insurer/orders/").content.decode())

    role.permissions = ["order.view", "policy.view"]
    role.save()
    menu = sidebar(client.get("/insurer/orders/").content.decode())
    assert "保单管理" in menu and "账号管理" not in menu

    role.permissions = ["policy.view"]
    role.save()
    menu = sidebar(client.get("/insurer/policies/").content.decode())
    assert "保单管理" in menu and "订单管理" not in menu  # the menu seen a request before is not reused
    assert client.get("/insurer/orders/").status_code == 403


def test_users_with_the_same_menu_share_it_and_each_page_lights_its_own_entry(insurer):
    first = factories.user(insurer.org, roles=[factories.role(insurer.org, ["order.view", "policy.view"])])
    second = factories.user(insurer.org, roles=[factories.role(insurer.org, ["policy.view", "order.view"])])
    orders = sidebar(insurer.client(first).get("/insurer/orders/").content.decode())
    assert orders == sidebar(insurer.client(second).get("/insurer/orders/").content.decode())
    assert re.search(r'href="/insurer/orders/" class="active"', orders)
    policies = sidebar(insurer.client(second).get("/insurer/policies/").content.decode())
    assert re.search(r'href="/insurer/policies/" class="active"', policies)
    assert not re.search(r'href="/insurer/orders/" class="active"', policies)


def test_another_sides_user_gets_no_menu_of_this_side(insurer):
    assert insurer.client(insurer.foreign).get("/insurer/orders/").status_code == 403
