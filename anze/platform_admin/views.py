"""平台管理 › 机构管理: the organisations of the four other sides, their first 管理员, enable / disable."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.accounts import services
from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import action_view, button_view, render_list
from anze.downloads.responses import export_response

from . import exports, selectors
from .forms import OrganisationForm, OrganisationSearchForm, PasswordResetForm
from .kinds import KIND_LABELS, url_name

PERMISSION = "platform.org.manage"


def _url(kind: str, action: str, *args: Any) -> str:
    return reverse(f"platform:{url_name(kind, action)}", args=args or None)


def _kind_context(kind: str) -> dict[str, str]:
    """What the templates need to name the kind and build its URLs (``{% side_url ns|add:"_edit" pk %}``)."""
    return {"kind": kind, "kind_label": KIND_LABELS[kind], "ns": f"orgs:{kind}"}


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in selectors.TABS else ""


@requires(PERMISSION)
def org_list(request: HttpRequest, kind: str) -> HttpResponse:
    search = OrganisationSearchForm(request.GET, kind=kind)
    filters = search.values()
    tab = _tab(request)
    page = paginate(request, selectors.organisations_for(kind=kind, filters=filters, tab=tab))
    counts = selectors.status_counts(kind=kind, filters=filters)
    tabs = [
        ("", "全部", counts["all"]),
        ("active", "启用", counts["active"]),
        ("disabled", "停用", counts["disabled"]),
    ]
    context = {**_kind_context(kind), "search": search, "page": page, "tab": tab, "tabs": tabs}
    return render_list(request, "platform_admin/org_list.html", context)


@requires(PERMISSION)
def org_export(request: HttpRequest, kind: str) -> HttpResponseBase:
    return export_response(request, exports.KINDS[kind], back=_url(kind, "list"))


@requires(PERMISSION)
def org_create(request: HttpRequest, kind: str) -> HttpResponse:
    return action_view(
        request,
        form_class=OrganisationForm,
        form_kwargs={"kind": kind},
        call=lambda form: services.organisation_register(
            kind=kind, fields=form.organisation_fields(), admin=form.admin_account()
        ),
        success="新增成功",
        redirect_to=_url(kind, "list"),
        template="platform_admin/org_form.html",
        context={
            **_kind_context(kind),
            "title": f"新增{KIND_LABELS[kind]}",
            "cancel_url": _url(kind, "list"),
        },
    )


@requires(PERMISSION)
def org_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(kind=kind, pk=pk)
    detail = _url(kind, "detail", organisation.pk)
    return action_view(
        request,
        form_class=OrganisationForm,
        form_kwargs={"kind": kind, "instance": organisation},
        call=lambda form: services.organisation_update(
            organisation=organisation, fields=form.organisation_fields()
        ),
        success="修改成功",
        redirect_to=detail,
        template="platform_admin/org_form.html",
        context={
            **_kind_context(kind),
            "title": f"编辑{KIND_LABELS[kind]}",
            "organisation": organisation,
            "cancel_url": detail,
        },
    )


@requires(PERMISSION)
def org_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(kind=kind, pk=pk)
    page = paginate(request, selectors.accounts_of(organisation))
    context = {
        **_kind_context(kind),
        "organisation": organisation,
        "page": page,
        "extra_crumb": organisation.display_short_name,
    }
    return render_list(request, "platform_admin/org_detail.html", context)


@require_POST
@requires(PERMISSION)
def org_set_active(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(kind=kind, pk=pk)
    active = request.POST.get("active") == "1"
    return button_view(
        request,
        call=lambda: services.organisation_set_active(
            actor=request.user, organisation=organisation, active=active
        ),
        success="已启用" if active else "已停用，该机构的账号不能再登录",
        redirect_to=_url(kind, "list"),
    )


@requires("platform.org.reset_password")
def admin_password_reset(request: HttpRequest, kind: str, pk: int, user_pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(kind=kind, pk=pk)
    target = selectors.account_of(organisation, user_pk)
    detail = _url(kind, "detail", organisation.pk)
    return action_view(
        request,
        form_class=PasswordResetForm,
        call=lambda form: services.organisation_admin_password_reset(
            actor=request.user,
            organisation=organisation,
            user=target,
            new_password=form.cleaned_data["new_password"],
        ),
        success="密码已重置",
        redirect_to=detail,
        template="platform_admin/password_reset_form.html",
        context={
            **_kind_context(kind),
            "title": "重置管理员密码",
            "organisation": organisation,
            "target": target,
            "cancel_url": detail,
        },
    )
