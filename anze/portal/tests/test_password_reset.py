"""忘记密码: a code to the account's registered mobile (named by credit code or login name), then a new password.
The page answers the same whether or not the phone belongs to the account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from anze.accounts.models import User
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications.models import SmsMessage
from anze.portal.models import VerificationCode
from anze.portal.tests.support import field_row, flash, html, sms_code

pytestmark = pytest.mark.django_db
URL = "/enterprise/password-reset/"
CODE_URL = "/enterprise/password-reset/code/"
MOBILE = "13860719101"
NEW = "Reset2026pass"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin(db: None) -> User:
    enterprise = factories.organisation(Side.ENTERPRISE)
    return factories.user(enterprise, admin=True, username=enterprise.credit_code, mobile=MOBILE)


def ask(client: Client, identifier: str, phone: str = MOBILE) -> str:
    return html(client.post(CODE_URL, {"identifier": identifier, "phone": phone}, **HTMX))


def form(identifier: str, code: str, **overrides: Any) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "phone": MOBILE,
        "code": code,
        "password": NEW,
        "password2": NEW,
        **overrides,
    }


def test_it_shows_the_form(client, db):
    page = html(client.get(URL))
    assert "找回密码" in page and "统一社会信用代码或登录账号" in page and "获取验证码" in page


def test_it_sends_a_code_to_the_accounts_own_mobile_by_credit_code(client, admin):
    page = ask(client, admin.organisation.credit_code)
    assert "如账号与手机号匹配，验证码已发送至 138****9101，5分钟内有效" in page
    assert "找回密码" in SmsMessage.objects.get(phone=MOBILE).text


def test_it_answers_the_same_and_sends_nothing_when_the_phone_is_not_the_accounts(client, admin):
    page = ask(client, admin.username, phone="13860719102")
    assert "如账号与手机号匹配，验证码已发送至 138****9102，5分钟内有效" in page
    assert not SmsMessage.objects.exists()
    unknown = ask(Client(), "nobody_here", phone="13860719103")
    assert "如账号与手机号匹配，验证码已发送至 138****9103" in unknown and not SmsMessage.objects.exists()


def test_it_asks_for_the_account_before_sending(client, db):
    assert "请输入统一社会信用代码或登录账号" in ask(client, "")


def test_it_resets_the_password_and_lifts_a_lockout(client, admin):
    AccessAttempt.objects.create(
        username=admin.username.lower(),
        ip_address="10.0.0.9",
        failures_since_start=5,
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="",
    )
    ask(client, admin.username)
    response = client.post(URL, form(admin.organisation.credit_code, sms_code(MOBILE)))
    assert response.status_code == 302 and response.url == "/enterprise/login/"
    assert flash(response) == "密码已重置，请使用新密码登录"
    admin.refresh_from_db()
    assert admin.check_password(NEW)
    assert not AccessAttempt.objects.exists()
    signed = Client().post(
        "/enterprise/login/", {"username": admin.username, "password": NEW}, REMOTE_ADDR="10.0.0.9"
    )
    assert signed.status_code == 302


def test_it_refuses_a_wrong_an_expired_and_a_used_code(client, admin):
    ask(client, admin.username)
    code = sms_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    assert "验证码不正确" in field_row(html(client.post(URL, form(admin.username, wrong))), "code")
    assert client.post(URL, form(admin.username, code)).status_code == 302
    assert "验证码已使用，请重新获取" in field_row(html(client.post(URL, form(admin.username, code))), "code")
    VerificationCode.objects.update(used_at=None, expires_at=timezone.now() - timedelta(seconds=1))
    assert "验证码已过期，请重新获取" in field_row(html(client.post(URL, form(admin.username, code))), "code")


def test_a_code_resets_only_the_account_it_was_sent_for(client, admin):
    colleague = factories.user(admin.organisation, username="zhang_caiwu", mobile=MOBILE)
    ask(client, admin.username)
    response = client.post(URL, form(colleague.username, sms_code(MOBILE)))
    assert "账号与获取验证码时填写的不一致，请重新获取验证码" in field_row(html(response), "identifier")
    colleague.refresh_from_db()
    assert not colleague.check_password(NEW)


def test_an_undelivered_code_cannot_be_guessed_into_a_reset(client, admin):
    ask(client, admin.username, phone="13860719102")  # not the account's mobile: nothing sent
    response = client.post(URL, form(admin.username, "123456", phone="13860719102"))
    assert "验证码不正确" in field_row(html(response), "code")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("identifier", "", "请输入统一社会信用代码或登录账号"),
        ("phone", "", "请输入手机号"),
        ("phone", "1234", "请输入正确的11位手机号码"),
        ("code", "", "请输入短信验证码"),
        ("password", "", "请输入新密码"),
        ("password", "short1", "密码长度太短"),
        ("password2", "Other2026pass", "两次输入的密码不一致"),
    ],
)
def test_it_shows_a_bad_value_beside_its_field(client, admin, field, value, message):
    response = client.post(URL, {**form(admin.username, "123456"), field: value})
    assert response.status_code == 422
    assert message in field_row(html(response), field)


def test_it_refuses_a_new_password_for_a_disabled_account(client, admin):
    ask(client, admin.username)
    code = sms_code(MOBILE)
    User.objects.filter(pk=admin.pk).update(is_active=False)
    response = client.post(URL, form(admin.username, code))
    assert "账号与获取验证码时填写的不一致" in html(response)
    admin.refresh_from_db()
    assert not admin.check_password(NEW)
