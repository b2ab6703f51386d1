"""企业端 · 安全服务: what the enterprise does about the services of its policies — 服务进度 of a policy, 确认 or
有异议 on each service record, 隐患整改, and 投诉. The portal's 我的保单 links here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import action_view, button_view, render_list
from anze.documents.responses import document_among, document_response
from anze.policies.models import Policy
from anze.policies.panels import panels

from . import archive, complaints, presenters, records, selectors
from .forms import ComplaintForm, ReasonForm, RecordSearchForm
from .models import HazardStatus, RecordStatus, ServiceRecord
from .views_inspections import rectify_view


def _record_url(record: ServiceRecord) -> str:
    return reverse("enterprise:services:record", args=[record.uuid])


def _policy_url(policy: Policy) -> str:
    return reverse("enterprise:services:policy", args=[policy.order.application_no])


# --- 服务进度 -----------------------------------------------------------------------------------------------------
@requires("portal.policy.view")
def policy_services(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.enterprise_policy(user=request.user, application_no=application_no)
    context = {
        "policy": policy,
        "order": policy.order,
        "can_complain": policy.service_org_id is not None and request.user.has_perm_code("portal.complaint"),
        "panels": panels(policy, request),  # what other apps show on the policy (批改记录 …)
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
    return button_view(
        request,
        call=lambda: records.record_confirm(record=record, actor=request.user),
        success="已确认",
        redirect_to=_record_url(record),
    )


@requires("portal.service.confirm")
def record_dispute(request: HttpRequest, record_uuid: str) -> HttpResponse:
    record = selectors.record_for(user=request.user, record_uuid=record_uuid)
    return action_view(
        request,
        form_class=ReasonForm,
        form_kwargs={"label": "异议原因"},
        call=lambda form: records.record_dispute(
            record=record, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="异议已提交，服务机构将核实修改",
        redirect_to=_record_url(record),
        template="prevention/reason_form.html",
        context={
            "title": "对服务记录提出异议",
            "cancel_url": _record_url(record),
            "hint": f"{record.item.name} · {record.served_on:%Y-%m-%d} · {record.place}",
        },
    )


# --- 隐患整改 -----------------------------------------------------------------------------------------------------
@requires("portal.hazard.rectify")
def hazard_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", HazardStatus.OPEN)
    page = paginate(request, selectors.hazard_list(user=request.user, status=status))
    presenters.hazard_rows(page.rows, request.user)
    tabs = [(s.value, s.label) for s in HazardStatus] + [("all", "全部")]
    return render_list(
        request, "prevention/enterprise_hazards.html", {"page": page, "tab": status, "tabs": tabs}
    )


@requires("portal.hazard.rectify")
def hazard_rectify(request: HttpRequest, hazard_uuid: str) -> HttpResponse:
    hazard = selectors.hazard_for(user=request.user, hazard_uuid=hazard_uuid)
    return rectify_view(
        request,
        hazard,
        success="整改情况已提交，等待服务机构复查",
        back=reverse("enterprise:services:hazards"),
        hint=f"隐患：{hazard.description}（整改期限 {hazard.deadline:%Y-%m-%d}）",
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
    return action_view(
        request,
        form_class=ComplaintForm,
        form_kwargs={"policy": policy, "initial": initial},
        call=lambda form: complaints.complaint_file(
            policy=policy,
            actor=request.user,
            content=form.cleaned_data["content"],
            record=form.cleaned_data["record"],
        ),
        success=lambda complaint: f"投诉已提交，将于{complaint.due_on:%Y-%m-%d}前答复",
        redirect_to=lambda complaint: reverse("enterprise:services:complaint", args=[complaint.uuid]),
        template="prevention/simple_form.html",
        context={
            "title": f"服务投诉 · 保单 {policy.policy_no}",
            "cancel_url": reverse("enterprise:services:complaints"),
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
