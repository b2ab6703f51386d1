"""The PDF of a manual: Chinese text in an embedded font (readable on a machine without it), the figures in
place, a bookmark per numbered section."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from anze.documents import testing as samples
from anze.manual import pdf

MARKDOWN = """# 企业端操作手册

企业端供投保企业使用。

## 1 登录

1. 在平台综合页面点击「企业端」。

![图 1-1 平台综合页面](enterprise/1-1.png)

## 3 系统操作功能

### 3.2 我的订单

**状态说明**

| 状态 | 含义 |
|---|---|
| 待确认报价 | 保险公司已报价，请确认报价或拒绝报价。 |
"""


def _resources(reader: PdfReader, kind: str) -> list[Any]:
    """Every font or picture (``kind``: /Font, /XObject) the pages use."""
    found = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for item in resources.get(kind, {}).values():
            found.append(item.get_object())
    return found


def test_it_writes_chinese_in_an_embedded_font_with_the_figures_and_bookmarks(tmp_path: Path):
    (tmp_path / "enterprise").mkdir()
    (tmp_path / "enterprise" / "1-1.png").write_bytes(samples.png_bytes(300, 200))
    out = tmp_path / "enterprise.pdf"

    pdf.build(MARKDOWN, out, lambda src: tmp_path / src, datetime(2026, 12, 1))

    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    for words in (
        "企业端操作手册",
        "目录",
        "在平台综合页面点击「企业端」",
        "【图 1-1 平台综合页面】",
        "待确认报价",
        "第 3 页",
    ):
        assert words in text
    fonts = _resources(reader, "/Font")
    embedded = [
        font
        for font in fonts
        if "WenQuanYi" in str(font["/BaseFont"]) and "/FontFile2" in font["/FontDescriptor"]
    ]
    assert embedded, [font["/BaseFont"] for font in fonts]
    images = [x for x in _resources(reader, "/XObject") if x["/Subtype"] == "/Image"]
    assert len(images) == 1
    titles = [entry["/Title"] for entry in reader.outline if isinstance(entry, dict)]
    assert titles == ["1 登录", "3 系统操作功能"]
    assert reader.metadata is not None and reader.metadata.title == "企业端操作手册"


def test_a_missing_figure_leaves_its_caption(tmp_path: Path):
    out = tmp_path / "enterprise.pdf"

    pdf.build(MARKDOWN, out, lambda src: None, datetime(2026, 12, 1))

    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "【图 1-1 平台综合页面】" in text
