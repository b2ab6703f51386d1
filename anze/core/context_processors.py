from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .http import MemberRequest
from .menu import build_menu
from .sides import SIDE_TITLE


def shell(request: HttpRequest) -> dict[str, Any]:
    side = getattr(request, "side", None)
    return {
        "side": side,
        "side_title": SIDE_TITLE.get(side, "安全生产责任保险监管平台")
        if side
        else "安全生产责任保险监管平台",
        # Drawn by the shell of a side's pages only, which all sign in first.
        "menu": SimpleLazyObject(lambda: build_menu(cast(MemberRequest, request))),
    }
