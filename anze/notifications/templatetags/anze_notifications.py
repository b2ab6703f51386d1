"""``{% bell %}``: the message bell of the shell's top bar (core/partials/bell.html)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from anze.core.shell import side_url
from anze.notifications.selectors import UNREAD_SHOWN, unread_count_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def bell(context: template.Context) -> SafeString:
    """The bell: the unread count of the 消息中心 (one indexed COUNT), linking to it, on the user's own side.
    It fetches itself again (notifications.views.message_bell) when an action says anze:refresh, so it never
    goes stale. Written in Python: it is on every page of every side (issue 16)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    side = context.get("side")
    if not (side and getattr(user, "is_authenticated", False) and user.side == side):  # type: ignore[union-attr]
        return mark_safe("")
    unread = unread_count_for_request(request)  # type: ignore[arg-type]
    badge = (
        format_html(
            '<span class="badge" data-unread="{}">{}</span>',
            unread,
            f"{UNREAD_SHOWN}+" if unread > UNREAD_SHOWN else unread,
        )
        if unread
        else ""
    )
    return format_html(
        '<a class="bell" id="anze-bell" href="{}" hx-get="{}" hx-trigger="anze:refresh from:body" hx-swap="outerHTML"'
        ' title="消息中心" aria-label="消息中心{}">\n    <i class="ti ti-bell"></i>{}\n  </a>',
        side_url(side, "messages:list"),
        side_url(side, "messages:bell"),
        f"，{unread}条未读" if unread else "",
        badge,
    )
