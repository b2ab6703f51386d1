"""Home cards of the service organisation (what waits for it) and of the enterprise (what waits for it)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, register
from anze.core.sides import Side
from anze.policies.models import ServiceStatus

from . import selectors
from .models import HazardStatus, RecordStatus


def _complaint_card(request: HttpRequest, url: str) -> Card:
    waiting, overdue = selectors.open_complaint_counts(user=request.user)
    return Card(
        label=f"待答复投诉（逾期 {overdue}）" if overdue else "待答复投诉",
        value=waiting,
        url=f"{url}?status=open",
        icon="message-report",
        tone="danger" if overdue else "warning",
        permission="complaint.handle",
    )


@register(Side.SERVICE_ORG)
def service_org_cards(request: HttpRequest) -> list[Card]:
    user = request.user
    cards: list[Card] = []
    if user.has_perm_code("service.order.view"):
        counts = selectors.assigned_counts(user=user)
        url = reverse("service:service_orders:list")
        cards.append(
            Card(
                "待接受服务订单",
                counts[ServiceStatus.PENDING],
                f"{url}?tab=pending",
                "inbox",
                "warning",
                "service.order.view",
            )
        )
        cards.append(
            Card(
                "服务中",
                counts[ServiceStatus.IN_SERVICE],
                f"{url}?tab=in_service",
                "tools",
                "primary",
                "service.order.view",
            )
        )
        waiting = selectors.records_for(user=user).filter(status=RecordStatus.PENDING).count()
        cards.append(
            Card(
                "待企业确认记录",
                waiting,
                f"{reverse('service:service_records:list')}?status=pending",
                "clipboard-check",
                "primary",
                "service.order.view",
            )
        )
    if user.has_perm_code("service.inspection.manage"):
        rectified = selectors.hazards_for(user=user).filter(status=HazardStatus.RECTIFIED).count()
        cards.append(
            Card(
                "待复查隐患",
                rectified,
                reverse("service:inspections:list"),
                "zoom-check",
                "warning",
                "service.inspection.manage",
            )
        )
    if user.has_perm_code("complaint.handle"):
        cards.append(_complaint_card(request, reverse("service:complaints:list")))
    return cards


@register(Side.INSURER)
def insurer_complaint_cards(request: HttpRequest) -> list[Card]:
    if not request.user.has_perm_code("complaint.handle"):
        return []
    return [_complaint_card(request, reverse("insurer:complaints:list"))]


@register(Side.ENTERPRISE)
def enterprise_cards(request: HttpRequest) -> list[Card]:
    user = request.user
    cards: list[Card] = []
    if user.has_perm_code("portal.service.confirm"):
        waiting = selectors.records_for(user=user).filter(status=RecordStatus.PENDING).count()
        cards.append(
            Card(
                "待确认服务记录",
                waiting,
                f"{reverse('enterprise:services:records')}?status=pending",
                "clipboard-check",
                "primary",
                "portal.service.confirm",
            )
        )
    if user.has_perm_code("portal.hazard.rectify"):
        row = selectors.hazards_for(user=user).aggregate(
            open=Count("pk", filter=Q(status=HazardStatus.OPEN)),
        )
        cards.append(
            Card(
                "待整改隐患",
                row["open"],
                reverse("enterprise:services:hazards"),
                "alert-triangle",
                "warning",
                "portal.hazard.rectify",
            )
        )
    return cards
