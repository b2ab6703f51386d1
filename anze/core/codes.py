"""A list searched by a code — 申请编号, 保单编号, 统一社会信用代码, 联系电话, 报案号, 案件号: exactly when the code is
complete, else by its beginning, as a range of the code's index. ``LIKE 'x%'`` uses no index on SQLite's default
collation, nor on PostgreSQL's without a pattern operator class; ``field >= 'x' AND field < 'y'`` (``y``: ``x``
with its last character the next one) uses either.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def prefix(qs: QuerySet[M, Any], field: str, value: str) -> QuerySet[M, Any]:
    """The rows of ``qs`` whose ``field`` starts with ``value`` (not empty), as an index range."""
    upper = value[:-1] + chr(ord(value[-1]) + 1)
    return qs.filter(**{f"{field}__gte": value, f"{field}__lt": upper})


def exact_or_prefix(qs: QuerySet[M, Any], field: str, value: str, full_length: int) -> QuerySet[M, Any]:
    """``field`` equal to ``value`` when it has the code's ``full_length``, else starting with it (``prefix``)."""
    if len(value) == full_length:
        return qs.filter(**{field: value})
    return prefix(qs, field, value)
