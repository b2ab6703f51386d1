"""Which section of which manual documents a page: from the ``pages`` the step scripts declare on their sections.

The 帮助 link of a page sends its URL name (``insurer:orders:quote``); ``place_for`` answers the manual and the
anchor of its section (``insurer``, ``s-3-1-2``), else the top of that side's manual, else nothing (the index).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from anze.core.sides import side_namespace

from .steps import MANUALS


@dataclass(frozen=True)
class Place:
    slug: str
    anchor: str  # "" for the top of the manual
    title: str  # "3.1.2 订单报价", or the manual's title


@cache
def _places() -> tuple[dict[str, Place], dict[str, str]]:
    """URL name → its section (the first that names it); side namespace → its manual."""
    places: dict[str, Place] = {}
    sides: dict[str, str] = {}
    for slug, manual in MANUALS.items():
        namespace = side_namespace(manual.side)
        sides[namespace] = slug
        for where in manual.numbered():
            place = Place(slug, where.anchor, f"{where.number} {where.section.title}")
            for name in where.section.pages:
                places.setdefault(f"{namespace}:{name}", place)
            for name in where.section.global_pages:
                places.setdefault(name, place)
    return places, sides


def place_for(view_name: str) -> Place | None:
    places, sides = _places()
    if view_name in places:
        return places[view_name]
    slug = sides.get(view_name.split(":", 1)[0])
    if slug is None:
        return None
    return Place(slug, "", MANUALS[slug].title)


def documented() -> set[str]:
    """Every URL name some section declares."""
    return set(_places()[0])
