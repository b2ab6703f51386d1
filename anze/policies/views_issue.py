"""出函 of an order in the insurer's 订单管理 (/insurer/orders/<申请编号>/issue/, ``insurer:orders:issue``):
of an online order (保单编号 + PDFs), or of an offline one = 保单信息补录 (the whole scheme too). The URL stays
among the order's (``config.urls`` mounts it there); issuing a policy is this app's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from anze.core.access import requires
from anze.core.forms import check_readable, readable
from anze.core.views import action_view
from anze.orders import presenters, selectors
from anze.orders.models import Order, OrderType
from anze.orders.transitions import ORDER
from anze.orders.views_insurer import document_upload_limit

from . import services
from .forms import IssueForm, OfflineIssueForm


@document_upload_limit
@requires("order.issue")
def order_issue(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    if order.order_type == OrderType.OFFLINE:
        action, form_class, form_kwargs = "issue_offline", OfflineIssueForm, {"order": order}
        template, title = "policies/offline_issue_form.html", "出函 · 保单信息补录"
    else:
        action, form_class, form_kwargs = "issue", IssueForm, {}
        template, title = "policies/issue_form.html", "出函"
    return action_view(
        request,
        form_class=form_class,
        form_kwargs=form_kwargs,
        call=lambda form: _issue(order, request, form),
        success="出函成功，已短信通知投保联系人",
        redirect_to=reverse("insurer:orders:list"),
        refused_to=reverse("insurer:orders:detail", args=[order.application_no]),
        moved_on=lambda: ORDER.why_not(order, action, request.user),
        # A file missing or refused: the 保单编号 is still checked, so that one submission shows every error.
        recheck=lambda form: check_readable(
            form, services.check_issue, order=order, policy_no=readable(form).get("policy_no")
        ),
        template=template,
        context={
            "order": order,
            "title": f"{title}（申请编号 {order.application_no}）",
            **presenters.order_materials(order),
        },
    )


def _issue(order: Order, request: HttpRequest, form: IssueForm) -> None:
    if isinstance(form, OfflineIssueForm):
        services.policy_issue_offline(
            order=order,
            actor=request.user,
            scheme=form.scheme(),
            **form.files_for_workflow(),
            **form.materials_for_workflow(),
        )
    else:
        services.policy_issue(order=order, actor=request.user, **form.files_for_workflow())
