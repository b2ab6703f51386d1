"""线下订单批量导入 in a real browser: the clerk downloads the template, fills it in with one wrong phone number,
uploads it and is offered the workbook back with its 错误说明; fixes that cell in the annotated workbook, uploads
it again and sees the orders in the list. Screenshots under var/test-artifacts/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.testing import factories
from anze.imports.testing import filled
from anze.orders.models import Order, OrderStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _row(n: int, phone: str) -> dict:
    return {
        "投保人名称": f"泉州浏览器导入{n}号建筑有限公司",
        "统一社会信用代码": "91350504MA2YL8H37T",
        "投保联系人": "郭建新",
        "联系电话": phone,
        "项目名称": f"浏览器导入项目{n}",
        "所在区县": "洛江区",
        "行业": "建筑施工",
        "参保人数": 30,
    }


def test_a_clerk_imports_offline_orders_after_fixing_the_annotated_workbook(
    page: Page, live_server, tmp_path: Path, screenshot
):
    ensure_base_data()
    insurer = factories.picc("picc-import")
    factories.user(insurer, admin=True, username="picc_import", name="陈雅琴")
    page.goto(live_server.url + "/insurer/login/picc-import/")
    page.fill("input[name=username]", "picc_import")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator("#menu a", has_text="订单管理").click()
    page.locator('a[data-action="import"]', has_text="批量导入").click()
    expect(page.locator("h3", has_text="线下订单批量导入")).to_be_visible()
    screenshot("01-import-page")

    with page.expect_download() as template:
        page.locator("#import-template").click()
    rows = [_row(1, "13860710001"), _row(2, "1386071"), _row(3, "13860710003")]
    first = tmp_path / "线下订单.xlsx"
    first.write_bytes(filled(Path(template.value.path()).read_bytes(), rows))
    page.locator("input[name=workbook]").set_input_files(first)
    page.locator("#import-form button[type=submit]").click()

    expect(page.locator("#import-state")).to_have_text("校验未通过")
    expect(page.locator("#import-message")).to_contain_text("1行有错误，未导入任何数据")
    screenshot("02-refused")
    assert not Order.objects.exists()
    with page.expect_download() as report:
        page.locator("#import-errors").click()
    assert report.value.suggested_filename == "线下订单_错误说明.xlsx"
    annotated = load_workbook(io.BytesIO(Path(report.value.path()).read_bytes()))
    sheet = annotated.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[-1] == "错误说明" and sheet.cell(row=4, column=len(headers)).value == (
        "联系电话：请输入正确的11位手机号码"
    )

    sheet.cell(row=4, column=headers.index("联系电话*") + 1, value="13860710002")
    fixed = tmp_path / "线下订单_已修改.xlsx"
    buffer = io.BytesIO()
    annotated.save(buffer)
    fixed.write_bytes(buffer.getvalue())
    page.locator("a", has_text="重新上传").click()
    page.locator("input[name=workbook]").set_input_files(fixed)
    page.locator("#import-form button[type=submit]").click()
    expect(page.locator("#import-done")).to_contain_text("导入成功：新增线下订单 3，其中已出函 0")
    screenshot("03-imported")

    page.locator("#import-result-link").click()
    for n in (1, 2, 3):
        expect(page.locator("#order-table", has_text=f"浏览器导入项目{n}")).to_be_visible()
    screenshot("04-orders")
    assert Order.objects.filter(status=OrderStatus.AWAITING_ISSUE).count() == 3
