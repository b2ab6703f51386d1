"""Empty tables (issue 12, point 7): one centred row across the whole table, from one partial — not Tabler's
flex ``.empty`` cell, which sat squeezed in the first column with a stray border."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_the_empty_row_spans_every_column_with_its_message():
    html = render_to_string("core/partials/empty_row.html", {"cols": 8, "message": "暂无服务记录"})
    assert '<td colspan="8" class="table-empty">暂无服务记录</td>' in html
    assert 'class="empty"' not in html
    assert '<td colspan="5" class="table-empty">暂无数据</td>' in render_to_string(
        "core/partials/empty_row.html", {"cols": 5}
    )


def test_an_empty_order_list_renders_the_partial_across_its_seven_columns(insurer):
    html = insurer.client(insurer.admin).get("/insurer/orders/").content.decode()
    assert '<td colspan="7" class="table-empty">暂无数据</td>' in html
