"""URLs of the app, mounted under each side by ``config.urls.side_urls``: ``*urls_for_side(side)``.

Every side gets the 消息中心 (/<side>/messages/, namespace ``messages``); the sides whose users can hold
``sms.view`` (the catalogue decides: insurer and platform) get the 短信记录 (/<side>/sms/, namespace ``sms``), those
of ``system.webhook`` (the insurer) the 接口推送 (/<side>/system/webhooks/, namespace ``webhooks``).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from anze.core import catalogue

from . import views

message_patterns = [
    path("", views.message_list, name="list"),
    path("read-all/", views.message_read_all, name="read_all"),
    path("bell/", views.message_bell, name="bell"),
    path("<uuid:notification_uuid>/open/", views.message_open, name="open"),
    path("<uuid:notification_uuid>/read/", views.message_read, name="read"),
]

webhook_patterns = [
    path("", views.webhook_list, name="list"),
    path("add/", views.webhook_create, name="create"),
    path("<uuid:endpoint_uuid>/edit/", views.webhook_edit, name="edit"),
    path("<uuid:endpoint_uuid>/secret/", views.webhook_reset_secret, name="reset_secret"),
    path("deliveries/<uuid:delivery_uuid>/resend/", views.webhook_resend, name="resend"),
]

sms_patterns = [
    path("", views.sms_list, name="list"),
    path("<uuid:message_uuid>/resend/", views.sms_resend, name="resend"),
]


def urls_for_side(side: str) -> list[URLPattern | URLResolver]:
    urls: list[URLPattern | URLResolver] = [path("messages/", include((message_patterns, "messages")))]
    if side in catalogue.get("sms.view").sides:
        urls.append(path("sms/", include((sms_patterns, "sms"))))
    if side in catalogue.get("system.webhook").sides:
        urls.append(path("system/webhooks/", include((webhook_patterns, "webhooks"))))
    return urls
