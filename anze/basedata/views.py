"""基础数据 on the platform side: 服务项目, 行业, 行政区划, 地区投保规则 (docs/spec/DOMAIN.md §2, §6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.accounts.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal
from anze.core.pagination import paginate
from anze.core.views import done, refused, render_form, render_list

from . import selectors, services
from .forms import (
    CountyForm,
    IndustryForm,
    IndustrySearchForm,
    RegionalRuleForm,
    ServiceItemForm,
    ServiceItemSearchForm,
)

PERMISSION = "platform.basedata.manage"


def _url(name: str) -> str:
    return reverse(f"platform:basedata:{name}")


# --- 服务项目 ------------------------------------------------------------------------------------------------
@requires(PERMISSION)
def service_item_list(request: HttpRequest) -> HttpResponse:
    search = ServiceItemSearchForm(request.GET)
    # Not paginated: the list is short and its order is what the operator arranges with 上移 / 下移.
    items = list(selectors.service_items(search.values()))
    filtered = any(search.values().values())
    return render_list(
        request, "basedata/service_item_list.html", {"search": search, "items": items, "filtered": filtered}
    )


@requires(PERMISSION)
def service_item_create(request: HttpRequest) -> HttpResponse:
    form = ServiceItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_item_create(name=form.cleaned_data["name"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "新增成功", _url("service_item_list"))
    return render_form(
        request,
        "basedata/simple_form.html",
        {"form": form, "title": "新增服务项目", "cancel_url": _url("service_item_list")},
    )


@requires(PERMISSION)
def service_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.service_item(pk)
    form = ServiceItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_item_rename(item=item, name=form.cleaned_data["name"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "修改成功", _url("service_item_list"))
    return render_form(
        request,
        "basedata/simple_form.html",
        {
            "form": form,
            "title": "编辑服务项目",
            "cancel_url": _url("service_item_list"),
            "hint": "改名后，已选择该项目的订单和保单显示新名称。",
        },
    )


@require_POST
@requires(PERMISSION)
def service_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.service_item(pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.service_item_move(item=item, direction=direction)
    except Refused as exc:
        return refused(request, exc.message, _url("service_item_list"))
    return done(request, "已上移" if direction == "up" else "已下移", _url("service_item_list"))


@require_POST
@requires(PERMISSION)
def service_item_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.service_item(pk)
    active = request.POST.get("active") == "1"
    try:
        services.service_item_set_active(item=item, active=active)
    except Refused as exc:
        return refused(request, exc.message, _url("service_item_list"))
    return done(request, "已启用" if active else "已停用", _url("service_item_list"))


# --- 行业 ------------------------------------------------------------------------------------------------------
@requires(PERMISSION)
def industry_list(request: HttpRequest) -> HttpResponse:
    search = IndustrySearchForm(request.GET)
    page = paginate(request, selectors.industries(search.values()), default_size=20)
    return render_list(request, "basedata/industry_list.html", {"search": search, "page": page})


@requires(PERMISSION)
def industry_create(request: HttpRequest) -> HttpResponse:
    form = IndustryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.industry_create(name=data["name"], is_compulsory=data["is_compulsory"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "新增成功", _url("industry_list"))
    return render_form(
        request,
        "basedata/simple_form.html",
        {"form": form, "title": "新增行业", "cancel_url": _url("industry_list")},
    )


@requires(PERMISSION)
def industry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    industry = selectors.industry(pk)
    form = IndustryForm(request.POST or None, instance=industry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.industry_update(
                industry=industry, name=data["name"], is_compulsory=data["is_compulsory"]
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "修改成功", _url("industry_list"))
    return render_form(
        request,
        "basedata/simple_form.html",
        {"form": form, "title": "编辑行业", "cancel_url": _url("industry_list")},
    )


@require_POST
@requires(PERMISSION)
def industry_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    industry = selectors.industry(pk)
    active = request.POST.get("active") == "1"
    services.industry_set_active(industry=industry, active=active)
    return done(request, "已启用" if active else "已停用", _url("industry_list"))


# --- 行政区划 -------------------------------------------------------------------------------------------------
@requires(PERMISSION)
def region_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, "basedata/region_list.html", {"rows": selectors.region_tree()})


@requires(PERMISSION)
def region_create(request: HttpRequest) -> HttpResponse:
    form = CountyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.region_create_county(city=data["parent"], code=data["code"], name=data["name"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "新增成功", _url("region_list"))
    return render_form(
        request,
        "basedata/simple_form.html",
        {"form": form, "title": "新增区县", "cancel_url": _url("region_list")},
    )


# --- 地区投保规则 -----------------------------------------------------------------------------------------------
@requires(PERMISSION)
def rule_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.regional_rules(), default_size=20)
    context = {"page": page, "effective": selectors.county_effective_rules()}
    return render_list(request, "basedata/rule_list.html", context)


@requires(PERMISSION)
def rule_create(request: HttpRequest) -> HttpResponse:
    form = RegionalRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.regional_rule_create(
                region=form.cleaned_data["region"], values=form.values(), note=form.cleaned_data["note"]
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "新增成功", _url("rule_list"))
    return render_form(
        request,
        "basedata/rule_form.html",
        {"form": form, "title": "新增地区投保规则", "cancel_url": _url("rule_list")},
    )


@requires(PERMISSION)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.regional_rule(pk)
    form = RegionalRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.regional_rule_update(rule=rule, values=form.values(), note=form.cleaned_data["note"])
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "修改成功", _url("rule_list"))
    title = "编辑默认规则" if rule.region_id is None else f"编辑{rule.region.name}投保规则"
    return render_form(
        request,
        "basedata/rule_form.html",
        {"form": form, "title": title, "rule": rule, "cancel_url": _url("rule_list")},
    )


@requires(PERMISSION)
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.regional_rule(pk)
    if request.method != "POST":
        return render_form(
            request,
            "core/confirm.html",
            {
                "title": "删除地区投保规则",
                "question": f"是否确认删除“{rule}”？删除后该地区沿用上级地区或默认规则。",
                "action": request.path,
                "cancel_url": _url("rule_list"),
                "danger": True,
            },
        )
    try:
        services.regional_rule_delete(rule=rule)
    except Refused as exc:
        return refused(request, exc.message, _url("rule_list"))
    return done(request, "删除成功", _url("rule_list"))
