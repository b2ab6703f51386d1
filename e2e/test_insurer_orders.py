"""The insurer clerk's 订单管理 in a real browser, following the user manual (docs/spec/user-manual.txt, sections
二 and 3.1):

landing page → 保险端 → the company's tile → its login page; an online order from 待报价 to 已出函 through the
dialogs (the enterprise's steps through the workflow until the portal exists); then 新增线下订单 and its
保单信息补录. Screenshots of the list, the 报价, 出函 and 保单信息补录 dialogs and the detail page are kept
under var/test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.testing import factories
from anze.documents import testing as files
from anze.notifications.models import SmsMessage
from anze.orders import counts, scenarios, synthetic, workflow
from anze.orders.models import Order, OrderStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = OrderStatus


@pytest.fixture
def world(db: None) -> dict:
    ensure_base_data()
    insurer = factories.picc("picc-e2e")
    clerk = factories.user(insurer, admin=True, username="picc_clerk", name="陈雅琴")
    enterprise = factories.hongsheng()
    applicant = factories.user(enterprise, admin=True, name="蔡明辉")
    order = scenarios.online_order(
        insurer_user=clerk,
        enterprise_user=applicant,
        project_name="丰泽区东海街道安置房二期工程",
        project_address="泉州市丰泽区东海街道通港西街88号",
    )
    return {
        "insurer": insurer,
        "clerk": clerk,
        "enterprise": enterprise,
        "applicant": applicant,
        "order": order,
    }


@pytest.fixture
def pdfs(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name in ("付款通知书", "电子保单", "电子发票", "保险合同"):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(files.pdf_bytes(name, [f"{name}（测试）"]))
        paths[name] = path
    return paths


def fresh(order: Order) -> Order:
    return Order.objects.select_related("insurer", "region").get(pk=order.pk)


def open_action(page: Page, order: Order, action: str) -> None:
    page.locator(f'tr[data-application-no="{order.application_no}"] a[data-action="{action}"]').click()
    expect(page.locator("#anze-modal.show .modal-title")).to_be_visible()


def submit_dialog(page: Page, toast: str) -> None:
    page.locator("#anze-modal-content button[type=submit].btn-primary").click()
    expect(page.locator(".anze-toast", has_text=toast)).to_be_visible()
    expect(page.locator("#anze-modal.show")).to_have_count(0)


def row_status(page: Page, order: Order):  # type: ignore[no-untyped-def]
    return page.locator(f'tr[data-application-no="{order.application_no}"] .tag').first


def sign_in(page: Page, live_server, world) -> None:  # type: ignore[no-untyped-def]
    """As the manual describes: 综合页面 → 保险端 → 保险公司选择 → that company's login page → 订单管理."""
    page.goto(live_server.url + "/")
    page.locator("a.entry-card", has_text="保险端").click()
    page.locator("a.insurer-tile", has_text=world["insurer"].name).click()
    expect(page.locator(".org-name")).to_contain_text(world["insurer"].name)
    page.fill("input[name=username]", "picc_clerk")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator("#menu a", has_text="订单管理").click()


