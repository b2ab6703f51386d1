"""The 导出 button of a list (the insurer's 订单管理): small lists at once as before, large ones confirmed, built by
the worker (the immediate task backend of the tests runs it at commit) and downloaded from the 下载中心."""

from __future__ import annotations

import json

import pytest

from anze.downloads import tasks
from anze.downloads.models import Export, ExportStatus

from .support import DOWNLOADS, EXPORT, HTMX, body, workbook_rows

pytestmark = pytest.mark.django_db


def test_a_small_list_is_still_exported_in_the_request(orders, clerk):
    orders(2)
    response = clerk.get(EXPORT)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert len(workbook_rows(body(response))) == 3
    assert not Export.objects.exists()


def test_the_toolbar_asks_through_htmx_and_a_small_list_sends_the_browser_to_the_file(orders, clerk):
    orders(2)
    response = clerk.get(f"{EXPORT}?order_type=online", headers=HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == f"{EXPORT}?order_type=online"
    assert not Export.objects.exists()


def test_a_large_list_asks_first_and_nothing_is_queued_by_a_get(orders, clerk, small_threshold):
    total = orders(5)
    dialog = clerk.get(EXPORT, headers=HTMX)
    html = dialog.content.decode()
    assert dialog.status_code == 200 and f"data-count>{total}</strong>" in html
    assert "将在后台生成" in html and f'hx-post="{EXPORT}"' in html
    page = clerk.get(EXPORT)  # without JavaScript: the same question as a page
    assert page.status_code == 200 and "提交导出任务" in page.content.decode()
    assert not Export.objects.exists()


def test_the_confirmed_export_is_built_by_the_worker_and_matches_the_list(
    orders, cast, clerk, small_threshold, settings, django_capture_on_commit_callbacks
):
    orders(7)
    query = "order_type=online&sort=submitted_at&page=2"
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(f"{EXPORT}?{query}", headers=HTMX)
    assert response.status_code == 204
    event = json.loads(response["HX-Trigger"])["anze:done"]
    assert event == {
        "message": "导出任务已提交，完成后可在下载中心下载",
        "refresh": False,
        "link": DOWNLOADS,
        "link_label": "前往下载中心",
    }
    export = Export.objects.get()
    assert export.status == ExportStatus.DONE and export.user == cast.clerk
    assert export.organisation == cast.insurer and export.label == "订单列表"
    assert export.filters == {"order_type": ["online"], "sort": ["submitted_at"]}  # the page is not a filter
    built = workbook_rows(body(clerk.get(f"{DOWNLOADS}{export.uuid}/file/")))
    settings.EXPORT_SYNC_ROWS = 5000
    listed = workbook_rows(body(clerk.get(f"{EXPORT}?{query}")))
    assert built == listed and len(built) - 1 == export.rows_total == export.rows_done > 2
    assert export.size > 0 and export.file.name == f"exports/{export.uuid.hex}.xlsx"


def test_without_javascript_the_confirmation_leads_to_the_download_centre(
    orders, clerk, small_threshold, django_capture_on_commit_callbacks
):
    orders(3)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(EXPORT, follow=True)
    assert response.redirect_chain[-1][0] == DOWNLOADS
    html = response.content.decode()  # the task runs when the transaction commits: after this page
    assert "导出任务已提交，完成后可在下载中心下载" in html and "订单列表" in html and "排队中" in html
    assert "已完成" in clerk.get(DOWNLOADS).content.decode()


def test_the_filters_captured_with_the_request_choose_the_rows(
    orders, clerk, small_threshold, django_capture_on_commit_callbacks
):
    orders(12)
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(f"{EXPORT}?tab=issued", headers=HTMX)
    export = Export.objects.get()
    header, *rows = workbook_rows(body(clerk.get(f"{DOWNLOADS}{export.uuid}/file/")))
    assert rows and {row[header.index("状态")] for row in rows} == {"已出函"}


def test_an_export_larger_than_a_sheet_is_still_refused(orders, clerk, small_threshold, monkeypatch):
    orders(4)
    monkeypatch.setattr("anze.core.exports.MAX_EXPORT_ROWS", 3)
    response = clerk.get(EXPORT, follow=True)
    assert "导出数据超过3条，请缩小查询范围后再导出" in response.content.decode()
    response = clerk.post(EXPORT, headers=HTMX)
    assert "导出数据超过3条" in json.loads(response["HX-Trigger"])["anze:error"]["message"]
    assert not Export.objects.exists()


def test_one_user_has_at_most_three_exports_in_progress(orders, clerk, small_threshold):
    orders(3)
    for _ in range(tasks.MAX_PENDING):  # without the commit, their tasks never run: they stay 排队中
        assert clerk.post(EXPORT, headers=HTMX).status_code == 204
    response = clerk.post(EXPORT, headers=HTMX)
    assert json.loads(response["HX-Trigger"])["anze:error"]["message"] == tasks.TOO_MANY_PENDING
    assert Export.objects.filter(status=ExportStatus.QUEUED).count() == tasks.MAX_PENDING


def test_the_export_still_needs_its_permission(orders, cast, small_threshold):
    from anze.core.testing import factories

    orders(3)
    viewer = cast.client(factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["order.view"])]))
    assert viewer.get(EXPORT).status_code == 403
    assert viewer.post(EXPORT).status_code == 403
    assert not Export.objects.exists()


def test_another_insurer_exports_its_own_orders_only(
    orders, cast, small_threshold, django_capture_on_commit_callbacks
):
    orders(5)
    other = cast.client(cast.other_clerk)
    assert other.get(EXPORT).status_code == 200  # nothing of its own: an empty sheet at once
    assert len(workbook_rows(body(other.get(EXPORT)))) == 1
    assert not Export.objects.exists()
