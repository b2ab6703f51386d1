"""机构管理: 新增 with the first 管理员, field rules, 编辑, 启用 / 停用, search, status tabs, export."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from anze.accounts import services
from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN_PASSWORD = "Quanzhou2026x"


def county(code: str = "350582") -> Region:
    return Region.objects.get(code=code)


def industry(code: str = "hazardous_chemicals") -> Industry:
    return Industry.objects.get(code=code)


def enterprise_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "晋江市恒安化工有限公司",
        "short_name": "恒安化工",
        "credit_code": factories.credit_code(900001, "350582"),
        "region": county().pk,
        "industry": industry().pk,
        "address": "晋江市安海镇工业区8号",
        "contact_name": "施志明",
        "contact_phone": "13860719001",
        "admin_username": "hengan",
        "admin_name": "施志明",
        "admin_mobile": "13860719001",
        "admin_password": ADMIN_PASSWORD,
    }
    data.update(overrides)
    return data


def insurer_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "中国人寿财产保险股份有限公司泉州市中心支公司",
        "short_name": "国寿财险泉州",
        "code": "gpic-qz",
        "admin_username": "gpic_admin",
        "admin_name": "骆建新",
        "admin_mobile": "13905950401",
        "admin_password": ADMIN_PASSWORD,
    }
    data.update(overrides)
    return data


def sign_in(url: str, username: str, password: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post(url, {"username": username, "password": password})
    return client, response


# --- 新增 ----------------------------------------------------------------------------------------------------
def test_it_creates_an_enterprise_with_its_first_admin(platform):
    response = platform.client(platform.admin).post("/platform/orgs/enterprises/add/", enterprise_data())
    assert response.status_code == 302 and response.url == "/platform/orgs/enterprises/"
    org = Organisation.objects.get(name="晋江市恒安化工有限公司")
    assert org.kind == Side.ENTERPRISE and org.region == county() and org.industry == industry()
    admin = User.objects.get(username="hengan")
    assert admin.organisation == org and admin.is_org_admin
    _client, response = sign_in("/enterprise/login/", "hengan", ADMIN_PASSWORD)
    assert response.status_code == 302 and response.url == "/enterprise/"


def test_it_creates_an_insurer_whose_admin_signs_in_on_its_own_page(platform):
    client = platform.client(platform.admin)
    response = client.post("/platform/orgs/insurers/add/", insurer_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"])["anze:done"]["message"] == "新增成功"
    assert "/insurer/login/gpic-qz/" in Client().get("/insurer/login/").content.decode()
    _, response = sign_in("/insurer/login/gpic-qz/", "gpic_admin", ADMIN_PASSWORD)
    assert response.status_code == 302 and response.url == "/insurer/"


def test_it_creates_a_regulator_scoped_to_a_city_and_a_service_org(platform):
    client = platform.client(platform.admin)
    city = Region.objects.get(code="350500")
    response = client.post(
        "/platform/orgs/regulators/add/",
        {
            "name": "晋江市应急管理局",
            "region": county().pk,
            "admin_username": "jjyjj",
            "admin_name": "蔡国梁",
            "admin_mobile": "13905951002",
            "admin_password": ADMIN_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="晋江市应急管理局").region == county()
    response = client.post(
        "/platform/orgs/service-orgs/add/",
        {
            "name": "泉州安泰安全技术咨询有限公司",
            "credit_code": factories.credit_code(900002),
            "region": city.pk,
            "address": "泉州市丰泽区刺桐路1号",
            "contact_name": "黄文",
            "contact_phone": "13960719002",
            "admin_username": "antai",
            "admin_name": "黄文",
            "admin_mobile": "13960719002",
            "admin_password": ADMIN_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="泉州安泰安全技术咨询有限公司").kind == Side.SERVICE_ORG


def test_it_marks_compulsory_industries_in_the_select(platform):
    html = platform.client(platform.admin).get("/platform/orgs/enterprises/add/").content.decode()
    assert "危险化学品（高危）" in html and "矿山（高危）" in html
    assert "制鞋（高危）" not in html and "制鞋" in html


@pytest.fixture
def existing() -> dict[str, Organisation]:
    return {
        "enterprise": factories.organisation(
            Side.ENTERPRISE, name="泉州既有企业有限公司", credit_code=factories.credit_code(900100)
        ),
        "insurer": factories.organisation(Side.INSURER, name="既有保险公司", code="exist-qz"),
    }


BAD_INPUT = [
    # (kind slug, data, field, message)
    (
        "enterprises",
        lambda e: enterprise_data(credit_code="91350582MA31T7Q6X"),
        "credit_code",
        "统一社会信用代码应为18位",
    ),
    (
        "enterprises",
        lambda e: enterprise_data(credit_code="91350503MA2XH3K1BX"),
        "credit_code",
        "统一社会信用代码校验位不正确，请核对",
    ),
    (
        "enterprises",
        lambda e: enterprise_data(credit_code=e["enterprise"].credit_code.lower()),
        "credit_code",
        "该统一社会信用代码已被“泉州既有企业有限公司”使用",
    ),
    ("insurers", lambda e: insurer_data(code="exist-qz"), "code", "登录代码已被“既有保险公司”使用"),
    ("insurers", lambda e: insurer_data(code="Bad Code!"), "code", "登录代码为2-30位小写字母、数字或连字符"),
    ("insurers", lambda e: insurer_data(name="既有保险公司"), "name", "已存在同名的保险公司"),
    (
        "enterprises",
        lambda e: enterprise_data(admin_username="platform_x"),
        "admin_username",
        "登录账号已存在",
    ),
    (
        "enterprises",
        lambda e: enterprise_data(admin_password="abcdefgh"),
        "admin_password",
        "密码必须同时包含字母和数字",
    ),
    ("insurers", lambda e: insurer_data(admin_password="ab1"), "admin_password", "密码长度太短"),
    (
        "enterprises",
        lambda e: enterprise_data(admin_mobile="12345"),
        "admin_mobile",
        "请输入正确的11位手机号码",
    ),
    (
        "enterprises",
        lambda e: enterprise_data(contact_phone="1386071"),
        "contact_phone",
        "请输入正确的11位手机号码",
    ),
    (
        "enterprises",
        lambda e: enterprise_data(region=Region.objects.get(code="350500").pk),
        "region",
        "选择一个有效的选项",
    ),
    ("enterprises", lambda e: enterprise_data(industry=""), "industry", "请选择行业"),
    (
        "regulators",
        lambda e: {**insurer_data(), "name": "某应急管理局", "region": ""},
        "region",
        "请选择管辖地区",
    ),
]


@pytest.mark.parametrize(("slug", "make_data", "field", "message"), BAD_INPUT)
def test_it_refuses_bad_input_beside_the_field_and_saves_nothing(
    platform, existing, slug, make_data, field, message
):
    factories.user(platform.org, username="platform_x")
    orgs_before, users_before = Organisation.objects.count(), User.objects.count()
    response = platform.client(platform.admin).post(
        f"/platform/orgs/{slug}/add/", make_data(existing), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message in response.content.decode()
    assert (Organisation.objects.count(), User.objects.count()) == (orgs_before, users_before)


def test_it_rolls_back_the_organisation_when_its_admin_cannot_be_created(platform):
    """The organisation row is written before the account is refused; the transaction takes it back."""
    with pytest.raises(Refused) as exc:
        services.organisation_register(
            kind=Side.INSURER,
            fields={"name": "回滚保险公司", "code": "rollback"},
            admin=services.AdminAccount(
                username=platform.admin.username, name="某", mobile="13900000000", password=ADMIN_PASSWORD
            ),
        )
    assert exc.value.field == "admin_username"
    assert not Organisation.objects.filter(name="回滚保险公司").exists()


# --- 编辑 ------------------------------------------------------------------------------------------------------
def test_it_edits_an_enterprise(platform, existing):
    org = existing["enterprise"]
    data = enterprise_data(name=org.name, credit_code=org.credit_code, contact_phone="13860719999")
    for key in [k for k in data if k.startswith("admin_")]:
        del data[key]
    response = platform.client(platform.admin).post(f"/platform/orgs/enterprises/{org.pk}/edit/", data)
    assert response.status_code == 302 and response.url == f"/platform/orgs/enterprises/{org.pk}/"
    org.refresh_from_db()
    assert org.contact_phone == "13860719999" and org.industry == industry()


def test_it_refuses_a_credit_code_of_another_organisation_on_edit(platform, existing):
    other = factories.organisation(Side.SERVICE_ORG, name="某服务机构")
    org = existing["enterprise"]
    data = {
        k: v
        for k, v in enterprise_data(name=org.name, credit_code=other.credit_code).items()
        if not k.startswith("admin_")
    }
    response = platform.client(platform.admin).post(f"/platform/orgs/enterprises/{org.pk}/edit/", data)
    assert response.status_code == 422
    assert "该统一社会信用代码已被“某服务机构”使用" in response.content.decode()
    org.refresh_from_db()
    assert org.credit_code != other.credit_code


def test_it_moves_the_login_page_when_an_insurers_code_changes(platform, existing):
    org = existing["insurer"]
    response = platform.client(platform.admin).post(
        f"/platform/orgs/insurers/{org.pk}/edit/", {"name": org.name, "code": "renamed-qz"}
    )
    assert response.status_code == 302
    assert Client().get("/insurer/login/renamed-qz/").status_code == 200
    assert Client().get("/insurer/login/exist-qz/").status_code == 404


# --- 启用 / 停用 --------------------------------------------------------------------------------------------------
def test_it_stops_a_disabled_insurers_users_from_signing_in(platform, existing):
    org = existing["insurer"]
    clerk = factories.user(org, admin=True)
    signed_in = Client()
    signed_in.force_login(clerk)
    assert signed_in.get("/insurer/").status_code == 200

    response = platform.client(platform.admin).post(
        f"/platform/orgs/insurers/{org.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert not org.is_active

    # Its login page is gone (insurer_login serves enabled insurers only), so no password is accepted there …
    client, response = sign_in(f"/insurer/login/{org.code}/", clerk.username, PASSWORD)
    assert response.status_code == 404 and "_auth_user_id" not in client.session
    assert org.name not in Client().get("/insurer/login/").content.decode()
    # … and a session opened before ends at its next request.
    response = signed_in.get("/insurer/")
    assert response.status_code == 302 and response.url.startswith("/insurer/login/")

    platform.client(platform.admin).post(f"/platform/orgs/insurers/{org.pk}/active/", {"active": "1"})
    _, response = sign_in(f"/insurer/login/{org.code}/", clerk.username, PASSWORD)
    assert response.status_code == 302 and response.url == "/insurer/"


def test_it_gives_a_disabled_enterprises_user_the_generic_sign_in_error(platform, existing):
    org = existing["enterprise"]
    user = factories.user(org, admin=True)
    platform.client(platform.admin).post(
        f"/platform/orgs/enterprises/{org.pk}/active/", {"active": "0"}, HTTP_HX_REQUEST="true"
    )
    client, response = sign_in("/enterprise/login/", user.username, PASSWORD)
    assert response.status_code == 200 and "账号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_to_disable_the_platforms_own_organisation(platform):
    with pytest.raises(Refused):
        services.organisation_set_active(actor=platform.admin, organisation=platform.org, active=False)
    platform.org.refresh_from_db()
    assert platform.org.is_active


# --- list, search, tabs, export -------------------------------------------------------------------------------
def test_it_searches_by_name_credit_code_region_and_status(platform):
    jinjiang = factories.organisation(Side.ENTERPRISE, name="晋江甲鞋业有限公司", region=county("350582"))
    nanan = factories.organisation(Side.ENTERPRISE, name="南安乙石材有限公司", region=county("350583"))
    off = factories.organisation(Side.ENTERPRISE, name="停业丙有限公司", is_active=False)
    client = platform.client(platform.admin)

    def names(query: str) -> set[str]:
        rows = client.get(f"/platform/orgs/enterprises/?{query}").context["page"].rows
        return {o.name for o in rows}

    assert names("name=鞋业") == {jinjiang.name}
    assert names(f"credit_code={nanan.credit_code[-6:]}") == {nanan.name}
    assert names(f"region={county('350582').pk}") == {jinjiang.name}
    city = Region.objects.get(code="350500").pk
    assert {jinjiang.name, nanan.name} <= names(f"region={city}")
    assert off.name in names("tab=disabled") and jinjiang.name not in names("tab=disabled")
    assert off.name not in names("tab=active")
    html = client.get("/platform/orgs/enterprises/?tab=disabled").content.decode()
    assert '停用<span class="count">(1)</span>' in html


def test_it_exports_the_filtered_list_to_excel(platform):
    factories.organisation(
        Side.ENTERPRISE, name="晋江甲鞋业有限公司", industry=Industry.objects.get(code="footwear")
    )
    factories.organisation(Side.ENTERPRISE, name="南安乙石材有限公司")
    response = platform.client(platform.admin).get("/platform/orgs/enterprises/export/?name=鞋业")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("名称", "统一社会信用代码", "所在区县", "行业")
    assert [row[0] for row in rows[1:]] == ["晋江甲鞋业有限公司"]
    assert rows[1][3] == "制鞋" and rows[1][4] == "否"


@pytest.mark.parametrize("kind", [Side.INSURER, Side.ENTERPRISE, Side.SERVICE_ORG, Side.REGULATOR])
def test_it_lists_with_a_constant_number_of_queries(platform, kind, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    slug = {
        "insurer": "insurers",
        "enterprise": "enterprises",
        "service_org": "service-orgs",
        "regulator": "regulators",
    }[kind]
    client = platform.client(platform.admin)
    url = f"/platform/orgs/{slug}/?size=50"

    def add(n: int) -> None:
        for _ in range(n):
            org = factories.organisation(
                kind, industry=Industry.objects.first() if kind == Side.ENTERPRISE else None
            )
            factories.user(org, admin=True)

    add(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    add(25)
    with django_assert_max_num_queries(len(five)):
        response = client.get(url)
    assert len(response.context["page"].rows) >= 30


# --- 详情 and 重置密码 --------------------------------------------------------------------------------------------
def test_it_lists_the_organisations_accounts_read_only(platform, existing):
    org = existing["insurer"]
    admin = factories.user(org, admin=True, name="林管理")
    clerk = factories.user(org, name="陈业务")
    html = platform.client(platform.admin).get(f"/platform/orgs/insurers/{org.pk}/").content.decode()
    assert "林管理" in html and "陈业务" in html and org.name in html
    assert f"/accounts/{admin.pk}/reset-password/" in html
    assert f"/accounts/{clerk.pk}/reset-password/" not in html  # only the 管理员's password


def test_it_resets_an_admins_password(platform, existing):
    org = existing["insurer"]
    admin = factories.user(org, admin=True)
    url = f"/platform/orgs/insurers/{org.pk}/accounts/{admin.pk}/reset-password/"
    response = platform.client(platform.admin).post(
        url, {"new_password": "Reset2026abc", "confirm_password": "Reset2026abc"}
    )
    assert response.status_code == 302
    _, response = sign_in(f"/insurer/login/{org.code}/", admin.username, "Reset2026abc")
    assert response.status_code == 302 and response.url == "/insurer/"


def test_it_refuses_a_weak_or_mismatched_reset_password(platform, existing):
    org = existing["insurer"]
    admin = factories.user(org, admin=True)
    url = f"/platform/orgs/insurers/{org.pk}/accounts/{admin.pk}/reset-password/"
    client = platform.client(platform.admin)
    response = client.post(url, {"new_password": "abcdefgh", "confirm_password": "abcdefgh"})
    assert response.status_code == 422 and "密码必须同时包含字母和数字" in response.content.decode()
    response = client.post(url, {"new_password": "Reset2026abc", "confirm_password": "Reset2026abd"})
    assert response.status_code == 422 and "两次输入的密码不一致" in response.content.decode()
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)


def test_it_refuses_to_reset_a_password_of_a_non_admin_account(platform, existing):
    org = existing["insurer"]
    clerk = factories.user(org)
    url = f"/platform/orgs/insurers/{org.pk}/accounts/{clerk.pk}/reset-password/"
    response = platform.client(platform.admin).post(
        url, {"new_password": "Reset2026abc", "confirm_password": "Reset2026abc"}
    )
    assert response.status_code == 422 and "只能重置该机构管理员账号的密码" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_it_lifts_a_lock_out_when_it_resets_the_password(platform, existing, settings):
    org = existing["insurer"]
    admin = factories.user(org, admin=True)
    login_url = f"/insurer/login/{org.code}/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(login_url, admin.username, "Wrong2026pass")
    _, response = sign_in(login_url, admin.username, PASSWORD)
    assert "锁定" in response.content.decode()
    platform.client(platform.admin).post(
        f"/platform/orgs/insurers/{org.pk}/accounts/{admin.pk}/reset-password/",
        {"new_password": "Reset2026abc", "confirm_password": "Reset2026abc"},
    )
    _, response = sign_in(login_url, admin.username, "Reset2026abc")
    assert response.status_code == 302 and response.url == "/insurer/"


def test_it_records_the_reset_in_the_organisations_operation_log(platform, existing):
    from auditlog.models import LogEntry

    org = existing["insurer"]
    admin = factories.user(org, admin=True)
    platform.client(platform.admin).post(
        f"/platform/orgs/insurers/{org.pk}/accounts/{admin.pk}/reset-password/",
        {"new_password": "Reset2026abc", "confirm_password": "Reset2026abc"},
    )
    entry = LogEntry.objects.filter(object_pk=str(admin.pk), changes__has_key="密码").get()
    assert entry.actor == platform.admin
    assert entry.additional_data == {"organisation_id": org.pk}
    admin.refresh_from_db()  # the session is bound to the new password hash
    html = platform.client(admin).get("/insurer/system/logs/operations/").content.decode()
    assert "由平台重置" in html and platform.admin.name in html
