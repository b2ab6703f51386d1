"""The 订单管理 row written in Python (orders/rows.py) prints what the list's template printed, byte for byte,
for every kind of row and with markup in every value (escaped as the template escaped it)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from anze.orders.rows import escape, order_row

# The row of orders/order_list.html before it moved to orders/rows.py: the reference the Python row must print.
TEMPLATE = Template(
    """
          <tr data-application-no="{{ row.application_no }}" data-status="{{ row.status }}">
            <td class="kv col-order">
              <div class="line"><span class="k">申请编号:</span><span class="v nowrap">{{ row.application_no }}</span></div>
              <div class="line"><span class="k">订单类型:</span><span class="v">{{ row.order_type }}</span></div>
            </td>
            <td class="kv">
              <div class="line"><span class="k">项目名称:</span><span class="v">{{ row.project_name }}</span></div>
              <div class="line"><span class="k">项目地址:</span><span class="v">{{ row.project_address }}</span></div>
            </td>
            <td class="kv col-scheme">
              {% if row.premium %}
                <div class="line"><span class="k">保费(元):</span><span class="v num">{{ row.premium }}</span></div>
                {% for label, value in row.limits %}<div class="line"><span class="k">{{ label }}:</span><span class="v num">{{ value }}</span></div>{% endfor %}
              {% else %}
                <div class="line"><span class="k">保费(元):</span><span class="v pending">待报价</span></div>
                <div class="line"><span class="k">赔偿限额:</span><span class="v pending">待报价</span></div>
              {% endif %}
              <a class="btn-text p-0" href="{{ row.detail_url }}">查看详情</a>
            </td>
            <td class="kv">
              <div class="line"><span class="k">投保人:</span><span class="v">{{ row.applicant_name }}</span></div>
              <div class="line"><span class="k">信用代码:</span><span class="v nowrap">{{ row.credit_code }}</span></div>
              <div class="line"><span class="k">联系人:</span><span class="v">{{ row.contact_name }}</span></div>
              <div class="line"><span class="k">联系电话:</span><span class="v nowrap">{{ row.contact_phone }}</span></div>
            </td>
            <td>
              <span class="tag tag-{{ row.tone }}">{{ row.status_label }}</span>
              {% if row.reason %}<span class="reason" title="{{ row.reason }}">{{ row.reason_label }}：{{ row.reason_preview }}</span>{% endif %}
            </td>
            <td class="kv nowrap col-time">{{ row.date }}<br><span class="muted">{{ row.time }}</span></td>
            <td class="op-cell">
              <div class="ops">
              {% for action in row.actions %}
                <a class="btn-text" href="{{ action.url }}" hx-get="{{ action.url }}" hx-target="#anze-modal-content" data-action="{{ action.name }}"><i class="ti ti-{{ action.icon }}"></i>{{ action.label }}</a>
              {% endfor %}
              {% if row.policy_url %}
                <a class="btn-text" href="{{ row.policy_url }}" hx-get="{{ row.policy_url }}" hx-target="#anze-modal-content" data-action="policy"><i class="ti ti-file-certificate"></i>查看保单信息</a>
              {% endif %}
              <a class="btn-text" href="{{ row.detail_url }}" data-action="detail"><i class="ti ti-eye"></i>查看详情</a>
              {% if row.more %}
                <div class="dropdown d-inline-block">
                  <a href="#" class="btn-text" data-bs-toggle="dropdown" data-bs-popper-config='{"strategy":"fixed"}' aria-expanded="false">更多<i class="ti ti-chevron-down"></i></a>
                  <div class="dropdown-menu dropdown-menu-end">
                    {% for action in row.more %}
                      <a class="dropdown-item{% if action.danger %} text-danger{% endif %}" href="{{ action.url }}" hx-get="{{ action.url }}" hx-target="#anze-modal-content" data-action="{{ action.name }}"><i class="ti ti-{{ action.icon }} me-1"></i>{{ action.label }}</a>
                    {% endfor %}
                  </div>
                </div>
              {% endif %}
              </div>
            </td>
          </tr>
        """
)
NASTY = "<b>&\"'x"


def button(name: str, *, danger: bool = False, label: str = "报价") -> dict[str, Any]:
    return {
        "label": label,
        "name": name,
        "icon": "currency-yuan",
        "danger": danger,
        "url": f"/o/1/{name}/?a=1&b=2",
    }


def row(
    *, quoted: bool, reason: bool, actions: bool, policy: bool, more: bool, text: str = ""
) -> dict[str, Any]:
    return {
        "application_no": "202512312359000001",
        "status": "cancelled",
        "status_label": "已取消" + text,
        "tone": "muted",
        "order_type": "线上" + text,
        "project_name": "丰泽鸿盛生产基地" + text,
        "project_address": "泉州市丰泽镇鸿盛路1号" + text,
        "premium": "12,000.00" if quoted else "",
        "limits": [("累计赔偿限额" + text, "300.00万元"), ("每次事故赔偿限额", "100.00万元" + text)]
        if quoted
        else [],
        "applicant_name": "泉州丰泽鸿盛建筑工程有限公司" + text,
        "credit_code": "91350503MA0000001X",
        "contact_name": "张三" + text,
        "contact_phone": "13800000000",
        "reason_label": "取消原因" if reason else "",
        "reason": "客户要求取消" + text if reason else "",
        "reason_preview": "客户要求取消" + text if reason else "",
        "date": "2025-12-31",
        "time": "23:59:00",
        "detail_url": "/insurer/orders/202512312359000001/?x=1&y=2",
        "actions": [button("quote"), button("payment_notice", label="上传付款通知书" + text)]
        if actions
        else [],
        "more": [button("cancel", danger=True, label="取消订单" + text), button("other")] if more else [],
        "policy_url": "/insurer/orders/202512312359000001/policy/" if policy else "",
    }


@pytest.mark.parametrize(
    ("quoted", "reason", "actions", "policy", "more", "text"),
    [(*flags, text) for flags in itertools.product([False, True], repeat=5) for text in ("", NASTY)],
)
def test_the_python_row_prints_what_the_template_printed(quoted, reason, actions, policy, more, text):
    data = row(quoted=quoted, reason=reason, actions=actions, policy=policy, more=more, text=text)
    assert order_row(data) == TEMPLATE.render(Context({"row": data}))


def test_a_safe_string_is_printed_as_it_is_as_the_template_did():
    data = row(quoted=True, reason=True, actions=True, policy=True, more=True)
    data["status_label"] = mark_safe("<b>已取消</b>")
    assert "<b>已取消</b>" in order_row(data) == TEMPLATE.render(Context({"row": data}))


def test_markup_in_a_value_is_escaped():
    html = order_row(row(quoted=True, reason=True, actions=True, policy=True, more=True, text=NASTY))
    assert "<b>" not in html and "&lt;b&gt;&amp;&quot;&#x27;x" in html


@pytest.mark.parametrize(
    "value",
    [
        "",
        "泉州市建筑工程有限公司",
        "a&b",
        "<b>",
        "x>y",
        'say "hi"',
        "it's",
        "&amp;",
        mark_safe("<i>safe</i>"),
        12,
        Decimal("1.50"),
        None,
        gettext_lazy("待报价"),
        "混合<&>\"'文字",
    ],
)
def test_escape_prints_what_the_template_printed(value):
    assert escape(value) == conditional_escape(value)
