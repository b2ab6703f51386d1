"""帮助 (/help/): every page's 帮助 link opens its section of the generated manual, for anyone; only the manual's
own files are served; without them the page says the manual has not been generated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anze.documents import testing as samples
from anze.manual.pages import place_for
from anze.manual.steps import MANUALS

pytestmark = pytest.mark.django_db

MARKDOWN = """# 保险端操作手册

保险端供保险公司人员使用。<script>alert(1)</script>

## 3 系统操作功能

### 3.1 订单管理

1. 点击左侧菜单「订单管理」。

![图 3.1-1 订单管理列表](insurer/3.1-1.png)

![图 3.1-2 别处的图](enterprise/1-1.png)
"""


@pytest.fixture
def generated(settings, tmp_path: Path) -> Path:
    """docs/manual/ as ``make manual`` leaves it, for the insurer's manual only."""
    settings.MANUAL_DIR = tmp_path
    (tmp_path / "insurer").mkdir()
    (tmp_path / "insurer.md").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "insurer" / "3.1-1.png").write_bytes(samples.png_bytes(40, 30))
    (tmp_path / "insurer.pdf").write_bytes(samples.pdf_bytes("保险端操作手册"))
    (tmp_path / "enterprise").mkdir()
    (tmp_path / "enterprise" / "1-1.png").write_bytes(samples.png_bytes())
    return tmp_path


@pytest.fixture
def nothing_generated(settings, tmp_path: Path) -> Path:
    settings.MANUAL_DIR = tmp_path / "manual"
    return tmp_path


def test_the_help_link_opens_the_section_of_the_page(client: Client):
    response = client.get("/help/", {"page": "insurer:orders:quote"})

    place = place_for("insurer:orders:quote")
    assert place is not None
    assert response.status_code == 302
    assert response["Location"] == f"/help/insurer/#{place.anchor}"
    section = next(n for n in MANUALS["insurer"].numbered() if n.anchor == place.anchor)
    assert section.section.title == "订单报价"


def test_a_page_no_manual_documents_opens_the_index(client: Client, nothing_generated: Path):
    response = client.get("/help/", {"page": "healthz"})

    assert response.status_code == 200
    text = response.content.decode()
    for manual in MANUALS.values():
        assert manual.title in text
    assert text.count("尚未生成") == len(MANUALS)


def test_without_the_generated_files_the_manual_says_so(client: Client, nothing_generated: Path):
    response = client.get("/help/insurer/")

    assert response.status_code == 200
    assert "操作手册尚未生成" in response.content.decode() and "make manual" in response.content.decode()
    assert client.get("/help/insurer.pdf").status_code == 404
    assert client.get("/help/insurer/3.1-1.png").status_code == 404


def test_the_manual_renders_safely_with_its_figures_and_pdf(client: Client, generated: Path, insurer):
    for viewer in (Client(), insurer.client(insurer.admin)):  # signed in or not
        response = viewer.get("/help/insurer/")
        assert response.status_code == 200
        text = response.content.decode()
        assert '<h3 id="s-3-1">3.1 订单管理</h3>' in text
        assert '<a href="#s-3-1">3.1 订单管理</a>' in text  # the table of contents
        assert '<img src="/help/insurer/3.1-1.png" alt="图 3.1-1 订单管理列表" width="40" height="30"' in text
        assert "/help/enterprise/1-1.png" not in text  # another manual's figure is not this one's
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
        assert 'href="/help/insurer.pdf"' in text

    figure: Any = client.get("/help/insurer/3.1-1.png")
    assert figure.status_code == 200 and figure["Content-Type"] == "image/png"
    assert b"".join(figure.streaming_content) == (generated / "insurer" / "3.1-1.png").read_bytes()
    pdf = client.get("/help/insurer.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "url",
    [
        "/help/insurer/x.png",  # not a figure's name
        "/help/insurer/..%2Finsurer.md",
        "/help/insurer/insurer.pdf",
        "/help/nosuchside/3.1-1.png",
        "/help/nosuchside/",
        "/help/nosuchside.pdf",
        "/help/enterprise.pdf",  # not generated
    ],
)
def test_nothing_but_the_manuals_own_files_is_served(client: Client, generated: Path, url: str):
    assert client.get(url).status_code == 404


def test_every_signed_in_page_and_login_page_links_to_its_help(client: Client, insurer):
    page = insurer.client(insurer.admin).get(reverse("insurer:orders:list")).content.decode()
    assert 'href="/help/?page=insurer%3Aorders%3Alist"' in page and ">帮助</a>" in page

    login = client.get(reverse("enterprise:login")).content.decode()
    assert 'href="/help/?page=enterprise%3Alogin"' in login
