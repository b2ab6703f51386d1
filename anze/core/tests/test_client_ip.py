"""Behind a reverse proxy every request comes from the proxy's address (issue 11, finding 5). With
ANZE_PROXY_COUNT=N the client's address is read from X-Forwarded-For — the N-th entry from the right, the one the
outermost of our proxies wrote — by one function that lock-out, the SMS quota, the login log and the audit log all
use; with 0 the header is ignored (anyone can write it) and a warning says so once."""

from __future__ import annotations

import logging

import pytest
from django.core import checks
from django.test import Client, RequestFactory, override_settings

from anze.core import clientip, middleware
from anze.core.checks import check_proxy_settings
from anze.core.testing.factories import PASSWORD

PROXY = "10.9.9.9"  # REMOTE_ADDR of every request that came through the proxy


def login(client: Client, url: str, username: str, password: str, forwarded_for: str) -> str:
    response = client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response.content.decode() if response.status_code != 302 else "signed in"


@pytest.mark.django_db
@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_a_guesser_locks_the_account_only_for_its_own_address(insurer):
    """Attack: five wrong passwords through the proxy locked the account for every visitor (all shared the
    proxy's address)."""
    url = f"/insurer/login/{insurer.org.code}/"
    guesser = Client()
    for _ in range(5):
        page = login(guesser, url, insurer.admin.username, "Wrong12345", "203.0.113.7")
    assert "已被锁定" in page
    assert "已被锁定" in login(guesser, url, insurer.admin.username, PASSWORD, "203.0.113.7")
    # The owner, behind the same proxy, signs in.
    assert login(Client(), url, insurer.admin.username, PASSWORD, "198.51.100.20") == "signed in"


@pytest.mark.django_db
@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_the_sms_ip_quota_counts_each_client_apart(client):
    """Attack: one client spending the hourly code quota of the proxy's address stopped every registration."""
    from anze.portal.verification import IP_HOURLY_LIMIT

    def ask(phone: str, forwarded_for: str) -> str:
        return client.post(
            "/enterprise/register/code/",
            {"phone": phone},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
            HTTP_HX_REQUEST="true",
        ).content.decode()

    for n in range(IP_HOURLY_LIMIT):
        assert "验证码已发送" in ask(f"1390000{n:04d}", "203.0.113.7")
    assert "验证码发送过于频繁" in ask("13911112222", "203.0.113.7")
    # A spoofed entry left of the proxy's own does not give the spender a fresh quota …
    assert "验证码发送过于频繁" in ask("13911113333", "1.2.3.4, 203.0.113.7")
    # … and another client behind the proxy still gets its code.
    assert "验证码已发送" in ask("13911112222", "198.51.100.20")


@pytest.mark.django_db
@override_settings(PROXY_COUNT=0)
def test_without_a_proxy_the_header_is_ignored_and_a_warning_is_logged_once(insurer, caplog):
    """Attack the other way: with no proxy in front, a forged X-Forwarded-For must not buy a fresh lock-out
    counter; and an operator who forgot ANZE_PROXY_COUNT learns it from the log."""
    middleware.reset_forwarded_for_warning()
    url = f"/insurer/login/{insurer.org.code}/"
    guesser = Client()
    with caplog.at_level(logging.WARNING, logger="anze.core.middleware"):
        for n in range(5):
            login(guesser, url, insurer.admin.username, "Wrong12345", f"203.0.113.{n}")
        assert "已被锁定" in login(guesser, url, insurer.admin.username, PASSWORD, "198.51.100.20")
    warnings = [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
    assert len(warnings) == 1 and "ANZE_PROXY_COUNT" in warnings[0].getMessage()


def test_it_reads_the_nth_address_from_the_right():
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1")
    with override_settings(PROXY_COUNT=0):
        assert clientip.client_ip(request) == "10.0.0.2"
    with override_settings(PROXY_COUNT=1):
        assert clientip.client_ip(request) == "10.0.0.1"
    with override_settings(PROXY_COUNT=2):
        assert clientip.client_ip(request) == "203.0.113.7"
    with override_settings(PROXY_COUNT=1):
        no_header = factory.get("/", REMOTE_ADDR="10.0.0.2")
        assert clientip.client_ip(no_header) == "10.0.0.2"
        garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
        assert clientip.client_ip(garbage) == "10.0.0.2"
        with_port = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7:5555")
        assert clientip.client_ip(with_port) == "203.0.113.7"
        v6 = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="[2001:db8::1]:443")
        assert clientip.client_ip(v6) == "2001:db8::1"


def test_the_audit_log_records_the_same_address():
    """django-auditlog's own reader took the leftmost X-Forwarded-For entry, which the client writes."""
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    with override_settings(PROXY_COUNT=1):
        assert middleware.AuditlogMiddleware._get_remote_addr(request) == "203.0.113.7"
    with override_settings(PROXY_COUNT=0):
        assert middleware.AuditlogMiddleware._get_remote_addr(request) == PROXY


def test_a_production_start_without_a_proxy_setting_warns():
    production = {"DEBUG": False, "TESTING": False}
    with override_settings(**production, PROXY_COUNT=0, PROXY_COUNT_SET=False, BEHIND_PROXY_ALIAS=False):
        assert [m.id for m in check_proxy_settings(None)] == ["anze.W010"]
    with override_settings(**production, PROXY_COUNT=0, PROXY_COUNT_SET=True, BEHIND_PROXY_ALIAS=False):
        assert check_proxy_settings(None) == []  # ANZE_PROXY_COUNT=0: no proxy, said on purpose
    with override_settings(**production, PROXY_COUNT=1, PROXY_COUNT_SET=True, BEHIND_PROXY_ALIAS=True):
        messages = check_proxy_settings(None)
        assert [m.id for m in messages] == ["anze.W011"] and messages[0].level == checks.WARNING
    with override_settings(
        DEBUG=True, TESTING=False, PROXY_COUNT=0, PROXY_COUNT_SET=False, BEHIND_PROXY_ALIAS=False
    ):
        assert check_proxy_settings(None) == []
