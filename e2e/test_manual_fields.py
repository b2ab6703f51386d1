"""The manual's fields in a real browser (docs/spec/user-manual.txt §3.1.1, figure 3.1.2): the clerk fills
新增线下订单 with its 投保资料 and 意向服务项目, the 保单信息补录 dialog then shows them; the 报价 dialog of an online order tags the
service items the enterprise asked for. Screenshots under var/test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.models import Industry, Region, ServiceItem
from anze.basedata.seed import ensure_base_data
from anze.core.testing import factories
from anze.documents import testing as files
from anze.orders import scenarios
from anze.orders.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db: None) -> dict:
    ensure_base_data()
    insurer = factories.picc("picc-mf")
    clerk = factories.user(insurer, admin=True, username="picc_fields", name="陈雅琴")
    enterprise = factories.hongsheng()
    applicant = factories.user(enterprise, admin=True, name="蔡明辉")
    items = list(ServiceItem.objects.active().order_by("sort", "id"))
    online = scenarios.online_order(
        insurer_user=clerk,
        enterprise_user=applicant,
        project_name="丰泽区东海街道安置房二期工程",
        intended_items=[items[0], items[2]],
    )
    return {"insurer": insurer, "online": online, "items": items}


@pytest.fixture
def uploads(tmp_path: Path) -> dict[str, Path]:
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(files.pdf_bytes("营业执照", ["泉州市洛江区万安建材有限公司"]))
    legal_id = tmp_path / "法人身份证.jpg"
    legal_id.write_bytes(files.jpeg_bytes(320, 200))
    return {"licence": licence, "legal_id": legal_id}


def sign_in(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    page.locator("a.entry-card", has_text="保险端").click()
    page.locator("a.insurer-tile", has_text="中国人民财产保险股份有限公司泉州市分公司").click()
    page.fill("input[name=username]", "picc_fields")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator("#menu a", has_text="订单管理").click()


def open_action(page: Page, order: Order, action: str) -> None:
    page.locator(f'tr[data-application-no="{order.application_no}"] a[data-action="{action}"]').click()
    expect(page.locator("#anze-modal.show .modal-title")).to_be_visible()


def test_the_clerk_records_and_sees_the_manuals_fields(page: Page, live_server, world, uploads, screenshot):
    sign_in(page, live_server)
    items = world["items"]

    # 新增线下订单 with the 投保资料 and two 意向服务项目.
    page.locator(".toolbar a", has_text="新增线下订单").click()
    expect(page.locator("#anze-modal.show")).to_be_visible()
    form = page.locator("#anze-modal-content")
    form.locator("input[name=applicant_name]").fill("泉州市洛江区万安建材有限公司")
    form.locator("input[name=applicant_credit_code]").fill("91350504MA2YL8H37T")
    form.locator("input[name=contact_name]").fill("郭建新")
    form.locator("input[name=contact_phone]").fill("13860710021")
    form.locator("input[name=headcount]").fill("40")
    form.locator("input[name=project_name]").fill("洛江区万安建材厂区")
    form.locator("select[name=region]").select_option(str(Region.objects.get(code="350504").pk))
    form.locator("select[name=industry]").select_option(str(Industry.objects.get(code="ceramics").pk))
    form.locator("input[name=business_licence]").set_input_files(uploads["licence"])
    form.locator("input[name=legal_id]").set_input_files(uploads["legal_id"])
    for item in (items[1], items[3]):
        form.locator(f'input[name=intended_items][value="{item.pk}"]').check()
    page.locator("#anze-modal-content .modal-body").evaluate("body => body.scrollTo(0, body.scrollHeight)")
    screenshot("01-offline-order-form")
    page.locator("#anze-modal-content button[type=submit].btn-primary").click()
    expect(page.locator(".anze-toast", has_text="新增成功")).to_be_visible()
    offline = Order.objects.get(project_name="洛江区万安建材厂区")
    assert offline.business_licence is not None and offline.legal_id is not None
    assert set(offline.intended_items.all()) == {items[1], items[3]}

    # 保单信息补录 shows them: the files by name with 预览/下载, the items checked, 意向 on their counts.
    open_action(page, offline, "issue")
    dialog = page.locator("#anze-modal-content")
    expect(dialog.locator("table.desc")).to_contain_text("营业执照.pdf")
    expect(dialog.locator("#materials-fields")).to_contain_text("当前文件：法人身份证.jpg")
    expect(dialog.locator(f'input[name=intended_items][value="{items[1].pk}"]')).to_be_checked()
    expect(dialog.locator(f'input[name=intended_items][value="{items[0].pk}"]')).not_to_be_checked()
    expect(dialog.locator("#service-counts .form-row.intended")).to_have_count(2)
    screenshot("02-backfill-dialog")
    page.locator("#anze-modal-content .modal-body").evaluate("body => body.scrollTo(0, 700)")
    screenshot("02-backfill-dialog-counts")
    with page.expect_popup() as popup:
        dialog.locator("table.desc a", has_text="预览").first.click()
    assert popup.value.url.endswith(f"/files/{offline.business_licence.uuid}/")
    popup.value.close()
    page.locator("#anze-modal .btn-close, #anze-modal [data-bs-dismiss=modal]").first.click()
    expect(page.locator("#anze-modal.show")).to_have_count(0)

    # 报价 of the online order: the enterprise's 意向服务项目 on top and a 意向 tag beside their counts.
    online = world["online"]
    open_action(page, online, "quote")
    expect(dialog).to_contain_text("意向服务项目")
    expect(dialog.locator("#service-counts .form-row.intended")).to_have_count(2)
    for item in (items[0], items[2]):
        row = dialog.locator("#service-counts .form-row.intended", has_text=item.name)
        expect(row.locator(".tag")).to_have_text("意向")
    screenshot("03-quote-dialog")
