"""The browser enforces the Content-Security-Policy, and e2e/conftest.py notices when a page breaks it: a
script injected into the page (what an XSS would do) does not run, and the violation is reported."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.browser import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_blocked_and_reported(live_server, page: Page, _no_policy_violations):
    page.goto(live_server.url + "/insurer/login/")
    expect(page.get_by_text("保险公司选择")).to_be_visible()
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in problem for problem in _no_policy_violations), _no_policy_violations
    _no_policy_violations.clear()  # seen: this test's own violation is not a failure


def test_the_page_size_select_still_submits_without_an_inline_handler(live_server, page: Page):
    """The select had onchange="this.form.submit()", which the policy blocks; anze.js now submits it."""
    insurer = factories.organisation(
        Side.INSURER, name="中国人民财产保险股份有限公司泉州市分公司", code="picc-qz"
    )
    factories.user(insurer, admin=True, username="picc_admin", name="林志强")
    sign_in(page, f"{live_server.url}/insurer/login/picc-qz/", "picc_admin")
    page.goto(f"{live_server.url}/insurer/system/users/")
    size = page.locator("select[name=size]")
    value = size.locator("option").last.get_attribute("value")
    size.select_option(value)
    page.wait_for_url(f"**size={value}*")
    expect(page.locator("select[name=size]")).to_have_value(value)


def test_the_statistics_charts_draw_under_the_policy(live_server, page: Page):
    """ECharts and statistics.js run from static files; the chart data is a JSON block, not a script."""
    ensure_base_data()
    regulator = factories.organisation(Side.REGULATOR, name="泉州市应急管理局")
    factories.user(regulator, admin=True, username="qz_ajj", name="陈局")
    sign_in(page, f"{live_server.url}/regulator/login/", "qz_ajj")
    page.goto(f"{live_server.url}/regulator/statistics/")
    for chart in ("month", "service", "insurer", "county", "industry", "fee-month"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
