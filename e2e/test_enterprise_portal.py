"""Issue 4's browser test: an enterprise and an insurer clerk, each in their own browser context, through the
real screens only.

注册 (the SMS code read from the outbox, as the enterprise would read its phone) → 企业认证 (待认证: 营业执照 +
授权书 uploaded, 平台管理 通过) → 投保申请 → the insurer 报价 →
拒绝报价 → 报价 again → 确认报价 → 上传付款通知书 → 上传付款凭证 → 支付审核 驳回 → 上传付款凭证 again → 通过 →
出函 → the enterprise downloads the policy and finds the message in its 消息中心. Screenshots of both screens at
every step are kept under var/test-artifacts/<test>/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing as files
from anze.notifications.models import SmsMessage
from anze.notifications.tests.fakes import RECORDING, RecordingBackend
from anze.orders.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
CREDIT_CODE = factories.credit_code(660001, "350503")
PHONE = "13860716601"
PASSWORD = "Hongsheng2026"


@pytest.fixture
def pages(browser: Browser, browser_context_args: dict, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Three people at three computers: the enterprise, the insurer's clerk and the platform's reviewer."""
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
def uploads(tmp_path: Path) -> dict[str, Path]:
    made = {
        "营业执照.pdf": files.pdf_bytes("营业执照", ["泉州鸿盛建筑工程有限公司"]),
        "授权书.pdf": files.pdf_bytes("授权书", ["兹授权蔡明辉代表本企业办理投保业务"]),
        "法人身份证.jpg": files.jpeg_bytes(320, 200),
        "付款通知书.pdf": files.pdf_bytes("付款通知书", ["请于7日内付款"]),
        "转账回单.png": files.png_bytes(320, 200),
        "转账回单（清晰）.pdf": files.pdf_bytes("转账回单", ["金额：9,800.00元"]),
        "电子保单.pdf": files.pdf_bytes("安全生产责任保险保单", ["保单号：PICC2026350500001"]),
        "电子发票.pdf": files.pdf_bytes("增值税电子普通发票", ["保单号：PICC2026350500001"]),
    }
    paths = {}
    for name, data in made.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def toast(page: Page, text: str) -> None:
    expect(page.locator(".anze-toast", has_text=text)).to_be_visible()


def open_dialog(page: Page, selector: str) -> None:
    page.locator(selector).click()
    expect(page.locator("#anze-modal.show .modal-title")).to_be_visible()


# --- the insurer's clerk ----------------------------------------------------------------------------------------
def clerk_row(page: Page, order: Order):  # type: ignore[no-untyped-def]
    return page.locator(f'tr[data-application-no="{order.application_no}"]')


def clerk_opens(page: Page, order: Order, action: str) -> None:
    page.reload()
    open_dialog(page, f'tr[data-application-no="{order.application_no}"] a[data-action="{action}"]')


def clerk_submits(page: Page, message: str) -> None:
    page.locator("#anze-modal-content button[type=submit].btn-primary").click()
    toast(page, message)


def quote(page: Page, order: Order, premium: str, fee: str) -> None:
    clerk_opens(page, order, "quote")
    values = {
        "aggregate_limit": "5000000",
        "per_accident_limit": "1000000",
        "per_person_injury_limit": "500000",
        "per_person_medical_limit": "50000",
        "premium": premium,
        "prevention_fee": fee,
    }
    for name, value in values.items():
        page.fill(f"#anze-modal-content input[name={name}]", value)
    page.locator("#service-counts input").nth(0).fill("2")
    page.locator("#service-counts input").nth(2).fill("4")
    clerk_submits(page, "报价成功")


