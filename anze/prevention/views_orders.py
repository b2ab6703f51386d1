"""服务机构端 · 服务订单: the policies assigned to the organisation (接受 / 拒绝), their 服务计划 and 服务记录."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from anze.accounts.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal, check_readable, readable
from anze.core.pagination import paginate
from anze.core.views import INVALID, done, refused, render_form, render_list
from anze.documents.responses import document_among, document_response
from anze.documents.uploadhandlers import video_upload_limit
from anze.policies import workflow as policy_workflow
from anze.policies.models import Policy, ServiceStatus
from anze.policies.progress import progress_for, totals

from . import archive, checks, records, selectors, services
from .forms import AttachmentForm, PlanForm, ReasonForm, RecordForm, RecordSearchForm, ServiceOrderSearchForm
from .models import RecordStatus, ServiceRecord


def _list_url() -> str:
    return reverse("service:service_orders:list")


def _detail_url(policy: Policy) -> str:
    return reverse("service:service_orders:detail", args=[policy.order.application_no])


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
    qs = selectors.search_assigned(selectors.assigned_policies(user=request.user), search.values())
    if tab:
        qs = qs.filter(service_status=tab)
    qs = qs.select_related("order", "insurer", "enterprise").order_by("-service_assigned_at", "-id")
    page = paginate(request, qs)
    progress = progress_for(page.rows)
    for policy in page.rows:
        policy.progress = progress[policy.pk]
        policy.done, policy.contracted = totals(policy.progress)
    tabs = [(value, label, sum(counts.values()) if not value else counts[value]) for value, label in TABS]
    return render_list(
        request,
        "prevention/order_list.html",
        {"search": search, "page": page, "tab": tab, "tabs": tabs},
    )


@requires("service.order.view")
def order_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    user = request.user
    in_service = policy.service_status == ServiceStatus.IN_SERVICE
    no = policy.order.application_no
    context = {
        "policy": policy,
        "order": policy.order,
        "can_accept": policy_workflow.SERVICE.can(policy, "accept", user),
        "can_decline": policy_workflow.SERVICE.can(policy, "decline", user),
        "plan_add_url": reverse("service:service_orders:plan_add", args=[no])
        if in_service and user.has_perm_code("service.plan.manage")
        else "",
        "record_add_url": reverse("service:service_orders:record_add", args=[no])
        if in_service and user.has_perm_code("service.record.manage")
        else "",
        "inspection_add_url": f"{reverse('service:inspections:add')}?policy={policy.pk}"
        if in_service and user.has_perm_code("service.inspection.manage")
        else "",
        "extra_crumb": f"订单详情 {policy.policy_no}",
        **archive.context(policy, user),
    }
    return render(request, "prevention/order_detail.html", context)


@require_POST
@requires("service.order.respond")
def order_accept(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    try:
        policy_workflow.policy_accept_service(policy=policy, actor=request.user)
    except Refused as exc:
        return refused(request, exc.message, _detail_url(policy))
    return done(request, "已接受，服务开始", _detail_url(policy))


@requires("service.order.respond")
def order_decline(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    form = ReasonForm(request.POST if request.method == "POST" else None, label="拒绝原因")
    if request.method == "POST" and form.is_valid():
        try:
            policy_workflow.policy_decline_service(
                policy=policy, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            # The policy goes back to the insurer: its detail page is no longer this organisation's to see.
            return done(request, "已拒绝，保单已退回保险公司", _list_url(), gone=True)
    return render_form(
        request,
        "prevention/reason_form.html",
        {
            "form": form,
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
def _plan_form(request: HttpRequest, policy: Policy, form: PlanForm, title: str) -> HttpResponse:
    return render_form(
        request,
        "prevention/plan_form.html",
        {"form": form, "title": title, "policy": policy, "cancel_url": _detail_url(policy)},
    )


def _check_readable_plan(form: PlanForm, request: HttpRequest, policy: Policy) -> None:
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


@requires("service.plan.manage")
def plan_add(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    form = PlanForm(request.POST if request.method == "POST" else None, user=request.user, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_add(policy=policy, actor=request.user, data=form.data_object())
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "计划已新增", _detail_url(policy))
    elif request.method == "POST":
        _check_readable_plan(form, request, policy)
    return _plan_form(request, policy, form, "新增服务计划")


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
    form = PlanForm(
        request.POST if request.method == "POST" else None, user=request.user, policy=policy, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(visit=visit, actor=request.user, data=form.data_object())
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "计划已修改", _detail_url(policy))
    elif request.method == "POST":
        _check_readable_plan(form, request, policy)
    return _plan_form(request, policy, form, "编辑服务计划")


@require_POST
@requires("service.plan.manage")
def plan_remove(request: HttpRequest, application_no: str, pk: int) -> HttpResponse:
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    visit = selectors.planned_visit_for(user=request.user, policy=policy, pk=pk)
    try:
        services.plan_remove(visit=visit, actor=request.user)
    except Refused as exc:
        return refused(request, exc.message, _detail_url(policy))
    return done(request, "计划已删除", _detail_url(policy))


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


def _record_page(
    request: HttpRequest, form: RecordForm, policy: Policy, title: str, **extra: object
) -> HttpResponse:
    return render(
        request,
        "prevention/record_form.html",
        {"form": form, "title": title, "policy": policy, "extra_crumb": title, **extra},
        status=INVALID if form.is_bound else 200,
    )


@video_upload_limit
@requires("service.record.manage")
def record_add(request: HttpRequest, application_no: str) -> HttpResponse:
    """新增服务记录 (a page: a 200 MB video goes with it, streamed to disk by the upload handler)."""
    policy = selectors.assigned_policy(user=request.user, application_no=application_no)
    form = RecordForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        policy=policy,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = records.record_create(policy=policy, actor=request.user, data=form.data_object())
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(
                request,
                "服务记录已保存，等待企业确认",
                reverse("service:service_orders:record", args=[record.uuid]),
            )
    elif request.method == "POST":
        _check_readable_record(form, request, policy)
    return _record_page(request, form, policy, "新增服务记录")


@requires("service.order.view")
def record_detail(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    return render(request, "prevention/record_detail.html", archive.record_context(record, request.user))


@video_upload_limit
@requires("service.record.manage")
def record_edit(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    if record.status == RecordStatus.CONFIRMED:
        return refused(request, "已确认的服务记录不能修改，如需更正请新增更正记录", _record_url(record))
    fixed = record.item if record.corrects_id else None
    form = RecordForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        policy=record.policy,
        fixed_item=fixed,
        initial=RecordForm.initial_for(record),
    )
    if request.method == "POST" and form.is_valid():
        try:
            records.record_update(record=record, actor=request.user, data=form.data_object())
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "服务记录已修改，等待企业重新确认", _record_url(record))
    elif request.method == "POST":
        _check_readable_record(form, request, record.policy)
    return _record_page(request, form, record.policy, "修改服务记录", record=record)


@video_upload_limit
@requires("service.record.manage")
def record_correct(request: HttpRequest, record_uuid: str) -> HttpResponse:
    """新增更正记录: a new record linked to a confirmed one, which stays as it was (archive)."""
    original = selectors.record_for(user=request.user, record_uuid=record_uuid)
    if original.status != RecordStatus.CONFIRMED or original.corrects_id:
        raise Http404("只能更正已确认的原始记录")
    form = RecordForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        policy=original.policy,
        fixed_item=original.item,
        initial=RecordForm.initial_for(original),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = records.record_create(
                policy=original.policy, actor=request.user, data=form.data_object(), corrects=original
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "更正记录已保存，等待企业确认", _record_url(record))
    elif request.method == "POST":
        _check_readable_record(form, request, original.policy)
    return _record_page(request, form, original.policy, "新增更正记录", corrects=original)


def _check_readable_record(form: RecordForm, request: HttpRequest, policy: Policy) -> None:
    """Other fields are wrong: the 服务日期 and 服务人员 that could be read are checked too (one pass)."""
    values = readable(form)
    check_readable(
        form,
        records.check_record,
        policy=policy,
        org_id=request.user.organisation_id,
        served_on=values.get("served_on"),
        staff=list(values.get("staff") or []),
    )


def _record_url(record: ServiceRecord) -> str:
    return reverse("service:service_orders:record", args=[record.uuid])


@video_upload_limit
@requires("service.record.manage")
def record_attach(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            records.record_add_attachment(
                record=record,
                actor=request.user,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "附件已上传", _record_url(record))
    return render_form(
        request,
        "prevention/upload_form.html",
        {"form": form, "title": "上传附件", "cancel_url": _record_url(record)},
    )
