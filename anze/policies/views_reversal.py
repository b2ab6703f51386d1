"""冲正 on the insurer side: 申请冲正 on a policy (保单管理 list and detail, the order's 查看保单信息), and
保单管理 › 冲正审核 — the requests with 通过 / 驳回 and 导出 — for the holders of 冲正审核 (rules in ``reversal``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import action_view, button_view, done, render_list
from anze.downloads.responses import export_response
from anze.orders.models import OrderType

from . import exports, reversal, selectors
from .forms import ReversalRejectForm, ReversalRequestForm, ReversalSearchForm
from .models import PolicyReversal, ServiceStatus


def _list_url() -> str:
    return reverse("insurer:reversals:list")


def _detail_url(application_no: str) -> str:
    return reverse("insurer:policies:detail", args=[application_no])


@requires(reversal.REQUEST)
def reversal_request(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = selectors.policy_for(user=request.user, application_no=application_no)
    return action_view(
        request,
        form_class=ReversalRequestForm,
        call=lambda form: reversal.reversal_request(
            policy=policy, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="冲正申请已提交，请等待冲正审核人员审核",
        redirect_to=_detail_url(application_no),
        moved_on=lambda: reversal.why_not_request(policy, request.user),
        template="policies/reversal_request_form.html",
        context={
            "policy": policy,
            "order": policy.order,
            "title": f"申请冲正（保单编号 {policy.policy_no}）",
        },
    )


# --- 冲正审核 -------------------------------------------------------------------------------------------------------
@requires(reversal.REVIEW)
def reversal_list(request: HttpRequest) -> HttpResponse:
    search = ReversalSearchForm(request.GET)
    tab = selectors.reversal_tab(request.GET.get("status"))
    qs, counts = selectors.reversal_list(user=request.user, filters=search.values(), tab=tab)
    page = paginate(request, qs, count=counts[tab])
    tabs = [(value, label, counts[value]) for value, label in selectors.REVERSAL_TABS]
    # 通过 / 驳回 on each 待审核 row not the user's own; what else may refuse them (a claim filed since the
    # request …) is asked when the dialog opens, not per row.
    return render_list(
        request,
        "policies/reversal_list.html",
        {"search": search, "page": page, "tab": tab, "tabs": tabs},
    )


@requires(reversal.REVIEW)
def reversal_export(request: HttpRequest) -> HttpResponseBase:
    return export_response(request, exports.REVERSALS, back=_list_url())


def _approve_question(r: PolicyReversal) -> str:
    policy, order = r.policy, r.policy.order
    next_step = "保单信息补录" if order.order_type == OrderType.OFFLINE else "出函"
    service = (
        f"已指定的第三方安全服务（{policy.service_org.display_short_name}）将撤销，"
        if policy.service_org_id
        and policy.service_status in (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE)
        else ""
    )
    return (
        f"是否确认通过保单 {policy.policy_no} 的冲正申请？通过后该保单作废（保留只读，文件标记为已作废），"
        f"订单 {order.application_no} 退回待出函，须以新的保单编号重新{next_step}；{service}"
        "并以短信通知投保企业。"
    )


@requires(reversal.REVIEW)
def reversal_approve(request: HttpRequest, reversal_uuid: str) -> HttpResponse:
    r = selectors.reversal_for(user=request.user, reversal_uuid=reversal_uuid)
    if request.method != "POST" and (message := reversal.why_not_review(r, "approve", request.user)):
        return done(request, message, _list_url(), error=True, refresh=True)
    return button_view(
        request,
        call=lambda: reversal.reversal_approve(reversal=r, actor=request.user),
        success="冲正审核已通过，保单已作废，订单已退回待出函，已短信通知投保企业",
        redirect_to=_list_url(),
        confirm={"title": "冲正审核 · 通过", "question": _approve_question(r), "danger": True},
        stale=True,
    )


@requires(reversal.REVIEW)
def reversal_reject(request: HttpRequest, reversal_uuid: str) -> HttpResponse:
    r = selectors.reversal_for(user=request.user, reversal_uuid=reversal_uuid)
    return action_view(
        request,
        form_class=ReversalRejectForm,
        call=lambda form: reversal.reversal_reject(
            reversal=r, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="已驳回冲正申请，已通知申请人",
        redirect_to=_list_url(),
        moved_on=lambda: reversal.why_not_review(r, "reject", request.user),
        template="policies/reversal_reject_form.html",
        context={
            "reversal": r,
            "policy": r.policy,
            "title": f"冲正审核 · 驳回（保单编号 {r.policy.policy_no}）",
        },
    )
