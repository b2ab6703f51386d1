"""Sign-in (docs/spec/user-manual.txt §二): landing → 保险端 → 保险公司选择 → the insurer's own page; lock-out;
sessions; passwords."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.utils import timezone

from anze.accounts import services
from anze.accounts.models import User
from anze.audit.models import LoginLog
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, url: str, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_offers_one_entry_per_side_on_the_landing_page(client):
    html = client.get("/").content.decode()
    assert "安全生产责任保险监管平台" in html
    for label, url in [
        ("保险端", "/insurer/login/"),
        ("企业端", "/enterprise/login/"),
        ("服务机构端", "/service/login/"),
        ("监管端", "/regulator/login/"),
        ("平台管理", "/platform/login/"),
    ]:
        assert label in html and f'href="{url}"' in html


def test_it_lists_each_active_insurer_as_a_tile(client):
    a = factories.organisation(Side.INSURER, name="甲财产保险泉州分公司", code="jia")
    disabled = factories.organisation(Side.INSURER, name="停业保险公司", code="gone", is_active=False)
    html = client.get("/insurer/login/").content.decode()
    assert "保险公司选择" in html
    assert a.name in html and "/insurer/login/jia/" in html
    assert disabled.name not in html


def test_it_shows_the_insurer_name_on_its_login_page(client, insurer):
    html = client.get(f"/insurer/login/{insurer.org.code}/").content.decode()
    assert insurer.org.name in html


def test_it_404s_for_an_unknown_insurer_code(client, db):
    assert client.get("/insurer/login/nope/").status_code == 404


def test_it_signs_in_to_the_insurers_back_office(client, insurer):
    response = login(client, f"/insurer/login/{insurer.org.code}/", insurer.admin.username)
    assert response.status_code == 302 and response.url == "/insurer/"
    assert client.get("/insurer/").status_code == 200
    log = LoginLog.objects.get()
    assert log.success and log.organisation == insurer.org and log.ip == "10.0.0.1"


def test_it_gives_a_user_of_another_insurer_the_same_error_as_a_wrong_password(client, insurer):
    other_page = f"/insurer/login/{insurer.other_org.code}/"
    wrong_org = login(client, other_page, insurer.admin.username).content.decode()
    wrong_password = login(
        client, other_page, insurer.other_org_admin.username, "Wrong12345"
    ).content.decode()
    assert "账号或密码错误" in wrong_org and "账号或密码错误" in wrong_password
    assert "_auth_user_id" not in client.session
    failure = LoginLog.objects.filter(success=False, username=insurer.admin.username).get()
    assert failure.organisation == insurer.org  # filed under the account's organisation, for its 管理员


def test_it_refuses_an_account_of_another_side_on_each_login_page(client, insurer, enterprise):
    for url, user in [
        ("/enterprise/login/", insurer.admin),
        (f"/insurer/login/{insurer.org.code}/", enterprise.admin),
        ("/platform/login/", enterprise.admin),
    ]:
        assert "账号或密码错误" in login(client, url, user.username).content.decode()


def test_it_signs_in_on_the_other_sides_own_login_pages(enterprise, service_org):
    for url, user, home in [
        ("/enterprise/login/", enterprise.admin, "/enterprise/"),
        ("/service/login/", service_org.admin, "/service/"),
    ]:
        response = login(Client(), url, user.username)
        assert response.status_code == 302 and response.url == home


def test_it_follows_next_only_within_the_side(client, insurer):
    url = f"/insurer/login/{insurer.org.code}/"
    ok = client.post(
        url + "?next=/insurer/system/users/", {"username": insurer.admin.username, "password": PASSWORD}
    )
    assert ok.url == "/insurer/system/users/"
    evil = Client().post(
        url + "?next=https://evil.example/", {"username": insurer.admin.username, "password": PASSWORD}
    )
    assert evil.url == "/insurer/"


def test_it_locks_a_login_name_after_five_failures_from_one_ip(client, insurer):
    url = f"/insurer/login/{insurer.org.code}/"
    for _ in range(4):
        assert "账号或密码错误" in login(client, url, insurer.admin.username, "Wrong12345").content.decode()
    fifth = login(client, url, insurer.admin.username, "Wrong12345").content.decode()
    assert "登录失败次数过多，账号已被锁定，请10分钟后再试" in fifth
    # Locked: even the right password is refused from this IP …
    locked = login(client, url, insurer.admin.username)
    assert "已被锁定" in locked.content.decode() and "_auth_user_id" not in client.session
    # … but not from another IP.
    other_ip = Client()
    assert login(other_ip, url, insurer.admin.username, ip="10.0.0.2").status_code == 302


def test_it_counts_lockouts_case_insensitively(client, insurer):
    url = f"/insurer/login/{insurer.org.code}/"
    for name in ["ADMIN_X", "admin_x", "Admin_X", "admin_X", "ADMIN_x"]:
        login(client, url, name, "Wrong12345")
    assert "已被锁定" in login(client, url, "admin_x", "Wrong12345").content.decode()


def test_it_unlocks_after_ten_minutes(client, insurer, settings):
    from axes.models import AccessAttempt

    url = f"/insurer/login/{insurer.org.code}/"
    for _ in range(5):
        login(client, url, insurer.admin.username, "Wrong12345")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert login(client, url, insurer.admin.username).status_code == 302


def test_the_lock_out_message_says_the_minutes_left_and_a_try_does_not_restart_them(
    client, insurer, settings
):
    from axes.models import AccessAttempt

    url = f"/insurer/login/{insurer.org.code}/"
    for _ in range(5):
        login(client, url, insurer.admin.username, "Wrong12345")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=150)
    )
    assert "请3分钟后再试" in login(client, url, insurer.admin.username, "Wrong12345").content.decode()
    assert "请3分钟后再试" in login(client, url, insurer.admin.username).content.decode()


def test_it_refuses_disabled_deleted_and_organisation_disabled_accounts(insurer):
    url = f"/insurer/login/{insurer.org.code}/"
    disabled = factories.user(insurer.org, is_active=False)
    assert "账号或密码错误" in login(Client(), url, disabled.username).content.decode()
    gone = factories.user(insurer.org)
    services.user_delete(actor=insurer.admin, user=gone)
    assert "账号或密码错误" in login(Client(), url, gone.username).content.decode()
    insurer.org.is_active = False
    insurer.org.save()
    assert login(Client(), url, insurer.admin.username).status_code in (200, 404)
    assert "_auth_user_id" not in Client().session


def test_it_ends_the_session_of_a_user_disabled_meanwhile(insurer):
    client = insurer.client(insurer.limited)
    assert client.get("/insurer/").status_code == 200
    User.objects.filter(pk=insurer.limited.pk).update(is_active=False)
    response = client.get("/insurer/")
    assert response.status_code == 302 and response.url.startswith("/insurer/login/")


def test_it_expires_idle_sessions_after_thirty_minutes(client, insurer, settings):
    login(client, f"/insurer/login/{insurer.org.code}/", insurer.admin.username)
    assert client.get("/insurer/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    response = client.get("/insurer/")
    assert response.status_code == 302 and response.url.startswith("/insurer/login/")
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_it_signs_out_to_the_insurers_own_page(client, insurer):
    login(client, f"/insurer/login/{insurer.org.code}/", insurer.admin.username)
    response = client.post("/insurer/logout/")
    assert response.url == f"/insurer/login/{insurer.org.code}/"
    assert client.get("/insurer/").status_code == 302


def test_it_hashes_passwords_with_argon2(insurer, settings):
    """The production hashers (the test settings put MD5 first for speed)."""
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    user = services.user_create(
        actor=insurer.admin,
        organisation=insurer.org,
        username="hash_check",
        name="哈希",
        mobile="13800001111",
        password="Strong1234x",
    )
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc123", "密码长度太短"),
        ("abcdefghij", "密码必须同时包含字母和数字"),
        ("1234567890", "密码必须同时包含字母和数字"),
        ("password1", "这个密码太常见了"),
    ],
)
def test_it_refuses_weak_passwords(insurer, password, message):
    from anze.core.errors import Refused

    with pytest.raises(Refused) as exc:
        services.user_create(
            actor=insurer.admin,
            organisation=insurer.org,
            username="weak_pw",
            name="弱",
            mobile="13800001111",
            password=password,
        )
    assert message in exc.value.message and exc.value.field == "password"
    assert not User.objects.filter(username="weak_pw").exists()
