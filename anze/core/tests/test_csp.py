"""Content-Security-Policy (issue 11, finding 8). Without one, any HTML that slipped past escaping could run
script; with ``script-src 'self'`` only our own files run: no inline script, no inline handler, no
``javascript:`` link, no eval (Alpine's CSP build, htmx with allowEval off). The browser tests (e2e/conftest.py)
fail on any violation the pages cause."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from anze.core.middleware import ContentSecurityPolicyMiddleware

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(ROOT.glob("anze/*/templates/**/*.html"))


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_forbids_inline_script_plugins_base_and_framing(client):
    response = client.get("/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    login = client.get("/insurer/login/")
    assert "Content-Security-Policy" in login


def test_a_page_framed_by_our_own_dialogs_may_be_framed_by_the_same_origin_only():
    """@xframe_options_sameorigin views (the payment voucher in the review dialog) keep working."""

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>voucher</p>")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize(
    ("what", "pattern"),
    [
        ("inline <script>", r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
        ("inline event handler", r"\son[a-z]+\s*=\s*[\"']"),
        ("javascript: URL", r"javascript:"),
        ("hx-on (htmx eval)", r"\bhx-on"),
        ("hx-vals js: (htmx eval)", r"hx-va(ls|rs)=[\"']js:"),
        ("Alpine expression object (needs eval)", r"x-data=\"\s*\{"),
        ("Alpine x-init (code in an attribute)", r"\bx-init="),
    ],
)
def test_no_template_holds_script_the_policy_would_block(what, pattern):
    offenders = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in TEMPLATES
        for text in [path.read_text()]
        for m in re.finditer(pattern, text)
    ]
    assert not offenders, f"{what}: {offenders}"


def test_alpine_is_the_csp_build():
    from django.contrib.staticfiles import finders

    alpine = finders.find("vendor/alpinejs/cdn.min.js")
    assert alpine and "CSP" in Path(alpine).read_text()
