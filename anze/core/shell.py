"""The parts of every page's shell (``core/base.html``, ``core/shell.html``) written in Python.

The shell is one template for every page of every side; these are the pieces of it that cost the most under the
template engine for what they print (issue 16, docs/BENCH.md "a page's fixed cost"): the stylesheets and scripts
(14 ``{% static %}`` lookups, the same for every request of the process, so built once), the breadcrumbs and the
帮助 link. Each writes byte for byte what its template wrote, with ``format_html`` escaping every value.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import htmx_script

from .menu import Link
from .sides import side_namespace

_STYLESHEETS = (
    "vendor/tabler/css/tabler.min.css",
    "vendor/tabler-icons/tabler-icons.min.css",
    "vendor/flatpickr/flatpickr.min.css",
    "anze/css/anze.css",
)
_DEFERRED_SCRIPTS = (
    "vendor/flatpickr/flatpickr.min.js",
    "vendor/flatpickr/l10n/zh.js",
    "anze/js/datepicker.js",
    "anze/js/anze.js",
    "anze/js/components.js",
    "vendor/alpinejs/cdn.min.js",
)


@functools.cache
def _assets() -> tuple[SafeString, SafeString]:
    """The head's links and the body's scripts: their static URLs are fixed for the process."""
    head = format_html('<link rel="icon" href="{}" type="image/svg+xml">', static("anze/img/logo.svg"))
    head += format_html_join(
        "", '\n  <link rel="stylesheet" href="{}">', ((static(path),) for path in _STYLESHEETS)
    )
    scripts = format_html('<script src="{}"></script>\n  ', static("vendor/tabler/js/tabler.min.js"))
    scripts += htmx_script(minified=True)
    scripts += format_html_join(
        "", '\n  <script defer src="{}"></script>', ((static(path),) for path in _DEFERRED_SCRIPTS)
    )
    return head, scripts


@receiver(setting_changed)
def _forget_assets(*, setting: str, **kwargs: Any) -> None:
    if setting in {"DEBUG", "STATIC_URL", "STORAGES"}:  # what the URLs and htmx's debug script depend on
        _assets.cache_clear()


def head_links() -> SafeString:
    """The favicon and the stylesheets of ``<head>``."""
    return _assets()[0]


def body_scripts() -> SafeString:
    """The scripts at the end of ``<body>``."""
    return _assets()[1]


def side_url(side: str, name: str) -> str:
    """The URL of a page of ``side`` that takes no arguments (``side_url(side, "messages:list")``)."""
    return fixed_url(f"{side_namespace(side)}:{name}")


def fixed_url(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, reversed once per process: a URL is the same for one set of URLs and script
    prefix (the shell prints ten on every page; a list's rows fill their numbers into one, ``OrderUrls``)."""
    return _fixed_url(name, args, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=1024)
def _fixed_url(name: str, args: tuple[str, ...], urlconf: str | None, script_prefix: str) -> str:
    return reverse(name, args=list(args) or None, urlconf=urlconf)


def breadcrumbs(home_url: str, crumbs: list[Link], extra_crumb: Any) -> SafeString:
    """首页 and the menu's path to this page; its last entry is the active one unless the page adds its own
    (``extra_crumb``), and an entry links to its page unless it is the active one."""
    items = [format_html('<li class="breadcrumb-item"><a href="{}">首页</a></li>\n        ', home_url)]
    for index, crumb in enumerate(crumbs):
        last = index == len(crumbs) - 1
        if crumb.url and (not last or extra_crumb):
            label = format_html('<a href="{}">{}</a>', crumb.url, crumb.label)
        else:
            label = conditional_escape(crumb.label)
        active = " active" if last and not extra_crumb else ""
        items.append(
            format_html('\n          <li class="breadcrumb-item{}">{}</li>\n        ', active, label)
        )
    return mark_safe("".join(items))  # every part came from format_html


def help_link(css: str, view_name: str | None) -> SafeString:
    """帮助: the manual's section about this page (anze/manual: /help/?page=<this page's URL name>)."""
    return _help_link(css, view_name, fixed_url("manual:index"))


@functools.lru_cache(maxsize=1024)
def _help_link(css: str, view_name: str | None, manual_url: str) -> SafeString:
    """A function of its arguments (a URL name of the system's pages), so drawn once per process."""
    return format_html(
        '<a class="{}" id="help-link" href="{}{}" target="_blank" rel="noopener" title="打开本页的操作手册">'
        '<i class="ti ti-help-circle me-1"></i>帮助</a>',
        css,
        manual_url,
        f"?page={quote(view_name, safe='/')}" if view_name else "",
    )
