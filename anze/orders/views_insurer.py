"""订单管理 of the insurer back office (docs/spec/user-manual.txt §3.1): the list, 查看详情, its files, and one dialog
per workflow action. Each view parses with a form, fetches through ``selectors`` (another insurer's order is a
404) and calls the ``workflow`` function of the action, which decides; nothing here changes an order
itself."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from anze.core.access import requires
from anze.core.views import action_view, render_form, render_list
from anze.documents.responses import document_among, document_response
from anze.documents.uploadhandlers import upload_limit
from anze.downloads.responses import export_response

from . import exports, offline, presenters, selectors, workflow
from .forms import (
    CancelForm,
    OfflineOrderForm,
    OrderSearchForm,
    PaymentNoticeForm,
    PaymentReviewForm,
    QuoteForm,
    order_search,
)
from .models import INSURER_STATUSES, Order, OrderStatus
from .transitions import ORDER

# Uploads stop being stored past the 10 MB limit; the form then says so beside the field (documents app).
document_upload_limit = upload_limit(lambda: settings.UPLOAD_MAX_BYTES)


def _url(name: str, *args: Any) -> str:
    return reverse(f"insurer:orders:{name}", args=args or None)


def _list_url() -> str:
    return _url("list")


def _action(
    request: HttpRequest, order: Order, action: str, *, template: str, context: dict[str, Any], **view: Any
) -> HttpResponse:
    """One of the insurer's action dialogs on ``order`` (``core.views.action_view``). Opening an action the
    order no longer allows (another clerk was quicker) says why and refreshes the list; success goes back to
    the list."""
    return action_view(
        request,
        moved_on=lambda: ORDER.why_not(order, action, request.user),
        refused_to=_url("detail", order.application_no),
        redirect_to=_list_url(),
        template=template,
        context={"order": order, **context},
        **view,
    )


def search_filters(request: HttpRequest) -> tuple[OrderSearchForm, dict[str, Any]]:
    """The list's search form and its filters with the tab and the sort (the list, its export, the bench)."""
    return order_search(request.GET)


# --- the list ----------------------------------------------------------------------------------------------
@requires("order.view")
def order_list(request: HttpRequest) -> HttpResponse:
    search, filters = search_filters(request)
    listing = selectors.insurer_order_list(request, filters=filters)
    rows = presenters.list_rows(listing.page.rows, request.user)
    tabs = [("", "全部", listing.shown(""))] + [
        (status, OrderStatus(status).label, listing.shown(status)) for status in INSURER_STATUSES
    ]
    context = {
        "search": search,
        "listing": listing,
        "page": listing.page,
        "rows": rows,
        "tabs": tabs,
    }
    return render_list(request, "orders/order_list.html", context)


@requires("order.export")
def order_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, exports.INSURER_ORDERS, back=_list_url())


# --- one order -----------------------------------------------------------------------------------------------
@requires("order.view")
def order_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    events = selectors.order_events(order)
    documents = selectors.order_documents(order, events)
    by_pk = {document.pk: document for document in documents.values()}
    files = {name: by_pk.get(getattr(order, f"{name}_id")) for name in selectors.DOCUMENT_FIELDS}
    entries = presenters.timeline(events, documents, presenters.timeline_sms(events))
    vouchers = [
        entry for entry in entries if entry.event.action == "upload_payment_voucher" and entry.document
    ]
    context = {
        "order": order,
        "files": files,
        "vouchers": vouchers,
        "intended_items": list(order.intended_items.all()),
        "service_counts": list(order.service_counts.select_related("item")),
        "timeline": entries,
        "actions": presenters.row_actions(order, request.user),
        "reason_label": presenters.REASON_LABELS.get(order.status, ""),
        "extra_crumb": f"订单详情 {order.application_no}",
    }
    return render(request, "orders/order_detail.html", context)


@xframe_options_sameorigin  # the payment review dialog frames the voucher
@requires("order.view")
def order_file(
    request: HttpRequest, application_no: str, document_uuid: UUID, *, inline: bool
) -> HttpResponseBase:
    """A file of this order — its own documents and earlier payment vouchers only; any other UUID is 404."""
    order = selectors.order_for(user=request.user, application_no=application_no)
    document = document_among(selectors.order_documents(order).values(), document_uuid)
    return document_response(request, document, inline=inline)


