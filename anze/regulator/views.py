"""监管端: read-only views across insurers within the regulator's region, and the statistics."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from anze.accounts.access import requires
from anze.accounts.models import Organisation
from anze.basedata.models import Industry, Region
from anze.core.exports import xlsx_response
from anze.core.forms import SearchForm
from anze.core.pagination import paginate
from anze.core.sides import Side
from anze.core.views import render_list
from anze.orders.models import Order, OrderStatus
from anze.policies.models import Policy, ServiceStatus

from . import selectors
from .selectors import Cover, Standing


class _ScopedSearch(SearchForm):
    """Choices limited to what the regulator's region contains."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "insurer" in self.fields:
            self.fields["insurer"].queryset = Organisation.objects.filter(kind=Side.INSURER).order_by("id")
        if "region" in self.fields:
            self.fields["region"].queryset = selectors.regions_in_scope(user).filter(level="county")
        if "industry" in self.fields:
            self.fields["industry"].queryset = Industry.objects.all()


class OrderSearch(_ScopedSearch):
    q = forms.CharField(
        label="关键字",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "申请编号 / 投保人 / 项目名称"}),
    )
    insurer = forms.ModelChoiceField(
        label="保险公司", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), *[(s, label) for s, label in OrderStatus.choices if s != OrderStatus.DRAFT]],
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )


class PolicySearch(_ScopedSearch):
    q = forms.CharField(
        label="关键字", required=False, widget=forms.TextInput(attrs={"placeholder": "保单编号 / 投保人"})
    )
    insurer = forms.ModelChoiceField(
        label="保险公司", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    industry = forms.ModelChoiceField(
        label="行业", queryset=Industry.objects.none(), required=False, empty_label="全部"
    )
    standing = forms.ChoiceField(
        label="保障状态", required=False, choices=[("", "全部"), *Standing.LABELS.items()]
    )
    service = forms.ChoiceField(
        label="安全服务", required=False, choices=[("", "全部"), *ServiceStatus.choices]
    )


class CoverSearch(_ScopedSearch):
    q = forms.CharField(
        label="企业名称", required=False, widget=forms.TextInput(attrs={"placeholder": "请输入企业名称"})
    )
    region = forms.ModelChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部"
    )
    cover = forms.ChoiceField(label="投保状态", required=False, choices=[("", "全部"), *Cover.LABELS.items()])


