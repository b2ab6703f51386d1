"""The rows of the insurer's 订单管理 list as HTML, written in Python (``orders/order_list.html`` prints them).

A row was ~60 template nodes (two nested loops, a dozen ifs, ~30 variables), ten or fifty times a request: the
largest part of the page's fixed cost under load (issue 16; figures in docs/BENCH.md, "a page's fixed cost").
Here it is one string per row from the row's display strings (``presenters.list_rows``), escaped as the
template escaped them; the markup is the template's, byte for byte (``tests/test_list_rows_html.py``)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from django.utils.safestring import SafeString, mark_safe

_MARKUP = re.compile("[&<>\"']")  # what html.escape replaces


def escape(value: Any) -> str:
    """What ``{{ value }}`` prints (``conditional_escape``) without Django's lazy-string wrapper around
    ``escape``: a safe string as it is, anything else through the standard library's ``html.escape`` — and text
    without a character it replaces as it is, without its five replacements (~300 values a page)."""
    if type(value) is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return html.escape(value) if _MARKUP.search(value) else value


def _line(key: str, value: str, css: str = "v") -> str:
    return f'<div class="line"><span class="k">{key}:</span><span class="{css}">{escape(value)}</span></div>'


def _actions(row: Mapping[str, Any]) -> str:
    parts = []
    for action in row["actions"]:
        url = escape(action["url"])
        parts.append(
            f'\n                <a class="btn-text" href="{url}" hx-get="{url}" hx-target="#anze-modal-content"'
            f' data-action="{escape(action["name"])}"><i class="ti ti-{escape(action["icon"])}"></i>'
            f"{escape(action['label'])}</a>\n              "
        )
    head = "\n              " + "".join(parts) + "\n              "
    if row["policy_url"]:
        url = escape(row["policy_url"])
        head += (
            f'\n                <a class="btn-text" href="{url}" hx-get="{url}" hx-target="#anze-modal-content"'
            ' data-action="policy"><i class="ti ti-file-certificate"></i>查看保单信息</a>\n              '
        )
    head += (
        f'\n              <a class="btn-text" href="{escape(row["detail_url"])}" data-action="detail">'
        '<i class="ti ti-eye"></i>查看详情</a>\n              '
    )
    if row["more"]:
        items = "".join(
            f'\n                      <a class="dropdown-item{" text-danger" if action["danger"] else ""}"'
            f' href="{escape(action["url"])}" hx-get="{escape(action["url"])}" hx-target="#anze-modal-content"'
            f' data-action="{escape(action["name"])}"><i class="ti ti-{escape(action["icon"])} me-1"></i>'
            f"{escape(action['label'])}</a>\n                    "
            for action in row["more"]
        )
        head += (
            '\n                <div class="dropdown d-inline-block">\n                  <a href="#" class="btn-text"'
            ' data-bs-toggle="dropdown" data-bs-popper-config=\'{"strategy":"fixed"}\' aria-expanded="false">'
            '更多<i class="ti ti-chevron-down"></i></a>\n                  <div class="dropdown-menu dropdown-menu-end">'
            f"\n                    {items}\n                  </div>\n                </div>\n              "
        )
    return head


def order_row(row: Mapping[str, Any]) -> SafeString:
    """One ``<tr>`` of the list, from a row of ``presenters.list_rows``."""
    if row["premium"]:
        limits = "".join(_line(escape(label), value, "v num") for label, value in row["limits"])
        scheme = f"\n                {_line('保费(元)', row['premium'], 'v num')}\n                {limits}\n              "
    else:
        scheme = (
            '\n                <div class="line"><span class="k">保费(元):</span><span class="v pending">待报价</span></div>'
            '\n                <div class="line"><span class="k">赔偿限额:</span><span class="v pending">待报价</span></div>'
            "\n              "
        )
    reason = (
        f'<span class="reason" title="{escape(row["reason"])}">{escape(row["reason_label"])}：'
        f"{escape(row['reason_preview'])}</span>"
        if row["reason"]
        else ""
    )
    application_no = escape(row["application_no"])
    html = f"""
          <tr data-application-no="{application_no}" data-status="{escape(row["status"])}">
            <td class="kv col-order">
              {_line("申请编号", row["application_no"], "v nowrap")}
              {_line("订单类型", row["order_type"])}
            </td>
            <td class="kv">
              {_line("项目名称", row["project_name"])}
              {_line("项目地址", row["project_address"])}
            </td>
            <td class="kv col-scheme">
              {scheme}
              <a class="btn-text p-0" href="{escape(row["detail_url"])}">查看详情</a>
            </td>
            <td class="kv">
              {_line("投保人", row["applicant_name"])}
              {_line("信用代码", row["credit_code"], "v nowrap")}
              {_line("联系人", row["contact_name"])}
              {_line("联系电话", row["contact_phone"], "v nowrap")}
            </td>
            <td>
              <span class="tag tag-{escape(row["tone"])}">{escape(row["status_label"])}</span>
              {reason}
            </td>
            <td class="kv nowrap col-time">{escape(row["date"])}<br><span class="muted">{escape(row["time"])}</span></td>
            <td class="op-cell">
              <div class="ops">{_actions(row)}
              </div>
            </td>
          </tr>
        """
    return mark_safe(html)  # every value above went through escape()
