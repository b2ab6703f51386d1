"""Home-page cards: each side's apps register a function giving the counts that need action.

``register(side)`` decorates ``fn(request) -> list[Card]``; the home page shows the cards of the user's side
whose permission the user holds. ``register_notices(side)`` does the same for the reminders shown above the
cards (``Notice``: a sentence and one button, e.g. the enterprise's 续保 reminder); ``register_panel(side)`` for
blocks below the cards (``Panel``: a template and its context, e.g. the insurer's monthly figures).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .http import MemberRequest


@dataclass
class Card:
    label: str
    value: int | str
    url: str
    icon: str = "list-check"
    tone: str = "primary"  # primary | warning | success | danger | info
    permission: str = "signed_in"


@dataclass
class Notice:
    message: str
    url: str
    action: str  # the button's label
    tone: str = "warning"  # primary | warning | danger | info
    permission: str = "signed_in"


@dataclass
class Panel:
    """A block of the home page below the cards (e.g. the insurer's monthly figures and chart): ``template``
    rendered with ``panel`` = ``context``; ``scripts`` are static paths the page loads for it."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    scripts: tuple[str, ...] = ()
    permission: str = "signed_in"


Provider = Callable[[MemberRequest], list[Card]]
PanelProvider = Callable[[MemberRequest], list[Panel]]
NoticeProvider = Callable[[MemberRequest], list[Notice]]
_PROVIDERS: dict[str, list[Provider]] = {}
_NOTICE_PROVIDERS: dict[str, list[NoticeProvider]] = {}
_PANEL_PROVIDERS: dict[str, list[PanelProvider]] = {}


def register(side: str) -> Callable[[Provider], Provider]:
    def decorator(fn: Provider) -> Provider:
        _PROVIDERS.setdefault(side, []).append(fn)
        return fn

    return decorator


def cards_for(request: MemberRequest) -> list[Card]:
    cards: list[Card] = []
    for provider in _PROVIDERS.get(request.side or "", []):
        cards.extend(card for card in provider(request) if request.user.has_perm_code(card.permission))
    return cards


def register_notices(side: str) -> Callable[[NoticeProvider], NoticeProvider]:
    def decorator(fn: NoticeProvider) -> NoticeProvider:
        _NOTICE_PROVIDERS.setdefault(side, []).append(fn)
        return fn

    return decorator


def notices_for(request: MemberRequest) -> list[Notice]:
    notices: list[Notice] = []
    for provider in _NOTICE_PROVIDERS.get(request.side or "", []):
        notices.extend(n for n in provider(request) if request.user.has_perm_code(n.permission))
    return notices


def register_panel(side: str) -> Callable[[PanelProvider], PanelProvider]:
    def decorator(fn: PanelProvider) -> PanelProvider:
        _PANEL_PROVIDERS.setdefault(side, []).append(fn)
        return fn

    return decorator


def panels_for(request: MemberRequest) -> list[Panel]:
    panels: list[Panel] = []
    for provider in _PANEL_PROVIDERS.get(request.side or "", []):
        panels.extend(p for p in provider(request) if request.user.has_perm_code(p.permission))
    return panels