def _filtered_orders(request: HttpRequest, search: OrderSearch) -> QuerySet[Order]:
    f = search.values()
    qs = selectors.orders_for(user=request.user)
    if f.get("q"):
        q = f["q"].strip()
        qs = qs.filter(Q(application_no=q) | Q(applicant_name__contains=q) | Q(project_name__contains=q))
    if f.get("insurer"):
        qs = qs.filter(insurer=f["insurer"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("region"):
        qs = qs.filter(region=f["region"])
    return qs.select_related("insurer", "region").order_by("-submitted_at", "-id")


@requires("regulator.view")
def order_list(request: HttpRequest) -> HttpResponse:
    search = OrderSearch(request.GET, user=request.user)
    page = paginate(request, _filtered_orders(request, search))
    return render_list(request, "regulator/order_list.html", {"search": search, "page": page})


@requires("regulator.view")
def order_detail(request: HttpRequest, application_no: str) -> HttpResponse:
    order = get_object_or_404(
        selectors.orders_for(user=request.user).select_related("insurer", "region", "industry"),
        application_no=application_no,
    )
    events = order.events.select_related(None).order_by("created_at", "id")
    counts = order.service_counts.select_related("item")
    return render(
        request,
        "regulator/order_detail.html",
        {"order": order, "events": events, "counts": counts, "extra_crumb": order.application_no},
    )


def _filtered_policies(request: HttpRequest, search: PolicySearch) -> QuerySet[Policy]:
    f = search.values()
    qs = selectors.policies_for(user=request.user)
    if f.get("q"):
        q = f["q"].strip()
        qs = qs.filter(Q(policy_no=q) | Q(order__applicant_name__contains=q))
    if f.get("insurer"):
        qs = qs.filter(insurer=f["insurer"])
    if f.get("region"):
        qs = qs.filter(order__region=f["region"])
    if f.get("industry"):
        qs = qs.filter(order__industry=f["industry"])
    if f.get("standing"):
        qs = selectors.filter_standing(qs, f["standing"])
    if f.get("service"):
        qs = qs.filter(service_status=f["service"])
    return qs.select_related("insurer", "order", "order__region", "service_org").order_by("-issued_at", "-id")


def _policy_rows(policies: list[Policy]) -> list[dict[str, Any]]:
    return [{"policy": p, "standing": selectors.standing_of(p)} for p in policies]


@requires("regulator.view")
def policy_list(request: HttpRequest) -> HttpResponse:
    search = PolicySearch(request.GET, user=request.user)
    page = paginate(request, _filtered_policies(request, search))
    page.rows = _policy_rows(list(page.rows))
    return render_list(
        request,
        "regulator/policy_list.html",
        {
            "search": search,
            "page": page,
            "standing_labels": Standing.LABELS,
            "standing_tones": Standing.TONES,
        },
    )


@requires("regulator.view")
def policy_export(request: HttpRequest) -> HttpResponse:
    search = PolicySearch(request.GET, user=request.user)
    rows = (
        (
            p.policy_no,
            p.order.application_no,
            p.insurer.name,
            p.order.applicant_name,
            p.order.region.name if p.order.region else "",
            p.period_start,  # dates and amounts stay typed: core.exports formats them
            p.period_end,
            p.order.premium,
            Standing.LABELS[selectors.standing_of(p)],
            p.get_service_status_display(),
            p.service_org.name if p.service_org else "",
        )
        for p in _filtered_policies(request, search).iterator(chunk_size=500)
    )
    return xlsx_response(
        "保单统计",
        [
            "保单编号",
            "申请编号",
            "保险公司",
            "投保人",
            "区县",
            "保险起期",
            "保险止期",
            "保费（元）",
            "保障状态",
            "安全服务",
            "服务机构",
        ],
        rows,
        widths=[20, 22, 36, 34, 10, 12, 12, 14, 10, 10, 30],
    )


@requires("regulator.view")
def cover_list(request: HttpRequest) -> HttpResponse:
    """应保尽保: enterprises of the compulsory sectors and whether they are covered now."""
    search = CoverSearch(request.GET, user=request.user)
    f = search.values()
    qs = selectors.compulsory_enterprises(user=request.user)
    if f.get("q"):
        qs = qs.filter(name__contains=f["q"].strip())
    if f.get("region"):
        qs = qs.filter(region=f["region"])
    if f.get("cover"):
        qs = selectors.filter_cover(qs, f["cover"])
    page = paginate(request, qs.order_by("cover_until", "id"))
    page.rows = [{"org": org, "cover": selectors.cover_of(org)} for org in page.rows]
    return render_list(
        request,
        "regulator/cover_list.html",
        {"search": search, "page": page, "cover_labels": Cover.LABELS, "cover_tones": Cover.TONES},
    )


class StatsFilterForm(_ScopedSearch):
    """统计分析's filters. Unlike a list's search, a bad value is shown as an error (the figures then stay
    unfiltered) rather than silently dropped, since the figures would not say what they count."""

    insurer = forms.ModelChoiceField(
        label="保险公司",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "请选择列表中的保险公司"},
    )
    region = forms.ModelChoiceField(
        label="区县",
        queryset=Region.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "请选择您辖区内的区县"},
    )
    industry = forms.ModelChoiceField(
        label="行业",
        queryset=Industry.objects.none(),
        required=False,
        empty_label="全部",
        error_messages={"invalid_choice": "请选择列表中的行业"},
    )
    start = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "placeholder": "开始日期"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "placeholder": "结束日期"}, format="%Y-%m-%d"),
    )
    date_ranges = (("出函时间", "start", "end"),)
    keep_params = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "结束日期不能早于开始日期")
        return data

    def filters(self) -> selectors.StatsFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.NO_FILTERS
        return selectors.StatsFilters(**{k: v for k, v in self.cleaned_data.items() if v})


@requires("regulator.stats")
def statistics(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = StatsFilterForm(request.GET or None, user=user)
    filters = form.filters()
    return render(
        request,
        "regulator/statistics.html",
        {
            "search": form,
            "filters": filters,
            "summary": selectors.summary(user=user, filters=filters),
            "charts": {
                "month": selectors.by_month(user=user, filters=filters),
                "insurer": selectors.by_insurer(user=user, filters=filters),
                "county": selectors.by_county(user=user, filters=filters),
                "industry": selectors.by_industry(user=user, filters=filters),
                "service": selectors.by_service_status(user=user, filters=filters),
            },
        },
    )
