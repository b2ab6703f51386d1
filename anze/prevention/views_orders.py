"""服务机构端 · 服务订单: the policies assigned to the organisation (接受 / 拒绝), their 服务计划 and 服务记录."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.forms import check_readable, readable
from anze.core.pagination import bounded_paginate, paginate
from anze.core.views import action_view, button_view, done, render_list
from anze.documents.responses import document_among, document_response
from anze.documents.uploadhandlers import video_upload_limit
from anze.policies import workflow as policy_workflow
from anze.policies.models import Policy, ServiceStatus

from . import archive, checks, presenters, records, selectors, services
from .forms import PlanForm, ReasonForm, RecordForm, RecordSearchForm, ServiceOrderSearchForm
from .models import RecordStatus, ServiceRecord
from .views_inspections import attach_view


def _list_url() -> str:
    return reverse("service:service_orders:list")


def _detail_url(policy: Policy) -> str:
    return reverse("service:service_orders:detail", args=[policy.order.application_no])


def _record_url(record: ServiceRecord) -> str:
    return reverse("service:service_orders:record", args=[record.uuid])


# --- 服务订单 ---------------------------------------------------------------------------------------------------
TABS = (
    ("", "全部"),
    *((s.value, s.label) for s in (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)),
)


@requires("service.order.view")
def order_list(request: HttpRequest) -> HttpResponse:
    search = ServiceOrderSearchForm(request.GET)
    tab = request.GET.get("tab", "")
    tab = tab if tab in selectors.ASSIGNED else ""
    counts = selectors.assigned_counts(user=request.user)
    filters = search.values()
    rows = selectors.assigned_list(user=request.user, filters=filters, tab=tab)
    if any(filters.values()):  # searched: counted no further than needed (共 10000+ 条)
        page = bounded_paginate(request, rows)
    else:  # the tab's own count, already counted
        page = paginate(request, rows, count=counts[tab] if tab else sum(counts.values()))
    presenters.service_order_rows(page.rows, request.user)
    tabs = [(value, label, sum(counts.values()) if not value else counts[value]) for value, label in TABS]
    return render_list(
        request,
        "prevention/order_list.html",
        {"search": search, "page": page, "tab": tab, "tabs": tabs},
    )


@requires("service.order.view")
def order_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    context = {
        "policy": policy,
        "order": policy.order,
        **presenters.service_order_buttons(policy, request.user),
        "extra_crumb": f"订单详情 {policy.policy_no}",
        **archive.context(policy, request.user),
    }
    return render(request, "prevention/order_detail.html", context)


@require_POST
@requires("service.order.respond")
def order_accept(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    return button_view(
        request,
        call=lambda: policy_workflow.policy_accept_service(policy=policy, actor=request.user),
        success="已接受，服务开始",
        redirect_to=_detail_url(policy),
    )


@requires("service.order.respond")
def order_decline(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    return action_view(
        request,
        form_class=ReasonForm,
        form_kwargs={"label": "拒绝原因"},
        call=lambda form: policy_workflow.policy_decline_service(
            policy=policy, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="已拒绝，保单已退回保险公司",
        redirect_to=_list_url(),
        # The policy goes back to the insurer: its detail page is no longer this organisation's to see.
        gone=True,
        template="prevention/reason_form.html",
        context={
            "title": f"拒绝服务 · 保单 {policy.policy_no}",
            "cancel_url": _detail_url(policy),
            "hint": "拒绝后该保单将退回保险公司重新指定服务机构，本机构不再能查看。",
        },
    )


@xframe_options_sameorigin
@requires("service.order.view")
def order_file(request: HttpRequest, application_no: str, document_uuid: str) -> HttpResponseBase:
    """A file of the policy's service archive (report, photo, video with Range for seeking)."""
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    document = document_among(selectors.archive_documents(policy), document_uuid)
    return document_response(request, document, inline=request.GET.get("inline") == "1")


# --- 服务计划 ---------------------------------------------------------------------------------------------------
def _plan_view(
    request: HttpRequest, policy: Policy, *, call: Any, success: str, title: str, initial: Any = None
) -> HttpResponse:
    def recheck(form: PlanForm) -> None:
        """Other fields are wrong: the 计划日期 and 服务人员 that could be read are checked too (one pass)."""
        values = readable(form)
        check_readable(
            form,
            checks.check_day_and_staff,
            policy=policy,
            org_id=request.user.organisation_id,
            day=values.get("planned_on"),
            staff=list(values.get("staff") or []),
            field="planned_on",
            label="计划日期",
            future=True,
        )

    return action_view(
        request,
        form_class=PlanForm,
        form_kwargs={"user": request.user, "policy": policy, "initial": initial},
        call=call,
        recheck=recheck,
        success=success,
        redirect_to=_detail_url(policy),
        template="prevention/plan_form.html",
        context={"title": title, "policy": policy, "cancel_url": _detail_url(policy)},
    )


