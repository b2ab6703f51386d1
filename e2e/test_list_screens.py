"""Lists as clerks use them (issue 12, point 7), in a real browser at 1440 px: the 更多 dropdown of 订单管理 is
fully visible (not clipped by the table's scroll box), 保单管理's 操作 column leaves room for 项目名称/投保人, empty
tables show one centred row, the date picker shows 年/月/日 with its range shortcuts, the regulator's statistics
follow their filters and the insurer's home shows this month's figures and a 12-month chart. Screenshots under
var/test-artifacts/<test>/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders.models import OrderStatus
from anze.policies import scenarios as policy_scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = OrderStatus


@pytest.fixture
def world(db: None) -> dict:
    ensure_base_data()
    insurer = factories.picc("picc-e2e")
    other = factories.organisation(
        Side.INSURER, name="中国平安财产保险股份有限公司泉州中心支公司", short_name="平安财险泉州"
    )
    clerk = factories.user(insurer, admin=True, username="picc_clerk", name="陈雅琴")
    other_clerk = factories.user(other, admin=True, username="pa_clerk", name="林晓")
    construction = Industry.objects.get(code="construction")

    def enterprise(name: str, code: str) -> object:
        org = factories.organisation(
            Side.ENTERPRISE, name=name, region=Region.objects.get(code=code), industry=construction
        )
        return factories.user(org, admin=True)

    fengze = enterprise("泉州鸿盛建筑工程有限公司", "350503")
    jinjiang = enterprise("晋江市恒达建设集团有限公司", "350582")
    pending = [
        policy_scenarios.online_order(
            insurer_user=clerk,
            enterprise_user=fengze,
            project_name=f"丰泽区东海街道安置房{n}期工程",
            project_address="泉州市丰泽区东海街道通港西街88号",
        )
        for n in range(1, 4)
    ]
    issued = [
        policy_scenarios.online_order(
            insurer_user=clerk,
            enterprise_user=user,
            until=S.ISSUED,
            project_name=f"{name}综合楼及配套设施建设工程",
        )
        for user, name in ((fengze, "鸿盛广场"), (jinjiang, "恒达新城"))
    ]
    policy_scenarios.online_order(insurer_user=other_clerk, enterprise_user=jinjiang, until=S.ISSUED)
    city = factories.organisation(
        Side.REGULATOR, name="泉州市应急管理局", region=Region.objects.get(code="350500")
    )
    regulator = factories.user(city, admin=True, username="qz_yjj", name="王建国")
    return {
        "insurer": insurer,
        "other": other,
        "clerk": clerk,
        "pending": pending,
        "issued": issued,
        "regulator": regulator,
    }


def sign_in(page: Page, live_server, login: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}{login}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator(".anze-main")).to_be_visible()


def fully_visible(page: Page, selector: str) -> bool:
    """Every corner of the element is the element (or inside it) at that point: nothing clips or covers it."""
    return page.evaluate(
        """(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
        const pts = [[r.left + 2, r.top + 2], [r.right - 2, r.top + 2], [r.left + 2, r.bottom - 2],
                     [r.right - 2, r.bottom - 2]];
        return r.width > 0 && pts.every(([x, y]) => { const hit = document.elementFromPoint(x, y);
          return hit && el.contains(hit); }); }""",
        selector,
    )


def test_the_more_dropdown_is_fully_visible_and_the_policy_actions_leave_room(
    page: Page, live_server, world, screenshot
):
    sign_in(page, live_server, "/insurer/login/picc-e2e/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/orders/")
    last = world["pending"][0]  # the oldest: the last row, next to the table's bottom edge
    row = page.locator(f'tr[data-application-no="{last.application_no}"]')
    row.locator("[data-bs-toggle=dropdown]").click()
    menu = row.locator(".dropdown-menu.show")
    expect(menu).to_be_visible()
    assert fully_visible(page, f'tr[data-application-no="{last.application_no}"] .dropdown-menu.show')
    screenshot("01-order-more-dropdown")

    # 保单管理: at most two visible actions, the rest under 更多; 项目名称 and 投保人 fit on at most two lines.
    page.goto(f"{live_server.url}/insurer/policies/")
    policy_row = page.locator("#policy-table tbody tr").first
    expect(policy_row).to_be_visible()
    for row in page.locator("#policy-table tbody tr").all():
        assert row.locator(".op-cell a.btn-text:visible:not([data-bs-toggle])").count() <= 2
        for column in (3, 4):
            lines = row.locator(f"td:nth-child({column})").evaluate(
                "td => { const r = document.createRange(); r.selectNodeContents(td);"
                " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
            )
            assert lines <= 2, f"column {column} wraps over {lines} lines"
    screenshot("02-policy-list")
    more = policy_row.locator("[data-bs-toggle=dropdown]")
    more.click()
    expect(policy_row.locator(".dropdown-menu.show")).to_contain_text("查看电子保单文件")
    screenshot("03-policy-more")

    # An empty list: one centred row across the whole table, not squeezed into the first column.
    page.goto(f"{live_server.url}/insurer/policies/?policy_no=NONE")
    empty = page.locator("#policy-table td.table-empty")
    expect(empty).to_have_text("暂无数据")
    table_width = page.locator("#policy-table").evaluate("t => t.getBoundingClientRect().width")
    assert empty.evaluate("td => td.getBoundingClientRect().width") > table_width - 4
    screenshot("04-empty-list")


def test_the_date_picker_shows_年月日_and_the_range_shortcuts(page: Page, live_server, world, screenshot):
    from datetime import timedelta

    from django.utils import timezone

    sign_in(page, live_server, "/insurer/login/picc-e2e/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/orders/")
    range_item = page.locator(".search-form [data-date-range]").first
    start, end = (
        range_item.locator("input[type=hidden]").nth(0),
        range_item.locator("input[type=hidden]").nth(1),
    )
    shown = range_item.locator("input.anze-date")
    expect(shown).to_have_count(2)
    shown.first.click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar.locator(".anze-date-shortcuts")).to_contain_text("最近一周")
    expect(calendar.locator(".anze-date-shortcuts")).to_contain_text("最近三个月")
    expect(calendar).to_contain_text("一")  # the Chinese weekdays
    screenshot("01-date-picker-open")
    calendar.locator(".anze-date-shortcuts button", has_text="最近一周").click()
    today = timezone.localdate()
    week_ago = today - timedelta(days=7)
    expect(start).to_have_value(week_ago.isoformat())
    expect(end).to_have_value(today.isoformat())
    expect(shown.first).to_have_value(week_ago.strftime("%Y年%m月%d日"))
    page.locator(".search-form button[type=submit]").first.click()
    page.wait_for_url(f"**{week_ago.isoformat()}**")
    expect(page.locator(".search-form [data-date-range] input.anze-date").first).to_have_value(
        week_ago.strftime("%Y年%m月%d日")
    )
    screenshot("02-date-range-filtered")


def test_the_statistics_follow_their_filters(page: Page, live_server, world, screenshot):
    sign_in(page, live_server, "/regulator/login/", "qz_yjj")
    page.goto(f"{live_server.url}/regulator/statistics/")
    county_bars = (
        "JSON.parse(document.getElementById('chart-data').textContent).county.map(r => r.name).join()"
    )
    assert "晋江市" in page.evaluate(county_bars) and "丰泽区" in page.evaluate(county_bars)
    page.select_option("#sf_insurer", value=str(world["other"].pk))
    page.locator(".search-form button[type=submit]").first.click()
    page.wait_for_url(f"**insurer={world['other'].pk}**")
    data = page.evaluate(county_bars)
    assert "晋江市" in data and "丰泽区" not in data
    expect(page.locator("#chart-county canvas")).to_have_count(1)
    screenshot("01-statistics-filtered")
    page.goto(f"{live_server.url}/regulator/statistics/?start=2026-06-01&end=2026-01-01")
    expect(page.locator("[data-filter-errors]")).to_contain_text("结束日期不能早于开始日期")
    screenshot("02-statistics-bad-range")


def test_the_insurer_home_shows_this_months_figures_and_a_chart(page: Page, live_server, world, screenshot):
    sign_in(page, live_server, "/insurer/login/picc-e2e/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/")
    expect(page.locator('[data-figure="issued"] .value')).to_have_text("2")  # not the other insurer's
    expect(page.locator('[data-figure="quotes"] .value')).to_have_text("2")
    expect(page.locator("#chart-insurer-months canvas")).to_have_count(1)
    screenshot("01-insurer-home")


def test_a_dialogs_date_field_uses_the_picker_inside_the_modal(page: Page, live_server, world, screenshot):
    sign_in(page, live_server, "/insurer/login/picc-e2e/", "picc_clerk")
    page.goto(f"{live_server.url}/insurer/orders/")
    order = world["pending"][0]
    page.locator(f'tr[data-application-no="{order.application_no}"] a[data-action="quote"]').click()
    dialog = page.locator("#anze-modal.show")
    start = dialog.locator("input[name=period_start]")
    expect(start).to_have_attribute("type", "hidden")
    shown = dialog.locator(".flatpickr-wrapper input.anze-date").first
    expect(shown).to_have_value(re.compile(r"^\d{4}年\d{2}月\d{2}日$"))
    shown.click()
    calendar = dialog.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    day = calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="28").first
    day.click()
    expect(start).to_have_value(re.compile(r"^\d{4}-\d{2}-28$"))
    screenshot("01-quote-dialog-date")
