"""下载中心 in Chromium: the insurer's 导出 of a small list downloads at once and leaves the list on screen; a large
one asks in a dialog, is queued, says where to find it (the toast's link), and is downloaded from the 下载中心,
whose progress bar follows an export being built until it is done."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD
from anze.downloads.models import Export, ExportStatus
from anze.orders import synthetic

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _rows(path: Path) -> int:
    """The rows of a downloaded workbook's sheet, the header included."""
    return load_workbook(io.BytesIO(Path(path).read_bytes())).active.max_row


def test_a_large_export_goes_through_the_download_centre(live_server, page: Page, screenshot, settings):
    ensure_base_data()
    insurer = factories.organisation(
        Side.INSURER, name="中国人民财产保险股份有限公司泉州市分公司", code="picc-dl"
    )
    factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    synthetic.top_up([insurer], 12)
    settings.EXPORT_SYNC_ROWS = 20

    page.goto(f"{live_server.url}/insurer/login/picc-dl/")
    page.get_by_placeholder("请输入账号").fill("picc_admin")
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.goto(f"{live_server.url}/insurer/orders/")

    # 12 orders, at most 20 in the request: the file at once, the list stays.
    with page.expect_download() as small:
        page.get_by_role("link", name="导出").click()
    assert small.value.suggested_filename.startswith("订单列表_")
    assert _rows(small.value.path()) == 13
    expect(page).to_have_url(f"{live_server.url}/insurer/orders/")

    # At most 5 in the request: a dialog, then the worker (the tests' immediate backend: at the commit).
    settings.EXPORT_SYNC_ROWS = 5
    page.get_by_role("link", name="导出").click()
    dialog = page.locator("#anze-modal")
    expect(dialog).to_contain_text("符合条件的数据共 12 条，超过 5 条，将在后台生成 Excel 文件")
    screenshot("01-confirm")
    dialog.get_by_role("button", name="提交导出任务").click()
    toast = page.locator(".anze-toast", has_text="导出任务已提交，完成后可在下载中心下载")
    expect(toast).to_be_visible()
    expect(dialog).to_be_hidden()
    screenshot("02-submitted")
    toast.get_by_role("link", name="前往下载中心").click()

    expect(page).to_have_url(f"{live_server.url}/insurer/downloads/")
    row = page.locator("#export-table tbody tr").first
    expect(row).to_contain_text("订单列表")
    expect(row).to_contain_text("已完成")
    screenshot("03-download-centre")
    with page.expect_download() as large:
        row.get_by_role("link", name="下载").click()
    assert large.value.suggested_filename.startswith("订单列表_")
    assert _rows(large.value.path()) == 13

    # An export being built: the bar moves on without a reload, and the link appears once it is done.
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, rows_done=6, file="")
    page.reload()
    expect(row).to_contain_text("6 / 12 行（50%）")
    expect(row.locator(".progress-bar")).to_have_attribute("style", "width: 50%")
    screenshot("04-progress")
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.DONE, rows_done=12, file=export.file.name)
    expect(row).to_contain_text("已完成", timeout=6000)
    expect(row.get_by_role("link", name="下载")).to_be_visible()

    row.get_by_role("button", name="删除").click()
    page.locator("#anze-confirm").get_by_role("button", name="确定").click()
    expect(page.locator("#export-table")).to_contain_text("暂无导出记录")
    screenshot("05-deleted")
