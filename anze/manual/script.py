"""What a manual is made of: a side's ``Manual`` is a tree of ``Section``s, each with its ``Step``s.

The step scripts (``anze.manual.steps.<side>``) are lists of these and nothing else, so adding a screen to the
manual is adding a few lines there. A step says what a user does (open a page, fill a field, click a control),
what to capture and what the manual tells the reader; ``anze.manual.runner`` does it in Chromium, where a step
whose control cannot be found fails the build with the step's name (the drift check).

Sections are numbered from their place in the tree (1 登录, 2 首页, 3.1 订单管理, 3.1.2 报价 …), never by hand, so
inserting a section renumbers the rest. ``pages`` names the URLs (relative to the side's namespace:
``orders:list`` is ``insurer:orders:list`` in the insurer's manual) whose 帮助 link opens the section.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# The region the screenshot of a step is cropped to when the step does not say: the open dialog if there is
# one (the 确认 box above a form dialog), else the page's content (a signed-in page's main area, the login box).
AUTO = "auto"


@dataclass(frozen=True)
class Step:
    """One thing the user does, and the paragraph that tells them.

    In order: open ``goto``; click each of ``prepare`` (open a 更多 menu, a tab), not outlined; fill ``fill``,
    choose ``select`` (by the option's label), tick ``check``, pick ``dates`` in their date pickers, attach
    ``upload`` (generated sample files, by
    name); outline ``click`` and take the screenshot of ``capture`` (``AUTO``: the open dialog or the page's
    content; ``None``: no screenshot); then click ``click`` and wait until ``expect`` is visible. With
    ``shot_after`` the screenshot is taken after the click instead (the result of the step: a toast, an error
    under its field), with ``outline`` outlined if given.

    Selectors are Playwright's (CSS, ``:has-text("…")``, ``text=…``); prefer the label the text tells the user
    to click, so that renaming the button breaks the manual rather than leaving it wrong."""

    name: str
    text: str
    goto: str | None = None
    prepare: tuple[str, ...] = ()
    fill: tuple[tuple[str, str], ...] = ()
    select: tuple[tuple[str, str], ...] = ()
    check: tuple[str, ...] = ()
    dates: tuple[tuple[str, int], ...] = ()  # a date field and a day counted from today (the run's date)
    upload: tuple[tuple[str, str], ...] = ()
    click: str | None = None
    expect: str | None = None
    capture: str | None = AUTO
    shot_after: bool = False
    outline: str | None = None
    caption: str | None = None  # the figure's title; the step's name when not given
    silent: bool = False  # done but not printed: switching demo accounts is not the reader's business


@dataclass(frozen=True)
class Section:
    """A numbered section: an introduction, its steps, what its table's columns and statuses mean, the
    messages a user may meet there and what to do, and its subsections."""

    title: str
    text: str = ""
    steps: tuple[Step, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    statuses: tuple[tuple[str, str], ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    children: tuple[Section, ...] = ()
    pages: tuple[str, ...] = ()
    global_pages: tuple[str, ...] = ()  # URL names outside the sides' namespaces (``verify``)


@dataclass(frozen=True)
class Numbered:
    number: str  # "3.1.2"
    depth: int  # 1 for "3", 2 for "3.1"
    section: Section

    @property
    def anchor(self) -> str:
        """The id of the section's heading in the rendered manual (``s-3-1-2``)."""
        return anchor_for(self.number)


def anchor_for(number: str) -> str:
    return "s-" + number.replace(".", "-")


@dataclass(frozen=True)
class Manual:
    side: str  # anze.core.sides.Side
    slug: str  # file names: docs/manual/<slug>.md, <slug>.pdf, <slug>/*.png
    title: str  # 保险端操作手册
    account: str  # the demo account the steps sign in as, named in the introduction
    intro: str
    sections: tuple[Section, ...]

    def numbered(self) -> Iterator[Numbered]:
        """Every section with its number, depth first, in the order of the manual."""

        def walk(sections: tuple[Section, ...], prefix: str, depth: int) -> Iterator[Numbered]:
            for index, section in enumerate(sections, start=1):
                number = f"{prefix}{index}"
                yield Numbered(number, depth, section)
                yield from walk(section.children, f"{number}.", depth + 1)

        return walk(self.sections, "", 1)
