"""Template helpers loaded everywhere (settings TEMPLATES builtins)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from anze.core import formatting, listparts, shell
from anze.core.sides import side_namespace
from anze.core.validators import mask_mobile as _mask_mobile

register = template.Library()


@register.simple_tag(takes_context=True)
def side_url(context: template.Context, name: str, *args: Any, **kwargs: Any) -> str:
    """``{% side_url 'system:user_list' %}`` → the URL of that page on the current side."""
    request = context["request"]
    if args or kwargs:
        return reverse(f"{side_namespace(request.side)}:{name}", args=args or None, kwargs=kwargs or None)
    return shell.side_url(request.side, name)


@register.simple_tag
def shell_head() -> SafeString:
    """The favicon and stylesheets of every page (core/base.html)."""
    return shell.head_links()


@register.simple_tag
def shell_scripts() -> SafeString:
    """The scripts at the end of every page (core/base.html)."""
    return shell.body_scripts()


@register.simple_tag(takes_context=True)
def shell_crumbs(context: template.Context) -> SafeString:
    """首页 and the menu's path to this page (core/shell.html)."""
    return shell.breadcrumbs(
        side_url(context, "home"), context["menu"].breadcrumbs, context.get("extra_crumb")
    )


@register.simple_tag(takes_context=True)
def help_link(context: template.Context, css: str) -> SafeString:
    """帮助, linking to the manual's section about this page (core/partials/help_link.html)."""
    match = getattr(context.get("request"), "resolver_match", None)
    return shell.help_link(css, match.view_name if match else None)


@register.filter
def can(user: Any, code: str) -> bool:
    """``{% if user|can:"system.user.add" %}``"""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_code(code)


@register.filter
def money(value: Decimal | None) -> str:
    """1200 → "1,200.00"; None → "—"."""
    return formatting.money(value)


@register.filter
def wan(value: Decimal | None) -> str:
    """元 → 万元 with 2 decimals (23000 → "2.30万元"); not yet quoted → "待报价", never NaN."""
    return formatting.wan(value)


@register.filter
def mask_mobile(value: str) -> str:
    return _mask_mobile(value)


@register.simple_tag
def icon(name: str, extra: str = "") -> str:
    return format_html('<i class="ti ti-{} {}" aria-hidden="true"></i>', name, extra)


@register.simple_tag(takes_context=True)
def list_region(context: template.Context) -> str:
    """The attributes of a list's refreshable region: ``<div {% list_region %}>``, around the table and
    whatever an action in it changes besides the rows (the status tabs and their counts).

    It reloads itself (only the ``list`` partial, see core.views.render_list) when an action says
    ``anze:refresh``. ``hx-disinherit`` keeps its own hx-swap from leaking into the dialog links and row
    buttons inside it (htmx attributes are inherited by default). Only hx-swap: "*" would also cut the
    CSRF header that <body hx-headers> passes down.
    """
    return format_html(
        'id="list-region" hx-get="{}" hx-trigger="anze:refresh from:body" hx-swap="outerHTML" '
        'hx-disinherit="hx-swap"',
        context["request"].get_full_path(),
    )


@register.simple_tag(takes_context=True)
def detail_region(context: template.Context) -> str:
    """The attributes of a detail page's refreshable region: ``<div {% detail_region %}>`` around all the
    page shows of its object (state, buttons, timeline, archive).

    Like the list region, it re-fetches itself when an action says ``anze:refresh`` — the page again, of
    which it keeps only itself (``hx-select``), so no view needs a partial for it. Its hx-swap and hx-select
    are not inherited by the dialog links and buttons inside it.
    """
    return format_html(
        'id="detail-region" hx-get="{}" hx-trigger="anze:refresh from:body" hx-select="#detail-region" '
        'hx-swap="outerHTML" hx-disinherit="hx-swap hx-select"',
        context["request"].get_full_path(),
    )


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def search_form(context: template.Context) -> SafeString:
    """The list's search form ``search`` (core/partials/search_form.html)."""
    return listparts.search_form(context["search"], context["request"])


@register.simple_tag(takes_context=True)
def pager(context: template.Context) -> SafeString:
    """The pager of the list's ``page`` (core/partials/pagination.html)."""
    return listparts.pager(context["page"], context["request"])


@register.simple_tag(takes_context=True)
def status_tabs(context: template.Context, tabs: Any, active: str, label: str) -> SafeString:
    """The status tabs over a list's table: ``{% status_tabs tabs listing.tab "订单状态" %}``."""
    return listparts.status_tabs(context["request"], tabs, active, label=label)


TOOLBAR_OPTIONS = (
    "add_url",
    "add_label",
    "add_icon",
    "add_page",
    "import_url",
    "import_label",
    "export_url",
    "note",
)


@register.simple_tag(takes_context=True)
def list_toolbar(context: template.Context) -> SafeString:
    """The buttons above a list (core/partials/list_toolbar.html), from the include's options."""
    return listparts.toolbar(context["request"], {name: context.get(name) for name in TOOLBAR_OPTIONS})
