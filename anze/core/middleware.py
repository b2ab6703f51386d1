from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .sides import PREFIX_SIDE


class SideMiddleware:
    """``request.side``: which side's screens this URL belongs to (from its first path segment), or None."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        first = request.path_info.lstrip("/").split("/", 1)[0]
        request.side = PREFIX_SIDE.get(first)  # type: ignore[attr-defined]
        return self.get_response(request)
