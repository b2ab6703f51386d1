"""导出 of the 操作日志 (every side's 管理员): the entries with the page's filters, as the page shows them
(registered with the 下载中心, which builds it in the request or in the worker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditlog.models import LogEntry
from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import User
from anze.downloads.registry import ExportKind, register

from . import presenters, selectors
from .forms import OperationLogSearch

HEADERS = ["操作时间", "操作人", "操作类型", "对象", "变更内容", "IP地址"]
CHUNK = 500


def _select(user: User, params: QueryDict) -> QuerySet[LogEntry]:
    return selectors.operation_logs_for(user=user, filters=OperationLogSearch(params).values())


def _rows(entries: QuerySet[LogEntry]) -> Iterator[list[Any]]:
    """The rows as the page shows them, presented a chunk at a time (one lookup per model per chunk)."""
    chunk: list[LogEntry] = []
    for entry in entries.iterator(chunk_size=CHUNK):
        chunk.append(entry)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk)
            chunk = []
    yield from _chunk_rows(chunk)


def _chunk_rows(chunk: list[LogEntry]) -> Iterator[list[Any]]:
    for row in presenters.present(chunk):
        # The time as a date-time cell: the export writes it in Beijing time to the second.
        yield [row.entry.timestamp, row.actor, row.type_display, row.target, row.changes_text, row.ip]


OPERATION_LOG = register(
    ExportKind(
        key="audit.operation_log",
        label="操作日志",
        permission="system.log.operation",
        headers=HEADERS,
        widths=[20, 24, 22, 34, 80, 16],
        select=_select,
        rows=_rows,
    )
)
