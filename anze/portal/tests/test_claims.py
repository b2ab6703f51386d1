"""企业认证 (issue 11, findings 1 and 9): registering under a credit code proves only the registrant's phone.

The attack: register a real enterprise's 统一社会信用代码 with one's own phone and take over the offline orders and
policies the insurers keyed in under it. Now the account sees nothing of them until it proves it speaks for the
enterprise — a code sent to the 投保联系人 phone on file, or 营业执照 + 授权书 approved in 平台管理."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anze.accounts.models import Organisation, User, Verification
from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents.testing import pdf_bytes
from anze.notifications.models import SmsMessage
from anze.orders.models import Order
from anze.policies import scenarios as policy_scenarios
from anze.policies.models import Policy
from anze.portal.models import ClaimStatus, EnterpriseClaim
from anze.portal.tests.support import field_row, flash, html, sms_code

pytestmark = pytest.mark.django_db
REGISTER = "/enterprise/register/"
REGISTER_CODE = "/enterprise/register/code/"
PAGE = "/enterprise/verification/"
CLAIM_CODE = "/enterprise/verification/code/"
CLAIM_PHONE = "/enterprise/verification/phone/"
DOCUMENTS = "/enterprise/verification/documents/"
PASSWORD = "Quanzhou2026x"
HTMX = {"HTTP_HX_REQUEST": "true"}
CONTACT = "13697770764"  # the 投保联系人 phone the insurers keyed in (scenarios.offline_order)
ATTACKER = "13912345678"
CODE = factories.credit_code(660001, "350582")


@pytest.fixture
def insurers(db: None) -> tuple[User, User]:
    """The 管理员 of two insurers that keyed in offline orders."""
    ensure_base_data()
    return (
        factories.user(factories.organisation(Side.INSURER), admin=True),
        factories.user(factories.organisation(Side.INSURER), admin=True),
    )


@pytest.fixture
def on_file(insurers: tuple[User, User]) -> list[Order]:
    """Three offline orders of two insurers under CODE (one issued, with its policy), contact phone CONTACT."""
    first, second = insurers
    return [
        policy_scenarios.offline_order(
            insurer_user=first, applicant_credit_code=CODE, project_name="晋江恒安一号厂房", issued=True
        ),
        policy_scenarios.offline_order(
            insurer_user=first, applicant_credit_code=CODE, project_name="晋江恒安二号厂房"
        ),
        policy_scenarios.offline_order(
            insurer_user=second, applicant_credit_code=CODE, project_name="晋江恒安仓库"
        ),
    ]


def form(**overrides: Any) -> dict[str, Any]:
    values = {
        "credit_code": CODE,
        "name": "晋江市恒安化工有限公司",
        "industry": Industry.objects.get(code="hazardous_chemicals").pk,
        "region": Region.objects.get(code="350582").pk,
        "address": "晋江市安海镇工业区8号",
        "contact_name": "施志明",
        "phone": ATTACKER,
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    values.update(overrides)
    return values


def register(client: Client, **overrides: Any) -> Any:
    values = form(**overrides)
    client.post(REGISTER_CODE, {"phone": values["phone"]}, **HTMX)
    values["code"] = sms_code(values["phone"])
    return client.post(REGISTER, values)


def signed_in(client: Client) -> User:
    return User.objects.get(pk=client.session["_auth_user_id"])


def linked(orders: list[Order]) -> list[Any]:
    return [Order.objects.get(pk=order.pk).enterprise_id for order in orders]


# --- the attack ------------------------------------------------------------------------------------------------
def test_registering_another_enterprises_credit_code_with_ones_own_phone_takes_over_nothing(
    on_file, insurers, client
):
    """Attack: a valid SMS code for one's own phone + a real enterprise's credit code → its orders and policies."""
    response = register(client)
    assert response.status_code == 302
    attacker = signed_in(client)
    assert linked(on_file) == [None, None, None]
    assert Policy.objects.get(order=on_file[0]).enterprise_id is None
    for url in ("/enterprise/", "/enterprise/orders/", "/enterprise/policies/"):
        page = client.get(url, follow=True)
        text = html(page)
        assert "晋江恒安" not in text and page.redirect_chain[-1][0] == PAGE, url
    detail = client.get(f"/enterprise/orders/{on_file[0].application_no}/")
    assert detail.status_code == 302 and detail.url == PAGE
    # The insurers' later offline orders of the code are not linked either.
    later = policy_scenarios.offline_order(insurer_user=insurers[1], applicant_credit_code=CODE)
    assert later.enterprise_id is None
    assert not attacker.roles.exists()
    assert Organisation.objects.get(credit_code=CODE).verification == Verification.PENDING


def test_the_verification_page_offers_the_contact_phone_masked_and_never_in_full(on_file, client):
    register(client)
    page = html(client.get(PAGE))
    assert "待认证" in page and "136****0764" in page and CONTACT not in page
    assert "营业执照" in page and "授权书" in page


def test_a_code_for_the_contact_phone_goes_to_that_phone_whatever_the_request_names(on_file, client):
    register(client)
    before = SmsMessage.objects.filter(phone=ATTACKER).count()
    response = client.post(CLAIM_CODE, {"phone": ATTACKER}, **HTMX)
    assert "验证码已发送至 136****0764" in html(response)
    assert SmsMessage.objects.filter(phone=CONTACT, text__contains="用于企业认证").count() == 1
    assert SmsMessage.objects.filter(phone=ATTACKER).count() == before


def test_the_contact_phone_path_verifies_and_links_every_order_and_policy(on_file, client):
    register(client)
    client.post(CLAIM_CODE, {}, **HTMX)
    response = client.post(CLAIM_PHONE, {"code": sms_code(CONTACT)})
    assert response.status_code == 302 and response.url == "/enterprise/"
    enterprise = Organisation.objects.get(credit_code=CODE)
    assert enterprise.is_verified and enterprise.name == "晋江市恒安化工有限公司"
    assert linked(on_file) == [enterprise.pk] * 3
    claim = EnterpriseClaim.objects.get()
    assert claim.status == ClaimStatus.APPROVED and claim.method == "contact_phone"
    assert signed_in(client).is_org_admin
    assert "晋江恒安仓库" in html(client.get("/enterprise/orders/"))


def test_a_wrong_contact_code_is_refused_beside_the_field_and_links_nothing(on_file, client):
    register(client)
    client.post(CLAIM_CODE, {}, **HTMX)
    right = sms_code(CONTACT)
    response = client.post(CLAIM_PHONE, {"code": "000000" if right != "000000" else "111111"})
    assert response.status_code == 422
    assert "验证码不正确" in field_row(html(response), "code")
    assert linked(on_file) == [None, None, None]
    empty = client.post(CLAIM_PHONE, {"code": ""})
    assert "请输入短信验证码" in field_row(html(empty), "code")


def test_a_code_sent_for_another_claimant_does_not_verify_this_one(on_file, client):
    register(client)
    rival = Client()
    register(rival, phone="13912345679")
    client.post(CLAIM_CODE, {}, **HTMX)
    code = sms_code(CONTACT)
    response = rival.post(CLAIM_PHONE, {"code": code})
    assert response.status_code == 422 and linked(on_file) == [None, None, None]


def test_registering_with_the_contact_phone_itself_verifies_at_once(on_file, client):
    response = register(client, phone=CONTACT)
    assert response.status_code == 302 and response.url == "/enterprise/"
    assert "已通过投保联系人手机完成企业认证" in flash(response)
    enterprise = Organisation.objects.get(credit_code=CODE)
    assert enterprise.is_verified and linked(on_file) == [enterprise.pk] * 3


def test_a_new_credit_code_has_no_phone_path_and_gets_no_offline_orders_before_approval(insurers, client):
    code = factories.credit_code(660002, "350582")
    register(client, credit_code=code, name="晋江市全新化工有限公司")
    page = html(client.get(PAGE))
    assert "暂无该统一社会信用代码的投保记录" in page
    refused = html(client.post(CLAIM_CODE, {}, **HTMX))
    assert "请上传营业执照和授权书进行资料认证" in refused
    assert not SmsMessage.objects.filter(text__contains="用于企业认证").exists()
    order = policy_scenarios.offline_order(insurer_user=insurers[0], applicant_credit_code=code)
    assert order.enterprise_id is None


# --- 资料认证 ----------------------------------------------------------------------------------------------------
def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes("营业执照"), content_type="application/pdf")


def test_documents_are_submitted_for_review(on_file, client):
    register(client)
    response = client.post(
        DOCUMENTS, {"business_licence": pdf("营业执照.pdf"), "authorisation": pdf("授权书.pdf")}
    )
    assert response.status_code == 302 and response.url == PAGE
    claim = EnterpriseClaim.objects.get()
    assert claim.status == ClaimStatus.PENDING and claim.method == "documents"
    assert claim.business_licence.original_name == "营业执照.pdf"
    assert claim.authorisation.original_name == "授权书.pdf"
    assert "平台正在审核" in html(client.get(PAGE))
    assert linked(on_file) == [None, None, None]


def test_missing_documents_are_named_beside_their_fields(on_file, client):
    register(client)
    response = client.post(DOCUMENTS, {})
    page = html(response)
    assert response.status_code == 422
    assert "请上传营业执照" in field_row(page, "business_licence")
    assert "请上传授权书" in field_row(page, "authorisation")
    assert EnterpriseClaim.objects.get().status == ClaimStatus.AWAITING


def test_a_file_of_the_wrong_type_is_refused_beside_its_field_and_nothing_is_saved(on_file, client):
    register(client)
    fake = SimpleUploadedFile("授权书.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = client.post(DOCUMENTS, {"business_licence": pdf("营业执照.pdf"), "authorisation": fake})
    assert response.status_code == 422
    row = field_row(html(response), "authorisation")
    assert "PDF" in row or "格式" in row or "文件" in row
    claim = EnterpriseClaim.objects.get()
    assert claim.status == ClaimStatus.AWAITING and claim.business_licence_id is None


# --- a 待认证 account walks every enterprise URL ---------------------------------------------------------------
ALLOWED = {
    "profile",
    "logout",
    "verification",
    "verification_code",
    "verification_phone",
    "verification_documents",
}
PUBLIC = {"login", "register", "register_code", "password_reset", "password_reset_code"}


def _enterprise_patterns(patterns: list, prefix: str, route: str) -> Iterator[tuple[str, str, dict]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _enterprise_patterns(entry.url_patterns, namespace, route + str(entry.pattern))
        elif isinstance(entry, URLPattern) and prefix.startswith("enterprise:"):
            yield f"{prefix}{entry.name}", route + str(entry.pattern), entry.pattern.converters


def _sample(converter: Any, order: Order) -> Any:
    name = type(converter).__name__.lower()
    if "uuid" in name:
        return uuid.uuid4()
    if "int" in name:
        return 1
    if "application" in name or getattr(converter, "regex", "") == "[0-9]{18}":
        return order.application_no
    if "reportno" in name:  # anze.claims: a 报案号 (BA + 18 digits)
        return "BA" + "0" * 18
    return "x"


def test_an_account_awaiting_verification_sees_only_its_verification_page_on_every_enterprise_url(
    on_file, client
):
    register(client)
    order = on_file[0]
    walked = 0
    for name, _route, converters in _enterprise_patterns(get_resolver().url_patterns, "", ""):
        short = name.split(":", 1)[1]
        if short in ALLOWED | PUBLIC:
            continue
        kwargs = {key: _sample(converter, order) for key, converter in converters.items()}
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302 and response.url == PAGE, (method, url, response.status_code)
            walked += 1
            htmx = getattr(client, method)(url, **HTMX)
            assert htmx.status_code == 204 and htmx["HX-Redirect"] == PAGE, (method, url)
    assert walked > 30
    assert client.get("/enterprise/profile/").status_code == 200
    assert linked(on_file) == [None, None, None]


# --- a second registration of the same credit code ------------------------------------------------------------
def test_a_second_registration_of_a_verified_enterprise_goes_to_verification(on_file, insurers, client):
    enterprise = factories.organisation(Side.ENTERPRISE, credit_code=CODE, name="晋江市恒安化工有限公司")
    admin = factories.user(enterprise, admin=True, username=CODE)
    from anze.portal.services import offline_orders_link

    offline_orders_link(enterprise=enterprise)
    response = register(client, name="别的名字有限公司")
    assert response.status_code == 302 and response.url == PAGE
    newcomer = signed_in(client)
    assert (
        newcomer.username == ATTACKER and newcomer.organisation == enterprise and not newcomer.roles.exists()
    )
    assert Organisation.objects.filter(credit_code=CODE).count() == 1
    assert Organisation.objects.get(pk=enterprise.pk).name == "晋江市恒安化工有限公司"  # untouched
    assert "晋江恒安" not in html(client.get("/enterprise/orders/", follow=True))
    assert EnterpriseClaim.objects.get(user=newcomer).status == ClaimStatus.AWAITING
    # The verified 管理员 still signs in with the credit code.
    other = Client()
    other.post("/enterprise/login/", {"username": CODE, "password": factories.PASSWORD})
    assert signed_in(other) == admin
    # Through the contact phone the newcomer joins the enterprise as a 管理员 — nothing moves.
    client.post(CLAIM_CODE, {}, **HTMX)
    client.post(CLAIM_PHONE, {"code": sms_code(CONTACT)})
    newcomer.refresh_from_db()
    assert newcomer.is_org_admin and "晋江恒安仓库" in html(client.get("/enterprise/orders/"))
    assert linked(on_file) == [enterprise.pk] * 3


def test_the_real_enterprise_registering_after_an_impostor_verifies_with_its_own_data(on_file, client):
    register(client, name="冒名顶替有限公司")
    real = Client()
    response = register(real, phone="13912345670", name="晋江市恒安化工有限公司")
    assert response.status_code == 302 and response.url == PAGE
    real.post(CLAIM_CODE, {}, **HTMX)
    real.post(CLAIM_PHONE, {"code": sms_code(CONTACT)})
    enterprise = Organisation.objects.get(credit_code=CODE)
    assert enterprise.is_verified and enterprise.name == "晋江市恒安化工有限公司"
    assert enterprise.contact_phone == "13912345670"
    # The impostor (login name = the credit code) still sees nothing; the credit code signs in the real 管理员.
    assert client.get("/enterprise/orders/").url == PAGE
    login = Client()
    login.post("/enterprise/login/", {"username": CODE, "password": PASSWORD})
    assert signed_in(login).mobile == "13912345670"


# --- finding 9 ------------------------------------------------------------------------------------------------------
def test_the_register_form_answers_the_same_for_a_registered_and_an_unregistered_code(db, client):
    """Finding 9: without an SMS code the form told "已注册" apart from "请先获取短信验证码"."""
    ensure_base_data()
    registered = factories.organisation(Side.ENTERPRISE)
    unknown = factories.credit_code(660003, "350582")
    answers = []
    for code in (registered.credit_code, unknown):
        response = client.post(REGISTER, {**form(credit_code=code), "code": "123456"})
        row = field_row(html(response), "credit_code").replace(code, "CODE")
        answers.append((response.status_code, row, field_row(html(response), "code")))
        assert "已注册" not in html(response)
    assert answers[0] == answers[1]
    assert "请先获取短信验证码" in answers[0][2]


# --- insurer screens ---------------------------------------------------------------------------------------------
def test_the_insurer_offline_form_offers_only_verified_enterprises(insurers, client):
    register(client, credit_code=factories.credit_code(660004, "350582"), name="待认证化工有限公司")
    verified = factories.organisation(Side.ENTERPRISE, name="已认证化工有限公司")
    insurer = Client()
    insurer.force_login(insurers[0])
    page = html(insurer.get("/insurer/orders/offline/add/"))
    assert verified.name in page and "待认证化工有限公司" not in page


def test_the_insurer_order_page_says_verified_only_once_the_enterprise_is(on_file, insurers, client):
    insurer = Client()
    insurer.force_login(insurers[0])
    url = f"/insurer/orders/{on_file[1].application_no}/"
    register(client)
    page = html(insurer.get(url))
    assert "未关联已认证的企业账号" in page and "已认证（" not in page
    client.post(CLAIM_CODE, {}, **HTMX)
    client.post(CLAIM_PHONE, {"code": sms_code(CONTACT)})
    assert "已认证（晋江市恒安化工有限公司）" in html(insurer.get(url))
