"""The two response shapes every screen uses: a list page, and a form that is a dialog under htmx and a
page without JavaScript. Views stay thin by calling these."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# Forms with errors answer 422; htmx is configured (static/js/anze.js) to swap it into the dialog.
INVALID = 422


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int | None = None
) -> HttpResponse:
    """A form as a dialog (htmx) or a full page: the template extends ``base_template``.

    A bound ``form`` in the context is one being shown again with its errors (a successful POST redirects
    or answers ``done``), so it answers 422 unless ``status`` says otherwise.
    """
    is_dialog = bool(getattr(request, "htmx", False)) and not request.htmx.boosted
    if status is None:
        form = context.get("form")
        status = INVALID if form is not None and getattr(form, "is_bound", False) else 200
    context = {
        **context,
        "base_template": "core/dialog.html" if is_dialog else "core/form_page.html",
        "is_dialog": is_dialog,
    }
    return render(request, template, context, status=status)


def submitted(request: HttpRequest, *, files: bool = False) -> tuple[Any, ...]:
    """A form's data when it was submitted, else nothing: ``Form(*submitted(request))``. An empty POST is still a
    submission (``request.POST or None`` would show an empty form instead of "请上传…")."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def done(
    request: HttpRequest, message: str, redirect_to: str, *, refresh: bool = True, gone: bool = False
) -> HttpResponse:
    """After a successful action: close the dialog, toast, and say ``anze:refresh`` (htmx) — or redirect with
    a message.

    ``anze:refresh`` is what keeps every screen true: each region of the page that shows state — the list
    region with its tabs (``{% list_region %}``), a detail page's region (``{% detail_region %}``), the
    bell — fetches itself again.

    ``gone``: the action took the object out of the user's sight (拒绝 hands the policy back to the
    insurer). A page other than ``redirect_to`` — its detail page — is left for ``redirect_to``, the message
    shown there; on ``redirect_to`` itself (the list) the regions refresh as usual.
    """
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        if gone and not _is_on(request, redirect_to):
            messages.success(request, message)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = redirect_to
            return response
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps({"anze:done": {"message": message, "refresh": refresh}})
        return response
    messages.success(request, message)
    return redirect(redirect_to)


def _is_on(request: HttpRequest, url: str) -> bool:
    """Whether the page that sent the htmx request is ``url`` (whatever its query string)."""
    current = request.htmx.current_url or ""
    return urlsplit(current).path == urlsplit(url).path


def refused(request: HttpRequest, message: str, redirect_to: str, *, refresh: bool = False) -> HttpResponse:
    """An action refused outside a form (a button in a list row): an error toast, nothing changed.
    ``refresh``: the list is out of date (the row has moved on), reload it too."""
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        response = HttpResponse(status=204)
        events: dict[str, Any] = {"anze:error": {"message": message}}
        if refresh:
            events["anze:refresh"] = {}
        response["HX-Trigger"] = json.dumps(events)
        return response
    messages.error(request, message)
    return redirect(redirect_to)


def render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A list page; an htmx refresh of the list region gets only the ``list`` partial."""
    if getattr(request, "htmx", False) and request.htmx.target == "list-region":
        return render(request, f"{template}#list", context)
    return render(request, template, context)
