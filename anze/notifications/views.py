"""短信记录 (insurer and platform) and 消息中心 (every side). Thin: fetch through selectors, act through services."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anze.core import catalogue
from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.sides import Side, side_namespace
from anze.core.views import button_view, done, render_list

from . import selectors, services
from .forms import NotificationSearchForm, SmsSearchForm


def _url(request: HttpRequest, name: str) -> str:
    return reverse(f"{side_namespace(request.side)}:{name}")


def _safe_local(request: HttpRequest, url: str | None, fallback: str) -> str:
    """``url`` when it is a path on this site, else ``fallback`` (never an open redirect)."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    ):
        return url
    return fallback


# --- 短信记录 --------------------------------------------------------------------------------------------------
@requires("sms.view")
def sms_list(request: HttpRequest) -> HttpResponse:
    search = SmsSearchForm(request.GET)
    page = paginate(request, selectors.sms_messages_for(user=request.user, filters=search.values()))
    context = {"search": search, "page": page, "show_organisation": request.side == Side.PLATFORM}
    return render_list(request, "notifications/sms_list.html", context)


@require_POST
@requires("sms.resend")
def sms_resend(request: HttpRequest, message_uuid: uuid.UUID) -> HttpResponse:
    message = selectors.sms_message_for(user=request.user, message_uuid=message_uuid)
    return button_view(
        request,
        call=lambda: services.sms_resend(message=message, actor=request.user),
        success="已提交重发",
        redirect_to=_url(request, "sms:list"),
    )


# --- 消息中心 --------------------------------------------------------------------------------------------------
@requires(catalogue.SIGNED_IN)
def message_list(request: HttpRequest) -> HttpResponse:
    search = NotificationSearchForm(request.GET)
    filters = {**search.values(), "tab": request.GET.get("tab", "")}
    page = paginate(request, selectors.notifications_for(user=request.user, filters=filters))
    context = {
        "search": search,
        "page": page,
        "tab": filters["tab"],
        "unread": selectors.unread_count_for_request(request),
    }
    return render_list(request, "notifications/message_list.html", context)


@requires(catalogue.SIGNED_IN)
def message_bell(request: HttpRequest) -> HttpResponse:
    """The bell alone: the top bar re-fetches it after an action (``anze:refresh``), without a reload."""
    return render(request, "core/partials/bell.html")


@require_POST
@requires(catalogue.SIGNED_IN)
def message_open(request: HttpRequest, notification_uuid: uuid.UUID) -> HttpResponse:
    """Click on a message: mark it read and follow its link (back to the list when it has none)."""
    notification = selectors.notification_for(user=request.user, notification_uuid=notification_uuid)
    services.notification_read(notification=notification, user=request.user)
    back = _safe_local(request, request.POST.get("next"), _url(request, "messages:list"))
    return redirect(_safe_local(request, notification.link, back))


@require_POST
@requires(catalogue.SIGNED_IN)
def message_read(request: HttpRequest, notification_uuid: uuid.UUID) -> HttpResponse:
    notification = selectors.notification_for(user=request.user, notification_uuid=notification_uuid)
    services.notification_read(notification=notification, user=request.user)
    return done(
        request, "已标为已读", _safe_local(request, request.POST.get("next"), _url(request, "messages:list"))
    )


@require_POST
@requires(catalogue.SIGNED_IN)
def message_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    back = _safe_local(request, request.POST.get("next"), _url(request, "messages:list"))
    return done(request, f"已将{count}条消息标为已读" if count else "没有未读消息", back)
