"""How views declare what they need. Every view is wrapped by ``requires`` or marked ``public``.

``requires(code)`` answers, in order: anonymous → that side's login page; a user of another side → 403;
a user without the permission → 403. Object lookups are scoped by the selectors, so another organisation's
object is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core.sides import Side, side_namespace
from anze.core.views import client_redirect

from . import catalogue

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def login_url_for_side(side: str) -> str:
    return reverse(f"{side_namespace(side)}:login")


def requires(code: str) -> Callable[[View], View]:
    perm = catalogue.get(code)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            side = getattr(request, "side", None)
            if side is None or side not in perm.sides:
                raise ImproperlyConfigured(
                    f"{view.__qualname__} ({code}) is mounted outside its side ({side})"
                )
            user = request.user
            if not user.is_authenticated:
                login_url = login_url_for_side(side)
                if getattr(request, "htmx", False):
                    return client_redirect(login_url)
                return redirect_to_login(request.get_full_path(), login_url)
            if user.side != side:
                raise PermissionDenied("该账号不属于此系统")
            if code != catalogue.SIGNED_IN and not user.has_perm_code(code):
                raise PermissionDenied("没有该操作的权限")
            return view(request, *args, **kwargs)

        # A function attribute (mypy knows none on a function): read wherever a URL's permission is looked up
        # (notifications.services, portal.middleware, core/tests/test_url_permissions.py).
        wrapped.required_permission = code  # type: ignore[attr-defined]
        return cast(View, wrapped)

    return decorator


def public(view: View) -> View:
    """A page anyone may open (landing page, login pages). Listed explicitly so the URL walk can tell."""
    # Function attributes (mypy knows none on a function), read by core/tests/test_url_permissions.py.
    view.required_permission = None  # type: ignore[attr-defined]
    view.is_public = True  # type: ignore[attr-defined]
    return view


def home_url_for(user: Any) -> str:
    return reverse(f"{side_namespace(user.side)}:home")


__all__ = ["Side", "home_url_for", "login_url_for_side", "public", "requires"]
