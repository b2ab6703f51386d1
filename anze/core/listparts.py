"""The parts of a list page around its rows, written in Python: the search form, the status tabs and the pager.

They were templates (``core/partials/search_form.html``, ``pagination.html``, the tabs of ``orders/order_list.html``)
of loops, ``{% querystring %}`` tags and includes, ~1 ms of every list page's request for markup that depends only on
the query string, the form and the page (issue 16, docs/BENCH.md "a page's fixed cost"). The templates now call
these; each writes the markup its template wrote, every value through ``format_html`` (escaped), and
``core/tests/test_listparts.py`` renders user input through each part.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .pagination import Page


def querystring(query: QueryDict, **changes: Any) -> str:
    """``{% querystring %}`` (Django's tag): ``query`` with ``changes`` applied (None removes a key, a value
    replaces the key's values where it stood), as ``?…``; "" when both are empty. Without the tag's copy of the
    ``QueryDict`` (a deep copy: a list page writes a dozen of these links). Not escaped: the caller's
    ``format_html`` escapes it, as the tag's output was."""
    params = dict(query.lists())
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = [value]
    if not params and not query:
        return ""
    return "?" + urlencode([(key, str(value)) for key, values in params.items() for value in values])


def _hidden(name: str, value: Any) -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', name, value)


def _hidden_all(query: QueryDict, leave_out: Iterable[str]) -> SafeString:
    """Every value of the query string but ``leave_out``'s, as hidden inputs (a form that keeps the others)."""
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((key, value) for key, values in query.lists() if key not in leave_out for value in values),
    )


# --- the search form ---------------------------------------------------------------------------------------------
def _field_item(item: Mapping[str, Any]) -> SafeString:
    if item.get("range"):
        start, end = item["start"], item["end"]
        error = (start.errors[0] if start.errors else "") or (end.errors[0] if end.errors else "")
        return format_html(
            '\n    \n      <div class="sf-item" data-date-range><label for="{}">{}</label>{}'
            '<span class="range-sep">至</span>{}{}</div>\n    \n  ',
            start.id_for_label,
            item["range"],
            start,
            end,
            format_html('<div class="invalid-feedback d-block sf-error">{}</div>', error) if error else "",
        )
    field = item["field"]
    return format_html(
        '\n    \n      <div class="sf-item"><label for="{}">{}</label>{}{}</div>\n    \n  ',
        field.id_for_label,
        field.label,
        field,
        format_html('<div class="invalid-feedback d-block sf-error">{}</div>', field.errors[0])
        if field.errors
        else "",
    )


# --- markup kept per process -------------------------------------------------------------------------------------
# A part's markup by everything it reads (its name first, then the path and query string and the values it
# prints): a list's first page, and every page of one search, write the same search form, tabs and pager. A part
# is a function of its key, so what one request kept is what any other with that key would have drawn.
# Bounded: the oldest goes first.
_KEPT: dict[tuple[Any, ...], SafeString] = {}
_KEPT_MAX = 1024
_kept_lock = threading.Lock()


@receiver(setting_changed)
def _forget_kept(**kwargs: Any) -> None:
    _KEPT.clear()  # a test's settings (the form renderer, the script prefix) may draw another part


def _kept(key: tuple[Any, ...], draw: Callable[[], SafeString]) -> SafeString:
    html = _KEPT.get(key)
    if html is None:
        html = draw()
        with _kept_lock:
            if len(_KEPT) >= _KEPT_MAX:
                del _KEPT[next(iter(_KEPT))]
            _KEPT[key] = html
    return html


def _where(request: Any) -> tuple[str, str]:
    """The path and the query string, as given: what the parts read of the request."""
    return request.path, request.META.get("QUERY_STRING", "")


def search_form(search: Any, request: Any) -> SafeString:
    """The search form above a list (RuoYi): labels left of inputs, 搜索 / 重置; Enter submits. A bad value is
    shown under its field; the page's own parameters (the tab, the page size) are kept.

    Kept per path and query string when the form says its markup depends on nothing else and it was bound to
    this request's query string, as given (no initial values)."""
    if not (
        getattr(search, "markup_from_query", False) and search.data is request.GET and not search.initial
    ):
        return _search_form(search, request)
    return _kept(("search_form", type(search), *_where(request)), lambda: _search_form(search, request))


def _search_form(search: Any, request: Any) -> SafeString:
    query = request.GET
    kept = "".join(_hidden(key, query[key]) for key in search.keep_params if query.get(key))
    size = _hidden("size", query["size"]) if query.get("size") else ""
    fields = "".join(_field_item(item) for item in search.layout())
    return format_html(
        '<form method="get" class="search-form" role="search">\n  {}\n  {}\n  {}\n  '
        '<div class="sf-item">\n  <button type="submit" class="btn btn-primary btn-sm">'
        '<i class="ti ti-search me-1"></i>搜索</button>\n  <a href="{}" class="btn btn-sm">'
        '<i class="ti ti-refresh me-1"></i>重置</a>\n</div>\n\n</form>\n',
        mark_safe(kept),  # its parts came from format_html
        size,
        mark_safe(fields),  # its parts came from format_html
        request.path,
    )


