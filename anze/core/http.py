"""The request as Anze's middleware leaves it, for annotations: Django builds a plain ``WSGIRequest``; these
classes name the attributes the middleware adds, so that the type checker (mypy, ``make test``) knows them.

``request.side`` (anze.core.middleware.SideMiddleware), ``request.htmx`` (django-htmx's HtmxMiddleware) and,
behind the sign-in of a side's pages, ``request.user`` as Anze's own ``User``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from anze.accounts.models import User


class AnzeRequest(HttpRequest):
    side: str | None
    htmx: HtmxDetails
    _messages: BaseStorage  # django.contrib.messages' MessageMiddleware


class MemberRequest(AnzeRequest):
    """A request of a signed-in user (the views behind ``anze.accounts.access.requires``)."""

    user: User
