"""Issue 12.1's browser test: the insurer's 管理员 opens 操作日志 and reads a new account as 新增 (not 删除), the
clerk's 报价 as a 业务操作 with the order number, times in Beijing time to the second; filters by 操作类型."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD
from anze.orders import scenarios, workflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_admin_reads_accounts_and_business_actions_in_the_operation_log(
    live_server, page: Page, screenshot
):
    ensure_base_data()
    insurer = factories.organisation(
        Side.INSURER, name="中国人民财产保险股份有限公司泉州市分公司", code="picc-qz"
    )
    admin = factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    clerk = factories.user(
        insurer,
        username="picc_clerk",
        name="黄业务",
        roles=[factories.role(insurer, ["order.view", "order.quote"], name="业务员")],
    )
    enterprise = factories.organisation(Side.ENTERPRISE, name="泉州市丰泽区示范建材有限公司")
    owner = factories.user(enterprise, admin=True, username="ent_owner", name="王企业")
    order = scenarios.online_order(insurer_user=admin, enterprise_user=owner)
    workflow.order_quote(order=order, actor=clerk, scheme=scenarios.scheme())

    page.goto(f"{live_server.url}/insurer/login/picc-qz/")
    page.get_by_placeholder("请输入账号").fill("picc_admin")
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.goto(f"{live_server.url}/insurer/system/logs/operations/")
    table = page.locator("#operation-log-table")
    quote = table.locator("tr", has_text="业务操作 · 报价")
    expect(quote).to_have_count(1)
    expect(quote).to_contain_text(f"订单 {order.application_no}")
    expect(quote).to_contain_text("黄业务（picc_clerk）")
    expect(quote).to_contain_text("待报价 → 待确认报价")
    expect(quote.locator("td").first).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"))
    new_account = table.locator("tr", has_text="账号 黄业务（picc_clerk）").filter(has_text="新增")
    expect(new_account).to_have_count(1)
    expect(table).not_to_contain_text("None")
    expect(table.locator(".tag-danger")).to_have_count(0)
    screenshot("01-operation-log")

    page.locator("#sf_kind").select_option("business")
    page.get_by_role("button", name="搜索").click()
    expect(table.locator("tbody tr").first).to_contain_text("业务操作")
    expect(table).not_to_contain_text("新增")
    screenshot("02-business-actions")
