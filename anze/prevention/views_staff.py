"""服务机构端 · 综合人事管理: the staff roster with certificates (expired ones flagged, their holders not
selectable for plans, records and inspections)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import action_view, button_view, render_list

from . import selectors, services
from .forms import StaffSearchForm, StaffWithCertificatesForm
from .models import Staff

PERMISSION = "service.staff.manage"


def _list_url() -> str:
    return reverse("service:staff:list")


@requires(PERMISSION)
def staff_list(request: HttpRequest) -> HttpResponse:
    search = StaffSearchForm(request.GET)
    page = paginate(request, selectors.staff_for(user=request.user, filters=search.values()))
    return render_list(request, "prevention/staff_list.html", {"search": search, "page": page})


def _staff_form(request: HttpRequest, staff: Staff | None) -> HttpResponse:
    initial = {"name": staff.name, "mobile": staff.mobile, "title": staff.title} if staff else None
    certificates = (
        [{"name": c.name, "number": c.number, "expires_on": c.expires_on} for c in staff.certificates.all()]
        if staff
        else []
    )

    def save(form: StaffWithCertificatesForm) -> None:
        if staff is None:
            services.staff_create(actor=request.user, data=form.data_object())
        else:
            services.staff_update(actor=request.user, staff=staff, data=form.data_object())

    return action_view(
        request,
        form_class=StaffWithCertificatesForm,
        form_kwargs={"initial": initial, "certificates": certificates},
        call=save,
        success="保存成功",
        redirect_to=_list_url(),
        template="prevention/staff_form.html",
        context={"title": "编辑人员" if staff else "新增人员", "cancel_url": _list_url()},
    )


@requires(PERMISSION)
def staff_add(request: HttpRequest) -> HttpResponse:
    return _staff_form(request, None)


@requires(PERMISSION)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_form(request, selectors.staff_member(user=request.user, pk=pk))


@require_POST
@requires(PERMISSION)
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    staff = selectors.staff_member(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    return button_view(
        request,
        call=lambda: services.staff_set_active(actor=request.user, staff=staff, active=active),
        success="已设为在职" if active else "已设为离职",
        redirect_to=_list_url(),
    )
