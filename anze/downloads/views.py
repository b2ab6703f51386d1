"""下载中心 on every side: the user's own exports, their progress, the download and 删除."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_POST

from anze.core import catalogue
from anze.core.access import requires
from anze.core.exports import XLSX_CONTENT_TYPE, xlsx_filename
from anze.core.http import MemberRequest
from anze.core.pagination import paginate
from anze.core.views import button_view, render_list

from . import selectors, tasks
from .models import KEPT_FOR_HOURS
from .responses import downloads_url

# Bytes read from the storage at a time when serving a file (FileResponse's default is 4 KB).
BLOCK = 256 * 1024


@requires(catalogue.SIGNED_IN)
def export_list(request: MemberRequest) -> HttpResponse:
    page = paginate(request, selectors.exports_for(user=request.user))
    context = {
        "page": page,
        "pending": any(export.is_pending for export in page.rows),
        "kept_hours": KEPT_FOR_HOURS,
    }
    return render_list(request, "downloads/export_list.html", context)


@requires(catalogue.SIGNED_IN)
def export_download(request: MemberRequest, export_uuid: UUID) -> HttpResponseBase:
    """The file, to its owner only, while it is kept; streamed from the storage a block at a time."""
    export = selectors.export_for(user=request.user, export_uuid=export_uuid)
    if not export.is_downloadable():
        raise Http404("导出文件不存在或已过期")
    try:
        handle = export.file.storage.open(export.file.name, "rb")
    except FileNotFoundError:
        raise Http404("导出文件不存在或已过期") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=xlsx_filename(export.label, export.created_at),
        content_type=XLSX_CONTENT_TYPE,
    )
    response.block_size = BLOCK
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@requires(catalogue.SIGNED_IN)
def export_delete(request: MemberRequest, export_uuid: UUID) -> HttpResponse:
    export = selectors.export_for(user=request.user, export_uuid=export_uuid)
    return button_view(
        request,
        call=lambda: tasks.export_delete(export=export),
        success="删除成功",
        redirect_to=downloads_url(request),
    )
