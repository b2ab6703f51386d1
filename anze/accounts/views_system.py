"""系统管理 on every side: 账号管理 (docs/spec/user-manual.txt §3.3) and 角色管理 (docs/spec/user-manual.txt §3.4)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.errors import Refused
from anze.core.exports import xlsx_download
from anze.core.forms import apply_refusal, check_readable, readable
from anze.core.pagination import paginate
from anze.core.sides import side_namespace
from anze.core.views import action_view, button_view, render_list

from . import grants, selectors, services
from .forms import RoleForm, RoleSearchForm, UserForm, UserSearchForm


def _url(request: HttpRequest, name: str) -> str:
    return reverse(f"{side_namespace(request.side)}:system:{name}")


# --- 账号管理 ------------------------------------------------------------------------------------------------
@requires("system.user.view")
def user_list(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    search = UserSearchForm(request.GET, organisation=organisation)
    page = paginate(request, selectors.users_for(user=request.user, filters=search.values()))
    # Rows the user may not touch (an account that can do more) get no 编辑 / 删除 / 启用停用 (``grants``).
    beyond = grants.reach_of(grants.authority_read(request.user)).users_beyond
    return render_list(request, "accounts/user_list.html", {"search": search, "page": page, "beyond": beyond})


@requires("system.user.export")
def user_export(request: HttpRequest) -> HttpResponseBase:
    search = UserSearchForm(request.GET, organisation=request.user.organisation)
    users = selectors.users_for(user=request.user, filters=search.values())
    rows = (
        (
            u.username,
            u.name,
            u.mobile,
            "、".join(r.name for r in u.roles.all()),
            "启用" if u.is_active else "停用",
            u.created_at,  # a date and time cell in Beijing time (core.exports)
        )
        for u in users.iterator(chunk_size=500)
    )
    return xlsx_download(
        request,
        "账号列表",
        ["登录账号", "姓名", "手机号码", "角色", "状态", "创建时间"],
        rows,
        widths=[18, 14, 16, 30, 8, 22],
    )


@requires("system.user.add")
def user_create(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation

    def create(form: UserForm) -> None:
        data = form.cleaned_data
        services.user_create(
            actor=request.user,
            organisation=organisation,
            username=data["username"],
            name=data["name"],
            mobile=data["mobile"],
            password=data["password"],
            roles=data["roles"],
            is_active=data["is_active"],
            remark=data["remark"],
        )

    def recheck(form: UserForm) -> None:
        # Another field is wrong: a duplicate login, a weak password, a role out of reach are shown as well.
        check_readable(
            form,
            services.check_user_create,
            actor=request.user,
            organisation=organisation,
            **_readable_account(form),
        )

    return action_view(
        request,
        form_class=UserForm,
        form_kwargs={"actor": request.user},
        call=create,
        recheck=recheck,
        success="新增成功",
        redirect_to=_url(request, "user_list"),
        template="accounts/user_form.html",
        context={"title": "新增账号"},
    )


def _readable_account(form: UserForm) -> dict[str, Any]:
    """The account's values the form could read (``None`` for the others), for the services' checks."""
    values = readable(form)
    return {name: values.get(name) for name in ("username", "name", "mobile", "password", "roles")}


@requires("system.user.edit")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_to_manage(user=request.user, pk=pk)
    names = {"new_password": "password"}  # the form's name for it

    def update(form: UserForm) -> None:
        data = form.cleaned_data
        services.user_update(
            actor=request.user,
            user=target,
            name=data["name"],
            mobile=data["mobile"],
            roles=data["roles"],
            remark=data["remark"],
            is_active=data["is_active"],
            new_password=data["password"],
        )

    def recheck(form: UserForm) -> None:
        if form.is_self:
            return
        values = _readable_account(form)
        try:
            services.check_user_update(
                actor=request.user, user=target, password=values["password"], roles=values["roles"]
            )
        except Refused as exc:
            apply_refusal(form, exc.renamed(names))

    return action_view(
        request,
        form_class=UserForm,
        form_kwargs={"actor": request.user, "instance": target},
        call=update,
        fields=names,
        recheck=recheck,
        success="修改成功",
        redirect_to=_url(request, "user_list"),
        template="accounts/user_form.html",
        context={"title": "编辑账号", "target": target},
    )


@requires("system.user.delete")
def user_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_to_manage(user=request.user, pk=pk)
    return button_view(
        request,
        call=lambda: services.user_delete(actor=request.user, user=target),
        success="删除成功",
        redirect_to=_url(request, "user_list"),
        confirm={"title": "删除账号", "question": f"是否确认删除账号“{target.username}”（{target.name}）？"},
    )


@require_POST
@requires("system.user.edit")
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = selectors.user_to_manage(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    return button_view(
        request,
        call=lambda: services.user_set_active(actor=request.user, user=target, active=active),
        success="已启用" if active else "已停用",
        redirect_to=_url(request, "user_list"),
    )


# --- 角色管理 ------------------------------------------------------------------------------------------------
@requires("system.role.view")
def role_list(request: HttpRequest) -> HttpResponse:
    search = RoleSearchForm(request.GET)
    page = paginate(request, selectors.roles_for(user=request.user, filters=search.values()))
    # Roles the user may not edit or delete get no buttons (``grants``); a 管理员 reaches every role.
    reach = grants.reach_of(grants.authority_read(request.user))
    beyond = set() if request.user.is_org_admin else reach.roles_beyond | reach.roles_held
    return render_list(request, "accounts/role_list.html", {"search": search, "page": page, "beyond": beyond})


@requires("system.role.add")
def role_create(request: HttpRequest) -> HttpResponse:
    return action_view(
        request,
        form_class=RoleForm,
        form_kwargs={"actor": request.user},
        call=lambda form: services.role_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data["permissions"],
            remark=form.cleaned_data["remark"],
        ),
        success="新增成功",
        redirect_to=_url(request, "role_list"),
        template="accounts/role_form.html",
        context={"title": "新增角色"},
    )


@requires("system.role.edit")
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.role_to_manage(user=request.user, pk=pk)
    return action_view(
        request,
        form_class=RoleForm,
        form_kwargs={"actor": request.user, "instance": role},
        call=lambda form: services.role_update(
            actor=request.user,
            role=role,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data["permissions"],
            remark=form.cleaned_data["remark"],
        ),
        success="修改成功",
        redirect_to=_url(request, "role_list"),
        template="accounts/role_form.html",
        context={"title": "编辑角色", "role": role},
    )


@requires("system.role.delete")
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    role = selectors.role_to_manage(user=request.user, pk=pk)
    return button_view(
        request,
        call=lambda: services.role_delete(actor=request.user, role=role),
        success="删除成功",
        redirect_to=_url(request, "role_list"),
        confirm={"title": "删除角色", "question": f"是否确认删除角色“{role.name}”？"},
    )
