"""The Markdown the manual is written in, read back into blocks for the help pages (``html``) and the PDFs
(``pdf``).

Only what ``writer`` writes is read: headings, paragraphs, numbered and bulleted items, block quotes, an image
alone on its line, pipe tables; inline, ``**bold**`` and ``code``. Anything else is text: no raw HTML and no
links reach a page, so whatever the files hold, the help page shows it as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
ORDERED = re.compile(r"^(\d+)\.\s+(.*)$")
BULLET = re.compile(r"^[-*]\s+(.*)$")
QUOTE = re.compile(r"^>\s?(.*)$")
INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")
# A heading that starts with its section number ("3.1.2 报价") gets the anchor anze.manual.script.anchor_for.
NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\s")


@dataclass
class Block:
    kind: str  # heading, paragraph, item, bullet, quote, image, table
    text: str = ""
    level: int = 0  # heading level; item number
    src: str = ""  # image
    rows: list[list[str]] = field(default_factory=list)  # table, header first


def parse(source: str) -> list[Block]:
    blocks: list[Block] = []
    lines = source.splitlines()
    i = 0
    open_block: Block | None = None  # a paragraph or an item that the next lines continue
    while i < len(lines):
        line = lines[i].rstrip()
        stripped = line.strip()
        i += 1
        if not stripped:
            open_block = None
            continue
        if stripped.startswith("|"):
            rows = [_cells(stripped)]
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i].strip()))
                i += 1
            rows = [row for row in rows if not all(re.fullmatch(r":?-{3,}:?", cell) for cell in row)]
            blocks.append(Block("table", rows=rows))
            open_block = None
            continue
        if match := HEADING.match(stripped):
            blocks.append(Block("heading", match.group(2).strip(), level=len(match.group(1))))
            open_block = None
        elif match := IMAGE.match(stripped):
            blocks.append(Block("image", match.group(1), src=match.group(2)))
            open_block = None
        elif match := ORDERED.match(stripped):
            open_block = Block("item", match.group(2), level=int(match.group(1)))
            blocks.append(open_block)
        elif match := BULLET.match(stripped):
            open_block = Block("bullet", match.group(1))
            blocks.append(open_block)
        elif match := QUOTE.match(stripped):
            if open_block is not None and open_block.kind == "quote":
                open_block.text += match.group(1)
            else:
                open_block = Block("quote", match.group(1))
                blocks.append(open_block)
        elif open_block is not None:
            open_block.text += stripped  # Chinese text: lines join without a space
        else:
            open_block = Block("paragraph", stripped)
            blocks.append(open_block)
    return blocks


def _cells(line: str) -> list[str]:
    inner = line.strip().strip("|")
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def inline(text: str) -> list[tuple[str, str]]:
    """``text`` as (kind, text) runs: ``plain``, ``bold``, ``code``."""
    runs: list[tuple[str, str]] = []
    position = 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            runs.append(("plain", text[position : match.start()]))
        if match.group(1) is not None:
            runs.append(("bold", match.group(1)))
        else:
            runs.append(("code", match.group(2)))
        position = match.end()
    if position < len(text):
        runs.append(("plain", text[position:]))
    return runs


def heading_number(text: str) -> str | None:
    match = NUMBERED_HEADING.match(text)
    return match.group(1) if match else None


def table_cell(text: str) -> str:
    """``text`` made safe for a cell of a pipe table: one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
