"""Addresses and readers shared by the 下载中心 tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

EXPORT = "/insurer/orders/export/"
DOWNLOADS = "/insurer/downloads/"
HTMX = {"HX-Request": "true"}


def workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    """Every row of a workbook's sheet, the header first."""
    return list(load_workbook(io.BytesIO(content)).active.values)


def body(response: Any) -> bytes:
    """A file response's bytes."""
    return b"".join(response.streaming_content)