# --- the toolbar ----------------------------------------------------------------------------------------------
def toolbar(request: Any, options: Mapping[str, Any]) -> SafeString:
    """The buttons above a list, under its search form (``core/partials/list_toolbar.html`` says what each
    option does): 新增, 导入, 导出 (with the list's filters) and a note; a button without its URL is not shown."""
    add_url, import_url, export_url, note = (
        options.get(name) for name in ("add_url", "import_url", "export_url", "note")
    )
    parts: list[str] = []
    if add_url:
        parts.append(
            format_html(
                '<a class="btn btn-primary btn-sm" href="{}"{}><i class="ti ti-{} me-1"></i>{}</a>',
                add_url,
                ""
                if options.get("add_page")
                else format_html(' hx-get="{}" hx-target="#anze-modal-content"', add_url),
                options.get("add_icon") or "plus",
                options.get("add_label") or "新增",
            )
        )
    parts.append("\n  ")
    if import_url:
        parts.append(
            format_html(
                '<a class="btn btn-plain-success btn-sm" href="{}" data-action="import">'
                '<i class="ti ti-upload me-1"></i>{}</a>',
                import_url,
                options.get("import_label") or "导入",
            )
        )
    parts.append("\n  ")
    if export_url:
        url = f"{export_url}?{request.GET.urlencode()}"
        parts.append(
            format_html(
                '<a class="btn btn-plain-warning btn-sm" href="{}" hx-get="{}" hx-target="#anze-modal-content">'
                '<i class="ti ti-download me-1"></i>导出</a>',
                url,
                url,
            )
        )
    parts.append("\n  ")
    if note:
        parts.append(format_html('<span class="muted ms-2">{}</span>', note))
    return format_html(
        '<div class="toolbar">\n  {}\n</div>\n',
        mark_safe("".join(parts)),  # its parts came from format_html
    )


# --- the status tabs ---------------------------------------------------------------------------------------------
def status_tabs(
    request: Any, tabs: Iterable[tuple[str, str, int | None]], active: str, *, label: str
) -> SafeString:
    """The tabs over a list's table, each with its count (none when it is not counted): a tab's link keeps the
    search and starts again at page 1. Kept by path, query string, tabs and counts."""
    shown = tuple((value, name, count) for value, name, count in tabs)
    key = ("status_tabs", *_where(request), shown, active, label)
    return _kept(key, lambda: _status_tabs(request, shown, active, label))


def _status_tabs(
    request: Any, tabs: Iterable[tuple[str, str, int | None]], active: str, label: str
) -> SafeString:
    links = []
    for value, name, count in tabs:
        link = querystring(request.GET, tab=value or None, page=None)
        links.append(
            format_html(
                '\n      <a href="{}{}"\n           class="{}" data-tab="{}">{}{}</a>\n    ',
                request.path,
                link,
                "active" if value == active else "",
                value or "all",
                name,
                format_html('<span class="count">({})</span>', count) if count is not None else "",
            )
        )
    return format_html(
        '<nav class="status-tabs" aria-label="{}">\n      {}\n    </nav>',
        label,
        mark_safe("".join(links)),  # its parts came from format_html
    )


# --- the pager ---------------------------------------------------------------------------------------------------
def _count(page: Page) -> str:
    if page.estimated:
        return f"约 {page.total} 条"
    return f"共 {page.total}+ 条" if page.more else f"共 {page.total} 条"


def pager(page: Page, request: Any) -> SafeString:
    """el-pagination: 共 N 条 · page size · pages · 前往 [ ] 页. Everything stays in the query string. Kept by
    path, query string and what the pages are (the count, the size, this page's number)."""
    shape = (type(page), page.number, page.size, page.total, page.reachable, page.estimated, page.more)
    return _kept(("pager", *_where(request), *shape, tuple(page.sizes)), lambda: _pager(page, request))


def _pager(page: Page, request: Any) -> SafeString:
    query = request.GET
    sizes = format_html_join(
        "",
        '<option value="{}"{}>{}条/页</option>',
        ((size, " selected" if size == page.size else "", size) for size in page.sizes),
    )
    previous = (
        format_html(
            '<a href="{}" aria-label="上一页"><i class="ti ti-chevron-left"></i></a>',
            querystring(query, page=page.number - 1),
        )
        if page.has_previous
        else mark_safe('<span class="disabled"><i class="ti ti-chevron-left"></i></span>')
    )
    following = (
        format_html(
            '<a href="{}" aria-label="下一页"><i class="ti ti-chevron-right"></i></a>',
            querystring(query, page=page.number + 1),
        )
        if page.has_next
        else mark_safe('<span class="disabled"><i class="ti ti-chevron-right"></i></span>')
    )
    numbers = []
    for number in page.page_range:
        if number is None:
            cell = mark_safe('<span class="disabled">…</span>')
        elif number == page.number:
            cell = format_html('<span class="current" aria-current="page">{}</span>', number)
        else:
            cell = format_html('<a href="{}">{}</a>', querystring(query, page=number), number)
        numbers.append(format_html("\n      <li>{}</li>\n    ", cell))
    return format_html(
        '<nav class="pager" aria-label="分页">\n  <span>{}</span>\n  <form method="get" class="d-inline">\n    {}\n'
        '    <select name="size" class="form-select" data-autosubmit aria-label="每页条数">\n      {}\n    </select>\n'
        '  </form>\n  <ul class="pages">\n    <li>{}</li>\n    {}\n    <li>{}</li>\n  </ul>\n'
        '  <form method="get" class="jump">\n    {}\n'
        '    前往 <input type="number" name="page" min="1" max="{}" value="{}" aria-label="页码"> 页\n'
        "  </form>\n</nav>\n",
        _count(page),
        _hidden_all(query, ("size", "page")),
        sizes,
        previous,
        mark_safe("".join(numbers)),  # its parts came from format_html
        following,
        _hidden_all(query, ("page",)),
        page.num_pages,
        page.number,
    )
