"""出函 of an order in the insurer's 订单管理 (/insurer/orders/<申请编号>/issue/, ``insurer:orders:issue``):
of an online order (保单编号 + PDFs), or of an offline one = 保单信息补录 (the whole scheme too). The URL stays
among the order's (``config.urls`` mounts it there); issuing a policy is this app's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from anze.accounts.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal, check_readable, readable
from anze.core.views import done, render_form, submitted
from anze.orders import presenters, selectors
from anze.orders.models import Order, OrderType
from anze.orders.views_insurer import document_upload_limit, moved_on

from . import services
from .forms import IssueForm, OfflineIssueForm


@document_upload_limit
@requires("order.issue")
def order_issue(request: HttpRequest, application_no: str) -> HttpResponse:
    order = selectors.order_for(user=request.user, application_no=application_no)
    offline = order.order_type == OrderType.OFFLINE
    if request.method != "POST" and (
        moved := moved_on(request, order, "issue_offline" if offline else "issue")
    ):
        return moved
    form: IssueForm
    if offline:
        form = OfflineIssueForm(*submitted(request, files=True), order=order)
    else:
        form = IssueForm(*submitted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            _issue(order, request, form)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "出函成功，已短信通知投保联系人", reverse("insurer:orders:list"))
    elif request.method == "POST":
        # A file missing or refused: the 保单编号 is still checked, so that one submission shows every error.
        check_readable(form, services.check_issue, order=order, policy_no=readable(form).get("policy_no"))
    context = {"order": order, **presenters.order_materials(order)}
    if offline:
        context["title"] = f"出函 · 保单信息补录（申请编号 {order.application_no}）"
        return render_form(request, "policies/offline_issue_form.html", {"form": form, **context})
    context["title"] = f"出函（申请编号 {order.application_no}）"
    return render_form(request, "policies/issue_form.html", {"form": form, **context})


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
