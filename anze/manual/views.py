"""帮助: the manuals of docs/manual/ (``make manual``) as pages of the app, for anyone, signed in or not.

``/help/?page=<URL name>`` (the 帮助 link in every page's header) opens the section that documents that page;
``/help/`` alone lists the manuals; ``/help/<side>/`` is one manual, with its figures from ``/help/<side>/<file>``
and its PDF at ``/help/<side>.pdf``. Only the files ``make manual`` writes are served: a manual's name is one
of the step scripts', a figure's name is checked against a strict pattern and looked up inside the manual's
own folder. Without the generated files, the page says so.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from pathlib import Path
from typing import cast

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString

from anze.core.access import public

from . import html
from .pages import place_for
from .steps import MANUALS

FIGURE = re.compile(r"^[0-9][0-9.]*-[0-9]+\.png$")


def _folder() -> Path:
    return Path(settings.MANUAL_DIR)


def _manual(slug: str) -> tuple[str, Path]:
    if slug not in MANUALS:
        raise Http404("没有该操作手册")
    return slug, _folder() / f"{slug}.md"


def _sides() -> list[tuple[str, str]]:
    return [(slug, manual.title) for slug, manual in MANUALS.items()]


@public
def index(request: HttpRequest) -> HttpResponse:
    page = request.GET.get("page", "")
    place = place_for(page) if page else None
    if place is not None:
        url = reverse("manual:manual", args=[place.slug])
        return redirect(f"{url}#{place.anchor}" if place.anchor else url)
    manuals = [
        {"slug": slug, "title": manual.title, "ready": (_folder() / f"{slug}.md").is_file()}
        for slug, manual in MANUALS.items()
    ]
    return render(
        request, "manual/index.html", {"manuals": manuals, "sides": _sides(), "page_title": "操作手册"}
    )


@lru_cache(maxsize=8)
def _rendered(path: Path, mtime: float, slug: str) -> tuple[SafeString, list[html.Heading]]:
    def image_url(src: str) -> html.Picture | None:
        folder, _, name = src.partition("/")
        size = _png_size(path.parent / slug / name) if folder == slug and FIGURE.match(name) else None
        if size is None:
            return None
        return html.Picture(reverse("manual:figure", args=[slug, name]), *size)

    return html.render(path.read_text(encoding="utf-8"), image_url)


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header (its IHDR chunk), or None for a missing or other file."""
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@public
def manual(request: HttpRequest, slug: str) -> HttpResponse:
    slug, path = _manual(slug)
    context: dict[str, object] = {
        "slug": slug,
        "title": MANUALS[slug].title,
        "page_title": MANUALS[slug].title,
        "sides": _sides(),
        "ready": path.is_file(),
        "has_pdf": (_folder() / f"{slug}.pdf").is_file(),
    }
    if context["ready"]:
        body, headings = _rendered(path, path.stat().st_mtime, slug)
        context.update(body=body, headings=[h for h in headings if h.level <= 3])
    return render(request, "manual/manual.html", context)


@public
def figure(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    slug, _ = _manual(slug)
    path = _folder() / slug / name
    if not FIGURE.match(name) or not path.is_file():
        raise Http404("没有该插图")
    return _file(FileResponse(path.open("rb"), content_type="image/png"))


@public
def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    slug, _ = _manual(slug)
    path = _folder() / f"{slug}.pdf"
    if not path.is_file():
        raise Http404("操作手册尚未生成")
    response = FileResponse(
        path.open("rb"), content_type="application/pdf", filename=f"{MANUALS[slug].title}.pdf"
    )
    return _file(response)


def _file(response: FileResponse) -> HttpResponse:
    """The file, streamed as it is (``public``, like every view's helper, is typed for an HttpResponse)."""
    return cast(HttpResponse, response)
