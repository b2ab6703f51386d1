"""系统管理 › 接口密钥: the list, 新增 (the token shown once, in the dialog) and 吊销."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from anze.core import catalogue
from anze.core.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal
from anze.core.pagination import paginate
from anze.core.sides import side_namespace
from anze.core.views import bind, button_view, render_form, render_list

from . import keys, selectors
from .forms import ApiKeyForm


def _list_url(request: HttpRequest) -> str:
    return reverse(f"{side_namespace(request.side)}:system:api_key_list")


@requires("system.api_key")
def key_list(request: HttpRequest) -> HttpResponse:
    labels = {code: catalogue.get(code).label for code in keys.API_SCOPES}
    context = {"page": paginate(request, selectors.keys_for(user=request.user)), "scope_labels": labels}
    return render_list(request, "api/key_list.html", context)


@requires("system.api_key")
def key_create(request: HttpRequest) -> HttpResponse:
    """新增: the dialog's form; on success the same dialog shows the token — once — and the list behind it
    refreshes."""
    form = bind(request, ApiKeyForm, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            key, token = keys.key_create(
                actor=request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            context = {"title": "密钥已创建", "key": key, "token": token, "cancel_url": _list_url(request)}
            return trigger_client_event(
                render_form(request, "api/key_created.html", context, status=200), "anze:refresh"
            )
    return render_form(request, "api/key_form.html", {"title": "新增接口密钥", "form": form})


@require_POST
@requires("system.api_key")
def key_revoke(request: HttpRequest, key_uuid: uuid.UUID) -> HttpResponse:
    key = selectors.key_for(user=request.user, key_uuid=key_uuid)
    return button_view(
        request,
        call=lambda: keys.key_revoke(actor=request.user, key=key),
        success=f"密钥“{key.name}”已吊销",
        redirect_to=_list_url(request),
        stale=True,
    )
