"""``{% unread_notifications %}``: the bell's count (core/partials/bell.html)."""

from __future__ import annotations

from django import template

from anze.notifications.selectors import unread_count_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return 0
    return unread_count_for_request(request)
