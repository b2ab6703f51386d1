"""The sidebar: the side's menu from the catalogue, filtered by what the user's roles allow."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from anze.core import catalogue

from .http import MemberRequest
from .sides import side_namespace


@dataclass
class Link:
    label: str
    url: str
    icon: str
    active: bool
    is_home: bool = False


@dataclass
class Section:
    label: str
    icon: str
    links: list[Link] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


@dataclass
class Menu:
    entries: list[Link | Section]

    def __iter__(self) -> Iterator[Link | Section]:
        return iter(self.entries)

    @cached_property
    def html(self) -> SafeString:
        """The sidebar's entries (``core/partials/menu.html``), rendered once per menu: menus are shared."""
        return SafeString(render_to_string("core/partials/menu.html", {"menu": self}))

    @cached_property
    def breadcrumbs(self) -> list[Link]:
        """首页 / 系统管理 / 账号管理 — from the active entry (the section's label links nowhere)."""
        for entry in self.entries:
            if isinstance(entry, Section) and entry.active:
                return [Link(entry.label, "", entry.icon, False)] + [
                    link for link in entry.links if link.active
                ]
            if isinstance(entry, Link) and entry.active and not entry.is_home:
                return [entry]
        return []


@dataclass(frozen=True)
class _Place:
    """A catalogue item of a side with its URL, reversed once per process (the URLs do not change)."""

    item: catalogue.MenuItem
    url: str
    group: catalogue.MenuGroup | None

    def active(self, path: str) -> bool:
        return path == self.url if self.item.url_name == "home" else path.startswith(self.url)


@functools.lru_cache(maxsize=16)
def _places(side: str, script_prefix: str) -> tuple[_Place, ...]:
    namespace = side_namespace(side)
    places = []
    for entry in catalogue.MENUS[side]:
        for item, group in (
            [(item, entry) for item in entry.items]
            if isinstance(entry, catalogue.MenuGroup)
            else [(entry, None)]
        ):
            places.append(_Place(item, reverse(f"{namespace}:{item.url_name}"), group))
    return tuple(places)


@functools.lru_cache(maxsize=1024)
def _menu(side: str, script_prefix: str, shown: tuple[bool, ...], active: tuple[bool, ...]) -> Menu:
    """The menu of one set of shown items and one active item: the same for every user and page that have
    them, so built (and its HTML rendered) once per process. The key is what the user's roles allow, not the
    roles: a role changed to allow less gives another key at the user's next request, never this menu."""
    entries: list[Link | Section] = []
    sections: dict[catalogue.MenuGroup, Section] = {}
    for place, show, on in zip(_places(side, script_prefix), shown, active, strict=True):
        if not show:
            continue
        link = Link(place.item.label, place.url, place.item.icon, on, place.item.url_name == "home")
        if place.group is None:
            entries.append(link)
        elif place.group in sections:
            sections[place.group].links.append(link)
        else:
            sections[place.group] = Section(place.group.label, place.group.icon, [link])
            entries.append(sections[place.group])
    return Menu(entries)


def build_menu(request: MemberRequest) -> Menu:
    side = getattr(request, "side", None)
    user = request.user
    if side is None or not user.is_authenticated or user.side != side:
        return Menu([])
    prefix = get_script_prefix()
    places = _places(side, prefix)
    shown = tuple(user.has_perm_code(place.item.permission) for place in places)
    active = tuple(show and place.active(request.path) for place, show in zip(places, shown, strict=True))
    return _menu(side, prefix, shown, active)
