"""导出: the list's current filters and tab, with the values as the list shows them."""

from __future__ import annotations

import pytest

from anze.orders.models import OrderStatus
from anze.orders.tests.support import sheet_rows

S = OrderStatus
pytestmark = pytest.mark.django_db
EXPORT = "/insurer/orders/export/"


def test_it_exports_the_filtered_list_as_displayed(online, offline, clerk):
    quoted = online(S.AWAITING_PAYMENT_NOTICE, project_name="晋江陈埭鞋业生产基地")
    online(project_name="南安水头石材加工厂")
    offline(project_name="惠安崇武渔港作业区")
    response = clerk.get(f"{EXPORT}?name=鞋业")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    header, *rows = sheet_rows(response)
    assert header[:6] == (
        "申请编号",
        "订单类型",
        "项目名称",
        "项目地址",
        "保费（元）",
        "累积赔偿限额（万元）",
    )
    assert [row[0] for row in rows] == [quoted.application_no]
    row = dict(zip(header, rows[0], strict=True))
    assert (
        row["保费（元）"] == 12000 and row["累积赔偿限额（万元）"] == 500
    )  # numbers, formatted by the sheet
    assert row["每人医疗责任限额（万元）"] == 5 and row["状态"] == "待上传付款通知书"
    assert row["订单类型"] == "线上订单" and row["信用代码"] == quoted.applicant_credit_code


def test_it_exports_待报价_and_follows_the_tab(online, offline, clerk):
    waiting = offline()
    online(S.ISSUED)
    header, *rows = sheet_rows(clerk.get(f"{EXPORT}?tab=awaiting_issue"))
    assert [row[0] for row in rows] == [waiting.application_no]
    row = dict(zip(header, rows[0], strict=True))
    assert row["保费（元）"] == "待报价" and row["累积赔偿限额（万元）"] == "待报价"


def test_it_refuses_an_export_too_large_for_one_sheet(online, clerk, monkeypatch):
    online()
    online()
    monkeypatch.setattr("anze.core.exports.MAX_EXPORT_ROWS", 1)
    response = clerk.get(f"{EXPORT}?tab=awaiting_quote", follow=True)
    assert "导出数据超过1条，请缩小查询范围后再导出" in response.content.decode()


def test_it_needs_the_export_permission(online, as_user, cast):
    online()
    assert as_user("order.view").get(EXPORT).status_code == 403