@requires("order.view")
def order_policy(request: HttpRequest, application_no: str) -> HttpResponse:
    """查看保单信息 of an issued order: its policy number, period and the three files."""
    order = selectors.order_for(user=request.user, application_no=application_no)
    if order.status != OrderStatus.ISSUED:
        raise Http404("该订单尚未出函")
    documents = selectors.order_documents(order, events=[])
    by_pk = {document.pk: document for document in documents.values()}
    files = [
        (label, by_pk.get(getattr(order, f"{name}_id")))
        for name, label in (
            ("policy_file", "保单文件"),
            ("invoice_file", "发票文件"),
            ("contract_file", "合同文件"),
        )
    ]
    context = {"order": order, "files": files, "title": "保单信息", "cancel_url": _list_url()}
    return render_form(request, "orders/policy_info.html", context)


# --- the insurer's actions -------------------------------------------------------------------------------------
@requires("order.quote")
def order_quote(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    return _action(
        request,
        order,
        "quote",
        form_class=QuoteForm,
        form_kwargs={"order": order},
        call=lambda form: workflow.order_quote(order=order, actor=request.user, scheme=form.scheme()),
        success="报价成功，已通知投保企业确认报价",
        template="orders/quote_form.html",
        context={"title": f"报价（申请编号 {order.application_no}）", **presenters.order_materials(order)},
    )


@document_upload_limit
@requires("order.payment_notice")
def order_payment_notice(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    return _action(
        request,
        order,
        "upload_payment_notice",
        form_class=PaymentNoticeForm,
        call=lambda form: workflow.order_upload_payment_notice(
            order=order,
            actor=request.user,
            file=form.cleaned_data["file"],
        ),
        success="付款通知书已上传，已通知投保企业付款",
        template="orders/payment_notice_form.html",
        context={"title": f"上传付款通知书（申请编号 {order.application_no}）"},
    )


@requires("order.payment_review")
def order_payment_review(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)

    def review(form: PaymentReviewForm) -> bool:
        approve = form.cleaned_data["decision"] == PaymentReviewForm.APPROVE
        if approve:
            workflow.order_approve_payment(order=order, actor=request.user)
        else:
            workflow.order_reject_payment(
                order=order,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        return approve

    return _action(
        request,
        order,
        "approve_payment",
        form_class=PaymentReviewForm,
        call=review,
        success=lambda approved: (
            "支付审核已通过，请尽快出函" if approved else "已驳回，已通知投保企业重新上传付款凭证"
        ),
        template="orders/payment_review_form.html",
        context={"title": f"支付审核（申请编号 {order.application_no}）", "voucher": order.payment_voucher},
    )


@requires("order.cancel")
def order_cancel(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    return _action(
        request,
        order,
        "cancel",
        form_class=CancelForm,
        call=lambda form: workflow.order_cancel(
            order=order,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        ),
        success="订单已取消",
        template="orders/cancel_form.html",
        context={"title": "取消订单"},
    )


@document_upload_limit
@requires("order.offline_create")
def order_create_offline(request: HttpRequest) -> HttpResponse:

    def create(form: OfflineOrderForm) -> Order:
        data = form.cleaned_data
        return offline.order_create_offline(
            actor=request.user,
            application=offline.OfflineApplication(
                applicant_name=data["applicant_name"],
                applicant_credit_code=data["applicant_credit_code"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                project_name=data["project_name"],
                project_address=data["project_address"],
                region=data["region"],
                industry=data["industry"],
                headcount=data["headcount"],
                remark=data["remark"],
                **form.materials_for_workflow(),
            ),
        )

    return action_view(
        request,
        form_class=OfflineOrderForm,
        call=create,
        success=lambda order: f"新增成功，申请编号 {order.application_no}，请进行保单信息补录",
        redirect_to=_list_url(),
        template="orders/offline_order_form.html",
        context={"title": "新增线下订单"},
    )
