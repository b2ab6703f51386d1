"""批改 in a real browser (issue 14 §1), each party at its own computer, through the screens only: the enterprise
applies for a headcount increase from 我的保单 → the clerk reviews it in 批改管理 (the premium by the day, with
its formula) → 付款通知书 → the enterprise uploads its 付款凭证 → 缴费审核 → 出批单 → the enterprise sees the new
headcount and premium on its policy, with the 批单 among its files. Screenshots of every step under
var/test-artifacts/<test>/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.documents import testing as files
from anze.endorsements.models import Endorsement
from anze.orders.models import Order
from anze.prevention import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
POLICY_NO = "PICC2026E2EPG001"


def toast(page: Page, text: str) -> None:
    expect(page.locator("#anze-toasts")).to_contain_text(text)


def open_dialog(page: Page, action: str) -> None:
    page.locator(f'#endorsement-actions a[data-action="{action}"]').click()
    expect(page.locator("#anze-modal.show .modal-title")).to_be_visible()


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def uploads(tmp_path: Path) -> dict[str, Path]:
    made = {
        "批改付款通知书.pdf": files.pdf_bytes("付款通知书", ["批改保费：2,506.85元"]),
        "转账回单.png": files.png_bytes(320, 200),
        "批单.pdf": files.pdf_bytes("批单", [f"保单号：{POLICY_NO}", "参保人数由120人变更为150人"]),
    }
    paths = {}
    for name, data in made.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_the_enterprise_adds_people_and_sees_the_new_headcount_after_the_批单(
    browser: Browser, browser_context_args: dict, live_server, uploads, shoot
):
    ensure_base_data()
    insurer = factories.picc("picc-pg")
    clerk_user = factories.user(insurer, admin=True, username="picc_pg_admin", name="林志强")
    enterprise_user = factories.user(
        factories.hongsheng(), admin=True, username="hongsheng_pg", name="蔡明辉", mobile="13860710001"
    )
    policy = scenarios.issued_policy(
        insurer_user=clerk_user, enterprise_user=enterprise_user, started_days_ago=60, policy_no=POLICY_NO
    )
    enterprise = browser.new_context(**browser_context_args).new_page()
    clerk = browser.new_context(**browser_context_args).new_page()

    # --- 我的保单 › 申请批改 -------------------------------------------------------------------------------------
    sign_in(enterprise, f"{live_server.url}/enterprise/login/", "hongsheng_pg")
    enterprise.locator("#menu a", has_text="我的保单").click()
    row = enterprise.locator(f'tr[data-policy-no="{POLICY_NO}"]')
    expect(row).to_contain_text("12,000.00")
    row.locator('a[data-action="endorse"]').click()
    expect(enterprise.get_by_role("heading", name="申请批改")).to_be_visible()
    expect(enterprise.locator("#premium-rule")).to_contain_text("出函时保费 12,000.00元")
    enterprise.fill("input[name=headcount]", "150")
    enterprise.fill("textarea[name=reason]", "二期工程开工，新增施工人员30人")
    shoot(enterprise, "01-enterprise-apply")
    enterprise.get_by_role("button", name="提交").click()
    expect(enterprise.get_by_test_id("endorsement-status")).to_have_text("待审核")
    expect(enterprise.get_by_test_id("endorsement-amount")).to_have_text("加收保费2,506.85元")
    expect(enterprise.get_by_test_id("endorsement-formula")).to_contain_text(
        "12,000.00 × (+30) ÷ 120 × 305 ÷ 365 = 2,506.85"
    )
    shoot(enterprise, "02-enterprise-applied")
    endorsement = Endorsement.objects.get(policy=policy)

    # --- 批改管理 › 审核 -------------------------------------------------------------------------------------------
    sign_in(clerk, f"{live_server.url}/insurer/login/picc-pg/", "picc_pg_admin")
    clerk.locator("#menu a", has_text="批改管理").click()
    clerk_row = clerk.locator(f'tr[data-endorsement="{endorsement.uuid}"]')
    expect(clerk_row).to_contain_text("参保人数 120 → 150")
    expect(clerk_row.locator(".tag").last).to_have_text("待审核")
    shoot(clerk, "03-insurer-list")
    clerk_row.locator('a[data-action="detail"]').click()
    open_dialog(clerk, "review")
    expect(clerk.locator("#anze-modal-content")).to_contain_text("× 305 ÷ 365 = 2,506.85")
    shoot(clerk, "04-insurer-review")
    clerk.locator("#anze-modal-content button[value=approve]").click()
    toast(clerk, "审核通过，请上传付款通知书")
    expect(clerk.get_by_test_id("endorsement-status")).to_have_text("待上传付款通知书")

    # --- 付款通知书 -------------------------------------------------------------------------------------------
    open_dialog(clerk, "payment_notice")
    clerk.set_input_files("#anze-modal-content input[name=file]", uploads["批改付款通知书.pdf"])
    clerk.locator("#anze-modal-content button[type=submit]").click()
    toast(clerk, "付款通知书已上传")
    expect(clerk.get_by_test_id("endorsement-status")).to_have_text("待缴费")
    shoot(clerk, "05-insurer-notice-uploaded")

    # --- the enterprise pays --------------------------------------------------------------------------------------
    enterprise.reload()
    expect(enterprise.get_by_test_id("endorsement-status")).to_have_text("待缴费")
    expect(enterprise.locator("#endorsement-files")).to_contain_text("批改付款通知书.pdf")
    open_dialog(enterprise, "voucher")
    enterprise.set_input_files("#anze-modal-content input[name=file]", uploads["转账回单.png"])
    shoot(enterprise, "06-enterprise-voucher")
    enterprise.locator("#anze-modal-content button[type=submit]").click()
    toast(enterprise, "付款凭证已上传")
    expect(enterprise.get_by_test_id("endorsement-status")).to_have_text("待缴费审核")

    # --- 缴费审核, 出批单 -------------------------------------------------------------------------------------------
    clerk.reload()
    open_dialog(clerk, "payment_review")
    expect(clerk.locator("#voucher-preview img")).to_be_visible()
    shoot(clerk, "07-insurer-payment-review")
    clerk.locator("#anze-modal-content button[value=approve]").click()
    toast(clerk, "缴费审核已通过")
    expect(clerk.get_by_test_id("endorsement-status")).to_have_text("待出批单")
    open_dialog(clerk, "issue")
    clerk.fill("#anze-modal-content input[name=endorsement_no]", "PICC2026PD00001")
    clerk.set_input_files("#anze-modal-content input[name=endorsement_file]", uploads["批单.pdf"])
    shoot(clerk, "08-insurer-issue")
    clerk.locator("#anze-modal-content button[type=submit]").click()
    toast(clerk, "批单已出具")
    expect(clerk.get_by_test_id("endorsement-status")).to_have_text("已批改")
    expect(clerk.locator("#endorsement-timeline li")).to_have_count(
        6
    )  # 申请, 审核通过, 付款通知书, 付款凭证, 缴费审核, 出批单
    shoot(clerk, "09-insurer-endorsed")
    order = Order.objects.get(pk=policy.order_id)
    assert order.headcount == 150

    # The clerk's 保单详情 shows the current values and the 批单 with the policy's files.
    clerk.goto(f"{live_server.url}/insurer/policies/{order.application_no}/")
    expect(clerk.locator("table.desc", has_text="参保人数").first).to_contain_text("150")
    expect(clerk.locator("a.file-link", has_text="批单 PICC2026PD00001")).to_be_visible()
    shoot(clerk, "10-insurer-policy")

    # --- the enterprise sees the new headcount --------------------------------------------------------------------
    enterprise.locator("#menu a", has_text="我的保单").click()
    row = enterprise.locator(f'tr[data-policy-no="{POLICY_NO}"]')
    expect(row).to_contain_text("14,506.85")
    row.locator('a[data-action="services"]').click()
    expect(enterprise.get_by_test_id("current-headcount")).to_have_text("150")
    history = enterprise.locator("#endorsement-history")
    expect(history).to_contain_text("已批改")
    expect(history.locator('a[data-file="批单 PICC2026PD00001"]')).to_be_visible()
    shoot(enterprise, "11-enterprise-policy")
    with enterprise.expect_download() as download:
        history.locator('a[data-file="批单 PICC2026PD00001"]').click()
    assert download.value.suggested_filename == "批单.pdf"
