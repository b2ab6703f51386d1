"""高危行业企业名录 on the regulator's side (/regulator/register/, ``regulator:supervision:register…``): the
register's list, its import (the pages are ``anze.imports``', the importer ``register``) and 移出名录. A
regulator sees and changes its own register only; another's entry or import is a 404."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import button_view, render_list
from anze.documents.uploadhandlers import upload_limit
from anze.imports import selectors as imports
from anze.imports import views as pages
from anze.imports.forms import WORKBOOK_MAX_BYTES
from anze.imports.models import ImportBatch, ImportKind

from . import register
from .forms import RegisterSearch

KIND = ImportKind.REGISTER


def _list_url() -> str:
    return reverse("regulator:supervision:register_list")


def _pages() -> pages.Pages:
    return pages.Pages(
        kind=KIND,
        title="高危行业企业名录导入",
        back_label="返回企业名录",
        back_url=_list_url(),
        upload_url=reverse("regulator:supervision:register_import"),
        template_url=reverse("regulator:supervision:register_template"),
        detail_url=lambda batch: reverse("regulator:supervision:register_import_detail", args=[batch.uuid]),
        errors_url=lambda batch: reverse("regulator:supervision:register_import_errors", args=[batch.uuid]),
        guide=(
            "只能导入本部门辖区内的企业；再次导入时按统一社会信用代码更新，不会重复。导入后“应保尽保”列出名录中的每一家企业"
            "及其投保状态，包括尚未在平台注册的企业。",
        ),
    )


@requires("regulator.view")
def register_list(request: HttpRequest) -> HttpResponse:
    search = RegisterSearch(request.GET, user=request.user)
    entries = register.search_register(user=request.user, filters=search.values())
    page = paginate(request, entries.select_related("industry", "region"))
    context = {"search": search, "page": page}
    return render_list(request, "regulator/register_list.html", context)


@upload_limit(WORKBOOK_MAX_BYTES)
@requires("regulator.register_import")
def register_import(request: HttpRequest) -> HttpResponse:
    return pages.upload_page(request, _pages(), enqueue=register.enqueue)


@requires("regulator.register_import")
def register_template(request: HttpRequest) -> FileResponse:
    return pages.template_download(register.template(request.user), "高危行业企业名录")


def _batch(request: HttpRequest, uuid: UUID) -> ImportBatch:
    return imports.batch_for(user=request.user, kind=KIND, uuid=uuid)


@requires("regulator.register_import")
def register_import_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    batch = _batch(request, uuid)
    cover = reverse("regulator:supervision:cover_list")
    extra = {"done_url": cover, "done_label": "查看应保尽保"}
    return pages.batch_page(request, _pages(), batch, extra=extra)


@requires("regulator.register_import")
def register_import_errors(request: HttpRequest, uuid: UUID) -> FileResponse:
    return pages.error_report(_batch(request, uuid))


@requires("regulator.register_import")
def register_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = register.register_entry(user=request.user, pk=pk)
    return button_view(
        request,
        call=lambda: register.register_remove(actor=request.user, entry=entry),
        success=f"已将{entry.name}移出名录",
        redirect_to=_list_url(),
        confirm={
            "title": "移出名录",
            "question": f"是否确认将“{entry.name}”（{entry.credit_code}）移出名录？",
        },
    )
