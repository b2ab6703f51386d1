"""企业端 · 安全服务: what the enterprise does about the services of its policies — 服务进度 of a policy, 确认 or
有异议 on each service record, 隐患整改, and 投诉. The portal's 我的保单 links here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from anze.accounts.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal
from anze.core.pagination import paginate
from anze.core.views import done, refused, render_form, render_list
from anze.documents.responses import document_among, document_response

from . import archive, complaints, hazards, records, selectors
from .forms import ComplaintForm, ReasonForm, RecordSearchForm, RectifyForm
from .models import HazardStatus, RecordStatus, ServiceRecord


def _record_url(record: ServiceRecord) -> str:
    return reverse("enterprise:services:record", args=[record.uuid])


# --- 服务进度 -----------------------------------------------------------------------------------------------------
@requires("portal.policy.view")
def policy_services(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.enterprise_policy(user=request.user, application_no=application_no)
    context = {
        "policy": policy,
        "order": policy.order,
        "can_complain": policy.service_org_id is not None and request.user.has_perm_code("portal.complaint"),
        "extra_crumb": f"服务进度 {policy.policy_no}",
        **archive.context(policy, request.user),
    }
    return render(request, "prevention/enterprise_policy.html", context)


@xframe_options_sameorigin
@requires("portal.policy.view")
def policy_file(request: HttpRequest, application_no: str, document_uuid: str) -> HttpResponseBase:
    policy = selectors.enterprise_policy(user=request.user, application_no=application_no)
    document = document_among(selectors.archive_documents(policy), document_uuid)
    return document_response(request, document, inline=request.GET.get("inline") == "1")


# --- 服务记录确认 --------------------------------------------------------------------------------------------------
@requires("portal.service.confirm")
def record_list(request: HttpRequest) -> HttpResponse:
    search = RecordSearchForm(request.GET)
    status = request.GET.get("status", "")
    filtered = selectors.filter_records(selectors.records_for(user=request.user), search.values())
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


@requires("portal.service.confirm")
def record_detail(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    return render(request, "prevention/record_detail.html", archive.record_context(record, request.user))


@require_POST
@requires("portal.service.confirm")
def record_confirm(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    try:
        records.record_confirm(record=record, actor=request.user)
    except Refused as exc:
        return refused(request, exc.message, _record_url(record))
    return done(request, "已确认", _record_url(record))


@requires("portal.service.confirm")
def record_dispute(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    form = ReasonForm(request.POST if request.method == "POST" else None, label="异议原因")
    if request.method == "POST" and form.is_valid():
        try:
            records.record_dispute(record=record, actor=request.user, reason=form.cleaned_data["reason"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "异议已提交，服务机构将核实修改", _record_url(record))
    return render_form(
        request,
        "prevention/reason_form.html",
        {
            "form": form,
            "title": "对服务记录提出异议",
            "cancel_url": _record_url(record),
            "hint": f"{record.item.name} · {record.served_on:%Y-%m-%d} · {record.place}",
        },
    )


# --- 隐患整改 -----------------------------------------------------------------------------------------------------
@requires("portal.hazard.rectify")
def hazard_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", HazardStatus.OPEN)
    qs = selectors.hazards_for(user=request.user).prefetch_related("attachments__document")
    if status in HazardStatus.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs.order_by("deadline", "id"))
    links = archive.LINKS[request.user.side]
    for hazard in page.rows:
        for attachment in hazard.attachments.all():
            attachment.url = links.file_url(hazard.inspection.policy, attachment.document.uuid)
    tabs = [(s.value, s.label) for s in HazardStatus] + [("all", "全部")]
    return render_list(
        request, "prevention/enterprise_hazards.html", {"page": page, "tab": status, "tabs": tabs}
    )


@requires("portal.hazard.rectify")
def hazard_rectify(request: HttpRequest, hazard_uuid: str) -> HttpResponse:
    hazard = selectors.hazard_for(user=request.user, hazard_uuid=hazard_uuid)
    form = RectifyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    url = reverse("enterprise:services:hazards")
    if request.method == "POST" and form.is_valid():
        try:
            hazards.hazard_rectify(
                hazard=hazard,
                actor=request.user,
                rectification=form.cleaned_data["rectification"],
                photo=form.cleaned_data["photo"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "整改情况已提交，等待服务机构复查", url)
    return render_form(
        request,
        "prevention/simple_form.html",
        {
            "form": form,
            "title": "登记整改",
            "cancel_url": url,
            "multipart": True,
            "hint": f"隐患：{hazard.description}（整改期限 {hazard.deadline:%Y-%m-%d}）",
        },
    )


# --- 投诉 -------------------------------------------------------------------------------------------------------
@requires("portal.complaint")
def complaint_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.complaints_for(user=request.user).order_by("-filed_at", "-id"))
    policies = list(selectors.complaintable_policies(user=request.user)[:50])
    return render_list(
        request,
        "prevention/enterprise_complaints.html",
        {"page": page, "complaints": page.rows, "policies": policies},
    )


@requires("portal.complaint")
def complaint_add(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.enterprise_policy(user=request.user, application_no=application_no)
    initial = {}
    if request.GET.get("record"):
        initial["record"] = (
            policy.service_records.filter(uuid=request.GET["record"]).values_list("pk", flat=True).first()
        )
    form = ComplaintForm(request.POST if request.method == "POST" else None, policy=policy, initial=initial)
    url = reverse("enterprise:services:complaints")
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaints.complaint_file(
                policy=policy,
                actor=request.user,
                content=form.cleaned_data["content"],
                record=form.cleaned_data["record"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(
                request,
                f"投诉已提交，将于{complaint.due_on:%Y-%m-%d}前答复",
                reverse("enterprise:services:complaint", args=[complaint.uuid]),
            )
    return render_form(
        request,
        "prevention/simple_form.html",
        {
            "form": form,
            "title": f"服务投诉 · 保单 {policy.policy_no}",
            "cancel_url": url,
            "hint": f"被投诉机构：{policy.service_org.name if policy.service_org_id else '—'}。服务机构和保险公司将在10个工作日内答复。",
        },
    )


@requires("portal.complaint")
def complaint_detail(request: HttpRequest, complaint_uuid: str) -> HttpResponse:
    complaint = selectors.complaint_for(user=request.user, complaint_uuid=complaint_uuid)
    return render(
        request,
        "prevention/complaint_detail.html",
        {"complaint": complaint, "extra_crumb": f"投诉 {complaint.policy.policy_no}"},
    )
