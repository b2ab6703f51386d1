"""The 导出 button of every list: small lists at once, large ones through the worker.

Each app's export view checks its permission and hands its registered kind (``anze.downloads.registry``) to
:func:`export_response`, which counts the rows the list would export (bounded, never the whole table):

- up to ``settings.EXPORT_SYNC_ROWS`` (ANZE_EXPORT_SYNC_ROWS, 5,000 unless set): the workbook is built now and
  downloaded, as it always was;
- more than ``core.exports.MAX_EXPORT_ROWS``: refused, with the message, back on the list;
- in between: the user is asked to confirm (a dialog; a page without JavaScript), and the confirmed POST
  queues the export for the worker and says where to find it (下载中心).

The toolbar's 导出 link asks through htmx first: a small export answers with a redirect to the same URL (the
browser then downloads the file and stays on the list), a large one with the dialog.
"""

from __future__ import annotations

from django.conf import settings
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core import exports
from anze.core.errors import Refused
from anze.core.http import MemberRequest
from anze.core.sides import side_namespace
from anze.core.views import done, render_form

from . import tasks
from .models import KEPT_FOR_HOURS
from .registry import ExportKind


def downloads_url(request: MemberRequest) -> str:
    return reverse(f"{side_namespace(request.user.side)}:downloads:list")


def export_response(request: MemberRequest, kind: ExportKind, *, back: str) -> HttpResponseBase:
    """The export of ``kind`` with the list's query string; ``back`` is the list's URL (without it)."""
    queryset = kind.select(request.user, request.GET)
    query = request.GET.urlencode()
    back = f"{back}?{query}" if query else back
    now_limit = min(settings.EXPORT_SYNC_ROWS, exports.MAX_EXPORT_ROWS)
    if request.method != "POST" and exports.bounded_count(queryset, now_limit) <= now_limit:
        return exports.xlsx_download(request, kind.label, kind.headers, kind.rows(queryset), kind.widths)
    count = exports.bounded_count(queryset, exports.MAX_EXPORT_ROWS)
    if message := exports.too_many_rows(count):
        return done(request, message, back, error=True)
    if request.method != "POST":
        return render_form(
            request,
            "downloads/export_confirm.html",
            {
                "title": f"导出{kind.label}",
                "kind": kind,
                "count": count,
                "sync_rows": now_limit,
                "kept_hours": KEPT_FOR_HOURS,
                "action": request.get_full_path(),
                "cancel_url": back,
            },
        )
    try:
        tasks.export_request(user=request.user, kind=kind, params=request.GET, rows_total=count)
    except Refused as exc:
        return done(request, exc.message, back, error=True)
    where = downloads_url(request)
    return done(request, tasks.SUBMITTED, where, refresh=False, link=(where, "前往下载中心"))
