"""短信记录 (insurer and platform), 消息中心 (every side) and 接口推送 (the insurer's webhooks). Thin: fetch through
selectors, act through services."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from anze.core import catalogue
from anze.core.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal
from anze.core.pagination import paginate
from anze.core.sides import Side, side_namespace
from anze.core.views import action_view, bind, button_view, done, render_form, render_list

from . import selectors, services, webhooks
from .forms import DeliverySearchForm, NotificationSearchForm, SmsSearchForm, WebhookForm
from .models import WebhookEndpoint


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


# --- 接口推送 --------------------------------------------------------------------------------------------------
def _webhooks_url(request: HttpRequest) -> str:
    return _url(request, "webhooks:list")


@requires("system.webhook")
def webhook_list(request: HttpRequest) -> HttpResponse:
    """推送地址 above, their 推送记录 below (the list region, with its search and pages)."""
    search = DeliverySearchForm(request.GET)
    page = paginate(request, selectors.webhook_deliveries_for(user=request.user, filters=search.values()))
    context = {
        "search": search,
        "page": page,
        "endpoints": selectors.webhook_endpoints_for(user=request.user),
        "event_labels": {code: event.label for code, event in webhooks.EVENTS.items()},
    }
    return render_list(request, "notifications/webhook_list.html", context)


def _secret_shown(request: HttpRequest, endpoint: WebhookEndpoint, secret: str, title: str) -> HttpResponse:
    """The signing secret, once, in the dialog; the list behind it refreshes."""
    context = {"title": title, "endpoint": endpoint, "secret": secret, "cancel_url": _webhooks_url(request)}
    response = render_form(request, "notifications/webhook_secret.html", context, status=200)
    return trigger_client_event(response, "anze:refresh")


@requires("system.webhook")
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = bind(request, WebhookForm)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhooks.endpoint_create(actor=request.user, **form.cleaned_data)
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return _secret_shown(request, endpoint, secret, "推送地址已创建")
    return render_form(request, "notifications/webhook_form.html", {"title": "新增推送地址", "form": form})


@requires("system.webhook")
def webhook_edit(request: HttpRequest, endpoint_uuid: uuid.UUID) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_for(user=request.user, endpoint_uuid=endpoint_uuid)
    initial = {
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }
    return action_view(
        request,
        form_class=WebhookForm,
        form_kwargs={"editing": True, "initial": initial},
        call=lambda form: webhooks.endpoint_update(endpoint=endpoint, **form.cleaned_data),
        success="修改成功",
        redirect_to=_webhooks_url(request),
        template="notifications/webhook_form.html",
        context={"title": "编辑推送地址", "endpoint": endpoint},
    )


@requires("system.webhook")
def webhook_reset_secret(request: HttpRequest, endpoint_uuid: uuid.UUID) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_for(user=request.user, endpoint_uuid=endpoint_uuid)
    if request.method == "POST":
        secret = webhooks.endpoint_reset_secret(endpoint=endpoint)
        return _secret_shown(request, endpoint, secret, "签名密钥已重置")
    question = f"是否确认重置“{endpoint.name}”的签名密钥？重置后，接收方须改用新密钥验证签名。"
    context = {
        "title": "重置签名密钥",
        "question": question,
        "action": request.path,
        "cancel_url": _webhooks_url(request),
    }
    return render_form(request, "notifications/webhook_reset.html", context)


@require_POST
@requires("system.webhook")
def webhook_resend(request: HttpRequest, delivery_uuid: uuid.UUID) -> HttpResponse:
    delivery = selectors.webhook_delivery_for(user=request.user, delivery_uuid=delivery_uuid)
    return button_view(
        request,
        call=lambda: webhooks.delivery_resend(delivery=delivery),
        success="已提交重新推送",
        redirect_to=_webhooks_url(request),
        stale=True,
    )
