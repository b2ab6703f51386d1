"""``{% downloads_link %}``: 下载中心 in the top bar of every side's shell (core/shell.html)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from anze.core.shell import side_url

register = template.Library()


@register.simple_tag(takes_context=True)
def downloads_link(context: template.Context) -> SafeString:
    """下载中心 beside the bell, on the user's own side: exports built in the background wait there."""
    user = getattr(context.get("request"), "user", None)
    side = context.get("side")
    if not (side and getattr(user, "is_authenticated", False) and user.side == side):  # type: ignore[union-attr]
        return mark_safe("")
    return format_html(
        '<a class="topbar-icon" id="anze-downloads" href="{}" title="下载中心" aria-label="下载中心">'
        '<i class="ti ti-file-download"></i></a>',
        side_url(side, "downloads:list"),
    )
