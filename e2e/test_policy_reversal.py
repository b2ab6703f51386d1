"""冲正 in a real browser (issue 14 §2), three people at three computers: the clerk requests a 冲正 from 保单管理
(an empty reason is refused beside its field) → a second person, the 冲正审核员, approves it in 保单管理 › 冲正审核
→ the clerk issues the order again from 订单管理 (the old 保单编号 is refused, a new one goes) → the policy's page
shows the new policy and the old one 已作废 → the enterprise's 我的保单 shows the new policy and the old one
已冲正. Screenshots under var/test-artifacts/<test>/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.documents import testing as files
from anze.orders.models import OrderStatus
from anze.policies import scenarios
from anze.policies.models import Policy, PolicyStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
OLD_NO, NEW_NO = "PICC2026REV0001", "PICC2026REV0002"


@pytest.fixture
def world(db: None) -> dict:
    ensure_base_data()
    insurer = factories.picc("picc-rev")
    admin = factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    clerk_role = factories.role(
        insurer,
        ["order.view", "order.issue", "policy.view", "policy.reversal_request"],
        name="业务员",
    )
    reviewer_role = factories.role(insurer, ["policy.view", "policy.reversal_review"], name="冲正审核员")
    factories.user(insurer, roles=[clerk_role], username="picc_clerk", name="陈雅琴")
    factories.user(insurer, roles=[reviewer_role], username="picc_reviewer", name="赵明远")
    enterprise = factories.hongsheng()
    applicant = factories.user(enterprise, admin=True, username="hongsheng", name="蔡明辉")
    order = scenarios.online_order(
        insurer_user=admin,
        enterprise_user=applicant,
        until=OrderStatus.ISSUED,
        policy_no=OLD_NO,
        project_name="丰泽区北峰街道保障性住房三期工程",
    )
    return {"order": order}


@pytest.fixture
def people(browser: Browser, browser_context_args: dict):  # type: ignore[no-untyped-def]
    """The clerk, the reviewer and the enterprise, each in a browser of their own."""
    contexts = [browser.new_context(**browser_context_args) for _ in range(3)]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def pdfs(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name in ("电子保单", "电子发票"):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(files.pdf_bytes(name, [f"保单号：{NEW_NO}"]))
        paths[name] = path
    return paths


def toast(page: Page, text: str) -> None:
    expect(page.locator(".anze-toast", has_text=text)).to_be_visible()


def test_clerk_requests_a_reversal_a_second_person_approves_and_the_order_is_issued_again(
    live_server, people, world, pdfs, shoot
):
    clerk, reviewer, enterprise = people
    order = world["order"]
    insurer_login = f"{live_server.url}/insurer/login/picc-rev/"

    # --- the clerk: 保单管理 › 保单列表 → 更多 → 申请冲正 ----------------------------------------------------------
    sign_in(clerk, insurer_login, "picc_clerk")
    clerk.locator("#menu summary", has_text="保单管理").click()
    clerk.locator("#menu").get_by_role("link", name="保单列表").click()
    row = clerk.locator("#policy-table tr", has_text=OLD_NO)
    row.get_by_role("link", name="更多").click()
    row.locator('a[data-action="reversal"]').click()
    dialog = clerk.locator("#anze-modal")
    expect(dialog.locator(".modal-title")).to_contain_text("申请冲正")
    dialog.get_by_role("button", name="提交冲正申请").click()
    expect(dialog.locator(".invalid-feedback")).to_have_text("请填写冲正原因")
    shoot(clerk, "01-request-empty-reason")
    dialog.locator("textarea[name=reason]").fill("误上传了其他企业的保单文件和发票，需冲正后重新出函")
    dialog.get_by_role("button", name="提交冲正申请").click()
    toast(clerk, "冲正申请已提交")
    expect(
        clerk.locator("#policy-table tr", has_text=OLD_NO).get_by_test_id("reversal-pending")
    ).to_have_text("冲正待审核")
    shoot(clerk, "02-list-pending")

    # --- the 冲正审核员: 保单管理 › 冲正审核 → 通过 ------------------------------------------------------------------
    sign_in(reviewer, insurer_login, "picc_reviewer")
    reviewer.locator("#menu summary", has_text="保单管理").click()
    reviewer.locator("#menu").get_by_role("link", name="冲正审核").click()
    expect(reviewer.locator('.status-tabs a[data-tab="pending"]')).to_contain_text("(1)")
    request_row = reviewer.locator("#reversal-table tr", has_text=OLD_NO)
    expect(request_row).to_contain_text("误上传了其他企业的保单文件")
    expect(request_row).to_contain_text("陈雅琴")
    shoot(reviewer, "03-review-list")
    request_row.locator('a[data-action="approve"]').click()
    confirm = reviewer.locator("#anze-modal")
    expect(confirm).to_contain_text(f"是否确认通过保单 {OLD_NO} 的冲正申请")
    reviewer.wait_for_timeout(400)  # the dialog's fade-in, for the screenshot
    shoot(reviewer, "04-approve-dialog")
    confirm.get_by_role("button", name="确定").click()
    toast(reviewer, "冲正审核已通过")
    reviewer.locator('.status-tabs a[data-tab="approved"]').click()
    expect(
        reviewer.locator("#reversal-table tr", has_text=OLD_NO).get_by_test_id("reversal-status")
    ).to_have_text("已通过")
    shoot(reviewer, "05-review-approved")
    assert Policy.objects.get(policy_no=OLD_NO).status == PolicyStatus.REVERSED

    # --- the clerk issues the order again: the old number is refused, a new one goes --------------------------------
    clerk.locator("#menu a", has_text="订单管理").click()
    order_row = clerk.locator(f'tr[data-application-no="{order.application_no}"]')
    expect(order_row.locator(".tag").first).to_have_text("待出函")
    expect(order_row).to_contain_text("冲正原因")
    shoot(clerk, "06-order-back-to-issue")
    order_row.locator('a[data-action="issue"]').click()
    expect(clerk.locator("#anze-modal.show .modal-title")).to_contain_text("出函")
    clerk.fill("input[name=policy_no]", OLD_NO)
    clerk.set_input_files("input[name=policy_file]", pdfs["电子保单"])
    clerk.set_input_files("input[name=invoice_file]", pdfs["电子发票"])
    clerk.locator("#anze-modal-content button[type=submit].btn-primary").click()
    policy_no_row = clerk.locator(".form-row", has=clerk.locator("input[name=policy_no]"))
    expect(policy_no_row.locator(".invalid-feedback")).to_contain_text("保单编号已存在，请核对")
    shoot(clerk, "07-old-number-refused")
    clerk.fill("input[name=policy_no]", NEW_NO)
    clerk.locator("#anze-modal-content button[type=submit].btn-primary").click()
    toast(clerk, "出函成功")
    expect(order_row.locator(".tag").first).to_have_text("已出函")

    # --- the policy's page: the new policy, the old one 已作废 with its files -------------------------------------
    clerk.goto(f"{live_server.url}/insurer/policies/{order.application_no}/")
    expect(clerk.locator("h3")).to_contain_text(NEW_NO)
    old = clerk.locator("#other-policies tr", has_text=OLD_NO)
    expect(old).to_contain_text("已冲正")
    expect(old.locator(".voided-mark")).to_have_count(3)
    expect(clerk.locator("#reversal-history")).to_contain_text("已通过")
    shoot(clerk, "08-policy-detail-reissued")

    # --- the enterprise: 我的保单 shows the new policy and the old one 已冲正 --------------------------------------------
    sign_in(enterprise, f"{live_server.url}/enterprise/login/", "hongsheng")
    enterprise.locator("#menu a", has_text="我的保单").click()
    new_row = enterprise.locator(f'tr[data-policy-no="{NEW_NO}"]')
    old_row = enterprise.locator(f'tr[data-policy-no="{OLD_NO}"]')
    expect(new_row).to_contain_text("未起保")  # issued again for the same period, which begins tomorrow
    expect(new_row.get_by_test_id("policy-status")).to_have_count(0)
    expect(old_row.get_by_test_id("policy-status")).to_have_text("已冲正")
    expect(old_row.locator(".voided-mark")).to_have_count(3)
    with enterprise.expect_download() as download:
        old_row.locator('a[data-file="保单"]').click()
    assert download.value.suggested_filename.endswith(".pdf")
    shoot(enterprise, "09-enterprise-policies")
