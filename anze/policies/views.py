"""保单管理 (docs/spec/user-manual.txt §3.2) on the insurer side: the list, 导出, 查看电子保单文件, 申请第三方安全服务 and the
detail."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from anze.core.access import requires
from anze.core.views import action_view, render_list
from anze.documents.responses import document_among, document_response
from anze.downloads.responses import export_response

from . import exports, reversal, selectors, workflow
from .archive import service_archive
from .forms import AssignServiceForm, PolicySearchForm
from .models import Policy, ReversalStatus, ServiceStatus
from .panels import panels


def _list_url() -> str:
    return reverse("insurer:policies:list")


@requires("policy.view")
def policy_list(request: HttpRequest) -> HttpResponse:
    search = PolicySearchForm(request.GET)
    filters = {**search.values(), "tab": request.GET.get("tab", "")}
    result = selectors.insurer_policy_list(request, filters=filters)
    tabs = [("", "全部", result.shown(""))] + [
        (s.value, s.label, result.shown(s.value)) for s in ServiceStatus
    ]
    return render_list(
        request,
        "policies/policy_list.html",
        {"search": search, "page": result.page, "tab": result.tab, "tabs": tabs, "listing": result},
    )


@requires("policy.export")
def policy_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, exports.INSURER_POLICIES, back=_list_url())


@requires("policy.view")
def policy_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.policy_for(user=request.user, application_no=application_no)
    context = {
        "policy": policy,
        "order": policy.order,
        "documents": selectors.order_documents(policy),
        "can_assign": workflow.SERVICE.can(policy, "assign", request.user),
        "panels": panels(policy, request),
        "extra_crumb": f"保单详情 {policy.policy_no}",
        **_reversal_context(request, policy),
        **service_archive().context(policy, request.user),
    }
    return render(request, "policies/policy_detail.html", context)


def _reversal_context(request: HttpRequest, policy: Policy) -> dict[str, Any]:
    """冲正 on the policy's page: 申请冲正, the history of the order's requests (通过 / 驳回 on a waiting one),
    the 已冲正 banner, and the order's other policies — the reversed ones, their files marked 已作废."""
    user = request.user
    policies = selectors.order_policies(policy)
    others = [p for p in policies if p.pk != policy.pk]
    reversals = selectors.policy_reversals(policies)
    review = {
        r.pk: {action: reversal.why_not_review(r, action, user) is None for action in ("approve", "reject")}
        for r in reversals
        if r.status == ReversalStatus.PENDING
    }
    other_files = selectors.policy_documents(others)
    voided_by = next(
        (r for r in reversals if r.policy_id == policy.pk and r.status == ReversalStatus.APPROVED), None
    )
    return {
        "can_request_reversal": reversal.why_not_request(policy, user) is None,
        "reversals": [(r, review.get(r.pk, {})) for r in reversals],
        "pending_reversal": next((r for r in reversals if r.status == ReversalStatus.PENDING), None),
        "voided_by": voided_by,
        "other_policies": [(p, other_files[p.pk]) for p in others],
        "voided_labels": [label for _, label in selectors.POLICY_DOCUMENTS],  # 已作废 once reversed
    }


@xframe_options_sameorigin
@requires("policy.view")
def policy_pdf(request: HttpRequest, application_no: str) -> HttpResponseBase:
    """查看电子保单文件: the policy PDF inline in the browser's viewer (may be framed by our own pages)."""
    policy = selectors.policy_for(user=request.user, application_no=application_no)
    document = policy.policy_file
    if document is None:
        raise Http404("保单文件不存在")
    return document_response(request, document, inline=True)


@xframe_options_sameorigin
@requires("policy.view")
def policy_file(request: HttpRequest, application_no: str, document_uuid: str) -> HttpResponseBase:
    """A file of the policy: the order's documents and the attachments of its service archive."""
    policy = selectors.policy_for(user=request.user, application_no=application_no)
    documents = [d for _, d in selectors.order_documents(policy)] + service_archive().documents(policy)
    # The order's other policies' files: a reversed policy's stay downloadable (marked 已作废).
    others = [p for p in selectors.order_policies(policy) if p.pk != policy.pk]
    documents += [d for files in selectors.policy_documents(others).values() for _, d in files]
    document = document_among(documents, document_uuid)
    return document_response(request, document, inline=request.GET.get("inline") == "1")


@requires("policy.view")
def policy_record(request: HttpRequest, application_no: str, record_uuid: str) -> HttpResponse:
    policy = selectors.policy_for(user=request.user, application_no=application_no)
    template, context = service_archive().record_page(policy, request.user, record_uuid)
    return render(request, template, context)


@requires("policy.assign_service")
def policy_assign(request: HttpRequest, application_no: str) -> HttpResponse:
    """申请第三方安全服务 (docs/spec/user-manual.txt, figure 3.2.2): the dialog lists the active organisations, 地区
    narrows them."""
    policy = selectors.policy_for(user=request.user, application_no=application_no)
    return action_view(
        request,
        form_class=AssignServiceForm,
        form_kwargs={"region_id": request.GET.get("region")},
        call=lambda form: workflow.policy_assign_service(
            policy=policy, actor=request.user, service_org=form.cleaned_data["service_org"]
        ),
        success="已申请第三方安全服务",
        redirect_to=_list_url(),
        template="policies/assign_form.html",
        context={"policy": policy, "title": "指定第三方安全服务机构", "cancel_url": _list_url()},
    )
