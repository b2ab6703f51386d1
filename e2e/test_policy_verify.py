"""电子保单验真 in a real browser, under the Content-Security-Policy (e2e/conftest.py): the insurer's 保单详情
shows the code and its QR; the QR's link opens /verify/ filled in and shows 有效 with the masked name; the
landing page leads to the empty form, where a wrong code shows only the neutral message. Screenshots under
var/test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from anze.core.testing import factories
from anze.core.testing.cast import Cast
from anze.policies import verify

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_code_beside_the_policy_opens_the_verify_page_filled_in(
    page: Page, live_server, cast: Cast, screenshot
):
    policy = cast.policy(policy_no="PVERIFYE2E01")
    page.goto(live_server.url + "/insurer/login/")
    page.locator("a.insurer-tile", has_text=cast.insurer.name).click()
    page.fill("input[name=username]", cast.clerk.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator(".anze-brand")).to_be_visible()
    page.goto(f"{live_server.url}/insurer/policies/{policy.order.application_no}/")
    badge = page.locator("#verify-badge")
    expect(badge.get_by_test_id("verification-code")).to_have_text(policy.verification_code)
    expect(badge.locator("svg")).to_be_visible()
    folder = screenshot("01-insurer-detail").parent

    link = badge.locator("a").get_attribute("href")
    assert link and f"code={policy.verification_code}" in link
    anonymous = page.context.browser.new_page()  # type: ignore[union-attr]
    anonymous.goto(link)
    expect(anonymous.get_by_test_id("verify-status")).to_have_text("有效")
    expect(anonymous.locator("#verify-result")).to_contain_text(verify.mask_name(policy.order.applicant_name))
    anonymous.screenshot(path=str(folder / "02-verified.png"), full_page=True)

    anonymous.goto(live_server.url + "/")
    anonymous.locator("#verify-link").click()
    anonymous.fill("input[name=policy_no]", policy.policy_no)
    anonymous.fill("input[name=code]", "WRONGCDE")
    anonymous.get_by_role("button", name="查 询").click()
    expect(anonymous.get_by_test_id("verify-error")).to_have_text(verify.NOT_FOUND)
    expect(anonymous.locator("#verify-result")).to_have_count(0)
    anonymous.screenshot(path=str(folder / "03-not-found.png"), full_page=True)
    anonymous.close()
