"""The pages every import shares, called by each side's thin views (which declare the permission and fetch the
batch through ``selectors``): the upload page with the organisation's recent imports, the template download, the
batch's page — polled by htmx while the worker runs it — and its 错误说明 workbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from anze.core.http import MemberRequest
from anze.core.views import bind

from . import selectors, services
from .forms import ImportForm
from .models import ImportBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Pages:
    """Where one kind of import lives on its side: its title, the list it imports into, and its URLs."""

    kind: str
    title: str
    back_label: str
    back_url: str
    upload_url: str
    template_url: str
    detail_url: Callable[[ImportBatch], str]
    errors_url: Callable[[ImportBatch], str]
    guide: tuple[str, ...] = ()
    with_archive: bool = False


def upload_page(
    request: MemberRequest,
    pages: Pages,
    *,
    enqueue: Callable[[ImportBatch], Any],
    done_url: Callable[[ImportBatch], str] | None = None,
) -> HttpResponse:
    """GET: the steps, the upload form and the recent imports. POST: store the files, enqueue the importer's
    task, and go to the batch's page (which polls until the worker is done)."""
    form = bind(request, ImportForm, with_archive=pages.with_archive)
    if request.method == "POST" and form.is_valid():
        batch = services.batch_create(
            actor=request.user,
            kind=pages.kind,
            workbook=form.cleaned_data["workbook"],
            archive=form.cleaned_data.get("archive"),
        )
        enqueue(batch)
        return redirect(pages.detail_url(batch))
    context = {
        "pages": pages,
        "form": form,
        "recent": [
            (batch, pages.detail_url(batch))
            for batch in selectors.recent_batches(user=request.user, kind=pages.kind)
        ],
        "extra_crumb": pages.title,
    }
    return render(request, "imports/upload_page.html", context, status=422 if form.is_bound else 200)


def batch_page(
    request: HttpRequest, pages: Pages, batch: ImportBatch, *, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """The batch's status; its htmx poll gets only the status partial."""
    context = {
        "pages": pages,
        "batch": batch,
        "stalled": services.stalled(batch),
        "errors_url": pages.errors_url(batch) if batch.error_report else "",
        "lines": (batch.summary or {}).get("lines", []),
        "extra_crumb": f"{pages.title} · {batch.workbook_name}",
        **(extra or {}),
    }
    if getattr(request, "htmx", False):
        return render(request, "imports/batch_page.html#status", context)
    return render(request, "imports/batch_page.html", context)


def error_report(batch: ImportBatch) -> FileResponse:
    """The uploaded workbook with its 错误说明 column, named after the user's file."""
    if not batch.error_report:
        raise Http404("没有错误说明文件")
    stem = batch.workbook_name.rsplit(".", 1)[0].removesuffix("_错误说明") or "导入文件"
    return xlsx_download(batch.error_report.open("rb"), f"{stem}_错误说明.xlsx")


def template_download(data: bytes, title: str) -> FileResponse:
    return xlsx_download(BytesIO(data), f"{title}模板_{timezone.localtime():%Y%m%d}.xlsx")


def xlsx_download(handle: Any, filename: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
