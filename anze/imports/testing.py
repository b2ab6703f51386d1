"""Workbooks and zips for the import tests and the benchmark: a downloaded template filled in as a clerk would,
and a workbook read back."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import load_workbook

from .sheets import header_key


def filled(template: bytes, rows: Iterable[Mapping[str, Any]], *, first_row: int = 3) -> bytes:
    """``template`` with ``rows`` ({column header: value}) written from ``first_row`` on (row 2 is the
    example), as bytes of an .xlsx."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    positions = {header_key(cell.value): cell.column for cell in sheet[1] if cell.value}
    for number, row in enumerate(rows, start=first_row):
        for header, value in row.items():
            sheet.cell(row=number, column=positions[header_key(header)], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def values(data: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    """Every row of a workbook's sheet, as values."""
    workbook = load_workbook(io.BytesIO(data))
    return list(workbook.worksheets[sheet].values)


def by_header(data: bytes) -> dict[int, dict[str, Any]]:
    """The first sheet's rows by Excel row number, as {header: value} (the header row being row 1)."""
    rows = values(data)
    headers = [header_key(value) for value in rows[0]]
    return {number: dict(zip(headers, row, strict=False)) for number, row in enumerate(rows[1:], start=2)}


def zipped(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
