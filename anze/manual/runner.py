"""Does a manual's steps in a browser (Playwright's sync API) and takes their screenshots.

``run`` walks the sections in order and does each step as ``anze.manual.script.Step`` describes it. Every
control is looked for with a short timeout; one that does not appear, an ``expect`` that does not follow, or a
server error on the way raises ``StepFailed`` naming the step (``3.1.2 报价 › 填写报价并确定``): a change to a
screen that breaks a documented step fails ``make manual`` and the suite's manual test.

Screenshots are cropped to the step's region (the dialog, else the page's content), with the control the step
clicks outlined in red — set through the element's ``style`` from a script, which the Content-Security-Policy
allows — and the outline removed before the click.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from anze.documents import testing as samples

from .script import AUTO, Manual, Numbered, Step

if TYPE_CHECKING:
    from playwright.sync_api import FloatRect, Locator, Page, Response

# Short on purpose: a control that is there appears at once on a demo database; a renamed one never does.
FIND_TIMEOUT_MS = 5_000
LOAD_TIMEOUT_MS = 20_000
OUTLINE = "3px solid #f56c6c"

# Settled: no htmx request in flight and every dialog either hidden or fully shown (Bootstrap's fade over).
SETTLED = """() => !document.querySelector('.htmx-request') &&
  [...document.querySelectorAll('.modal')].every((m) => {
    if (getComputedStyle(m).display === 'none') return true;
    const dialog = m.querySelector('.modal-dialog');
    return m.classList.contains('show') && (!dialog || getComputedStyle(dialog).transform === 'none');
  }) &&
  [...document.querySelectorAll('.modal-backdrop')].every((b) => b.classList.contains('show'))"""

# The region of AUTO, first found first: the 确认 box, a form dialog, a signed-in page (breadcrumbs and content,
# without the menu), the box of a sign-in page.
AUTO_REGIONS = (
    "#anze-confirm.show .modal-content",
    ".modal.show .modal-content",
    ".anze-main",
    ".auth-body > *",
    "body",
)
# Around a region on the blue of the sign-in pages, a margin shows where the box stands.
MARGIN = {".auth-body > *": 24}
# A signed-in page is at least as tall as the window: its shot ends below the content, not at the window's foot.
CONTENT_BOTTOM = """() => Math.max(0, ...[...document.querySelectorAll('main.anze-content > *')]
  .map((el) => el.getBoundingClientRect().bottom)) + 16"""


class StepFailed(Exception):
    """A step of a manual could not be done; the message names the manual, the section and the step."""

    def __init__(
        self, manual: Manual, where: Numbered, step: Step, reason: str, page: bytes | None = None
    ) -> None:
        self.step_name = f"{where.number} {where.section.title} › {step.name}"
        self.page = page  # the whole page when the step failed, to see why
        super().__init__(f"《{manual.title}》步骤「{self.step_name}」失败：{reason}")


@dataclass(frozen=True)
class Figure:
    label: str  # 图 3.1.2-1
    caption: str
    file: str | None  # "insurer/3-1-2-1.png", relative to the manual's folder; None when not kept


# (section number, index of the step in its section) → its figure, for the steps that capture one.
Figures = dict[tuple[str, int], Figure]


def run(
    manual: Manual,
    page: Page,
    base_url: str,
    images: Path | None,
    find_timeout_ms: int = FIND_TIMEOUT_MS,
    sections: Collection[str] | None = None,
) -> Figures:
    """Do every step of ``manual`` on ``page`` against the server at ``base_url``. With ``images`` (the
    manual's folder, docs/manual/), the screenshots are written to ``images/<slug>/``; without (the suite's
    drift check), every step is done and its region and outlined control looked for, but no picture taken.
    ``sections``: only these numbered sections and what they contain ("1", "3.5"; the suite splits a long
    manual in two runs)."""
    page.set_default_timeout(find_timeout_ms)
    page.set_default_navigation_timeout(LOAD_TIMEOUT_MS)
    server_errors: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", on_response)
    folder = images / manual.slug if images is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
    figures: Figures = {}
    with tempfile.TemporaryDirectory(prefix="anze-manual-") as scratch:
        files = SampleFiles(Path(scratch))
        for where in manual.numbered():
            if sections is not None and not _chosen(where.number, sections):
                continue
            shots = 0
            for index, step in enumerate(where.section.steps):
                before = len(server_errors)
                try:
                    shot = _do(page, base_url, step, files, shoot=folder is not None)
                except StepFailed:
                    raise
                except Exception as error:  # Playwright's TimeoutError and Error: the step's control is gone
                    raise StepFailed(manual, where, step, _reason(error), _page(page)) from error
                if len(server_errors) > before:
                    raise StepFailed(manual, where, step, "服务器错误 " + "; ".join(server_errors[before:]))
                if shot is None:
                    continue
                shots += 1
                name = f"{where.number}-{shots}.png"
                label = f"图 {where.number}-{shots}"
                file = None
                if folder is not None:
                    (folder / name).write_bytes(compact(shot))
                    file = f"{manual.slug}/{name}"
                figures[(where.number, index)] = Figure(label, step.caption or step.name, file)
    page.remove_listener("response", on_response)
    return figures


def _chosen(number: str, sections: Collection[str]) -> bool:
    return any(number == chosen or number.startswith(f"{chosen}.") for chosen in sections)


def _page(page: Page) -> bytes | None:
    try:
        return page.screenshot(full_page=True)
    except Exception:
        return None


def _reason(error: Exception) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return first[:300]


def _do(page: Page, base_url: str, step: Step, files: SampleFiles, shoot: bool) -> bytes | None:
    """Do ``step``; its screenshot (empty when not ``shoot``), or None when it captures nothing."""

    def capture(outlined: Locator | None) -> bytes:
        if shoot:
            return _screenshot(page, step.capture or AUTO, outlined)
        _region(page, step.capture or AUTO)
        return b""

    if step.goto is not None:
        page.goto(base_url.rstrip("/") + step.goto, wait_until="load")
    _settle(page)
    for selector in step.prepare:
        _find(page, selector).click()
        page.wait_for_load_state("load")
        _settle(page)
    for selector, value in step.fill:
        _find(page, selector).fill(value)
    for selector, label in step.select:
        _choose(_find(page, selector), label)
    for selector in step.check:
        _find(page, selector).check()
    for selector, days in step.dates:
        field = page.locator(selector).first
        field.wait_for(state="attached")
        day = (timezone.localdate() + timedelta(days=days)).isoformat()
        # The date picker (flatpickr, anze/js/datepicker.js) keeps the ISO value in the hidden field it wraps.
        field.evaluate(
            "(el, day) => el._flatpickr ? el._flatpickr.setDate(day, true) : (el.value = day)", day
        )
    for selector, name in step.upload:
        field = page.locator(selector).first
        field.wait_for(state="attached")
        field.set_input_files(str(files.get(name)))
    _settle(page)
    target = _find(page, step.click) if step.click else None
    shot = None
    if not step.shot_after and step.capture is not None:
        shot = capture(target)
    if target is not None:
        target.click()
        page.wait_for_load_state("load")
        _settle(page)
    if step.expect is not None:
        _find(page, step.expect, what="操作后应出现")
        _settle(page)
    if step.shot_after and step.capture is not None:
        outlined = _find(page, step.outline) if step.outline else None
        shot = capture(outlined)
    return shot


def _find(page: Page, selector: str, what: str = "找不到") -> Locator:
    locator = page.locator(selector).first
    try:
        locator.wait_for(state="visible")
    except Exception as error:
        raise LookupError(f"{what} {selector}（{_reason(error)}）") from error
    return locator


def _choose(field: Locator, label: str) -> None:
    """Select the first option whose text contains ``label`` (an option may add a note: 建筑施工（高危行业）)."""
    value = field.evaluate(
        "(el, label) => { const o = [...el.options].find((o) => o.text.includes(label)); return o ? o.value : null; }",
        label,
    )
    if value is None:
        raise LookupError(f"下拉框中没有“{label}”")
    field.select_option(value=value)


def _settle(page: Page) -> None:
    page.wait_for_function(SETTLED, timeout=LOAD_TIMEOUT_MS)


def _region(page: Page, capture: str) -> tuple[Locator, str]:
    if capture != AUTO:
        return _find(page, capture), capture
    for selector in AUTO_REGIONS:
        region = page.locator(selector).first
        if region.count() and region.is_visible():
            return region, selector
    raise LookupError("页面上没有可截图的区域")


def _screenshot(page: Page, capture: str, outlined: Locator | None) -> bytes:
    """The region, cut from the whole page scrolled to its top (where the sticky top bar stands in its place;
    a dialog, fixed, stands in the window), the outline drawn on ``outlined`` for the time of the shot."""
    region, selector = _region(page, capture)
    margin = MARGIN.get(selector, 0)
    if outlined is not None:
        outlined.evaluate(
            "(el, outline) => { el.style.outline = outline; el.style.outlineOffset = '2px'; }", OUTLINE
        )
    try:
        page.evaluate("() => window.scrollTo(0, 0)")
        box = region.bounding_box()
        if box is None:
            raise LookupError(f"{capture} 不可见，无法截图")
        size = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        left, top = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
        right = min(box["x"] + box["width"] + margin, size[0])
        bottom = min(box["y"] + box["height"] + margin, size[1])
        if selector == ".anze-main":
            bottom = min(bottom, page.evaluate(CONTENT_BOTTOM))
        clip: FloatRect = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        return page.screenshot(clip=clip, full_page=True, animations="disabled", caret="hide")
    finally:
        if outlined is not None:
            outlined.evaluate("(el) => { el.style.outline = ''; el.style.outlineOffset = ''; }")


def compact(png: bytes) -> bytes:
    """A screenshot in 256 colours: a fifth of the size, and the flat colours of the screens do not suffer."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        paletted = picture.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        out = io.BytesIO()
        paletted.save(out, format="PNG", optimize=True)
    return out.getvalue()


class SampleFiles:
    """The files the steps attach, made on first use in a scratch folder: a PDF titled after the file's name
    (付款通知书.pdf), a small picture, a short video."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, name: str) -> Path:
        path = self.folder / name
        if not path.exists():
            suffix = path.suffix.lower()
            if suffix == ".pdf":
                data = samples.pdf_bytes(path.stem, [path.stem, "（操作手册示例文件）"])
            elif suffix == ".png":
                data = samples.png_bytes(320, 240)
            elif suffix in (".jpg", ".jpeg"):
                data = samples.jpeg_bytes(320, 240)
            elif suffix == ".mp4":
                data = samples.mp4_bytes()
            else:
                raise ValueError(f"no sample file for {name}")
            path.write_bytes(data)
        return path