def test_the_clerk_takes_an_order_to_已出函_and_backfills_an_offline_one(
    page: Page, live_server, world, pdfs, screenshot
):
    order = world["order"]

    sign_in(page, live_server, world)
    expect(page.locator("#order-table")).to_contain_text(order.application_no)
    expect(row_status(page, order)).to_have_text("待报价")
    screenshot("01-list")

    # 报价: an error beside its field first, then the quote.
    open_action(page, order, "quote")
    quote = {
        "aggregate_limit": "5000000",
        "per_accident_limit": "1000000",
        "per_person_injury_limit": "300000",  # below the national 40万元
        "per_person_medical_limit": "30000",
        "premium": "26000",
        "prevention_fee": "5200",
    }
    for name, value in quote.items():
        page.fill(f"#anze-modal-content input[name={name}]", value)
    page.locator("#service-counts input").first.fill("2")
    page.locator("#anze-modal-content button[type=submit].btn-primary").click()
    injury_row = page.locator(".form-row", has=page.locator("input[name=per_person_injury_limit]"))
    expect(injury_row.locator(".invalid-feedback")).to_contain_text("每人伤亡责任限额不得低于400,000.00元")
    # The field in error takes the focus (not the first field of the form), and typing there stays there.
    expect(page.locator("#anze-modal-content input[name=per_person_injury_limit]")).to_be_focused()
    screenshot("02-quote-dialog")
    expect(page.locator("input[name=premium]")).to_have_value("26000")  # what was typed stays
    page.fill("input[name=per_person_injury_limit]", "500000")
    submit_dialog(page, "报价成功")
    expect(row_status(page, order)).to_have_text("待确认报价")

    # The enterprise confirms (its portal comes in its own issue).
    workflow.order_confirm_quote(order=fresh(order), actor=world["applicant"])
    page.reload()
    open_action(page, order, "payment_notice")
    page.set_input_files("#anze-modal-content input[name=file]", pdfs["付款通知书"])
    expect(page.locator("#anze-modal-content [data-file-list]")).to_contain_text("付款通知书.pdf")
    submit_dialog(page, "付款通知书已上传")
    expect(row_status(page, order)).to_have_text("待支付")

    # The enterprise pays and uploads its voucher; the clerk reviews it.
    workflow.order_upload_payment_voucher(
        order=fresh(order),
        actor=world["applicant"],
        file=files.upload("转账回单.png", files.png_bytes(320, 200)),
    )
    page.reload()
    open_action(page, order, "payment_review")
    expect(page.locator("#voucher-preview img")).to_be_visible()
    page.locator("#anze-modal-content button[value=approve]").click()
    expect(page.locator(".anze-toast", has_text="支付审核已通过")).to_be_visible()
    expect(row_status(page, order)).to_have_text("待出函")

    # 出函 with the PDFs.
    open_action(page, order, "issue")
    page.fill("input[name=policy_no]", "PZAA202635050001")
    page.set_input_files("input[name=policy_file]", pdfs["电子保单"])
    page.set_input_files("input[name=invoice_file]", pdfs["电子发票"])
    expect(page.locator("#anze-modal-content")).to_contain_text("只能上传pdf文件，且不超过10MB")
    screenshot("03-issue-dialog")
    submit_dialog(page, "出函成功")
    expect(row_status(page, order)).to_have_text("已出函")

    # 新增线下订单 for a registered enterprise (its data prefilled), then its 保单信息补录.
    page.locator(".toolbar a", has_text="新增线下订单").click()
    expect(page.locator("#anze-modal.show")).to_be_visible()
    page.select_option("select[name=enterprise]", str(world["enterprise"].pk))
    expect(page.locator("input[name=applicant_credit_code]")).to_have_value(world["enterprise"].credit_code)
    page.fill("input[name=project_name]", "丰泽区北峰街道厂房扩建工程")
    page.fill("input[name=headcount]", "85")
    submit_dialog(page, "新增成功")
    offline = Order.objects.get(project_name="丰泽区北峰街道厂房扩建工程")
    expect(row_status(page, offline)).to_have_text("待出函")

    open_action(page, offline, "issue")
    expect(page.locator("#anze-modal .modal-title")).to_contain_text("保单信息补录")
    values = {
        "aggregate_limit": "3000000",
        "per_accident_limit": "1000000",
        "per_person_injury_limit": "500000",
        "per_person_medical_limit": "50000",
        "premium": "8500",
        "prevention_fee": "1700",
        "policy_no": "PZAA202635050002",
    }
    for name, value in values.items():
        page.fill(f"input[name={name}]", value)
    page.locator("#service-counts input").first.fill("2")
    page.locator("#service-counts input").nth(2).fill("4")
    page.set_input_files("input[name=policy_file]", pdfs["电子保单"])
    page.set_input_files("input[name=invoice_file]", pdfs["电子发票"])
    page.set_input_files("input[name=contract_file]", pdfs["保险合同"])
    screenshot("04-backfill-form")
    page.locator("#anze-modal-content .modal-body").evaluate("body => body.scrollTo(0, body.scrollHeight)")
    screenshot("04-backfill-form-files")
    submit_dialog(page, "出函成功")
    expect(row_status(page, offline)).to_have_text("已出函")

    page.locator('.status-tabs a[data-tab="issued"]').click()
    expect(page.locator('.status-tabs a[data-tab="issued"]')).to_contain_text("(2)")
    expect(page.locator("#order-table tbody tr")).to_have_count(2)

    for issued, policy_no in ((order, "PZAA202635050001"), (offline, "PZAA202635050002")):
        sms = SmsMessage.objects.get(text__contains=f"{issued.application_no}已出函")
        assert sms.phone == issued.contact_phone and f"保单号{policy_no}" in sms.text

    page.locator(f'tr[data-application-no="{order.application_no}"] a[data-action="detail"]').click()
    expect(page.locator("#section-timeline")).to_contain_text("支付审核通过")
    expect(page.locator("#section-issue")).to_contain_text("PZAA202635050001")
    assert re.search(r"已出函", page.locator("#order-status").inner_text())
    screenshot("05-detail")


def test_a_search_too_broad_to_count_says_so_and_still_lists_in_order(
    page: Page, live_server, world, screenshot, monkeypatch
):
    """At 1M orders a telephone prefix "1" or a name in every order is not counted to the end: here the limit
    is 20 of 80 orders. The clerk sees how far it counted and pages on; a tab is counted on its own."""
    synthetic.top_up([world["insurer"]], 80)
    monkeypatch.setattr(counts, "EXACT_LIMIT", 20)
    sign_in(page, live_server, world)
    page.fill("#sf_contact_phone", "1")
    page.locator("button", has_text="搜索").click()
    expect(page.locator("[data-more]")).to_contain_text("超过 20 条")
    expect(page.locator('.status-tabs a[data-tab="all"]')).to_contain_text("(20+)")
    expect(page.locator(".pager")).to_contain_text("共 20+ 条")
    expect(page.locator("#order-table tbody tr")).to_have_count(10)
    screenshot("06-search-past-the-limit")
    page.locator('.pager a[aria-label="下一页"]').click()
    expect(page.locator('.pager [aria-current="page"]')).to_have_text("2")
    expect(page.locator("#order-table tbody tr")).to_have_count(10)
    cancelled = Order.objects.filter(insurer=world["insurer"], status=S.CANCELLED).count()
    page.locator(f'.status-tabs a[data-tab="{S.CANCELLED}"]').click()
    expect(page.locator(f'.status-tabs a[data-tab="{S.CANCELLED}"]')).to_contain_text(f"({cancelled})")
    expect(page.locator("#order-table tbody tr")).to_have_count(min(cancelled, 10))
