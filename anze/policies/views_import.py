"""线下订单批量导入 in the insurer's 订单管理 (/insurer/orders/import/, ``insurer:orders:import…``): the upload
page, the template, an import's page (polled while the worker runs it) and its 错误说明 workbook. The pages are
``anze.imports``'; the importer is ``offline_import``. Another insurer's import is a 404."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse

from anze.core.access import requires
from anze.documents.uploadhandlers import upload_limit
from anze.imports import selectors
from anze.imports import views as pages
from anze.imports.forms import ARCHIVE_MAX_BYTES
from anze.imports.models import ImportBatch, ImportKind

from . import offline_import

KIND = ImportKind.OFFLINE_ORDERS


def _pages() -> pages.Pages:
    return pages.Pages(
        kind=KIND,
        title="线下订单批量导入",
        back_label="返回订单列表",
        back_url=reverse("insurer:orders:list"),
        upload_url=reverse("insurer:orders:import"),
        template_url=reverse("insurer:orders:import_template"),
        detail_url=lambda batch: reverse("insurer:orders:import_detail", args=[batch.uuid]),
        errors_url=lambda batch: reverse("insurer:orders:import_errors", args=[batch.uuid]),
        guide=(
            "只填订单信息的行导入为“待出函”的线下订单；同时填写保单编号、保险方案与三个PDF文件名的行导入后直接出函，"
            "并短信通知投保联系人。PDF打包为一个.zip与表格一同上传。",
        ),
        with_archive=True,
    )


@upload_limit(ARCHIVE_MAX_BYTES)
@requires(offline_import.PERMISSION)
def import_upload(request: HttpRequest) -> HttpResponse:
    return pages.upload_page(request, _pages(), enqueue=offline_import.enqueue)


@requires(offline_import.PERMISSION)
def import_template(request: HttpRequest) -> FileResponse:
    return pages.template_download(offline_import.template(), "线下订单导入")


def _batch(request: HttpRequest, uuid: UUID) -> ImportBatch:
    return selectors.batch_for(user=request.user, kind=KIND, uuid=uuid)


@requires(offline_import.PERMISSION)
def import_detail(request: HttpRequest, uuid: UUID) -> HttpResponse:
    batch = _batch(request, uuid)
    done = f"{reverse('insurer:orders:list')}?order_type=offline"
    return pages.batch_page(request, _pages(), batch, extra={"done_url": done, "done_label": "查看线下订单"})


@requires(offline_import.PERMISSION)
def import_errors(request: HttpRequest, uuid: UUID) -> FileResponse:
    return pages.error_report(_batch(request, uuid))
