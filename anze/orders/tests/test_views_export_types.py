"""Issue 12 point 7: an export a clerk can compute with — amounts are numbers with a number format (the unit in the
header), dates are dates, the header row is frozen and the columns are wide enough for what they hold."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anze.orders.models import OrderStatus

pytestmark = pytest.mark.django_db
EXPORT = "/insurer/orders/export/"


def test_amounts_are_numbers_dates_are_dates_and_the_header_is_frozen(online, clerk):
    order = online(OrderStatus.AWAITING_PAYMENT_NOTICE, project_name="晋江陈埭鞋业生产基地" * 3)
    sheet = load_workbook(io.BytesIO(b"".join(clerk.get(EXPORT).streaming_content))).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    premium = row["保费（元）"]
    assert premium.data_type == "n" and Decimal(str(premium.value)) == order.premium
    assert premium.number_format == "#,##0.00"
    limit = row["累积赔偿限额（万元）"]
    assert limit.data_type == "n" and Decimal(str(limit.value)) == order.aggregate_limit / 10000
    submitted = row["申请时间"]
    assert isinstance(submitted.value, datetime) and submitted.number_format == "yyyy-mm-dd hh:mm:ss"
    local = timezone.localtime(order.submitted_at).replace(tzinfo=None, microsecond=0)
    assert submitted.value.replace(microsecond=0) == local  # Beijing time, as the list shows it
    name_column = header.index("项目名称") + 1
    width = sheet.column_dimensions[sheet.cell(1, name_column).column_letter].width
    assert width >= len(order.project_name) * 2  # Chinese characters are two units wide
