"""事故预防服务费台账 in the browser: the enterprise's confirmation of a record the fee can no longer cover is
refused with what remains → the insurer grants an overrun from 保单详情 (批准超支 dialog, a bad amount shown
beside the field first) → the enterprise confirms → every side's ledger shows the spending past the fee."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from anze.basedata.models import ServiceItem
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.prevention import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"


def test_overspend_refused_then_the_insurer_approves_the_overrun(
    live_server, page: Page, browser: Browser, browser_context_args: dict, screenshot, request
):
    def shot(other: Page, name: str) -> None:
        """A screenshot of the enterprise's browser, beside the ``screenshot`` fixture's."""
        folder = ARTIFACTS / request.node.name
        folder.mkdir(parents=True, exist_ok=True)
        other.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    ensure_base_data()
    ServiceItem.objects.filter(code="training").update(unit_price=Decimal("400.00"))
    insurer = factories.picc("picc-fee")
    enterprise = factories.organisation(Side.ENTERPRISE, name="泉州鸿盛建筑工程有限公司")
    org = factories.organisation(Side.SERVICE_ORG, name="泉州安信安全技术服务有限公司", short_name="安信安全")
    clerk = factories.user(insurer, admin=True, username="fee_clerk", name="林志强")
    applicant = factories.user(enterprise, admin=True, username="fee_applicant", name="蔡明辉")
    org_admin = factories.user(org, admin=True, username="fee_org", name="苏文斌")
    staff = scenarios.staff(org, "陈志明")
    policy = scenarios.in_service(
        scenarios.issued_policy(
            insurer_user=clerk,
            enterprise_user=applicant,
            counts={"training": 3},
            policy_no="PICC2026FEE001",
            scheme_overrides={"prevention_fee": Decimal("1000.00")},
        ),
        clerk,
        org_admin,
    )
    first = scenarios.record(policy, org_admin, "training", [staff], cost=Decimal("700.00"))
    over = scenarios.record(policy, org_admin, "training", [staff])  # 400, entered while 1,000 remained
    scenarios.confirm(first, applicant)  # 300 remain
    no = policy.order.application_no

    # 企业端: 确认 is refused, naming what remains.
    ent_context = browser.new_context(**browser_context_args)
    ent = ent_context.new_page()
    sign_in(ent, f"{live_server.url}/enterprise/login/", "fee_applicant")
    ent.goto(f"{live_server.url}/enterprise/services/records/{over.uuid}/")
    ent.locator("[data-action=confirm]").click()
    ent.locator("#anze-confirm [data-ok]").click()
    expect(ent.locator("#anze-toasts")).to_contain_text(
        "本保单剩余可用 300.00 元，该服务记录需记账 400.00 元"
    )
    expect(ent.get_by_test_id("record-status")).to_have_text("待确认")
    shot(ent, "01-enterprise-refused")

    # 保险端: 保单详情 → 批准超支.
    sign_in(page, f"{live_server.url}/insurer/login/picc-fee/", "fee_clerk")
    page.goto(f"{live_server.url}/insurer/policies/{no}/")
    ledger = page.locator("#fee-ledger")
    expect(ledger.get_by_test_id("fee-remaining")).to_have_text("300.00 元")
    expect(ledger.get_by_test_id("fee-pending")).to_contain_text("全部确认将超出剩余可用 100.00 元")
    screenshot("02-insurer-ledger")
    ledger.locator("[data-action=fee-overrun]").click()
    dialog = page.locator("#anze-modal")
    expect(dialog.locator(".modal-title")).to_contain_text("批准服务费超支")
    dialog.get_by_label("批准超支金额（元）").fill("-100")
    dialog.get_by_label("批准理由").fill("企业新增危化品仓库，追加一次专项培训")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_contain_text("批准超支金额须大于0")
    dialog.get_by_label("批准超支金额（元）").fill("100")
    page.wait_for_timeout(300)
    screenshot("03-overrun-dialog")
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#anze-toasts")).to_contain_text("已批准超支 100.00 元")
    expect(page.locator("#fee-ledger").get_by_test_id("fee-allowance")).to_have_text("100.00 元")

    # 企业端: 确认 now goes through; the ledger shows 1,100 spent of a 1,000 fee.
    ent.reload()
    ent.locator("[data-action=confirm]").click()
    ent.locator("#anze-confirm [data-ok]").click()
    expect(ent.get_by_test_id("record-status")).to_have_text("已确认")
    ent.goto(f"{live_server.url}/enterprise/services/policies/{no}/")
    ent_ledger = ent.locator("#fee-ledger")
    expect(ent_ledger.get_by_test_id("fee-spent")).to_have_text("1,100.00 元（100%）")
    expect(ent_ledger.get_by_test_id("fee-remaining")).to_contain_text("已超出服务费 100.00 元")
    expect(ent_ledger).to_contain_text("企业新增危化品仓库，追加一次专项培训")
    shot(ent, "04-enterprise-ledger")
    ent_context.close()
