"""Issue 12, no stale screens: after an action every region of the page that shows the changed object — its
row, its detail, the tab counts, the bell — shows the new state, without a reload. Each test reads the
figure before, acts, and reads it again; a marker set on ``window`` before the action proves that the page
was not reloaded (a reload would drop it).

And the 消息中心 is each person's own: one clerk's 全部已读 empties their bell, not a colleague's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.notifications.models import Notification
from anze.notifications.selectors import unread_count
from anze.prevention import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def confirm_box(page: Page) -> None:
    page.locator("#anze-confirm [data-ok]").click()


def mark_page(page: Page) -> None:
    """Set a marker that only a reload of the page would drop."""
    page.evaluate("window.__anzeNotReloaded = true")


def expect_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__anzeNotReloaded === true"), "the page was reloaded"


def tab_count(page: Page, tab: str) -> int:
    text = page.locator(f'.status-tabs a[data-tab="{tab}"] .count').inner_text()
    return int(text.strip("()"))


def bell_count(page: Page) -> int:
    badge = page.locator("#anze-bell [data-unread]")
    return int(badge.get_attribute("data-unread") or 0) if badge.count() else 0


@pytest.fixture
def world(db: None):  # type: ignore[no-untyped-def]
    ensure_base_data()
    insurer = factories.picc("picc-qz")
    enterprise = factories.organisation(
        Side.ENTERPRISE, name="泉州鸿盛建筑工程有限公司", contact_phone="13860710001"
    )
    anxin = factories.organisation(
        Side.SERVICE_ORG,
        name="泉州安信安全技术服务有限公司",
        short_name="安信安全",
        contact_phone="13960710001",
    )
    admin = factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    clerk = factories.user(insurer, admin=True, username="picc_clerk", name="陈雅琴")
    applicant = factories.user(enterprise, admin=True, username="hongsheng", name="蔡明辉")
    org_user = factories.user(anxin, admin=True, username="anxin_admin", name="苏文斌")
    return {
        "insurer": insurer,
        "anxin": anxin,
        "admin": admin,
        "clerk": clerk,
        "applicant": applicant,
        "org_user": org_user,
    }


def policies(world, count: int):  # type: ignore[no-untyped-def]
    return [
        scenarios.issued_policy(
            insurer_user=world["clerk"], enterprise_user=world["applicant"], policy_no=f"PICC2026FS{i:04d}"
        )
        for i in range(1, count + 1)
    ]


# --- (a) the service organisation accepts on the policy's detail page ---------------------------------------
def test_accepting_on_the_detail_page_shows_the_new_status_and_buttons(
    live_server, page: Page, screenshot, world
):
    policy = policies(world, 1)[0]
    scenarios.assign(policy, world["clerk"], world["anxin"])
    no = policy.order.application_no

    sign_in(page, f"{live_server.url}/service/login/", "anxin_admin")
    page.goto(f"{live_server.url}/service/orders/{no}/")
    status = page.get_by_test_id("service-status")
    expect(status).to_have_text("待处理")
    expect(page.locator("[data-action=accept]")).to_have_count(1)
    expect(page.locator("[data-action=decline]")).to_have_count(1)
    screenshot("01-detail-pending")
    mark_page(page)

    page.locator("[data-action=accept]").click()
    confirm_box(page)
    expect(page.locator("#anze-toasts")).to_contain_text("已接受，服务开始")
    expect(status).to_have_text("服务中")
    expect(page.locator("[data-action=accept]")).to_have_count(0)
    expect(page.locator("[data-action=decline]")).to_have_count(0)
    expect(page.locator("[data-action=add-record]")).to_have_count(1)  # the archive's buttons came with it
    expect_not_reloaded(page)
    expect(page.locator("#anze-confirm")).to_be_hidden()  # the 系统提示 has faded, for the screenshot
    screenshot("02-detail-in-service")


def test_declining_on_the_detail_page_leaves_it_for_the_list(live_server, page: Page, screenshot, world):
    """The policy goes back to the insurer: its page is no longer the organisation's, so the list is shown."""
    first, second = policies(world, 2)
    for policy in (first, second):
        scenarios.assign(policy, world["clerk"], world["anxin"])

    sign_in(page, f"{live_server.url}/service/login/", "anxin_admin")
    page.goto(f"{live_server.url}/service/orders/{first.order.application_no}/")
    page.locator("[data-action=decline]").click()
    dialog = page.locator("#anze-modal")
    dialog.get_by_label("拒绝原因").fill("该项目不在本机构服务区域")
    dialog.get_by_role("button", name="确定").click()
    expect(page).to_have_url(f"{live_server.url}/service/orders/")
    expect(page.locator("#anze-toasts")).to_contain_text("已拒绝，保单已退回保险公司")
    expect(page.locator("#service-order-table")).not_to_contain_text(first.policy_no)
    assert tab_count(page, "pending") == 1
    screenshot("01-list-after-decline")


def test_accepting_in_the_list_updates_the_tab_counts(live_server, page: Page, screenshot, world):
    for policy in policies(world, 2):
        scenarios.assign(policy, world["clerk"], world["anxin"])
    sign_in(page, f"{live_server.url}/service/login/", "anxin_admin")
    page.goto(f"{live_server.url}/service/orders/")
    assert (tab_count(page, "pending"), tab_count(page, "in_service")) == (2, 0)
    mark_page(page)

    page.locator("#service-order-table tr", has_text="PICC2026FS0001").locator("[data-action=accept]").click()
    confirm_box(page)
    expect(page.locator('.status-tabs a[data-tab="pending"] .count')).to_have_text("(1)")
    expect(page.locator('.status-tabs a[data-tab="in_service"] .count')).to_have_text("(1)")
    expect_not_reloaded(page)
    expect(page.locator("#anze-confirm")).to_be_hidden()
    screenshot("01-list-after-accept")


