"""The response shapes every screen uses: a list page; a form that is a dialog under htmx and a page without
JavaScript; and the one way an action ends (``done``). Views stay thin by calling these.

Every view that binds a form and calls a workflow or service function is ``action_view``; a button that calls
one without a form (a row's 启用 / 删除, 接受) is ``button_view``. Both turn ``Refused`` into what the user
sees — an error beside the field, or an error toast — and nothing is saved (the action runs in a transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, trigger_client_event

from .errors import Refused
from .forms import apply_refusal

# Forms with errors answer 422; htmx is configured (static/js/anze.js) to swap it into the dialog.
INVALID = 422
# An action's answer to htmx has no body to swap: 204 (a 200 would empty the dialog before the events run).
NO_CONTENT = 204

F = TypeVar("F")
R = TypeVar("R")


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int | None = None
) -> HttpResponse:
    """A form as a dialog (htmx) or a full page: the template extends ``base_template``.

    A bound ``form`` in the context is one being shown again with its errors (a successful POST redirects
    or answers ``done``), so it answers 422 unless ``status`` says otherwise.
    """
    is_dialog = _from_htmx(request)
    if status is None:
        status = _status(context.get("form"))
    context = {
        **context,
        "base_template": "core/dialog.html" if is_dialog else "core/form_page.html",
        "is_dialog": is_dialog,
    }
    return render(request, template, context, status=status)


def _status(form: Any) -> int:
    return INVALID if form is not None and getattr(form, "is_bound", False) else 200


def bind(request: HttpRequest, form_class: Callable[..., F], /, **kwargs: Any) -> F:
    """The one way to bind a form: the submitted data and files on a POST, an unbound form otherwise. An
    empty POST is still a submission (``request.POST or None`` would show an empty form instead of
    "请上传…")."""
    if request.method == "POST":
        return form_class(data=request.POST, files=request.FILES, **kwargs)
    return form_class(**kwargs)


def done(
    request: HttpRequest,
    message: str,
    redirect_to: str,
    *,
    error: bool = False,
    refresh: bool | None = None,
    reload: bool = False,
    gone: bool = False,
    link: tuple[str, str] | None = None,
) -> HttpResponse:
    """How every action ends, done or refused: under htmx a toast and ``anze:refresh`` (the dialog closes),
    without htmx a redirect to ``redirect_to`` with the message.

    ``anze:refresh`` is what keeps every screen true: each region of the page that shows state — the list
    region with its tabs (``{% list_region %}``), a detail page's region (``{% detail_region %}``), the
    bell — fetches itself again. ``refresh`` defaults to yes for a success and no for a refusal (nothing
    changed; say yes when the row has moved on meanwhile).

    ``error``: the action was refused (an error toast instead of a success).

    ``reload``: the page is reloaded, the message shown on it (the enterprise's order pages, whose state,
    buttons and timeline all change).

    ``gone``: the action took the object out of the user's sight (拒绝 hands the policy back to the insurer;
    a deleted draft). A page other than ``redirect_to`` — its detail page — is left for ``redirect_to``, the
    message shown there; on ``redirect_to`` itself (the list) the regions refresh as usual.

    ``link``: (url, label) of a page the success toast links to (an export queued: 前往下载中心); without htmx
    the user is taken to ``redirect_to`` instead.
    """
    flash = messages.error if error else messages.success
    if not _from_htmx(request):
        flash(request, message)
        return redirect(redirect_to)
    if gone and not _is_on(request, redirect_to):
        flash(request, message)
        return client_redirect(redirect_to)
    if reload:
        flash(request, message)
        return _no_content(HttpResponseClientRefresh())
    response = HttpResponse(status=NO_CONTENT)
    if error:
        trigger_client_event(response, "anze:error", {"message": message})
        if refresh:
            trigger_client_event(response, "anze:refresh")
        return response
    detail: dict[str, Any] = {"message": message, "refresh": True if refresh is None else refresh}
    if link is not None:
        detail["link"], detail["link_label"] = link
    return trigger_client_event(response, "anze:done", detail)


def client_redirect(url: str) -> HttpResponse:
    """An htmx request sent elsewhere: the browser loads ``url`` (django-htmx's ``HX-Redirect``, no body)."""
    return _no_content(HttpResponseClientRedirect(url))


def _no_content(response: HttpResponse) -> HttpResponse:
    response.status_code = NO_CONTENT
    return response


def _from_htmx(request: HttpRequest) -> bool:
    """An htmx request from a dialog or a button (a boosted link is a page load)."""
    details: Any = getattr(request, "htmx", None)
    return bool(details) and not details.boosted


def _is_on(request: HttpRequest, url: str) -> bool:
    """Whether the page that sent the htmx request is ``url`` (whatever its query string)."""
    details: Any = getattr(request, "htmx", None)
    current = (details.current_url if details else None) or ""
    return urlsplit(current).path == urlsplit(url).path


def _value(given: R | Callable[[Any], R], result: Any) -> R:
    return given(result) if callable(given) else given


def action_view(
    request: HttpRequest,
    *,
    form_class: Callable[..., Any],
    call: Callable[[Any], Any],
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
    template: str,
    context: Mapping[str, Any] | None = None,
    form_kwargs: Mapping[str, Any] | None = None,
    fields: Mapping[str, str] | None = None,
    recheck: Callable[[Any], None] | None = None,
    moved_on: Callable[[], str | None] | None = None,
    refused_to: str | None = None,
    page: bool = False,
    form_name: str = "form",
    reload: bool = False,
    gone: bool = False,
) -> HttpResponse:
    """A form that calls one workflow or service function: parse → call → render.

    The form is bound by ``bind`` (``form_kwargs`` are its other arguments). A valid submission runs
    ``call(form)``; its ``Refused`` errors go beside their fields (``fields`` renames a function's argument to
    the form's field) and the form is shown again (422). Success ends with ``done`` — ``success`` and
    ``redirect_to`` may be functions of what ``call`` returned (the new record's page). An invalid submission
    runs ``recheck(form)`` (a workflow's ``check_*`` on the readable values, so that one submission shows
    every error). ``moved_on``: opening the form when the object no longer allows the action (another user
    was quicker) answers that message instead, the screen refreshed (without htmx: a redirect to
    ``refused_to``, by default ``redirect_to``). ``page``: a full page rather than a dialog (a form with a
    large upload; ``form_name``: the form's name in the context of a page with several forms);
    ``reload``/``gone``: see ``done``.
    """
    if request.method != "POST" and moved_on is not None and (message := moved_on()):
        back = refused_to or _value(redirect_to, None)
        return done(request, message, back, error=True, refresh=True, reload=reload)
    form = bind(request, form_class, **(form_kwargs or {}))
    if request.method == "POST":
        if form.is_valid():
            try:
                result = call(form)
            except Refused as exc:
                apply_refusal(form, exc.renamed(fields) if fields else exc)
            else:
                return done(
                    request,
                    _value(success, result),
                    _value(redirect_to, result),
                    reload=reload,
                    gone=gone,
                )
        elif recheck is not None:
            recheck(form)
    shown = {**(context or {}), form_name: form}
    if page:
        return render(request, template, shown, status=_status(form))
    return render_form(request, template, shown)


def button_view(
    request: HttpRequest,
    *,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
    redirect_to: str,
    refused_to: str | None = None,
    confirm: Mapping[str, Any] | None = None,
    stale: bool = False,
    reload: bool = False,
    gone: bool = False,
) -> HttpResponse:
    """A button that calls one workflow or service function without a form (the view is ``require_POST``,
    or shows ``confirm`` — the words of ``core/confirm.html`` — on a GET). A refusal is an error toast on the
    same screen (``refused_to`` when it differs from where success goes); ``stale``: a refusal means the
    screen is out of date (another user acted first), so it refreshes too."""
    if confirm is not None and request.method != "POST":
        return render_form(
            request,
            "core/confirm.html",
            {"action": request.path, "cancel_url": redirect_to, "danger": True, **confirm},
        )
    try:
        result = call()
    except Refused as exc:
        return done(request, exc.message, refused_to or redirect_to, error=True, refresh=stale, reload=reload)
    return done(request, _value(success, result), redirect_to, reload=reload, gone=gone)


def render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A list page; an htmx refresh of the list region gets only the ``list`` partial."""
    details = getattr(request, "htmx", None)
    if details and details.target == "list-region":
        return render(request, f"{template}#list", context)
    return render(request, template, context)
