"""A manual's Markdown as HTML for the help pages. Every piece of text is escaped; the only tags are the ones
written here, and an image's address is whatever ``image_url`` makes of it (the view serves the manual's own
PNGs only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .markdown import Block, heading_number, inline, parse
from .script import anchor_for


@dataclass(frozen=True)
class Picture:
    """Where a figure is served and its size in pixels (so the page does not jump as figures load)."""

    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Heading:
    anchor: str
    text: str
    level: int


def _inline(text: str) -> str:
    parts = []
    for kind, run in inline(text):
        if kind == "bold":
            parts.append(f"<strong>{escape(run)}</strong>")
        elif kind == "code":
            parts.append(f"<code>{escape(run)}</code>")
        else:
            parts.append(escape(run))
    return "".join(parts)


def render(source: str, image_url: Callable[[str], Picture | None]) -> tuple[SafeString, list[Heading]]:
    """The HTML of ``source`` and its numbered headings (for the table of contents)."""
    html: list[str] = []
    headings: list[Heading] = []
    blocks = parse(source)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind in ("item", "bullet"):
            run = [block]
            while i + 1 < len(blocks) and blocks[i + 1].kind == block.kind:
                i += 1
                run.append(blocks[i])
            html.append(_list(run))
        else:
            html.append(_block(block, image_url, headings))
        i += 1
    return mark_safe("\n".join(html)), headings  # every text above went through escape()


def _list(items: list[Block]) -> str:
    body = "".join(f"<li>{_inline(item.text)}</li>" for item in items)
    if items[0].kind == "bullet":
        return f"<ul>{body}</ul>"
    return f'<ol start="{int(items[0].level)}">{body}</ol>'


def _block(block: Block, image_url: Callable[[str], Picture | None], headings: list[Heading]) -> str:
    if block.kind == "heading":
        level = min(max(block.level, 1), 6)
        number = heading_number(block.text)
        if number is None:
            return f"<h{level}>{_inline(block.text)}</h{level}>"
        anchor = anchor_for(number)
        headings.append(Heading(anchor, block.text, level))
        return f'<h{level} id="{anchor}">{_inline(block.text)}</h{level}>'
    if block.kind == "image":
        picture = image_url(block.src)
        caption = f"<figcaption>{escape(block.text)}</figcaption>"
        if picture is None:
            return f'<figure class="missing">{caption}</figure>'
        return (
            f'<figure><img src="{escape(picture.url)}" alt="{escape(block.text)}" width="{int(picture.width)}" '
            f'height="{int(picture.height)}" loading="lazy">{caption}</figure>'
        )
    if block.kind == "table":
        head, *rows = block.rows or [[]]
        thead = "".join(f"<th>{_inline(cell)}</th>" for cell in head)
        tbody = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f'<table class="table table-bordered"><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table>'
    if block.kind == "quote":
        return f"<blockquote>{_inline(block.text)}</blockquote>"
    return f"<p>{_inline(block.text)}</p>"
