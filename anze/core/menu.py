"""The sidebar: the side's menu from the catalogue, filtered by what the user's roles allow."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.urls import reverse

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

    @property
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


def _link(request: MemberRequest, item: catalogue.MenuItem, namespace: str) -> Link | None:
    if not request.user.has_perm_code(item.permission):
        return None
    url = reverse(f"{namespace}:{item.url_name}")
    is_home = item.url_name == "home"
    active = request.path == url if is_home else request.path.startswith(url)
    return Link(item.label, url, item.icon, active, is_home)


def build_menu(request: MemberRequest) -> Menu:
    side = getattr(request, "side", None)
    user = request.user
    if side is None or not user.is_authenticated or user.side != side:
        return Menu([])
    namespace = side_namespace(side)
    entries: list[Link | Section] = []
    for entry in catalogue.MENUS[side]:
        if isinstance(entry, catalogue.MenuGroup):
            links = [link for item in entry.items if (link := _link(request, item, namespace))]
            if links:
                entries.append(Section(entry.label, entry.icon, links))
        elif link := _link(request, entry, namespace):
            entries.append(link)
    return Menu(entries)
