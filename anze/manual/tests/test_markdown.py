"""The manual's Markdown: what ``writer`` writes, ``markdown.parse`` reads back, and ``html.render`` shows safely."""

from __future__ import annotations

from datetime import datetime

from anze.manual import html, markdown, writer
from anze.manual.runner import Figure
from anze.manual.script import Manual, Section, Step

MANUAL = Manual(
    side="insurer",
    slug="insurer",
    title="保险端操作手册",
    account="picc_admin",
    intro="保险端供保险公司人员使用。",
    sections=(
        Section("登录", steps=(Step("登录", "输入账号和密码，点击「登 录」。"),)),
        Section(
            "系统操作功能",
            children=(
                Section(
                    "订单管理",
                    text="订单管理列出投保订单。",
                    steps=(
                        Step("列表", "点击左侧菜单「订单管理」。"),
                        Step("切换账号", "不印出来。", silent=True),
                        Step("报价", "点击「报价」。", capture=None),
                    ),
                    columns=(("订单信息", "申请编号 | 订单类型"),),
                    statuses=(("待报价", "等待报价。"),),
                    errors=(("该订单状态已变化，请刷新后重试", "刷新列表。"),),
                ),
            ),
        ),
    ),
)
FIGURES = {
    ("1", 0): Figure("图 1-1", "登录", "insurer/1-1.png"),
    ("2.1", 0): Figure("图 2.1-1", "订单管理列表", "insurer/2.1-1.png"),
}


def test_it_numbers_the_sections_from_their_place():
    numbers = [(n.number, n.depth, n.section.title, n.anchor) for n in MANUAL.numbered()]
    assert numbers == [
        ("1", 1, "登录", "s-1"),
        ("2", 1, "系统操作功能", "s-2"),
        ("2.1", 2, "订单管理", "s-2-1"),
    ]


def test_it_writes_the_seeds_layout():
    text = writer.write(MANUAL, FIGURES, datetime(2026, 12, 1, 9, 30))
    assert text.startswith("# 保险端操作手册\n\n保险端供保险公司人员使用。\n")
    assert "`picc_admin`（密码 `Anze@2026`）" in text and "2026-12-01 09:30" in text
    assert "## 1 登录\n\n1. 输入账号和密码，点击「登 录」。\n\n![图 1-1 登录](insurer/1-1.png)\n" in text
    section = text[text.index("### 2.1 订单管理") :]
    # The silent step is not printed and not counted: 报价 is step 2.
    assert "1. 点击左侧菜单「订单管理」。\n\n![图 2.1-1 订单管理列表](insurer/2.1-1.png)" in section
    assert "2. 点击「报价」。" in section and "不印出来" not in text
    assert "**列表各列说明**\n\n| 列 | 含义 |\n|---|---|\n| 订单信息 | 申请编号 \\| 订单类型 |" in section
    assert "**状态说明**" in section and "| 待报价 | 等待报价。 |" in section
    assert "**可能遇到的提示**" in section and "| 该订单状态已变化，请刷新后重试 | 刷新列表。 |" in section


def test_it_reads_back_what_it_writes():
    blocks = markdown.parse(writer.write(MANUAL, FIGURES, datetime(2026, 12, 1)))
    kinds = [b.kind for b in blocks]
    assert kinds[:4] == ["heading", "paragraph", "quote", "heading"]
    image = next(b for b in blocks if b.kind == "image")
    assert (image.text, image.src) == ("图 1-1 登录", "insurer/1-1.png")
    table = next(b for b in blocks if b.kind == "table")
    assert table.rows == [["列", "含义"], ["订单信息", "申请编号 | 订单类型"]]
    items = [(b.level, b.text) for b in blocks if b.kind == "item"]
    assert items == [
        (1, "输入账号和密码，点击「登 录」。"),
        (1, "点击左侧菜单「订单管理」。"),
        (2, "点击「报价」。"),
    ]


def test_it_continues_an_item_on_its_next_line_and_splits_inline_runs():
    blocks = markdown.parse("3. 第一行\n   第二行\n\n正文 **粗体** 与 `code`")
    assert (blocks[0].kind, blocks[0].level, blocks[0].text) == ("item", 3, "第一行第二行")
    assert markdown.inline(blocks[1].text) == [
        ("plain", "正文 "),
        ("bold", "粗体"),
        ("plain", " 与 "),
        ("code", "code"),
    ]


def test_the_html_escapes_everything_and_anchors_the_numbered_headings():
    source = (
        "# 手册\n\n## 3.1.2 订单报价\n\n"
        "<script>alert(1)</script> **<b>粗</b>**\n\n"
        "![图 3.1.2-1 <img onerror=x>](insurer/3.1.2-1.png)\n\n"
        "![外部](https://evil.example/x.png)\n\n"
        "[链接](javascript:alert(1))\n\n"
        "| 列 | 含义 |\n|---|---|\n| <i>x</i> | y |\n"
    )

    def image_url(src: str) -> html.Picture | None:
        return html.Picture("/help/insurer/3.1.2-1.png", 800, 600) if src == "insurer/3.1.2-1.png" else None

    body, headings = html.render(source, image_url)

    assert '<h2 id="s-3-1-2">3.1.2 订单报价</h2>' in body
    assert headings == [html.Heading("s-3-1-2", "3.1.2 订单报价", 2)]
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<strong>&lt;b&gt;粗&lt;/b&gt;</strong>" in body
    assert (
        '<img src="/help/insurer/3.1.2-1.png" alt="图 3.1.2-1 &lt;img onerror=x&gt;" width="800" height="600"'
        in body
    )
    assert "evil.example" not in body  # an address the view does not serve is left out, its caption kept
    assert '<figure class="missing"><figcaption>外部</figcaption></figure>' in body
    assert "<a " not in body and "[链接](javascript:alert(1))" in body
    assert "<td>&lt;i&gt;x&lt;/i&gt;</td>" in body
