"""注册 (public): the form, 获取验证码, each field's Chinese error, a credit code registered already, the SMS
code's refusals, the enterprise (待认证) and its account created together and signed in, and offline orders
linked only when the registrant's phone is their 投保联系人 phone (the rest of 企业认证: test_claims.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anze.accounts.models import Organisation, User, Verification
from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications.models import SmsMessage
from anze.orders.models import Order, OrderStatus
from anze.policies import scenarios as policy_scenarios
from anze.portal.models import ClaimStatus, EnterpriseClaim, SmsCodeQuota, VerificationCode
from anze.portal.tests.support import field_row, flash, html, sms_code

pytestmark = pytest.mark.django_db
URL = "/enterprise/register/"
CODE_URL = "/enterprise/register/code/"
PHONE = "13860719001"
PASSWORD = "Quanzhou2026x"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def base(db: None) -> None:
    ensure_base_data()


def data(**overrides: Any) -> dict[str, Any]:
    values = {
        "credit_code": factories.credit_code(880001, "350582"),
        "name": "晋江市恒安化工有限公司",
        "industry": Industry.objects.get(code="hazardous_chemicals").pk,
        "region": Region.objects.get(code="350582").pk,
        "address": "晋江市安海镇工业区8号",
        "contact_name": "施志明",
        "phone": PHONE,
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    values.update(overrides)
    return values


def with_code(client: Client, **overrides: Any) -> dict[str, Any]:
    """The form data with a fresh code asked for through the page, as a person would."""
    values = data(**overrides)
    client.post(CODE_URL, {"phone": values["phone"]}, **HTMX)
    values.setdefault("code", sms_code(values["phone"]))
    return values


def test_it_shows_the_form_with_the_compulsory_sectors_marked_and_the_counties(base, client):
    page = html(client.get(URL))
    assert "企业注册" in page and "获取验证码" in page
    assert "建筑施工（高危行业·应保尽保）" in page and "危险化学品（高危行业·应保尽保）" in page
    assert ">制鞋<" in page  # not compulsory: unmarked
    for county in ("鲤城区", "丰泽区", "晋江市", "南安市", "德化县"):
        assert f">{county}<" in page
    assert ">泉州市<" not in page  # only counties


def test_the_login_page_links_to_register_and_forgotten_password(client, db):
    page = html(client.get("/enterprise/login/"))
    assert 'href="/enterprise/register/"' in page and 'href="/enterprise/password-reset/"' in page
    assert "可使用统一社会信用代码或登录账号登录" in page
    assert 'href="/enterprise/register/"' not in html(client.get("/platform/login/"))


def test_it_sends_a_code_and_answers_with_the_masked_phone(base, client):
    response = client.post(CODE_URL, {"phone": PHONE}, **HTMX)
    assert response.status_code == 200
    assert "验证码已发送至 138****9001，5分钟内有效" in html(response)
    assert 'x-data="codeWait" data-wait="60"' in html(response)  # the button counts down
    assert SmsMessage.objects.filter(phone=PHONE).count() == 1


def test_it_refuses_a_second_code_within_a_minute_on_the_page(base, client):
    client.post(CODE_URL, {"phone": PHONE}, **HTMX)
    page = html(client.post(CODE_URL, {"phone": PHONE}, **HTMX))
    assert "验证码发送过于频繁" in page and 'data-code-status="refused"' in page
    assert SmsMessage.objects.filter(phone=PHONE).count() == 1


def test_it_refuses_the_eleventh_code_of_the_day_on_the_page(base, client):
    SmsCodeQuota.objects.create(
        phone=PHONE, day=timezone.localdate(), day_count=10, last_sent_at=timezone.now() - timedelta(hours=1)
    )
    assert "该手机号今日获取验证码已达10次，请明天再试" in html(
        client.post(CODE_URL, {"phone": PHONE}, **HTMX)
    )
    assert not SmsMessage.objects.exists()


def test_it_refuses_a_code_for_a_bad_phone(base, client):
    assert "请输入正确的11位手机号码" in html(client.post(CODE_URL, {"phone": "12345"}, **HTMX))


def test_without_javascript_the_code_button_shows_the_page_again_with_what_was_typed(base, client):
    values = data()
    response = client.post(CODE_URL, values)
    page = html(response)
    assert response.status_code == 200 and "验证码已发送至 138****9001" in page
    assert 'value="晋江市恒安化工有限公司"' in page and f'value="{values["credit_code"]}"' in page
    assert PASSWORD not in page  # passwords are never sent back


def test_it_registers_the_enterprise_and_an_account_awaiting_verification_and_signs_in(base, client):
    """The registration proves the phone only: the enterprise is 待认证 and the account holds no role until
    its claim (企业认证) is approved (test_claims.py)."""
    values = with_code(client)
    response = client.post(URL, values)
    assert response.status_code == 302 and response.url == "/enterprise/verification/"
    enterprise = Organisation.objects.get(kind=Side.ENTERPRISE, credit_code=values["credit_code"])
    assert enterprise.name == "晋江市恒安化工有限公司" and enterprise.industry.code == "hazardous_chemicals"
    assert enterprise.region.code == "350582" and enterprise.contact_phone == PHONE
    assert enterprise.verification == Verification.PENDING
    admin = User.objects.get(organisation=enterprise)
    assert admin.username == values["credit_code"] and admin.mobile == PHONE and admin.name == "施志明"
    assert not admin.roles.exists() and admin.check_password(PASSWORD)
    assert int(client.session["_auth_user_id"]) == admin.pk
    assert flash(response) == (
        f"注册成功，登录账号为 {values['credit_code']}。请完成企业认证后使用企业端各项功能"
    )
    assert VerificationCode.objects.get().used_at is not None
    claim = EnterpriseClaim.objects.get(user=admin)
    assert claim.status == ClaimStatus.AWAITING and claim.credit_code == values["credit_code"]
    assert client.get("/enterprise/verification/").status_code == 200
    assert client.get("/enterprise/").url == "/enterprise/verification/"


def test_it_links_the_offline_orders_when_the_registrant_is_their_contact_phone(base, client):
    """The SMS code to the 投保联系人 phone on file proves control of the enterprise: linked at once."""
    insurer = factories.organisation(Side.INSURER)
    clerk = factories.user(insurer, admin=True)
    credit_code = factories.credit_code(880002, "350582")
    issued = policy_scenarios.offline_order(
        insurer_user=clerk, applicant_credit_code=credit_code, issued=True, contact_phone=PHONE
    )
    waiting = policy_scenarios.offline_order(
        insurer_user=clerk, applicant_credit_code=credit_code, contact_phone=PHONE
    )
    someone_else = policy_scenarios.offline_order(insurer_user=clerk)
    client.post(URL, with_code(client, credit_code=credit_code))
    enterprise = Organisation.objects.get(credit_code=credit_code)
    assert enterprise.is_verified
    assert set(Order.objects.filter(enterprise=enterprise)) == {issued, waiting}
    issued.refresh_from_db()
    assert issued.status == OrderStatus.ISSUED and issued.policy.enterprise == enterprise
    someone_else.refresh_from_db()
    assert someone_else.enterprise is None
    assert "（2）" in html(client.get("/enterprise/orders/")).replace("(", "（").replace(")", "）")


def test_it_links_nothing_when_the_registrant_is_not_the_contact_phone(base, client):
    clerk = factories.user(factories.organisation(Side.INSURER), admin=True)
    credit_code = factories.credit_code(880004, "350582")
    order = policy_scenarios.offline_order(insurer_user=clerk, applicant_credit_code=credit_code)
    assert client.post(URL, with_code(client, credit_code=credit_code)).url == "/enterprise/verification/"
    order.refresh_from_db()
    assert order.enterprise is None


def test_a_second_registration_of_a_credit_code_goes_to_verification_under_its_phone(base, client):
    """Neither refused nor linked (it used to answer "已注册"): its own account, waiting for 企业认证."""
    existing = factories.organisation(Side.ENTERPRISE)
    response = client.post(URL, with_code(client, credit_code=existing.credit_code))
    assert response.status_code == 302 and response.url == "/enterprise/verification/"
    assert Organisation.objects.filter(credit_code=existing.credit_code).count() == 1
    newcomer = User.objects.get(username=PHONE)
    assert newcomer.organisation == existing and not newcomer.roles.exists()
    assert flash(response).startswith(f"注册成功，登录账号为 {PHONE}。")


def test_a_third_registration_with_a_phone_already_a_login_name_is_refused_beside_the_phone(base, client):
    existing = factories.organisation(Side.ENTERPRISE)
    factories.user(existing, username=PHONE)
    response = client.post(URL, with_code(client, credit_code=existing.credit_code))
    assert response.status_code == 422
    assert "该手机号已是其他账号的登录名" in field_row(html(response), "phone")
    assert VerificationCode.objects.get().used_at is None  # rolled back with the registration


def test_it_refuses_a_name_already_registered_without_using_the_code(base, client):
    factories.organisation(Side.ENTERPRISE, name="晋江市恒安化工有限公司")
    values = with_code(client)
    response = client.post(URL, values)
    assert "已存在同名的投保企业" in field_row(html(response), "name")
    assert not User.objects.filter(username=values["credit_code"]).exists()
    assert client.post(URL, {**values, "name": "晋江市恒安新材料有限公司"}).status_code == 302


REQUIRED = [
    ("credit_code", "请输入统一社会信用代码"),
    ("name", "请输入企业名称"),
    ("industry", "请选择行业"),
    ("region", "请选择所在区县"),
    ("address", "请输入地址"),
    ("contact_name", "请输入联系人"),
    ("phone", "请输入手机号"),
    ("code", "请输入短信验证码"),
    ("password", "请输入密码"),
    ("password2", "请再次输入密码"),
]


def test_it_shows_each_missing_field_beside_it(base, client):
    response = client.post(URL, {})
    page = html(response)
    assert response.status_code == 422
    for name, message in REQUIRED:
        assert message in field_row(page, name), name
    assert not Organisation.objects.filter(kind=Side.ENTERPRISE).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91350582MA2YL8H3", "统一社会信用代码应为18位"),
        ("credit_code", "91350582MA2YL8H370", "统一社会信用代码校验位不正确，请核对"),
        ("phone", "1386071900", "请输入正确的11位手机号码"),
        ("password", "abcdefghij", "密码必须同时包含字母和数字"),
        ("password", "abc123", "密码长度太短"),
        ("password2", "Quanzhou2026y", "两次输入的密码不一致"),
        ("code", "1234567", "验证码为6位数字"),
    ],
)
def test_it_shows_a_bad_value_beside_its_field(base, client, field, value, message):
    values = data(**{field: value})
    if field == "password":
        values["password2"] = value
    values.setdefault("code", "123456")
    response = client.post(URL, values)
    assert response.status_code == 422
    assert message in field_row(html(response), field)


def test_it_refuses_a_wrong_code_and_counts_it(base, client):
    values = with_code(client)
    wrong = "000000" if values["code"] != "000000" else "111111"
    response = client.post(URL, {**values, "code": wrong})
    assert "验证码不正确，请核对后重新输入" in field_row(html(response), "code")
    assert VerificationCode.objects.get().failures == 1
    assert not Organisation.objects.filter(credit_code=values["credit_code"]).exists()


def test_it_refuses_an_expired_code(base, client):
    values = with_code(client)
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "验证码已过期，请重新获取" in field_row(html(client.post(URL, values)), "code")


def test_it_refuses_a_code_used_by_an_earlier_registration(base, client):
    values = with_code(client)
    assert client.post(URL, values).status_code == 302
    again = Client().post(URL, {**values, "credit_code": factories.credit_code(880003), "name": "另一家公司"})
    assert "验证码已使用，请重新获取" in field_row(html(again), "code")


def test_it_refuses_a_code_sent_to_another_phone(base, client):
    values = with_code(client)
    response = client.post(URL, {**values, "phone": "13860719002"})
    assert "请先获取短信验证码" in field_row(html(response), "code")


def test_a_signed_in_enterprise_goes_home(cast):
    response = cast.client(cast.applicant).get(URL)
    assert response.status_code == 302 and response.url == "/enterprise/"
