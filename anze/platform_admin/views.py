"""平台管理 › 机构管理: the organisations of the four other sides, their first 管理员, enable / disable."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.accounts import services
from anze.accounts.access import requires
from anze.core.errors import Refused
from anze.core.exports import xlsx_response
from anze.core.forms import apply_refusal
from anze.core.pagination import paginate
from anze.core.views import done, refused, render_form, render_list

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
def org_export(request: HttpRequest, kind: str) -> HttpResponse:
    search = OrganisationSearchForm(request.GET, kind=kind)
    organisations = selectors.organisations_for(kind=kind, filters=search.values(), tab=_tab(request))
    columns = exports.COLUMNS[kind]
    return xlsx_response(
        f"{KIND_LABELS[kind]}列表",
        [column.header for column in columns],
        exports.rows(kind, organisations),
        widths=[column.width for column in columns],
    )


@requires(PERMISSION)
def org_create(request: HttpRequest, kind: str) -> HttpResponse:
    form = OrganisationForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_register(
                kind=kind, fields=form.organisation_fields(), admin=form.admin_account()
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "新增成功", _url(kind, "list"))
    context = {
        **_kind_context(kind),
        "form": form,
        "title": f"新增{KIND_LABELS[kind]}",
        "cancel_url": _url(kind, "list"),
    }
    return render_form(request, "platform_admin/org_form.html", context)


@requires(PERMISSION)
def org_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(kind=kind, pk=pk)
    form = OrganisationForm(request.POST or None, kind=kind, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, fields=form.organisation_fields())
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "修改成功", _url(kind, "detail", organisation.pk))
    context = {
        **_kind_context(kind),
        "form": form,
        "title": f"编辑{KIND_LABELS[kind]}",
        "organisation": organisation,
        "cancel_url": _url(kind, "detail", organisation.pk),
    }
    return render_form(request, "platform_admin/org_form.html", context)


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
    back = _url(kind, "list")
    try:
        services.organisation_set_active(actor=request.user, organisation=organisation, active=active)
    except Refused as exc:
        return refused(request, exc.message, back)
    return done(request, "已启用" if active else "已停用，该机构的账号不能再登录", back)


@requires("platform.org.reset_password")
def admin_password_reset(request: HttpRequest, kind: str, pk: int, user_pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(kind=kind, pk=pk)
    target = selectors.account_of(organisation, user_pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_admin_password_reset(
                actor=request.user,
                organisation=organisation,
                user=target,
                new_password=form.cleaned_data["new_password"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "密码已重置", _url(kind, "detail", organisation.pk))
    context = {
        **_kind_context(kind),
        "form": form,
        "title": "重置管理员密码",
        "organisation": organisation,
        "target": target,
        "cancel_url": _url(kind, "detail", organisation.pk),
    }
    return render_form(request, "platform_admin/password_reset_form.html", context)
