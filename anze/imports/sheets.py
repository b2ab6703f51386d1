"""The Excel side of every import (openpyxl): the template a user downloads, reading what they upload, and the
same workbook handed back with a 错误说明 column when rows are refused.

An import declares its ``Column``s once; the template, the reader and the annotated workbook all follow them:

- **template**: a header row (required columns marked ``*``, each header's note as a cell comment), one example
  row, drop-down lists (data validation) for the columns whose values come from base data, text format for codes
  and phone numbers (Excel would turn 13860710021 into 1.386E+10), and a 填写说明 sheet;
- **reading**: the first sheet, its header row found by the column names (order free, unknown columns — a
  previous 错误说明 — ignored), empty rows skipped, the template's example row ignored;
- **annotating**: the uploaded file itself, each refused row's 错误说明 filled in and its wrong cells
  highlighted; a file fixed and uploaded again is annotated afresh (old marks cleared).

Parsing a cell (``text``, ``integer``, ``amount``, ``day``) accepts what Excel stores for what a clerk typed: a
number for a phone, a float for an amount, a datetime or a string for a date.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

TEXT, INTEGER, AMOUNT, DATE = "text", "integer", "amount", "date"
ERROR_HEADER = "错误说明"
LISTS_SHEET = "下拉选项"
GUIDE_SHEET = "填写说明"

NOT_XLSX = "文件不是有效的Excel文件（.xlsx），请使用下载的模板填写"
NO_HEADER = "未找到表头（缺少列：{missing}），请使用下载的模板填写"
NO_ROWS = "文件中没有数据，请从模板的第3行起填写（第2行为示例）"
TOO_MANY_ROWS = "每次最多导入{limit}行，请拆分后分批导入"

# What a workbook may hold unpacked: a 10,000-row sheet is a few MB of XML; far more is a zip bomb.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
# This many empty rows in a row end the data (a column formatted down to row 1,048,576 is not 1 million rows).
EMPTY_RUN_END = 1000
TEMPLATE_ROWS = 20_000  # rows offered the drop-downs (the largest import takes 20,000)
ERROR_COLOR = "FFFDE2E2"  # Element's danger background; the mark is recognised (and cleared) on re-upload
ERROR_FILL = PatternFill("solid", fgColor=ERROR_COLOR)
NO_FILL = PatternFill(fill_type=None)
_HEADER_FILL = PatternFill("solid", fgColor="FFF5F7FA")
_EXAMPLE_FONT = Font(italic=True, color="FF909399")
_REQUIRED_FONT = Font(bold=True, color="FFF56C6C")
_ERROR_FONT = Font(color="FFF56C6C")


@dataclass(frozen=True)
class Column:
    """One column of an import: ``key`` (the code's name), ``header`` (what the sheet says), whether a value is
    required, what kind of value, the note shown on the header, and ``choices``: the name of the drop-down list
    (a key of the template's ``lists``) offered in its cells."""

    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    note: str = ""
    width: int = 16
    choices: str | None = None
    example: Any = ""

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header


class SheetError(Exception):
    """The file as a whole cannot be read as the import's sheet: the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    number: int  # the row's number in Excel, what the user looks for
    values: dict[str, Any]


@dataclass
class Sheet:
    rows: list[SheetRow]
    header_row: int
    positions: dict[str, int] = field(default_factory=dict)  # column key → 1-based column index
    unknown: list[str] = field(default_factory=list)  # headers of no column (错误说明 aside), as written


# --- parsing a cell -------------------------------------------------------------------------------------------
def text(value: Any) -> str:
    """A cell as text: a number typed in a text column (a phone, a code) without ``.0`` or an exponent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}" if value.time() == datetime.min.time() else f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return unicodedata.normalize("NFC", str(value)).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def integer(value: Any) -> int:
    """A whole number, or ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip().replace(",", "")):
        return int(value.strip().replace(",", ""))
    raise ValueError(value)


def amount(value: Any) -> Decimal:
    """A sum of money in 元 as typed (the float Excel stores read back as its shortest decimal), or
    ``ValueError``: thousands separators and a trailing 元 are allowed."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        try:
            result = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(value) from None
    else:
        raise ValueError(value)
    if not result.is_finite():
        raise ValueError(value)
    return result


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def day(value: Any) -> date:
    """A date: a date cell, ``2026-01-01`` (or with ``/``, ``.``, 年月日), ``20260101``, or an Excel serial
    number; ``ValueError`` otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number != value:
            raise ValueError(value)
        if 19000101 <= number <= 29991231:
            value = str(number)
        elif 1 <= number <= 2958465:
            return (_EXCEL_EPOCH + timedelta(days=number)).date()
        else:
            raise ValueError(value)
    if isinstance(value, str):
        cleaned = value.strip().split(" ")[0]
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(cleaned, fmt).date()
            except ValueError:
                continue
    raise ValueError(value)


# --- the template ---------------------------------------------------------------------------------------------
def template_workbook(
    *,
    title: str,
    columns: Sequence[Column],
    lists: Mapping[str, Sequence[str]],
    guide: Sequence[str],
) -> bytes:
    """The import's template as .xlsx bytes: the data sheet ``title`` (header, example row, drop-downs, text
    format), the 填写说明 sheet (``guide`` and every column's note) and the hidden sheet of drop-down values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.freeze_panes = "A3"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.title)
        cell.font = _REQUIRED_FONT if column.required else Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if column.note:
            cell.comment = Comment(column.note, "安责险平台", width=260, height=120)
        example = sheet.cell(row=2, column=index, value=column.example)
        example.font = _EXAMPLE_FONT
        sheet.column_dimensions[letter].width = max(column.width, _width(column.title))
        # The column's own format (Excel applies it to every cell typed in the column): no cell to create.
        if column.kind == TEXT:
            example.number_format = sheet.column_dimensions[letter].number_format = "@"
            example.data_type = "s"
        elif column.kind == DATE:
            example.number_format = sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    sheet.row_dimensions[1].height = 30

    options = workbook.create_sheet(LISTS_SHEET)
    for list_index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(list_index)
        options.cell(row=1, column=list_index, value=name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=list_index, value=value).data_type = "s"
        options.column_dimensions[letter].width = 24
        for index, column in enumerate(columns, start=1):
            if column.choices != name:
                continue
            validation = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=f"{column.header}请从下拉列表中选择",
            )
            column_letter = get_column_letter(index)
            validation.add(f"{column_letter}2:{column_letter}{TEMPLATE_ROWS + 2}")
            sheet.add_data_validation(validation)
    options.sheet_state = "hidden"

    notes = workbook.create_sheet(GUIDE_SHEET)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for row, line in enumerate(guide, start=1):
        notes.cell(row=row, column=1, value=line)
    start = len(guide) + 2
    for index, heading in enumerate(("列名", "是否必填", "说明"), start=1):
        notes.cell(row=start, column=index, value=heading).font = Font(bold=True)
    for offset, column in enumerate(columns, start=1):
        notes.cell(row=start + offset, column=1, value=column.header)
        notes.cell(row=start + offset, column=2, value="必填" if column.required else "选填")
        notes.cell(row=start + offset, column=3, value=column.note).alignment = Alignment(wrap_text=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _width(title: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in title) + 4


# --- reading --------------------------------------------------------------------------------------------------
def header_key(header: Any) -> str:
    """A header as compared: NFKC, no spaces, no required mark (*)."""
    value = unicodedata.normalize("NFKC", text(header))
    return re.sub(r"\s+", "", value).strip("*")


def check_unpacked_size(handle: IO[bytes]) -> None:
    """Refuse an .xlsx (a zip) that would unpack to more than a workbook of the allowed rows can: a zip bomb
    must not reach openpyxl."""
    try:
        with zipfile.ZipFile(handle) as packed:
            if sum(info.file_size for info in packed.infolist()) > MAX_UNPACKED_BYTES:
                raise SheetError(NOT_XLSX)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SheetError(NOT_XLSX) from None
    finally:
        handle.seek(0)


def _open(handle: IO[bytes], *, read_only: bool) -> Any:
    check_unpacked_size(handle)
    try:
        return load_workbook(handle, read_only=read_only, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        raise SheetError(NOT_XLSX) from None
    except (
        Exception
    ) as exc:  # openpyxl raises many exception types on a damaged workbook; each means "cannot read"
        raise SheetError(NOT_XLSX) from exc


def _find_header(rows: Iterable[tuple[Any, ...]], columns: Sequence[Column]) -> tuple[int, dict[str, int]]:
    """The header row's number and each known column's position; ``SheetError`` naming the required columns
    missing from the best candidate."""
    by_header = {header_key(column.header): column.key for column in columns}
    required = {column.key: column.header for column in columns if column.required}
    best: tuple[int, dict[str, int]] = (1, {})
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        positions: dict[str, int] = {}
        for index, value in enumerate(row, start=1):
            key = by_header.get(header_key(value))
            if key is not None and key not in positions:
                positions[key] = index
        if len(positions) > len(best[1]):
            best = (number, positions)
        if all(key in positions for key in required):
            return number, positions
    missing = "、".join(header for key, header in required.items() if key not in best[1])
    raise SheetError(NO_HEADER.format(missing=missing))


def read_sheet(handle: IO[bytes], columns: Sequence[Column], *, max_rows: int) -> Sheet:
    """The data rows of the workbook's first sheet, as {column key: cell value}; ``SheetError`` for a file that
    is not a workbook, lacks a required column, has no data row or more than ``max_rows``."""
    workbook = _open(handle, read_only=True)
    try:
        worksheet = workbook.worksheets[0]
        top = list(worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))
        header_row, positions = _find_header(top, columns)
        known = {header_key(column.header) for column in columns} | {ERROR_HEADER}
        unknown = [text(v) for v in top[header_row - 1] if not is_blank(v) and header_key(v) not in known]
        example = {column.key: text(column.example) for column in columns}
        rows: list[SheetRow] = []
        empty_run = 0
        for number, cells in enumerate(
            worksheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
        ):
            values = {
                key: cells[index - 1] if index - 1 < len(cells) else None for key, index in positions.items()
            }
            if all(is_blank(value) for value in values.values()):
                empty_run += 1
                if empty_run >= EMPTY_RUN_END:
                    break
                continue
            empty_run = 0
            if all(text(values.get(key)) == shown for key, shown in example.items() if key in positions):
                continue  # the template's example row, left in
            rows.append(SheetRow(number=number, values=values))
            if len(rows) > max_rows:
                raise SheetError(TOO_MANY_ROWS.format(limit=max_rows))
    finally:
        workbook.close()
    if not rows:
        raise SheetError(NO_ROWS)
    return Sheet(rows=rows, header_row=header_row, positions=positions, unknown=unknown)


# --- the annotated workbook -------------------------------------------------------------------------------------
RowErrors = Mapping[int, Sequence[tuple[str | None, str]]]  # row number → [(column key or None, message)]


def annotated_workbook(handle: IO[bytes], columns: Sequence[Column], errors: RowErrors) -> bytes:
    """The uploaded workbook with a 错误说明 column: each refused row's messages (prefixed with the column they
    concern) and its wrong cells highlighted; the marks of an earlier annotation cleared."""
    workbook = _open(handle, read_only=False)
    worksheet = workbook.worksheets[0]
    header_row, positions = _find_header(
        worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), columns
    )
    error_column = next(
        (
            index
            for index, cell in enumerate(worksheet[header_row], start=1)
            if header_key(cell.value) == ERROR_HEADER
        ),
        worksheet.max_column + 1,
    )
    header = worksheet.cell(row=header_row, column=error_column, value=ERROR_HEADER)
    header.font = Font(bold=True, color="FFF56C6C")
    header.fill = _HEADER_FILL
    worksheet.column_dimensions[get_column_letter(error_column)].width = 60
    headers = {column.key: column.header for column in columns}
    for row in worksheet.iter_rows(min_row=header_row + 1, max_col=max(error_column, worksheet.max_column)):
        for cell in row:
            if (
                cell.fill is not None
                and cell.fill.fgColor is not None
                and cell.fill.fgColor.rgb == ERROR_COLOR
            ):
                cell.fill = NO_FILL
        if len(row) >= error_column:
            row[error_column - 1].value = None
    for number, problems in errors.items():
        lines = []
        for key, message in problems:
            if key is not None and key in positions:
                worksheet.cell(row=number, column=positions[key]).fill = ERROR_FILL
            lines.append(f"{headers[key]}：{message}" if key in headers else message)
        cell = worksheet.cell(row=number, column=error_column, value=_clean("；".join(lines)))
        cell.font = _ERROR_FONT
        cell.fill = ERROR_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)
