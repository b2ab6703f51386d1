"""Home-page cards: each side's apps register a function giving the counts that need action.

``register(side)`` decorates ``fn(request) -> list[Card]``; the home page shows the cards of the user's side
whose permission the user holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass
class Card:
    label: str
    value: int | str
    url: str
    icon: str = "list-check"
    tone: str = "primary"  # primary | warning | success | danger | info
    permission: str = "signed_in"


Provider = Callable[[HttpRequest], list[Card]]
_PROVIDERS: dict[str, list[Provider]] = {}


def register(side: str) -> Callable[[Provider], Provider]:
    def decorator(fn: Provider) -> Provider:
        _PROVIDERS.setdefault(side, []).append(fn)
        return fn

    return decorator


def cards_for(request: HttpRequest) -> list[Card]:
    cards: list[Card] = []
    for provider in _PROVIDERS.get(request.side, []):
        cards.extend(card for card in provider(request) if request.user.has_perm_code(card.permission))
    return cards
