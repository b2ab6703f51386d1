"""A manual's Markdown as one PDF (reportlab): a cover, the table of contents, the sections with their figures
and tables, bookmarks for every numbered heading, page numbers. The Chinese font is a TrueType file of the
machine (WenQuanYi Micro Hei, installed with Chromium by bin/ensure-chromium), embedded in the PDF (as a subset),
so the file reads the same wherever it is opened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as Pillow
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .markdown import Block, heading_number, inline, parse

FONT = "AnzeCJK"
FONT_FILES = (  # the first that exists; (path, index of the face in a collection)
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)
PRIMARY = "#409eff"
TEXT = "#303133"
MUTED = "#909399"


class FontMissing(RuntimeError):
    pass


def _register_font() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for path, index in FONT_FILES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=index))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)  # one face: <b> keeps the font
            return
    raise FontMissing(
        "找不到中文字体（"
        + "、".join(p for p, _ in FONT_FILES)
        + "）：请安装 fonts-wqy-microhei（bin/ensure-chromium）"
    )


def _markup(text: str) -> str:
    parts = []
    for kind, run in inline(text):
        if kind == "bold":
            parts.append(f'<font color="{TEXT}"><b>{escape(run)}</b></font>')
        elif kind == "code":
            parts.append(f'<font color="#c0392b">{escape(run)}</font>')
        else:
            parts.append(escape(run))
    return "".join(parts)


def build(
    markdown: str, pdf_path: Path, image_path: Callable[[str], Path | None], generated: datetime
) -> None:
    """Write ``markdown`` as the PDF ``pdf_path``; ``image_path`` finds the file of an image's address."""
    _register_font()
    blocks = parse(markdown)
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), pdf_path.stem)

    def style(name: str, **kw: Any) -> ParagraphStyle:
        base: dict[str, Any] = {
            "fontName": FONT,
            "fontSize": 10,
            "leading": 16,
            "textColor": colors.HexColor(TEXT),
            "wordWrap": "CJK",
        }
        return ParagraphStyle(name, **{**base, **kw})

    body = style("body", spaceAfter=6)
    item = style("item", leftIndent=14, bulletIndent=0, spaceAfter=4)
    quote = style(
        "quote",
        fontSize=9,
        leading=14,
        textColor=colors.HexColor("#606266"),
        backColor=colors.HexColor("#f4f4f5"),
        borderPadding=6,
        spaceBefore=4,
        spaceAfter=10,
    )
    caption = style("caption", fontSize=9, leading=12, alignment=TA_CENTER, textColor=colors.HexColor(MUTED))
    cell = style("cell", fontSize=9, leading=13)
    head_cell = style("head_cell", fontSize=9, leading=13, textColor=colors.HexColor("#606266"))
    headings = {
        2: style(
            "h2", fontSize=17, leading=24, spaceBefore=12, spaceAfter=8, textColor=colors.HexColor(PRIMARY)
        ),
        3: style("h3", fontSize=13.5, leading=20, spaceBefore=10, spaceAfter=6),
        4: style("h4", fontSize=11.5, leading=17, spaceBefore=8, spaceAfter=4),
    }
    toc_styles = [
        style("toc1", fontSize=11, leading=18, leftIndent=0),
        style("toc2", fontSize=10, leading=16, leftIndent=16),
        style("toc3", fontSize=9.5, leading=15, leftIndent=32, textColor=colors.HexColor("#606266")),
    ]

    page_width, page_height = A4
    margin = 18 * mm
    frame_width = page_width - 2 * margin
    frame_height = page_height - 2 * margin

    class Document(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:
            level = getattr(flowable, "toc_level", None)
            if level is None:
                return
            text = flowable.getPlainText()
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self.notify("TOCEntry", (level, text, self.page, key))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(margin, 10 * mm, title)
        canvas.drawRightString(page_width - margin, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    doc = Document(
        str(pdf_path),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="安全生产责任保险监管平台",
        subject=title,
    )
    frame = Frame(margin, margin, frame_width, frame_height, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=footer)])

    toc = TableOfContents(levelStyles=toc_styles, dotsMinLevel=0)
    story: list[Any] = [
        Spacer(1, 60 * mm),
        Paragraph(escape(title), style("cover", fontSize=28, leading=40, alignment=TA_CENTER)),
        Spacer(1, 8 * mm),
        Paragraph(
            "安全生产责任保险监管平台",
            style(
                "cover_sub", fontSize=14, leading=22, alignment=TA_CENTER, textColor=colors.HexColor(MUTED)
            ),
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            f"{generated:%Y年%m月%d日} 由系统自动生成",
            style(
                "cover_date", fontSize=11, leading=18, alignment=TA_CENTER, textColor=colors.HexColor(MUTED)
            ),
        ),
        PageBreak(),
        Paragraph("目录", headings[2]),
        toc,
        PageBreak(),
    ]

    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "heading":
            if block.level == 1:
                i += 1
                continue
            paragraph = Paragraph(_markup(block.text), headings.get(block.level, headings[4]))
            if heading_number(block.text) is not None:
                paragraph.toc_level = min(block.level - 2, 2)
            story.append(paragraph)
        elif block.kind == "item":
            story.append(Paragraph(_markup(block.text), item, bulletText=f"{block.level}."))
        elif block.kind == "bullet":
            story.append(Paragraph(_markup(block.text), item, bulletText="•"))
        elif block.kind == "quote":
            story.append(Paragraph(_markup(block.text), quote))
        elif block.kind == "image":
            story.append(_figure(block, image_path, frame_width, frame_height * 0.62, caption))
        elif block.kind == "table":
            story.append(_table(block, frame_width, cell, head_cell))
            story.append(Spacer(1, 6))
        else:
            story.append(Paragraph(_markup(block.text), body))
        i += 1
    doc.multiBuild(story)


def _figure(
    block: Block, image_path: Callable[[str], Path | None], max_width: float, max_height: float, caption: Any
) -> Any:
    path = image_path(block.src)
    label = Paragraph(f"【{escape(block.text)}】", caption)
    if path is None or not path.exists():
        return label
    with Pillow.open(path) as picture:
        width, height = picture.size
    scale = min(max_width / width, max_height / height, 0.5)  # 2 px of a 1440 px window per point at most
    picture_flowable = Image(str(path), width=width * scale, height=height * scale)
    return KeepTogether([Spacer(1, 4), picture_flowable, Spacer(1, 3), label, Spacer(1, 8)])


def _table(block: Block, width: float, cell: Any, head_cell: Any) -> Any:
    rows = [
        [Paragraph(_markup(text), head_cell if r == 0 else cell) for text in row]
        for r, row in enumerate(block.rows)
    ]
    columns = max(len(row) for row in rows) if rows else 1
    widths = [width * 0.28, width * 0.72] if columns == 2 else [width / columns] * columns
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#dcdfe6")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f7fa")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
