"""Issue 2's browser test: landing → 保险端 → choose an insurer → sign in as its 管理员 → create a role holding
only 订单管理 → create an account with it → sign out, sign in as that account → the menu shows only 订单管理,
and the 账号管理 URL typed by hand gives 403."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(password)
    page.get_by_role("button", name="登 录").click()


def test_an_insurer_admin_gives_a_clerk_only_the_order_menu(live_server, page: Page, screenshot):
    ensure_base_data()
    insurer = factories.picc("picc-qz")
    factories.organisation(Side.INSURER, name="中国平安财产保险股份有限公司泉州中心支公司", code="pingan-qz")
    factories.user(insurer, admin=True, username="picc_admin", name="林志强")

    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="安全生产责任保险监管平台")).to_be_visible()
    screenshot("01-landing")
    page.get_by_role("link", name=re.compile("保险端")).click()
    expect(page.get_by_role("heading", name="保险公司选择")).to_be_visible()
    screenshot("02-insurer-picker")
    page.get_by_role("link", name=re.compile("中国人民财产保险股份有限公司泉州市分公司")).click()
    expect(page.get_by_test_id("login-org")).to_have_text("中国人民财产保险股份有限公司泉州市分公司")
    screenshot("03-insurer-login")
    sign_in(page, "picc_admin", PASSWORD)
    expect(page.locator(".anze-brand")).to_contain_text("人保财险泉州")

    # 角色管理 → 新增: a role holding the whole 订单管理 group and nothing else.
    menu = page.locator("#menu")
    menu.locator("summary", has_text="系统管理").click()
    menu.get_by_role("link", name="角色管理").click()
    page.get_by_role("link", name="新增").click()
    dialog = page.locator("#anze-modal")
    expect(dialog.locator(".modal-title")).to_have_text("新增角色")
    dialog.get_by_placeholder("请输入角色名称").fill("订单专员")
    dialog.locator(".group", has_text="订单管理").locator("[data-check-group]").check()
    screenshot("04-role-dialog")
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("新增成功")
    expect(page.locator("#role-table")).to_contain_text("订单专员")

    # 账号管理 → 新增 with that role.
    menu.get_by_role("link", name="账号管理").click()
    page.get_by_role("link", name="新增").click()
    expect(dialog.locator(".modal-title")).to_have_text("新增账号")
    dialog.get_by_placeholder("请输入登录账号").fill("picc_order")
    dialog.get_by_placeholder("请输入姓名").fill("陈订单")
    dialog.get_by_placeholder("请输入11位手机号码").fill("13905950188")
    dialog.get_by_placeholder("请输入密码").fill("Order2026pw")
    dialog.get_by_label("订单专员").check()
    screenshot("05-account-dialog")
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("新增成功")
    expect(page.locator("#user-table")).to_contain_text("picc_order")
    screenshot("06-account-list")

    # 编辑 → the pencil beside 密码 sets a new one (docs/spec/user-manual.txt §3.3.2).
    page.locator("#user-table tr", has_text="picc_order").get_by_role("link", name="编辑").click()
    expect(dialog.locator(".modal-title")).to_have_text("编辑账号")
    dialog.get_by_test_id("edit-password").click()
    dialog.get_by_placeholder("请输入密码").fill("Order2026new")
    screenshot("06b-edit-password")
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("修改成功")

    # Sign out (back to this insurer's page) and in as the new account.
    page.locator(".user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_test_id("login-org")).to_have_text("中国人民财产保险股份有限公司泉州市分公司")
    sign_in(page, "picc_order", "Order2026new")
    expect(menu).to_contain_text("订单管理")
    expect(menu).not_to_contain_text("系统管理")
    expect(menu).not_to_contain_text("账号管理")
    screenshot("07-clerk-menu")

    page.goto(f"{live_server.url}/insurer/system/users/")
    expect(page.get_by_text("无权访问")).to_be_visible()
    screenshot("08-forbidden")


def test_a_delete_asks_first_and_the_row_leaves_the_list(live_server, page: Page, screenshot):
    insurer = factories.organisation(
        Side.INSURER, name="中国太平洋财产保险股份有限公司泉州中心支公司", code="cpic-qz"
    )
    factories.user(insurer, admin=True, username="cpic_admin", name="吴建华")
    factories.user(insurer, username="leaving", name="离职员工")
    page.goto(f"{live_server.url}/insurer/login/cpic-qz/")
    sign_in(page, "cpic_admin", PASSWORD)
    page.goto(f"{live_server.url}/insurer/system/users/")
    row = page.locator("#user-table tr", has_text="leaving")
    row.get_by_role("link", name="删除").click()
    confirm = page.locator("#anze-confirm")
    expect(confirm).to_contain_text("是否确认删除账号“leaving”？")
    screenshot("01-confirm")
    confirm.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("删除成功")
    expect(page.locator("#user-table")).not_to_contain_text("leaving")
    # One cannot delete oneself: no 删除 on one's own row.
    expect(
        page.locator("#user-table tr", has_text="cpic_admin").get_by_role("link", name="删除")
    ).to_have_count(0)
