"""Issue 14 §4 in a real browser, three people in three browser contexts: the enterprise reports an accident
from 我的保单 (报案, with a photo) → the insurer's clerk 受理, 立案 with a case number, 查勘, and 理算 — a
medical amount over 每人医疗责任限额 is refused with the limit named, then a corrected one is accepted → 结案 →
the enterprise sees the payment, and the regulator's 理赔统计 shows the 赔付率 move from 0.00% to 80.00%.
Screenshots of each screen are kept under var/test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from anze.basedata.models import Region
from anze.basedata.seed import ensure_base_data
from anze.claims.models import Claim, ClaimStatus
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.documents import testing as files
from anze.prevention import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"


@pytest.fixture
def world(db: None) -> dict:
    ensure_base_data()
    insurer = factories.picc("picc-claims")
    clerk = factories.user(insurer, admin=True, username="picc_lipei", name="林理赔")
    enterprise = factories.hongsheng()
    applicant = factories.user(enterprise, admin=True, username="hongsheng_lp", name="蔡明辉")
    regulator = factories.organisation(
        Side.REGULATOR, name="泉州市应急管理局", region=Region.objects.get(code="350500")
    )
    factories.user(regulator, admin=True, username="qzyjj_lp", name="张国栋")
    policy = scenarios.issued_policy(
        insurer_user=clerk,
        enterprise_user=applicant,
        policy_no="PICC2026LP0001",
        project_name="丰泽区东海街道安置房四期工程",
        scheme_overrides={"premium": Decimal("12000.00")},
    )
    return {"policy": policy}


@pytest.fixture
def context_shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.wait_for_timeout(300)  # a dialog's fade-in
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def test_report_register_adjust_over_a_limit_settle_and_the_loss_ratio_moves(
    live_server, page: Page, browser: Browser, browser_context_args: dict, context_shot, world, tmp_path
):
    # 监管端 first: this year's 赔付率 of the one policy (12,000 元 premium), no claim yet.
    sign_in(page, f"{live_server.url}/regulator/login/", "qzyjj_lp")
    page.locator("#menu").get_by_role("link", name="理赔统计").click()
    expect(page.locator('[data-figure="loss-ratio"]')).to_have_text("0.00%")
    context_shot(page, "01-regulator-before")

    # 企业端: 我的保单 → 报案 on the policy, with a photo of the scene.
    ent = browser.new_context(**browser_context_args).new_page()
    sign_in(ent, f"{live_server.url}/enterprise/login/", "hongsheng_lp")
    ent.locator("#menu").get_by_role("link", name="我的保单").click()
    ent.locator("#policy-table tr", has_text="PICC2026LP0001").locator("[data-action=report-claim]").click()
    expect(ent.get_by_label("保单")).to_have_value(str(world["policy"].pk))
    day = timezone.localdate() - timedelta(days=3)
    expect(ent.locator("input.anze-date")).to_have_count(1)  # the date picker has taken the field (no race)
    ent.get_by_label("出险日期").fill(day.isoformat())
    ent.get_by_label("出险日期").press("Tab")
    ent.get_by_label("出险时刻").fill("09:30")
    ent.get_by_label("出险地点").fill("4号楼18层外脚手架")
    ent.get_by_label("事故类型").select_option(label="高处坠落")
    ent.get_by_label("事故经过").fill("木工拆除模板时安全带未挂牢，坠落至16层防护平台，右腿骨折，已送医。")
    ent.get_by_label("受伤人数").fill("1")
    ent.get_by_label("估损金额（元）").fill("20000")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(files.jpeg_bytes(320, 200))
    ent.locator('input[name="photo_1"]').set_input_files(str(photo))
    context_shot(ent, "02-enterprise-report-form")
    ent.get_by_role("button", name="提交报案").click()
    expect(ent.get_by_test_id("claim-status")).to_have_text("待受理")
    claim = Claim.objects.get()
    context_shot(ent, "03-enterprise-claim-reported")

    # 保险端: 理赔管理 → the claim → 受理 → 立案 → 查勘.
    clerk = browser.new_context(**browser_context_args).new_page()
    sign_in(clerk, f"{live_server.url}/insurer/login/picc-claims/", "picc_lipei")
    clerk.locator("#menu").get_by_role("link", name="理赔管理").click()
    row = clerk.locator("#claim-table tr", has_text=claim.report_no)
    expect(row.get_by_test_id("claim-status")).to_have_text("待受理")
    context_shot(clerk, "04-insurer-claim-list")
    row.locator("[data-action=detail]").click()
    clerk.locator("[data-action=accept]").click()
    clerk.locator("#anze-confirm [data-ok]").click()
    expect(clerk.get_by_test_id("claim-status")).to_have_text("待立案")
    clerk.locator("[data-action=register]").click()
    dialog = clerk.locator("#anze-modal")
    dialog.get_by_label("案件号").fill("LA3505202600001")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()  # closed before the next button is clicked (its fade)
    expect(clerk.get_by_test_id("claim-status")).to_have_text("待查勘")
    expect(clerk.get_by_test_id("case-no")).to_have_text("LA3505202600001")
    clerk.locator("[data-action=survey]").click()
    dialog.get_by_label("查勘意见").fill("已到医院及现场查勘：右胫骨骨折，安全带未挂牢属实，属保险责任。")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()  # closed before the next button is clicked (its fade)
    expect(clerk.get_by_test_id("claim-status")).to_have_text("待理算")

    # 理算 over 每人医疗责任限额 (50,000 元): refused beside the amount, the limit named; nothing saved.
    clerk.locator("[data-action=adjust]").click()
    expect(dialog.locator(".modal-title")).to_have_text("理算")
    dialog.locator('input[name="name_0"]').fill("黄建新")
    dialog.locator('input[name="death_disability_0"]').fill("8000")
    dialog.locator('input[name="medical_0"]').fill("60000")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_contain_text("黄建新的医疗费用赔款超过每人医疗责任限额（50,000.00 元）")
    context_shot(clerk, "05-adjust-refused-over-limit")
    assert Claim.objects.get().status == ClaimStatus.SURVEYED
    dialog.locator('input[name="medical_0"]').fill("1600")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()  # closed before the next button is clicked (its fade)
    expect(clerk.get_by_test_id("claim-status")).to_have_text("待结案")
    expect(clerk.get_by_test_id("adjusted-amount")).to_have_text("9,600.00 元")

    # 结案: the amount defaults to the 理算's; payee and date as given.
    clerk.locator("[data-action=settle]").click()
    expect(dialog.get_by_label("赔款金额（元）")).to_have_value("9600.00")
    dialog.get_by_label("收款人").fill("黄建新")
    context_shot(clerk, "06-settle-dialog")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog).to_be_hidden()  # closed before the next button is clicked (its fade)
    expect(clerk.get_by_test_id("claim-status")).to_have_text("已结案")
    expect(clerk.get_by_test_id("paid-amount")).to_have_text("9,600.00 元")
    context_shot(clerk, "07-insurer-claim-settled")

    # 企业端 sees the payment.
    ent.reload()
    expect(ent.get_by_test_id("claim-status")).to_have_text("已结案")
    expect(ent.get_by_test_id("paid-amount")).to_have_text("9,600.00 元")
    expect(ent.locator("#timeline")).to_contain_text("结案")
    context_shot(ent, "08-enterprise-claim-settled")

    # 监管端: 9,600 ÷ 12,000 = 80.00%.
    page.reload()
    expect(page.locator('[data-figure="loss-ratio"]')).to_have_text("80.00%")
    expect(page.locator('[data-figure="settled"]')).to_have_text("1")
    expect(page.locator("#by-1 tr", has_text="中国人民财产保险")).to_contain_text("80.00%")
    context_shot(page, "09-regulator-after")
    page.locator("#menu summary", has_text="监管查询").click()
    page.locator("#menu").get_by_role("link", name="理赔查询").click()
    expect(page.locator("#claim-table")).to_contain_text(claim.report_no)
    context_shot(page, "10-regulator-claim-list")
