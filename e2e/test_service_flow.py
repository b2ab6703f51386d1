"""Issue 5's browser test, three people in three browser contexts: the insurer assigns a policy to a service
organisation (保单管理 → 申请第三方安全服务) → the organisation accepts and records every contracted service →
the enterprise confirms each record → the insurer's list shows 【安信安全】安全服务已完成. And a decline with a
reason → the insurer sees it and assigns another organisation, which then sees the policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.prevention import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"


def confirm_box(page: Page) -> None:
    """The Element-style 系统提示 that replaces window.confirm."""
    page.locator("#anze-confirm [data-ok]").click()


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
    minan = factories.organisation(
        Side.SERVICE_ORG, name="福建闽安安全评价有限公司", short_name="闽安评价", contact_phone="13960710002"
    )
    clerk = factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    applicant = factories.user(enterprise, admin=True, username="hongsheng", name="蔡明辉")
    factories.user(anxin, admin=True, username="anxin_admin", name="苏文斌")
    factories.user(minan, admin=True, username="minan_admin", name="李雪梅")
    scenarios.staff(anxin, "陈志明")
    scenarios.staff(anxin, "吴建国", expired=True, mobile="13960711003")
    return {"clerk": clerk, "applicant": applicant}


@pytest.fixture
def context_shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Screenshots of the other browser contexts, beside the ``screenshot`` fixture's."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _assign(page: Page, policy_no: str, org_name: str) -> None:
    row = page.locator("#policy-table tr", has_text=policy_no)
    row.get_by_role("link", name="申请第三方安全服务").click()
    dialog = page.locator("#anze-modal")
    expect(dialog.locator(".modal-title")).to_have_text("指定第三方安全服务机构")
    dialog.get_by_label(org_name).check()
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("已申请第三方安全服务")


def test_insurer_assigns_organisation_records_enterprise_confirms_and_service_completes(
    live_server, page: Page, browser: Browser, browser_context_args: dict, screenshot, context_shot, world
):
    policy = scenarios.issued_policy(
        insurer_user=world["clerk"],
        enterprise_user=world["applicant"],
        started_days_ago=30,
        counts={"training": 1, "hazard_inspection": 1},
        policy_no="PICC2026SV0001",
    )
    no = policy.order.application_no

    # 保险端: 保单管理 → 申请第三方安全服务 → 安信安全.
    sign_in(page, f"{live_server.url}/insurer/login/picc-qz/", "picc_admin")
    page.locator("#menu summary", has_text="保单管理").click()
    page.locator("#menu").get_by_role("link", name="保单列表").click()
    expect(page.locator("#policy-table")).to_contain_text("PICC2026SV0001")
    screenshot("01-insurer-policy-list")
    row = page.locator("#policy-table tr", has_text="PICC2026SV0001")
    row.get_by_role("link", name="申请第三方安全服务").click()
    expect(page.locator("#anze-modal .modal-title")).to_have_text("指定第三方安全服务机构")
    page.wait_for_timeout(400)  # the dialog's fade-in, for the screenshot
    screenshot("02-assign-dialog")
    page.locator("#anze-modal").get_by_label("泉州安信安全技术服务有限公司").check()
    page.locator("#anze-modal").get_by_role("button", name="确定").click()
    expect(row.get_by_test_id("service-caption")).to_have_text("【安信安全】安全服务待处理")

    # 服务机构端 (second context): the policy is there at once; 接受, then record both contracted services.
    org_context = browser.new_context(**browser_context_args)
    org = org_context.new_page()
    sign_in(org, f"{live_server.url}/service/login/", "anxin_admin")
    org.locator("#menu").get_by_role("link", name="服务订单").click()
    order_row = org.locator("#service-order-table tr", has_text="PICC2026SV0001")
    expect(order_row).to_contain_text("待处理")
    context_shot(org, "03-service-orders")
    order_row.locator("[data-action=accept]").click()
    confirm_box(org)
    expect(org.locator("#anze-toasts")).to_contain_text("已接受")
    org.goto(f"{live_server.url}/service/orders/{no}/")
    expect(org.get_by_test_id("service-status")).to_have_text("服务中")
    served_on = (timezone.localdate() - timedelta(days=2)).isoformat()
    for item, place in (("安全生产宣传教育培训", "项目部会议室"), ("生产安全事故隐患排查", "3号楼施工现场")):
        org.locator("[data-action=add-record]").click()
        org.get_by_label("服务项目").select_option(label=item)
        org.get_by_label("服务日期").fill(served_on)
        org.get_by_label("服务地点").fill(place)
        expired = org.locator(".staff-picker label", has_text="吴建国")
        expect(expired).to_contain_text("过期")
        expect(expired.locator("input")).to_be_disabled()
        org.locator(".staff-picker label", has_text="陈志明").locator("input").check()
        org.get_by_label("服务内容").fill(f"{item}：按服务计划开展，现场记录见附件。")
        if place == "项目部会议室":
            context_shot(org, "04-record-form")
        org.get_by_role("button", name="保存").click()
        expect(org.get_by_test_id("record-status")).to_have_text("待确认")
        org.goto(f"{live_server.url}/service/orders/{no}/")
    context_shot(org, "05-service-order-detail")

    # 企业端 (third context): confirm each record.
    ent_context = browser.new_context(**browser_context_args)
    ent = ent_context.new_page()
    sign_in(ent, f"{live_server.url}/enterprise/login/", "hongsheng")
    ent.locator("#menu summary", has_text="安全服务").click()
    ent.locator("#menu").get_by_role("link", name="服务记录确认").click()
    expect(ent.locator("#record-table tbody tr")).to_have_count(2)
    context_shot(ent, "06-enterprise-records")
    for index in range(2):
        ent.goto(f"{live_server.url}/enterprise/services/records/?status=pending")
        ent.locator("#record-table tbody tr").first.get_by_role("link", name="确认").click()
        if index == 0:
            context_shot(ent, "07-enterprise-record")
        ent.locator("[data-action=confirm]").click()
        confirm_box(ent)
        expect(ent.get_by_test_id("record-status")).to_have_text("已确认")
    ent.goto(f"{live_server.url}/enterprise/services/policies/{no}/")
    expect(ent.locator("body")).to_contain_text("【安信安全】安全服务已完成")
    context_shot(ent, "08-enterprise-progress")

    # 保险端: the list shows the completion exactly as the manual's table writes it
    # (docs/spec/user-manual.txt, figure 3.2.1).
    page.reload()
    row = page.locator("#policy-table tr", has_text="PICC2026SV0001")
    expect(row.get_by_test_id("service-caption")).to_have_text("【安信安全】安全服务已完成")
    screenshot("09-insurer-completed")
    org_context.close()
    ent_context.close()


def test_an_organisation_declines_and_the_insurer_assigns_another(
    live_server, page: Page, browser: Browser, browser_context_args: dict, screenshot, context_shot, world
):
    scenarios.issued_policy(
        insurer_user=world["clerk"], enterprise_user=world["applicant"], policy_no="PICC2026SV0002"
    )
    sign_in(page, f"{live_server.url}/insurer/login/picc-qz/", "picc_admin")
    page.goto(f"{live_server.url}/insurer/policies/")
    _assign(page, "PICC2026SV0002", "福建闽安安全评价有限公司")

    org_context = browser.new_context(**browser_context_args)
    org = org_context.new_page()
    sign_in(org, f"{live_server.url}/service/login/", "minan_admin")
    org.goto(f"{live_server.url}/service/orders/")
    org.locator("#service-order-table tr", has_text="PICC2026SV0002").locator("[data-action=decline]").click()
    dialog = org.locator("#anze-modal")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_contain_text("请填写拒绝原因")
    dialog.get_by_label("拒绝原因").fill("该项目不在本机构服务区域")
    context_shot(org, "01-decline-dialog")
    dialog.get_by_role("button", name="确定").click()
    expect(org.locator("#anze-toasts")).to_contain_text("已拒绝")
    expect(org.locator("#service-order-table")).not_to_contain_text("PICC2026SV0002")

    page.reload()
    row = page.locator("#policy-table tr", has_text="PICC2026SV0002")
    expect(row.get_by_test_id("decline-note")).to_have_text("【闽安评价】已拒绝：该项目不在本机构服务区域")
    screenshot("02-declined")
    _assign(page, "PICC2026SV0002", "泉州安信安全技术服务有限公司")
    expect(row.get_by_test_id("service-caption")).to_have_text("【安信安全】安全服务待处理")
    screenshot("03-reassigned")

    other_context = browser.new_context(**browser_context_args)
    other = other_context.new_page()
    sign_in(other, f"{live_server.url}/service/login/", "anxin_admin")
    other.goto(f"{live_server.url}/service/orders/")
    expect(other.locator("#service-order-table")).to_contain_text("PICC2026SV0002")
    context_shot(other, "04-new-organisation-orders")
    org_context.close()
    other_context.close()
