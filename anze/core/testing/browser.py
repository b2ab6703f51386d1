"""Browser tests fail if a page breaks the Content-Security-Policy (issue 11, finding 8) or throws.

Each browser context — the ``page`` fixture's and those a test opens itself with ``browser.new_context`` — gets
a listener for ``securitypolicyviolation`` events (run by the browser's DevTools, so the policy does not block
it), and every page of it reports console errors about the policy, Alpine expression errors and uncaught
exceptions. e2e/conftest.py applies it to every browser test; a browser test elsewhere (the several-nodes test)
asks for it with ``watch_pages``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, expect

from .factories import PASSWORD


# How every browser of the project is started: the browser tests (conftest.py) and ``make manual``.
def chromium_path() -> str:
    """Debian's Chromium (Playwright cannot download its own here), or CHROMIUM_PATH."""
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # Chinese date inputs (yyyy/mm/dd), as the clerks' browsers show them
]
# The clerk's window: 1440 px wide, Chinese, Beijing time.
CONTEXT_ARGS: dict[str, Any] = {
    "viewport": {"width": 1440, "height": 900},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} ` +
    `at ${e.sourceFile || "?"}:${e.lineNumber} ${e.sample || ""}`);
}, true);
"""

PROBLEMS_IN_CONSOLE = (
    "Content Security Policy",
    "CSP violation",
    "Alpine Expression Error",
    "CSP Parser Error",
)


@contextmanager
def watch_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every context opened inside the block is watched; the block fails at its end with the problems seen."""
    problems: list[str] = []

    def watch_page(page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning") and any(p in message.text for p in PROBLEMS_IN_CONSOLE):
                problems.append(f"{page.url}: {message.text}")

        def on_error(error: Error) -> None:
            problems.append(f"{page.url}: uncaught {error}")

        page.on("console", on_console)
        page.on("pageerror", on_error)

    def watch(context: BrowserContext) -> BrowserContext:
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", watch_page)
        for page in context.pages:
            watch_page(page)
        return context

    original = Browser.new_context

    def new_context(self: Browser, *args: Any, **kwargs: Any) -> BrowserContext:
        return watch(original(self, *args, **kwargs))

    monkeypatch.setattr(Browser, "new_context", new_context)
    yield problems
    assert not problems, "The pages broke the Content-Security-Policy or threw:\n" + "\n".join(problems)


def sign_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    """Open a side's login page, sign in as a user would (the placeholders and the button as they read) and wait
    for the shell: every browser test's way in."""
    page.goto(url)
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(password)
    page.get_by_role("button", name="登 录").click()
    expect(page.locator(".anze-brand")).to_be_visible()
