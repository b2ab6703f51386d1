"""基础数据 on the platform side: 服务项目, 行业, 行政区划, 地区投保规则 (docs/spec/DOMAIN.md §2, §6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.views import action_view, button_view, render_list

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
    return action_view(
        request,
        form_class=ServiceItemForm,
        call=lambda form: services.service_item_create(
            name=form.cleaned_data["name"], unit_price=form.cleaned_data["unit_price"]
        ),
        success="新增成功",
        redirect_to=_url("service_item_list"),
        template="basedata/simple_form.html",
        context={"title": "新增服务项目", "cancel_url": _url("service_item_list")},
    )


@requires(PERMISSION)
def service_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.service_item(pk)
    return action_view(
        request,
        form_class=ServiceItemForm,
        form_kwargs={"instance": item},
        call=lambda form: services.service_item_update(
            item=item, name=form.cleaned_data["name"], unit_price=form.cleaned_data["unit_price"]
        ),
        success="修改成功",
        redirect_to=_url("service_item_list"),
        template="basedata/simple_form.html",
        context={
            "title": "编辑服务项目",
            "cancel_url": _url("service_item_list"),
            "hint": "改名后，已选择该项目的订单和保单显示新名称；修改单价不影响已记账的服务费用。",
        },
    )


@require_POST
@requires(PERMISSION)
def service_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.service_item(pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    return button_view(
        request,
        call=lambda: services.service_item_move(item=item, direction=direction),
        success="已上移" if direction == "up" else "已下移",
        redirect_to=_url("service_item_list"),
    )


@require_POST
@requires(PERMISSION)
def service_item_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.service_item(pk)
    active = request.POST.get("active") == "1"
    return button_view(
        request,
        call=lambda: services.service_item_set_active(item=item, active=active),
        success="已启用" if active else "已停用",
        redirect_to=_url("service_item_list"),
    )


# --- 行业 ------------------------------------------------------------------------------------------------------
@requires(PERMISSION)
def industry_list(request: HttpRequest) -> HttpResponse:
    search = IndustrySearchForm(request.GET)
    page = paginate(request, selectors.industries(search.values()), default_size=20)
    return render_list(request, "basedata/industry_list.html", {"search": search, "page": page})


@requires(PERMISSION)
def industry_create(request: HttpRequest) -> HttpResponse:
    return action_view(
        request,
        form_class=IndustryForm,
        call=lambda form: services.industry_create(
            name=form.cleaned_data["name"], is_compulsory=form.cleaned_data["is_compulsory"]
        ),
        success="新增成功",
        redirect_to=_url("industry_list"),
        template="basedata/simple_form.html",
        context={"title": "新增行业", "cancel_url": _url("industry_list")},
    )


@requires(PERMISSION)
def industry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    industry = selectors.industry(pk)
    return action_view(
        request,
        form_class=IndustryForm,
        form_kwargs={"instance": industry},
        call=lambda form: services.industry_update(
            industry=industry,
            name=form.cleaned_data["name"],
            is_compulsory=form.cleaned_data["is_compulsory"],
        ),
        success="修改成功",
        redirect_to=_url("industry_list"),
        template="basedata/simple_form.html",
        context={"title": "编辑行业", "cancel_url": _url("industry_list")},
    )


@require_POST
@requires(PERMISSION)
def industry_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    industry = selectors.industry(pk)
    active = request.POST.get("active") == "1"
    return button_view(
        request,
        call=lambda: services.industry_set_active(industry=industry, active=active),
        success="已启用" if active else "已停用",
        redirect_to=_url("industry_list"),
    )


# --- 行政区划 -------------------------------------------------------------------------------------------------
@requires(PERMISSION)
def region_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, "basedata/region_list.html", {"rows": selectors.region_tree()})


@requires(PERMISSION)
def region_create(request: HttpRequest) -> HttpResponse:
    return action_view(
        request,
        form_class=CountyForm,
        call=lambda form: services.region_create_county(
            city=form.cleaned_data["parent"], code=form.cleaned_data["code"], name=form.cleaned_data["name"]
        ),
        success="新增成功",
        redirect_to=_url("region_list"),
        template="basedata/simple_form.html",
        context={"title": "新增区县", "cancel_url": _url("region_list")},
    )


# --- 地区投保规则 -----------------------------------------------------------------------------------------------
@requires(PERMISSION)
def rule_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.regional_rules(), default_size=20)
    context = {
        "page": page,
        "effective": selectors.county_effective_rules(),
        "windows": selectors.county_report_windows(),
    }
    return render_list(request, "basedata/rule_list.html", context)


@requires(PERMISSION)
def rule_create(request: HttpRequest) -> HttpResponse:
    return action_view(
        request,
        form_class=RegionalRuleForm,
        call=lambda form: services.regional_rule_create(
            region=form.cleaned_data["region"], values=form.values(), note=form.cleaned_data["note"]
        ),
        success="新增成功",
        redirect_to=_url("rule_list"),
        template="basedata/rule_form.html",
        context={"title": "新增地区投保规则", "cancel_url": _url("rule_list")},
    )


@requires(PERMISSION)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.regional_rule(pk)
    title = "编辑默认规则" if rule.region_id is None else f"编辑{rule.region.name}投保规则"
    return action_view(
        request,
        form_class=RegionalRuleForm,
        form_kwargs={"instance": rule},
        call=lambda form: services.regional_rule_update(
            rule=rule, values=form.values(), note=form.cleaned_data["note"]
        ),
        success="修改成功",
        redirect_to=_url("rule_list"),
        template="basedata/rule_form.html",
        context={"title": title, "rule": rule, "cancel_url": _url("rule_list")},
    )


@requires(PERMISSION)
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.regional_rule(pk)
    return button_view(
        request,
        call=lambda: services.regional_rule_delete(rule=rule),
        success="删除成功",
        redirect_to=_url("rule_list"),
        confirm={
            "title": "删除地区投保规则",
            "question": f"是否确认删除“{rule}”？删除后该地区沿用上级地区或默认规则。",
        },
    )
