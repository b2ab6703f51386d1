"""Sign-in on /enterprise/login/ by 统一社会信用代码 or login name, with the lock-out rules of every side: one
counter per account however it is named, and the same generic error for every failure."""

from __future__ import annotations

import pytest
from django.test import Client

from anze.accounts import services
from anze.accounts.models import User
from anze.audit.models import LoginLog
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/enterprise/login/"
LOCKED = "登录失败次数过多，账号已被锁定，请10分钟后再试"


def login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.9"):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


@pytest.fixture
def registered(db: None) -> tuple[User, User]:
    """An enterprise registered on the portal (its 管理员's login name is the credit code) and a colleague."""
    enterprise = factories.organisation(Side.ENTERPRISE)
    admin = factories.user(enterprise, admin=True, username=enterprise.credit_code)
    colleague = factories.user(enterprise, username="zhang_caiwu")
    return admin, colleague


def test_it_signs_in_by_credit_code(registered):
    admin, _ = registered
    client = Client()
    response = login(client, admin.organisation.credit_code.lower())  # typed in lower case
    assert response.status_code == 302 and response.url == "/enterprise/"
    assert signed_in_as(client) == admin.pk


def test_it_signs_in_by_login_name(registered):
    _, colleague = registered
    client = Client()
    assert login(client, "ZHANG_CAIWU").status_code == 302
    assert signed_in_as(client) == colleague.pk


def test_a_credit_code_signs_in_to_the_oldest_admin_of_an_enterprise_created_by_the_platform(db):
    enterprise = factories.organisation(Side.ENTERPRISE)
    first = factories.user(enterprise, admin=True, username="hengan")
    factories.user(enterprise, admin=True, username="hengan2")
    client = Client()
    assert login(client, enterprise.credit_code).status_code == 302
    assert signed_in_as(client) == first.pk


def test_a_credit_code_always_names_its_enterprise_not_an_account_given_that_login_name(enterprise):
    target = factories.organisation(Side.ENTERPRISE)
    admin = factories.user(target, admin=True, username="hengan")
    # Someone of another enterprise names an account after this enterprise's credit code …
    squatter = services.user_create(
        actor=enterprise.admin,
        organisation=enterprise.org,
        username=target.credit_code.lower(),
        name="冒名",
        mobile="13800000001",
        password="Squat2026pass",
    )
    # … which does not sign in with it, and does not stand in the enterprise's way.
    client = Client()
    assert "账号或密码错误" in login(client, squatter.username, "Squat2026pass").content.decode()
    assert login(client, target.credit_code).status_code == 302
    assert signed_in_as(client) == admin.pk


@pytest.mark.parametrize("how", ["wrong password", "unknown credit code", "other side", "disabled"])
def test_every_failure_gives_the_same_generic_error(registered, insurer, how):
    admin, colleague = registered
    username, password = {
        "wrong password": (admin.organisation.credit_code, "Wrong12345"),
        "unknown credit code": (factories.credit_code(990001), PASSWORD),
        "other side": (insurer.admin.username, PASSWORD),
        "disabled": (colleague.username, PASSWORD),
    }[how]
    if how == "disabled":
        User.objects.filter(pk=colleague.pk).update(is_active=False)
    client = Client()
    page = login(client, username, password).content.decode()
    assert "账号或密码错误" in page and signed_in_as(client) is None


def test_the_credit_code_and_the_login_name_share_one_lockout_counter(db):
    enterprise = factories.organisation(Side.ENTERPRISE)
    admin = factories.user(enterprise, admin=True, username="hengan")
    client = Client()
    for name in [enterprise.credit_code, "hengan", enterprise.credit_code.lower(), "HENGAN"]:
        assert "账号或密码错误" in login(client, name, "Wrong12345").content.decode()
    assert LOCKED in login(client, enterprise.credit_code, "Wrong12345").content.decode()
    # Locked under either name, even with the right password …
    assert LOCKED in login(client, "hengan").content.decode()
    assert LOCKED in login(client, enterprise.credit_code).content.decode()
    assert signed_in_as(client) is None
    # … from this address only, as on every side.
    other = Client()
    assert login(other, enterprise.credit_code, ip="10.0.0.10").status_code == 302
    assert signed_in_as(other) == admin.pk


def test_an_unknown_credit_code_locks_like_a_known_one(db):
    unknown = factories.credit_code(990002)
    client = Client()
    for _ in range(5):
        login(client, unknown, "Wrong12345")
    assert LOCKED in login(client, unknown, "Wrong12345").content.decode()


def test_a_failure_by_credit_code_is_logged_under_what_was_typed(registered):
    admin, _ = registered
    login(Client(), admin.organisation.credit_code, "Wrong12345")
    log = LoginLog.objects.get()
    assert not log.success and log.username == admin.organisation.credit_code
    assert log.organisation == admin.organisation
