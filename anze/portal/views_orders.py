"""投保申请 and 我的订单 of the enterprise portal. Each view parses with a form, fetches through the selectors (an
order of another enterprise is a 404) and calls the ``anze.orders.workflow`` function of the action, which
decides; nothing here changes an order itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from anze.accounts.models import User
from anze.core.access import requires
from anze.core.views import action_view, button_view, done, render_list
from anze.documents.responses import document_among, document_response
from anze.documents.uploadhandlers import upload_limit
from anze.orders import applications, workflow
from anze.orders import selectors as order_selectors
from anze.orders.models import Order, OrderStatus
from anze.orders.transitions import ORDER

from . import presenters, selectors
from .forms import ApplicationForm, ConfirmForm, OrderSearchForm, ReasonForm, VoucherForm

S = OrderStatus
document_upload_limit = upload_limit(lambda: settings.UPLOAD_MAX_BYTES)


def _url(name: str, *args: Any) -> str:
    return reverse(f"enterprise:orders:{name}", args=args or None)


def _detail_url(order: Order) -> str:
    return _url("detail", order.application_no)


def _action(
    request: HttpRequest, order: Order, action: str, *, template: str, context: dict[str, Any], **view: Any
) -> HttpResponse:
    """One of the enterprise's action dialogs on ``order`` (``core.views.action_view``). After it, done or
    refused, the order's page is reloaded with the toast — its state, buttons and timeline have changed;
    opening an action the order no longer allows (its state changed meanwhile) says why the same way."""
    return action_view(
        request,
        moved_on=lambda: ORDER.why_not(order, action, request.user),
        redirect_to=_detail_url(order),
        reload=True,
        template=template,
        context={"order": order, **context},
        **view,
    )


# --- 投保申请 -------------------------------------------------------------------------------------------------------
def _initial_for(user: User, source: Order | None) -> dict[str, Any]:
    """A new application starts from the enterprise's own data; a 续保 from the order it renews, with the new
    period following the old one."""
    enterprise = user.organisation
    tomorrow = timezone.localdate() + timedelta(days=1)
    if source is None:
        start, end = ApplicationForm.one_year_from(tomorrow)
        return {
            "project_name": enterprise.name,
            "project_address": enterprise.address,
            "contact_name": enterprise.contact_name or user.name,
            "contact_phone": enterprise.contact_phone or user.mobile,
            "expected_start": start,
            "expected_end": end,
        }
    # The new period follows the old one (or starts tomorrow when the old one has lapsed already).
    follows = source.period_end + timedelta(days=1) if source.period_end else tomorrow
    start, end = ApplicationForm.one_year_from(max(follows, tomorrow))
    return {
        "insurer": source.insurer_id if source.insurer.is_active else None,
        "project_name": source.project_name,
        "project_address": source.project_address,
        "headcount": source.headcount,
        "intended_items": list(source.intended_items.all()),
        "contact_name": source.contact_name,
        "contact_phone": source.contact_phone,
        "expected_start": start,
        "expected_end": end,
    }


def _initial_of_draft(draft: Order) -> dict[str, Any]:
    return {
        "insurer": draft.insurer_id,
        "project_name": draft.project_name,
        "project_address": draft.project_address,
        "headcount": draft.headcount,
        "expected_start": draft.expected_start,
        "expected_end": draft.expected_end,
        "intended_items": list(draft.intended_items.all()),
        "contact_name": draft.contact_name,
        "contact_phone": draft.contact_phone,
        "remark": draft.remark,
    }


def _application(form: ApplicationForm, renewal: Order | None = None) -> applications.Application:
    data = form.cleaned_data
    return applications.Application(
        insurer=data["insurer"],
        project_name=data["project_name"],
        project_address=data["project_address"],
        headcount=data["headcount"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        expected_start=data["expected_start"],
        expected_end=data["expected_end"],
        intended_items=list(data["intended_items"]),
        business_licence=form.upload("business_licence"),
        legal_id=form.upload("legal_id"),
        remark=data["remark"],
        documents_of=renewal,
    )


def _application_page(
    request: HttpRequest,
    *,
    draft: Order | None,
    initial: dict[str, Any],
    title: str,
    renewal: Order | None = None,
) -> HttpResponse:
    """The 投保申请 form, new or a draft: 保存草稿 keeps it for later, 提交 sends it to the insurer (待报价)."""
    submitting = "submit" in request.POST

    def saved(order: Order) -> str:
        if submitting:
            return f"投保申请已提交（申请编号 {order.application_no}），等待保险公司报价"
        return "草稿已保存，可在“我的订单”中继续编辑后提交"

    # The menu's 投保申请 is the crumb of a new application already; the others say what they are.
    crumb = "" if draft is None and renewal is None else title
    return action_view(
        request,
        form_class=ApplicationForm,
        form_kwargs={"draft": draft, "renewal": renewal, "submitting": submitting, "initial": initial},
        call=lambda form: applications.order_apply(
            actor=request.user, application=_application(form, renewal), submit=submitting, draft=draft
        ),
        success=saved,
        redirect_to=_detail_url,
        reload=True,
        template="portal/application_form.html",
        context={"draft": draft, "renewal": renewal, "title": title, "extra_crumb": crumb},
        page=True,
    )


@document_upload_limit
@requires("portal.apply")
def application_new(request: HttpRequest) -> HttpResponse:
    """投保申请; ``?renew=<申请编号>`` (the 续保 reminder) starts from that issued order."""
    source = None
    if request.GET.get("renew"):
        source = selectors.renewal_source(user=request.user, application_no=request.GET["renew"])
    title = "续保申请" if source else "投保申请"
    return _application_page(
        request, draft=None, initial=_initial_for(request.user, source), title=title, renewal=source
    )


@document_upload_limit
@requires("portal.apply")
def application_edit(request: HttpRequest, application_no: str) -> HttpResponse:
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    if order.status != S.DRAFT:
        # The words order_apply refuses a non-draft with.
        message = f"订单当前状态为“{order.get_status_display()}”，不能修改"
        return done(request, message, _detail_url(order), error=True, reload=True)
    return _application_page(
        request, draft=order, initial=_initial_of_draft(order), title=f"编辑投保申请 {order.application_no}"
    )


@require_POST
@requires("portal.apply")
def draft_submit(request: HttpRequest, application_no: str) -> HttpResponse:
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    return button_view(
        request,
        call=lambda: applications.order_submit(order=order, actor=request.user),
        success="投保申请已提交，等待保险公司报价",
        redirect_to=_detail_url(order),
        reload=True,
    )


@require_POST
@requires("portal.apply")
def draft_discard(request: HttpRequest, application_no: str) -> HttpResponse:
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    return button_view(
        request,
        call=lambda: applications.order_discard_draft(order=order, actor=request.user),
        success="草稿已删除",
        redirect_to=_url("list"),
        refused_to=_detail_url(order),
        reload=True,
        gone=True,
    )


# --- 我的订单 -------------------------------------------------------------------------------------------------------
@requires("portal.order.view")
def order_list(request: HttpRequest) -> HttpResponse:
    search = OrderSearchForm(request.GET)
    filters = {**search.values(), "tab": request.GET.get("tab", "")}
    listing = selectors.order_list(request, filters=filters)
    tabs = [("", "全部", listing.total)] + [
        (status, S(status).label, listing.counts[status]) for status in selectors.ENTERPRISE_STATUSES
    ]
    rows = [(order, presenters.actions(order, request.user)) for order in listing.page.rows]
    context = {
        "search": search,
        "listing": listing,
        "page": listing.page,
        "rows": rows,
        "tabs": tabs,
        "reason_labels": presenters.SHORT_REASON_LABELS,
    }
    return render_list(request, "portal/order_list.html", context)


@requires("portal.order.view")
def order_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    events = order_selectors.order_events(order)
    documents = order_selectors.order_documents(order, events)
    by_pk = {document.pk: document for document in documents.values()}
    files = {name: by_pk.get(getattr(order, f"{name}_id")) for name in order_selectors.DOCUMENT_FIELDS}
    service_counts = list(order.service_counts.select_related("item"))
    context = {
        "order": order,
        "files": files,
        "intended_items": list(order.intended_items.all()),
        "service_counts": service_counts,
        "timeline": presenters.timeline(events, documents),
        "actions": presenters.actions(order, request.user),
        "reason_label": presenters.REASON_LABELS.get(order.status, "") if order.last_reason else "",
        "extra_crumb": f"订单详情 {order.application_no}",
    }
    return render(request, "portal/order_detail.html", context)


@xframe_options_sameorigin  # the 上传付款凭证 dialog frames the payment notice
@requires("portal.order.view")
def order_file(
    request: HttpRequest, application_no: str, document_uuid: UUID, *, inline: bool
) -> HttpResponseBase:
    """A file of this order — its own documents and the earlier notices and vouchers of its timeline; any
    other UUID, of this enterprise or another, is a 404."""
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    document = document_among(order_selectors.order_documents(order).values(), document_uuid)
    return document_response(request, document, inline=inline)


# --- the enterprise's actions -------------------------------------------------------------------------------------
@requires("portal.order.act")
def confirm_quote(request: HttpRequest, application_no: str) -> HttpResponse:
    """确认报价: the dialog shows the whole quote; 确认 moves the order on (待上传付款通知书)."""
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    return _action(
        request,
        order,
        "confirm_quote",
        form_class=ConfirmForm,
        call=lambda form: workflow.order_confirm_quote(order=order, actor=request.user),
        success="已确认报价，请等待保险公司上传付款通知书",
        template="portal/confirm_quote.html",
        context={
            "service_counts": list(order.service_counts.select_related("item")),
            "title": f"确认报价（申请编号 {order.application_no}）",
        },
    )


@requires("portal.order.act")
def reject_quote(request: HttpRequest, application_no: str) -> HttpResponse:
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    return _action(
        request,
        order,
        "reject_quote",
        form_class=ReasonForm,
        form_kwargs={"label": "拒绝原因", "placeholder": "请说明拒绝的原因，如保费超出预算，将通知保险公司"},
        call=lambda form: workflow.order_reject_quote(
            order=order, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="已拒绝报价，保险公司可重新报价",
        template="portal/reason_form.html",
        context={
            "title": f"拒绝报价（申请编号 {order.application_no}）",
            "danger": True,
            "submit_label": "确定拒绝",
        },
    )


@document_upload_limit
@requires("portal.order.act")
def payment_voucher(request: HttpRequest, application_no: str) -> HttpResponse:
    """上传付款凭证 (PDF or image) → 待支付审核; again after a 驳回, whose reason the dialog shows."""
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    return _action(
        request,
        order,
        "upload_payment_voucher",
        form_class=VoucherForm,
        call=lambda form: workflow.order_upload_payment_voucher(
            order=order, actor=request.user, file=form.cleaned_data["file"]
        ),
        success="付款凭证已上传，等待保险公司支付审核",
        template="portal/voucher_form.html",
        context={"notice": order.payment_notice, "title": f"上传付款凭证（申请编号 {order.application_no}）"},
    )


@requires("portal.order.act")
def cancel(request: HttpRequest, application_no: str) -> HttpResponse:
    order = order_selectors.order_for(user=request.user, application_no=application_no)
    context = {
        "title": "取消订单",
        "question": f"是否确认取消订单 {order.application_no}（{order.project_name}）？取消后不能恢复，并将通知保险公司。",
        "danger": True,
        "submit_label": "确定取消订单",
    }
    return _action(
        request,
        order,
        "cancel",
        form_class=ReasonForm,
        form_kwargs={"label": "取消原因", "placeholder": "请输入取消原因，将通知保险公司"},
        call=lambda form: workflow.order_cancel(
            order=order, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="订单已取消",
        template="portal/reason_form.html",
        context=context,
    )