def test_confirming_a_record_shows_the_new_status_and_keeps_the_toast(
    live_server, page: Page, screenshot, world
):
    """The record page used to reload itself after 确认, which took the toast away with it."""
    policy = scenarios.in_service(policies(world, 1)[0], world["clerk"], world["org_user"])
    member = scenarios.staff(world["anxin"], "陈志明")
    record = scenarios.record(policy, world["org_user"], "training", [member])

    sign_in(page, f"{live_server.url}/enterprise/login/", "hongsheng")
    page.goto(f"{live_server.url}/enterprise/services/records/{record.uuid}/")
    status = page.get_by_test_id("record-status")
    expect(status).to_have_text("待确认")
    mark_page(page)
    page.locator("[data-action=confirm]").click()
    confirm_box(page)
    expect(status).to_have_text("已确认")
    expect(page.locator("[data-action=confirm]")).to_have_count(0)
    expect(page.locator(".anze-toast", has_text="已确认")).to_be_visible()
    expect_not_reloaded(page)
    expect(page.locator("#anze-confirm")).to_be_hidden()
    screenshot("01-record-confirmed")


# --- (b) the insurer's 申请第三方安全服务 -------------------------------------------------------------------------
def test_assigning_a_service_updates_the_tab_counts_and_the_detail(
    live_server, page: Page, screenshot, world
):
    first, second, _third = policies(world, 3)
    sign_in(page, f"{live_server.url}/insurer/login/picc-qz/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/policies/")
    assert (tab_count(page, "none"), tab_count(page, "pending")) == (3, 0)
    screenshot("01-list-before")
    mark_page(page)

    row = page.locator("#policy-table tr", has_text=first.policy_no)
    row.get_by_role("link", name="申请第三方安全服务").click()
    dialog = page.locator("#anze-modal")
    dialog.get_by_label("泉州安信安全技术服务有限公司").check()
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("已申请第三方安全服务")
    expect(row.get_by_test_id("service-caption")).to_have_text("【安信安全】安全服务待处理")
    expect(page.locator('.status-tabs a[data-tab="none"] .count')).to_have_text("(2)")
    expect(page.locator('.status-tabs a[data-tab="pending"] .count')).to_have_text("(1)")
    expect_not_reloaded(page)
    screenshot("02-list-after")

    # The same action on the policy's own page: its status tag and buttons follow.
    page.goto(f"{live_server.url}/insurer/policies/{second.order.application_no}/")
    expect(page.get_by_test_id("service-status")).to_have_text("未申请安全服务")
    mark_page(page)
    page.get_by_role("link", name="申请第三方安全服务").click()
    dialog.get_by_label("泉州安信安全技术服务有限公司").check()
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("service-status")).to_have_text("【安信安全】安全服务待处理")
    expect(page.get_by_role("link", name="申请第三方安全服务")).to_have_count(0)
    expect_not_reloaded(page)
    screenshot("03-detail-after")


# --- (c) 全部已读 is each person's own ------------------------------------------------------------------------
def test_read_all_empties_this_users_bell_and_not_a_colleagues(
    live_server, page: Page, browser: Browser, browser_context_args: dict, screenshot, world
):
    for i in range(3):
        Notification.objects.create(
            organisation=world["insurer"], title=f"企业已确认报价{i}", body="请上传付款通知书"
        )
    sign_in(page, f"{live_server.url}/insurer/login/picc-qz/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/messages/")
    assert bell_count(page) == 3
    assert unread_count(user=world["admin"]) == 3
    screenshot("01-messages-before")
    mark_page(page)

    page.locator("[data-action=read-all]").click()
    expect(page.locator("#anze-toasts")).to_contain_text("已将3条消息标为已读")
    expect(page.locator("#anze-bell [data-unread]")).to_have_count(0)
    expect(page.locator(".status-tabs a", has_text="未读")).to_contain_text("(0)")
    expect(page.locator("[data-action=read-all]")).to_have_count(0)
    expect_not_reloaded(page)
    screenshot("02-messages-after")

    # picc_admin's messages are still unread: in the database and in their own browser.
    assert unread_count(user=world["clerk"]) == 0
    assert unread_count(user=world["admin"]) == 3
    other = browser.new_context(**browser_context_args).new_page()
    sign_in(other, f"{live_server.url}/insurer/login/picc-qz/", "picc_admin")
    expect(other.locator("#anze-bell [data-unread]")).to_have_attribute("data-unread", "3")
    other.context.close()


def test_reading_one_message_updates_the_bell(
    live_server, page: Page, screenshot: Callable[[str], Path], world
):
    for i in range(2):
        Notification.objects.create(organisation=world["insurer"], title=f"服务机构已接受{i}")
    sign_in(page, f"{live_server.url}/insurer/login/picc-qz/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/messages/")
    assert bell_count(page) == 2
    mark_page(page)
    page.locator("#message-table tr", has_text="服务机构已接受0").get_by_role(
        "button", name="标为已读"
    ).click()
    expect(page.locator("#anze-bell [data-unread]")).to_have_attribute("data-unread", "1")
    expect(page.locator("#message-table tr", has_text="服务机构已接受0")).to_contain_text("已读")
    expect_not_reloaded(page)
    assert unread_count(user=world["admin"]) == 2
