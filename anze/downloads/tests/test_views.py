"""下载中心: on every side, the user's own exports only; the download and 删除 to their owner only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from anze.core.sides import SIDE_PREFIX, Side
from anze.core.testing import factories
from anze.downloads.models import Export, ExportStatus
from anze.downloads.testing import finished_export

from .support import DOWNLOADS, HTMX, body, workbook_rows

pytestmark = pytest.mark.django_db


def _file(export: Export) -> str:
    return f"{DOWNLOADS}{export.uuid}/file/"


def _delete(export: Export) -> str:
    return f"{DOWNLOADS}{export.uuid}/delete/"


def test_it_lists_the_users_own_exports_only(cast, clerk):
    mine = finished_export(cast.clerk, label="订单列表")
    colleague = factories.user(cast.insurer, admin=True)
    theirs = finished_export(colleague, label="保单列表")
    elsewhere = finished_export(cast.other_clerk, label="操作日志")
    html = clerk.get(DOWNLOADS).content.decode()
    assert str(mine.uuid) in html and str(theirs.uuid) not in html and str(elsewhere.uuid) not in html
    assert (
        "暂无导出记录"
        in cast.client(factories.user(cast.insurer, admin=True)).get(DOWNLOADS).content.decode()
    )


def test_it_downloads_the_file_with_the_lists_name(cast, clerk):
    export = finished_export(cast.clerk, label="订单列表", rows=4)
    response = clerk.get(_file(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    stamp = timezone.localtime(export.created_at).strftime("%Y%m%d%H%M%S")
    assert (
        f"{stamp}.xlsx" in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]
    )
    assert "%E8%AE%A2%E5%8D%95%E5%88%97%E8%A1%A8" in response["Content-Disposition"]  # 订单列表, RFC 5987
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert len(workbook_rows(body(response))) == 5


def test_another_users_export_is_not_found_even_in_the_same_organisation(cast):
    export = finished_export(cast.clerk)
    for user in (factories.user(cast.insurer, admin=True), cast.other_clerk):
        client = cast.client(user)
        assert client.get(_file(export)).status_code == 404
        assert client.post(_delete(export), headers=HTMX).status_code == 404
    assert Export.objects.filter(pk=export.pk).exists()


def test_another_side_is_forbidden_and_anonymous_is_sent_to_sign_in(cast):
    export = finished_export(cast.clerk)
    enterprise_admin = factories.user(factories.organisation(Side.ENTERPRISE), admin=True)
    foreign = cast.client(enterprise_admin)
    assert foreign.get(DOWNLOADS).status_code == 403 and foreign.get(_file(export)).status_code == 403
    response = cast.client(None).get(_file(export))
    assert response.status_code == 302 and response["Location"].startswith("/insurer/login/")


@pytest.mark.parametrize("status", [ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.FAILED])
def test_only_a_finished_export_is_served(cast, clerk, status):
    export = finished_export(cast.clerk)
    Export.objects.filter(pk=export.pk).update(status=status)
    assert clerk.get(_file(export)).status_code == 404
    assert "/file/" not in clerk.get(DOWNLOADS).content.decode()


def test_a_file_past_its_24_hours_is_not_served_even_before_the_sweep(cast, clerk):
    export = finished_export(cast.clerk, expires_at=timezone.now() - timedelta(seconds=1))
    assert clerk.get(_file(export)).status_code == 404


def test_a_missing_file_is_not_found_rather_than_an_error(cast, clerk):
    export = finished_export(cast.clerk)
    export.file.storage.delete(export.file.name)
    assert clerk.get(_file(export)).status_code == 404


def test_its_owner_deletes_an_export_and_its_file(cast, clerk, django_capture_on_commit_callbacks):
    export = finished_export(cast.clerk)
    name, storage = export.file.name, export.file.storage
    assert clerk.get(_delete(export)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(_delete(export), headers=HTMX)
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"])["anze:done"]["message"] == "删除成功"
    assert not Export.objects.exists() and not storage.exists(name)
    response = cast.client(cast.clerk).post(_delete(export))
    assert response.status_code == 404


def test_the_list_runs_a_constant_number_of_queries(cast, clerk, django_assert_max_num_queries):
    finished_export(cast.clerk)
    with django_assert_max_num_queries(10) as few:
        assert clerk.get(DOWNLOADS).status_code == 200
    for _ in range(24):
        finished_export(cast.clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = clerk.get(f"{DOWNLOADS}?size=50").content.decode()
    assert html.count("/file/") == 25


def test_every_side_has_its_download_centre_in_the_top_bar(db, client_for):
    for side in Side:
        client = client_for(factories.user(factories.organisation(side), admin=True))
        downloads = f"/{SIDE_PREFIX[side]}/downloads/"
        assert client.get(downloads).status_code == 200, side
        home = client.get(f"/{SIDE_PREFIX[side]}/").content.decode()
        assert f'href="{downloads}"' in home and 'id="anze-downloads"' in home, side
