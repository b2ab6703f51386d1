"""Small helpers of the view tests (fixtures are in conftest.py)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from openpyxl import load_workbook

from anze.basedata.models import ServiceItem
from anze.orders.models import INSURER_STATUSES, Order
from anze.orders.rules import add_years

# What htmx sends when a dialog is opened or submitted.
HX: dict[str, str] = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "anze-modal-content"}
LIST = "/insurer/orders/"


def status_counts(orders: QuerySet[Order]) -> dict[str, int]:
    """{state: number of ``orders`` in it}, every insurer state present: the plain count that the list's
    counts (kept, estimated or bounded) are checked against."""
    counts = dict.fromkeys(INSURER_STATUSES, 0)
    rows = orders.order_by().values_list("status").annotate(n=Count("pk"))
    counts.update({status: n for status, n in rows if status in counts})
    return counts


def url(order: Order, action: str = "") -> str:
    """/insurer/orders/<申请编号>/<action>/"""
    return f"{LIST}{order.application_no}/" + (f"{action}/" if action else "")


def html(response: Any) -> str:
    return response.content.decode()


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    """The rows of an exported workbook's first sheet."""
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.values)


def field_row(page: str, name: str) -> str:
    """The form row that holds the input ``name``: its label, input, hint and errors."""
    at = page.index(f'name="{name}"')
    start = page.rfind('<div class="form-row', 0, at)
    end = page.find('<div class="form-row', at)
    return page[start : end if end != -1 else len(page)]


def top_errors(page: str) -> str:
    """The errors shown at the top of a form (those about the whole form)."""
    start = page.find('class="form-errors"')
    return "" if start == -1 else page[start : page.index("</div></div>", start)]


def scheme_data(**overrides: Any) -> dict[str, str]:
    """A valid 报价 / 保单信息补录 scheme as the form posts it: amounts in 元, one year, two services."""
    start = timezone.localdate() + timedelta(days=1)
    data = {
        "aggregate_limit": "5000000",
        "per_accident_limit": "1000000",
        "per_person_injury_limit": "500000",
        "per_person_medical_limit": "50000",
        "premium": "12000",
        "prevention_fee": "2400",
        "period_start": start.isoformat(),
        "period_end": (add_years(start, 1) - timedelta(days=1)).isoformat(),
    }
    for index, item in enumerate(ServiceItem.objects.active()):
        data[f"service_{item.pk}"] = "2" if index < 2 else ""
    data.update({key: str(value) for key, value in overrides.items()})
    return data
