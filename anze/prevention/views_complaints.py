"""投诉管理 on the insurer and service organisation sides (complaint.handle): the complaints about the services
of their policies, with the answer deadline (10 working days, once extendable to 30), 答复 and 延期."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.sides import side_namespace
from anze.core.views import action_view, render_list

from . import complaints, selectors
from .forms import AnswerForm, ComplaintSearchForm, ReasonForm
from .models import Complaint

PERMISSION = "complaint.handle"
TABS = (("", "全部"), ("open", "待答复"), ("overdue", "已逾期"), ("answered", "已答复"))


def _detail_url(request: HttpRequest, complaint: Complaint) -> str:
    return reverse(f"{side_namespace(request.side)}:complaints:detail", args=[complaint.uuid])


@requires(PERMISSION)
def complaint_list(request: HttpRequest) -> HttpResponse:
    search = ComplaintSearchForm(request.GET)
    status = request.GET.get("status", "")
    status = status if status in dict(TABS) else ""
    qs = selectors.filter_complaints(
        selectors.complaints_for(user=request.user), {**search.values(), "status": status}
    )
    page = paginate(request, qs)
    return render_list(
        request,
        "prevention/complaint_list.html",
        {"search": search, "page": page, "complaints": page.rows, "tab": status, "tabs": TABS},
    )


@requires(PERMISSION)
def complaint_detail(request: HttpRequest, complaint_uuid: str) -> HttpResponse:
    complaint = selectors.complaint_for(user=request.user, complaint_uuid=complaint_uuid)
    return render(
        request,
        "prevention/complaint_detail.html",
        {
            "complaint": complaint,
            "can_answer": complaints.COMPLAINT.can(complaint, "answer", request.user),
            "can_extend": complaints.COMPLAINT.can(complaint, "extend", request.user),
            "extra_crumb": f"投诉 {complaint.policy.policy_no}",
        },
    )


@requires(PERMISSION)
def complaint_answer(request: HttpRequest, complaint_uuid: str) -> HttpResponse:
    complaint = selectors.complaint_for(user=request.user, complaint_uuid=complaint_uuid)
    return action_view(
        request,
        form_class=AnswerForm,
        call=lambda form: complaints.complaint_answer(
            complaint=complaint, actor=request.user, answer=form.cleaned_data["answer"]
        ),
        success="已答复",
        redirect_to=_detail_url(request, complaint),
        template="prevention/simple_form.html",
        context={
            "title": "答复投诉",
            "cancel_url": _detail_url(request, complaint),
            "hint": f"答复期限：{complaint.due_on:%Y-%m-%d}",
        },
    )


@requires(PERMISSION)
def complaint_extend(request: HttpRequest, complaint_uuid: str) -> HttpResponse:
    complaint = selectors.complaint_for(user=request.user, complaint_uuid=complaint_uuid)
    return action_view(
        request,
        form_class=ReasonForm,
        form_kwargs={"label": "延期原因"},
        call=lambda form: complaints.complaint_extend(
            complaint=complaint, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        success="答复期限已延长",
        redirect_to=_detail_url(request, complaint),
        template="prevention/reason_form.html",
        context={
            "title": "延长答复期限",
            "cancel_url": _detail_url(request, complaint),
            "hint": "需要进一步核实的投诉，答复期限可延长一次，自投诉之日起不超过30个工作日。",
        },
    )
