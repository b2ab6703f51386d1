"""Every 导出 of every side, built by the worker, holds exactly what the same export built in the request holds:
one registry, one writer (core.exports.write_xlsx), the same query string read by the list's own form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from anze.claims import scenarios as claims
from anze.core.sides import SIDE_PREFIX, Side
from anze.core.testing import factories
from anze.downloads import registry
from anze.downloads.models import Export, ExportStatus
from anze.endorsements import scenarios as endorsements
from anze.policies import reversal
from anze.policies.models import Policy

from .support import HTMX, body, workbook_rows

pytestmark = pytest.mark.django_db
# Built in the request whatever its size: an organisation's own accounts (the accounts app is below the 下载中心),
# and the statistics pages' workbooks of aggregates (统计分析, 理赔统计: one row per insurer, 区县, 行业, month).
IN_THE_REQUEST_ONLY = ("/system/users/export/", "statistics/export/")


def _export_urls() -> list[str]:
    def routes(patterns: list, prefix: str = "") -> list[str]:
        found = []
        for entry in patterns:
            if isinstance(entry, URLResolver):
                found += routes(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and str(entry.pattern).endswith("export/"):
                found.append("/" + prefix + str(entry.pattern))
        return found

    return routes(get_resolver().url_patterns)


def test_every_export_built_by_the_worker_equals_the_one_built_in_the_request(
    cast, settings, django_capture_on_commit_callbacks
):
    cast.policy()  # an issued order and its policy, with their operation-log entries
    claims.report(cast.policy(), cast.applicant)  # 理赔案件 of three sides
    reversal.reversal_request(policy=cast.policy(), actor=cast.clerk, reason="保单信息录入错误")  # 冲正记录
    endorsements.apply(cast.policy(), cast.applicant)  # 批改 of two sides
    behind = cast.policy()  # 服务费使用滞后: nothing spent, 10 days left
    today = timezone.localdate()
    Policy.objects.filter(pk=behind.pk).update(
        period_start=today - timedelta(days=355), period_end=today + timedelta(days=10)
    )
    regulator = factories.user(factories.organisation(Side.REGULATOR), admin=True)
    users = {
        Side.INSURER: cast.clerk,
        Side.ENTERPRISE: cast.applicant,
        Side.SERVICE_ORG: cast.org_admin,
        Side.REGULATOR: regulator,
        Side.PLATFORM: cast.platform_admin,
    }
    checked: dict[str, int] = {}
    for side, user in users.items():
        client = cast.client(user)
        for url in _export_urls():
            if not url.startswith(f"/{SIDE_PREFIX[side]}/") or url.endswith(IN_THE_REQUEST_ONLY):
                continue
            settings.EXPORT_SYNC_ROWS = 5000
            listed = workbook_rows(body(client.get(url)))
            settings.EXPORT_SYNC_ROWS = 0
            Export.objects.all().delete()
            with django_capture_on_commit_callbacks(execute=True):
                assert client.post(url, headers=HTMX).status_code == 204, url
            export = Export.objects.get()
            assert export.status == ExportStatus.DONE, (url, export.error)
            built = workbook_rows(body(client.get(f"/{SIDE_PREFIX[side]}/downloads/{export.uuid}/file/")))
            assert built == listed, url
            checked[f"{url} ({export.kind})"] = len(built) - 1
    kinds = {name.split("(")[1].rstrip(")") for name in checked}
    assert kinds == {kind.key for kind in registry.kinds()}  # every registered kind, none forgotten
    assert all(checked.values()), checked  # and each with rows to compare