@requires("service.plan.manage")
def plan_add(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    return _plan_view(
        request,
        policy,
        call=lambda form: services.plan_add(policy=policy, actor=request.user, data=form.data_object()),
        success="计划已新增",
        title="新增服务计划",
    )


@requires("service.plan.manage")
def plan_edit(request: HttpRequest, application_no: str, pk: int) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    visit = selectors.planned_visit_for(user=request.user, policy=policy, pk=pk)
    initial = {
        "item": visit.item_id,
        "planned_on": visit.planned_on,
        "content": visit.content,
        "staff": [s.pk for s in visit.staff.all()],
    }
    return _plan_view(
        request,
        policy,
        call=lambda form: services.plan_update(visit=visit, actor=request.user, data=form.data_object()),
        success="计划已修改",
        title="编辑服务计划",
        initial=initial,
    )


@require_POST
@requires("service.plan.manage")
def plan_remove(request: HttpRequest, application_no: str, pk: int) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    visit = selectors.planned_visit_for(user=request.user, policy=policy, pk=pk)
    return button_view(
        request,
        call=lambda: services.plan_remove(visit=visit, actor=request.user),
        success="计划已删除",
        redirect_to=_detail_url(policy),
    )


# --- 服务记录 ---------------------------------------------------------------------------------------------------
@requires("service.record.manage")
def record_list(request: HttpRequest) -> HttpResponse:
    search = RecordSearchForm(request.GET)
    status = request.GET.get("status", "")
    base = selectors.records_for(user=request.user)
    filtered = selectors.filter_records(base, search.values())
    counts = selectors.record_counts(filtered)
    page = paginate(request, selectors.filter_records(filtered, {"status": status}))
    tabs = [("", "全部", sum(counts.values()))] + [(s.value, s.label, counts[s.value]) for s in RecordStatus]
    return render_list(
        request,
        "prevention/record_list.html",
        {
            "search": search,
            "page": page,
            "tab": status if status in RecordStatus.values else "",
            "tabs": tabs,
        },
    )


def _record_view(
    request: HttpRequest,
    policy: Policy,
    *,
    call: Any,
    success: str,
    title: str,
    form_kwargs: dict[str, Any] | None = None,
    **extra: object,
) -> HttpResponse:
    """A record's form is a page: a 200 MB video goes with it, streamed to disk by the upload handler."""

    def recheck(form: RecordForm) -> None:
        """Other fields are wrong: the 服务日期 and 服务人员 that could be read are checked too (one pass)."""
        values = readable(form)
        check_readable(
            form,
            records.check_record,
            policy=policy,
            org_id=request.user.organisation_id,
            served_on=values.get("served_on"),
            staff=list(values.get("staff") or []),
            cost=values.get("cost"),
        )

    return action_view(
        request,
        form_class=RecordForm,
        form_kwargs={"user": request.user, "policy": policy, **(form_kwargs or {})},
        call=call,
        recheck=recheck,
        success=success,
        redirect_to=_record_url,
        template="prevention/record_form.html",
        context={"title": title, "policy": policy, "extra_crumb": title, **extra},
        page=True,
    )


@video_upload_limit
@requires("service.record.manage")
def record_add(request: HttpRequest, application_no: str) -> HttpResponse:
    """新增服务记录."""
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    return _record_view(
        request,
        policy,
        call=lambda form: records.record_create(policy=policy, actor=request.user, data=form.data_object()),
        success="服务记录已保存，等待企业确认",
        title="新增服务记录",
    )


@requires("service.order.view")
def record_detail(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    return render(request, "prevention/record_detail.html", archive.record_context(record, request.user))


@video_upload_limit
@requires("service.record.manage")
def record_edit(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    if record.status == RecordStatus.CONFIRMED:
        return done(
            request, "已确认的服务记录不能修改，如需更正请新增更正记录", _record_url(record), error=True
        )

    def update(form: RecordForm) -> ServiceRecord:
        return records.record_update(record=record, actor=request.user, data=form.data_object())

    return _record_view(
        request,
        record.policy,
        call=update,
        success="服务记录已修改，等待企业重新确认",
        title="修改服务记录",
        form_kwargs={
            "fixed_item": record.item if record.corrects_id else None,
            "initial": RecordForm.initial_for(record),
        },
        record=record,
    )


@video_upload_limit
@requires("service.record.manage")
def record_correct(request: HttpRequest, record_uuid: str) -> HttpResponse:
    """新增更正记录: a new record linked to a confirmed one, which stays as it was (archive)."""
    original = selectors.record_for(user=request.user, record_uuid=record_uuid)
    if original.status != RecordStatus.CONFIRMED or original.corrects_id:
        raise Http404("只能更正已确认的原始记录")
    return _record_view(
        request,
        original.policy,
        call=lambda form: records.record_create(
            policy=original.policy, actor=request.user, data=form.data_object(), corrects=original
        ),
        success="更正记录已保存，等待企业确认",
        title="新增更正记录",
        form_kwargs={"fixed_item": original.item, "initial": RecordForm.initial_for(original)},
        corrects=original,
    )


@video_upload_limit
@requires("service.record.manage")
def record_attach(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    return attach_view(
        request,
        add=lambda **upload: records.record_add_attachment(record=record, **upload),
        back=_record_url(record),
        title="上传附件",
    )