# --- the enterprise ------------------------------------------------------------------------------------------------
def status_of(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#order-status")


def test_an_enterprise_registers_applies_and_gets_its_policy(pages, live_server, uploads, shoot, settings):
    # The outbox keeps a code only masked (and encrypted until sent): the code is read from what was sent.
    settings.SMS_BACKEND = RECORDING
    RecordingBackend.sent = []
    ensure_base_data()
    insurer = factories.picc("picc-qz")
    factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    platform = factories.organisation(Side.PLATFORM, name="安责险平台运营中心")
    factories.user(platform, admin=True, username="platform", name="平台管理员")
    enterprise, clerk, reviewer = pages

    # --- 注册 ------------------------------------------------------------------------------------------------------
    enterprise.goto(live_server.url + "/")
    enterprise.locator("a.entry-card", has_text="企业端").click()
    enterprise.locator("#register-link").click()
    expect(enterprise.get_by_role("heading", name="企业注册")).to_be_visible()
    enterprise.fill("input[name=credit_code]", CREDIT_CODE)
    enterprise.fill("input[name=name]", "泉州鸿盛建筑工程有限公司")
    enterprise.select_option("select[name=industry]", label="建筑施工（高危行业·应保尽保）")
    enterprise.select_option("select[name=region]", label="丰泽区")
    enterprise.fill("input[name=address]", "泉州市丰泽区东海街道通港西街88号")
    enterprise.fill("input[name=contact_name]", "蔡明辉")
    enterprise.fill("input[name=phone]", PHONE)
    enterprise.locator("#send-code").click()
    expect(enterprise.locator("#code-status")).to_contain_text("验证码已发送至 138****6601，5分钟内有效")
    expect(enterprise.locator("#send-code")).to_contain_text("秒后重新获取")
    assert "验证码为******" in SmsMessage.objects.filter(phone=PHONE).latest("created_at").text
    sms = [sent for sent in RecordingBackend.sent if sent.phone == PHONE][-1]
    code = re.search(r"验证码为(\d{6})", sms.text).group(1)  # type: ignore[union-attr]
    enterprise.fill("input[name=code]", code)
    enterprise.fill("input[name=password]", PASSWORD)
    enterprise.fill("input[name=password2]", PASSWORD)
    shoot(enterprise, "01-enterprise-register")
    enterprise.get_by_role("button", name="注 册").click()
    toast(enterprise, "注册成功")
    # 待认证: only the 企业认证 page until the enterprise proves it is who the credit code says.
    expect(enterprise.locator("#verification [data-claim-status]")).to_have_text("待认证")
    expect(enterprise.locator("#menu")).not_to_contain_text("投保申请")
    shoot(enterprise, "02-enterprise-verification-pending")
    enterprise.goto(live_server.url + "/enterprise/orders/")
    expect(enterprise).to_have_url(re.compile(r"/enterprise/verification/$"))
    enterprise.set_input_files("input[name=business_licence]", uploads["营业执照.pdf"])
    enterprise.set_input_files("input[name=authorisation]", uploads["授权书.pdf"])
    enterprise.get_by_role("button", name="提交审核").click()
    toast(enterprise, "认证资料已提交")
    expect(enterprise.locator("#pending-review")).to_contain_text("平台正在审核")

    # --- 平台管理 › 企业认证: 通过 ---------------------------------------------------------------------------------
    reviewer.goto(live_server.url + "/platform/login/")
    reviewer.fill("input[name=username]", "platform")
    reviewer.fill("input[name=password]", factories.PASSWORD)
    reviewer.locator("button[type=submit]").click()
    reviewer.goto(live_server.url + "/platform/orgs/claims/")
    row = reviewer.locator(f'tr[data-claim="{CREDIT_CODE}"]')
    expect(row).to_contain_text("待审核")
    row.locator("a", has_text="审核").click()
    expect(reviewer.locator("#claim")).to_contain_text("授权书.pdf")
    shoot(reviewer, "02-platform-claim")
    reviewer.locator("#approve").click()
    reviewer.locator("#anze-confirm [data-ok]").click()
    toast(reviewer, "已通过")

    enterprise.goto(live_server.url + "/enterprise/")
    expect(enterprise.locator(".anze-brand")).to_contain_text("泉州鸿盛建筑工程有限公司")
    shoot(enterprise, "03-enterprise-home")

    # --- 投保申请 -------------------------------------------------------------------------------------------------
    enterprise.locator("#menu a", has_text="投保申请").click()
    expect(enterprise.locator("input[name=project_name]")).to_have_value("泉州鸿盛建筑工程有限公司")
    enterprise.select_option("select[name=insurer]", label=insurer.name)
    enterprise.fill("input[name=project_name]", "丰泽区东海街道安置房三期工程")
    enterprise.fill("input[name=headcount]", "260")
    enterprise.get_by_label("安全生产宣传教育培训").check()
    enterprise.get_by_label("生产安全事故隐患排查").check()
    enterprise.set_input_files("input[name=business_licence]", uploads["营业执照.pdf"])
    enterprise.set_input_files("input[name=legal_id]", uploads["法人身份证.jpg"])
    expect(enterprise.locator("#application-form")).to_contain_text("营业执照.pdf")
    shoot(enterprise, "03-enterprise-apply")
    enterprise.get_by_role("button", name="提交申请").click()
    toast(enterprise, "投保申请已提交")
    expect(status_of(enterprise)).to_have_text("待报价")
    order = Order.objects.get(project_name="丰泽区东海街道安置房三期工程")
    shoot(enterprise, "04-enterprise-submitted")

    # --- the clerk signs in and quotes ---------------------------------------------------------------------------
    clerk.goto(live_server.url + "/insurer/login/picc-qz/")
    clerk.fill("input[name=username]", "picc_admin")
    clerk.fill("input[name=password]", factories.PASSWORD)
    clerk.locator("button[type=submit]").click()
    clerk.locator("#menu a", has_text="订单管理").click()
    expect(clerk_row(clerk, order)).to_contain_text("待报价")
    expect(clerk_row(clerk, order)).to_contain_text("泉州鸿盛建筑工程有限公司")
    quote(clerk, order, premium="12000", fee="2400")
    expect(clerk_row(clerk, order).locator(".tag").first).to_have_text("待确认报价")
    shoot(clerk, "05-insurer-quoted")

    # --- 拒绝报价 -------------------------------------------------------------------------------------------------
    enterprise.reload()
    expect(status_of(enterprise)).to_have_text("待确认报价")
    expect(enterprise.locator("#quote")).to_contain_text("500.00万元")
    expect(enterprise.locator("#quote")).to_contain_text("12,000.00 元")
    open_dialog(enterprise, '.detail-head a[data-action="reject_quote"]')
    enterprise.locator("#anze-modal-content button[type=submit]").click()
    expect(enterprise.locator("#anze-modal-content")).to_contain_text("请填写拒绝原因")
    enterprise.fill("#anze-modal-content textarea[name=reason]", "保费高于年度预算，请调整")
    shoot(enterprise, "06-enterprise-reject-quote")
    enterprise.locator("#anze-modal-content button[type=submit]").click()
    toast(enterprise, "已拒绝报价")
    expect(status_of(enterprise)).to_have_text("待报价")
    expect(enterprise.locator("#last-reason")).to_contain_text("保费高于年度预算，请调整")

    # --- the clerk sees why and quotes again -----------------------------------------------------------------------
    clerk.reload()
    expect(clerk_row(clerk, order)).to_contain_text("企业拒绝报价：保费高于年度预算，请调整")
    shoot(clerk, "07-insurer-sees-rejection")
    quote(clerk, order, premium="9800", fee="1960")

    # --- 确认报价 -------------------------------------------------------------------------------------------------
    enterprise.reload()
    expect(enterprise.locator("#quote")).to_contain_text("9,800.00 元")
    open_dialog(enterprise, '.detail-head a[data-action="confirm_quote"]')
    expect(enterprise.locator("#anze-modal-content")).to_contain_text("安全生产宣传教育培训 2次")
    shoot(enterprise, "08-enterprise-confirm-quote")
    enterprise.locator("#anze-modal-content button[type=submit].btn-primary").click()
    toast(enterprise, "已确认报价")
    expect(status_of(enterprise)).to_have_text("待上传付款通知书")

    # --- 上传付款通知书 -------------------------------------------------------------------------------------------
    clerk_opens(clerk, order, "payment_notice")
    clerk.set_input_files("#anze-modal-content input[name=file]", uploads["付款通知书.pdf"])
    clerk_submits(clerk, "付款通知书已上传")
    shoot(clerk, "09-insurer-payment-notice")

    # --- 上传付款凭证 ---------------------------------------------------------------------------------------------
    enterprise.reload()
    expect(status_of(enterprise)).to_have_text("待支付")
    expect(enterprise.locator("#section-pay")).to_contain_text("付款通知书.pdf")
    open_dialog(enterprise, '.detail-head a[data-action="payment_voucher"]')
    enterprise.set_input_files("#anze-modal-content input[name=file]", uploads["转账回单.png"])
    shoot(enterprise, "10-enterprise-voucher")
    enterprise.locator("#anze-modal-content button[type=submit].btn-primary").click()
    toast(enterprise, "付款凭证已上传")
    expect(status_of(enterprise)).to_have_text("待支付审核")

    # --- 支付审核 驳回 -----------------------------------------------------------------------------------------------
    clerk_opens(clerk, order, "payment_review")
    expect(clerk.locator("#voucher-preview img")).to_be_visible()
    clerk.fill("#anze-modal-content textarea[name=reason]", "回单模糊，请上传清晰的转账回单")
    shoot(clerk, "11-insurer-reject-payment")
    clerk.locator("#anze-modal-content button[value=reject]").click()
    toast(clerk, "已驳回")

    # --- the enterprise sees the reason and uploads again ------------------------------------------------------------
    enterprise.reload()
    expect(status_of(enterprise)).to_have_text("待支付")
    expect(enterprise.locator("#last-reason")).to_contain_text("回单模糊，请上传清晰的转账回单")
    shoot(enterprise, "12-enterprise-payment-rejected")
    open_dialog(enterprise, '.detail-head a[data-action="payment_voucher"]')
    expect(enterprise.locator("#reject-reason")).to_contain_text("回单模糊")
    enterprise.set_input_files("#anze-modal-content input[name=file]", uploads["转账回单（清晰）.pdf"])
    enterprise.locator("#anze-modal-content button[type=submit].btn-primary").click()
    toast(enterprise, "付款凭证已上传")
    expect(status_of(enterprise)).to_have_text("待支付审核")

    # --- 通过, 出函 -----------------------------------------------------------------------------------------------
    clerk_opens(clerk, order, "payment_review")
    clerk.locator("#anze-modal-content button[value=approve]").click()
    toast(clerk, "支付审核已通过")
    clerk_opens(clerk, order, "issue")
    clerk.fill("input[name=policy_no]", "PICC2026350500001")
    clerk.set_input_files("input[name=policy_file]", uploads["电子保单.pdf"])
    clerk.set_input_files("input[name=invoice_file]", uploads["电子发票.pdf"])
    shoot(clerk, "13-insurer-issue")
    clerk_submits(clerk, "出函成功")
    expect(clerk_row(clerk, order).locator(".tag").first).to_have_text("已出函")
    shoot(clerk, "14-insurer-issued")

    # --- the enterprise downloads its policy and reads the message ------------------------------------------------------
    enterprise.reload()
    expect(status_of(enterprise)).to_have_text("已出函")
    expect(enterprise.locator("#section-policy")).to_contain_text("PICC2026350500001")
    shoot(enterprise, "15-enterprise-issued")
    with enterprise.expect_download() as info:
        enterprise.locator('[data-download="policy"]').click()
    download = info.value
    assert download.suggested_filename == "电子保单.pdf"
    assert Path(download.path()).read_bytes() == uploads["电子保单.pdf"].read_bytes()
    expect(enterprise.locator("#anze-bell .badge")).to_be_visible()
    enterprise.locator("#anze-bell").click()
    expect(enterprise.locator("#message-table")).to_contain_text("保单已出函")
    expect(enterprise.locator("#message-table")).to_contain_text("保单号PICC2026350500001")
    shoot(enterprise, "16-enterprise-messages")
    enterprise.locator("#menu a", has_text="我的保单").click()
    expect(enterprise.locator("#policy-table")).to_contain_text("PICC2026350500001")
    shoot(enterprise, "17-enterprise-policies")
