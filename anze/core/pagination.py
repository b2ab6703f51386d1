"""Pagination as RuoYi users know it: 共 N 条, 10/20/50 per page, page numbers, 前往 [ ] 页.

Page and size live in the query string (``page``, ``size``). ``paginate`` runs one COUNT and one page query;
lists that grow large pass their own cheaper ``count`` (a tenant- and status-scoped, indexed count), or use
``bounded_page``, which never counts more than ``settings.LIST_COUNT_LIMIT`` rows past the page (共 10000+ 条).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import HttpRequest

PAGE_SIZES: tuple[int, ...] = (10, 20, 50)
DEFAULT_PAGE_SIZE = 10


def _positive_int(value: str | None, default: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if number > 0 else default


@dataclass
class Page:
    """``estimated``: ``total`` is an estimate (shown as 约 N 条); ``more``: there are more than ``total`` rows
    (共 N+ 条). The pages go only as far as ``reachable`` rows."""

    rows: Sequence[Any]
    number: int
    size: int
    total: int
    reachable: int | None = None
    estimated: bool = False
    more: bool = False

    @property
    def num_pages(self) -> int:
        shown = self.total if self.reachable is None else min(self.total, self.reachable)
        return max(1, -(-shown // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size

    @property
    def page_range(self) -> list[int | None]:
        """Page numbers to show, ``None`` for an ellipsis: 1 … 4 5 [6] 7 8 … 20."""
        last = self.num_pages
        if last <= 9:
            return list(range(1, last + 1))
        window = range(max(2, self.number - 2), min(last - 1, self.number + 2) + 1)
        pages: list[int | None] = [1]
        if window.start > 2:
            pages.append(None)
        pages.extend(window)
        if window.stop <= last - 1:
            pages.append(None)
        pages.append(last)
        return pages

    @property
    def sizes(self) -> tuple[int, ...]:
        return PAGE_SIZES


@dataclass
class TabbedList:
    """A list screen with status tabs: one page of rows and the count of every tab under the same filters."""

    page: Page
    counts: dict[str, int]
    tab: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def page_params(request: HttpRequest, default_size: int = DEFAULT_PAGE_SIZE) -> tuple[int, int]:
    size = _positive_int(request.GET.get("size"), default_size)
    if size not in PAGE_SIZES:
        size = default_size
    return _positive_int(request.GET.get("page"), 1), size


# From this many rows skipped, a page of ``paginate`` reads its keys first: 服务订单's page 2,000 of 50,000 policies
# took 530 ms on PostgreSQL reading every skipped row with its joins and sorting them (docs/BENCH.md).
DEEP_OFFSET = 1_000


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    count: int | None = None,
    default_size: int = DEFAULT_PAGE_SIZE,
) -> Page:
    number, size = page_params(request, default_size)
    total = queryset.count() if count is None else count
    last = max(1, -(-total // size))
    number = min(number, last)  # a page past the end shows the last page, not an error
    offset = (number - 1) * size
    # Deep pages read their keys along the index first (``_rows``); the first ones at once, in one query.
    rows = _rows(queryset, offset, size) if offset >= DEEP_OFFSET else list(queryset[offset : offset + size])
    return Page(rows=rows, number=number, size=size, total=total)


def bounded_page(queryset: QuerySet[Any], number: int, size: int, *, limit: int | None = None) -> Page:
    """Page ``number`` of ``queryset`` (ordered along an index), counting at most ``limit`` rows past the
    page's start: a region of a million orders is never counted in full (docs/BENCH.md, issue 16). Beyond the
    limit the pager says 共 N+ 条 (N = the rows before the page + ``limit``) and offers the next pages.

    Three queries at most (the page's keys, its rows, the bounded count); two when the page is the last. A page past the end
    shows the last page, counted again from the start (bounded as well)."""
    limit = settings.LIST_COUNT_LIMIT if limit is None else limit
    offset = (number - 1) * size
    rows = _rows(queryset, offset, size)
    if len(rows) < size and (rows or number == 1):  # the last page: the total is known without counting
        return Page(rows=rows, number=number, size=size, total=offset + len(rows))
    keys = queryset.order_by().values("pk") if _of_models(queryset) else queryset.order_by()
    if not rows:  # past the end
        counted = keys[: limit + 1].count()
        last = max(1, -(-min(counted, limit) // size))
        return bounded_page(queryset, last, size, limit=limit) if last < number else Page([], 1, size, 0)
    counted = keys[offset : offset + limit + 1].count()
    more = counted > limit
    return Page(rows=rows, number=number, size=size, total=offset + min(counted, limit), more=more)


def bounded_counts(querysets: Mapping[str, QuerySet[Any]], *, limit: int | None = None) -> dict[str, int]:
    """How many rows each of ``querysets`` holds, each counted up to ``limit`` + 1 rows only (more than ``limit``
    reads as ``limit`` + 1: 10000+), in one statement: the tabs of a list, each served by its own index, where
    one GROUP BY would read every row of every tab (保单管理's 183,000 policies of an insurer, docs/BENCH.md)."""
    limit = settings.LIST_COUNT_LIMIT if limit is None else limit
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        sql, values = queryset.order_by().values("pk")[: limit + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) bounded)")
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def peeked_page(
    queryset: QuerySet[Any], number: int, size: int, *, past_end: QuerySet[Any] | None = None
) -> Page:
    """Page ``number`` of ``queryset``, whose rows are not counted: the page's keys and one more — whether a
    page follows — then its rows; no count, which past a row test (``search.names_contain``) would walk on until
    ``LIST_COUNT_LIMIT`` more rows passed it. The pager says 共 N+ 条, N the rows up to the one after the page;
    the last page knows its total. A page past the end is ``bounded_page`` of ``past_end`` (the same rows read
    another way), counted."""
    offset = (number - 1) * size
    keys = list(queryset.values_list("pk", flat=True)[offset : offset + size + 1])
    if not keys and number > 1:
        return bounded_page(queryset if past_end is None else past_end, number, size)
    rows = list(queryset.filter(pk__in=keys[:size])) if keys else []
    if len(keys) <= size:  # the last page: the total is known
        return Page(rows=rows, number=number, size=size, total=offset + len(rows))
    return Page(rows=rows, number=number, size=size, total=offset + size + 1, more=True)


def walks(reach: int, population: int, matches: int) -> bool:
    """Whether a page is cheaper read by testing rows along the list's own index than by sorting every match:
    ``reach`` matches wanted (up to the page's last), among ``population`` rows holding ``matches`` — a row
    test reads ~``reach × population / matches`` rows, the sort all ``matches``."""
    return reach * population < matches * matches


def _of_models(queryset: QuerySet[Any]) -> bool:
    """Rows of a model (not ``values()`` dicts nor a union of them, nor DISTINCT rows): they can be read by
    key."""
    query = queryset.query
    return (
        query.combinator is None
        and not query.distinct
        and issubclass(queryset._iterable_class, ModelIterable)
    )


def _rows(queryset: QuerySet[Any], offset: int, size: int) -> list[Any]:
    """The page's rows. Of a model, the page's keys first — the rows skipped by the offset are read from the
    list's index alone, without the joins of ``select_related`` or the table's rows — then those 10–50 rows
    (at page 5,000 of a region's million orders: 561 ms read at once, see docs/BENCH.md)."""
    if not _of_models(queryset):
        return list(queryset[offset : offset + size])
    keys = list(queryset.values_list("pk", flat=True)[offset : offset + size])
    return list(queryset.filter(pk__in=keys)) if keys else []


def bounded_paginate(request: HttpRequest, queryset: QuerySet[Any], *, limit: int | None = None) -> Page:
    """``bounded_page`` at the page and size of the query string."""
    number, size = page_params(request)
    return bounded_page(queryset, number, size, limit=limit)
