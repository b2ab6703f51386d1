"""个人中心: one's own name, phone and password (old password required)."""

from __future__ import annotations

import pytest

from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/insurer/profile/"


def test_it_shows_the_profile_to_any_signed_in_user(insurer):
    html = insurer.client(insurer.limited).get(URL).content.decode()
    assert insurer.limited.username in html and "修改密码" in html


def test_it_updates_name_and_mobile(insurer):
    client = insurer.client(insurer.limited)
    assert client.post(URL, {"form": "profile", "name": "新名", "mobile": "13512345678"}).status_code == 302
    insurer.limited.refresh_from_db()
    assert (insurer.limited.name, insurer.limited.mobile) == ("新名", "13512345678")


def test_it_refuses_a_bad_mobile(insurer):
    response = insurer.client(insurer.limited).post(URL, {"form": "profile", "name": "新名", "mobile": "123"})
    assert response.status_code == 422 and "请输入正确的11位手机号码" in response.content.decode()


def test_it_changes_the_password_with_the_old_one_and_stays_signed_in(insurer):
    client = insurer.client(insurer.limited)
    response = client.post(
        URL,
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password": "Fresh2026pw",
            "confirm_password": "Fresh2026pw",
        },
    )
    assert response.status_code == 302
    insurer.limited.refresh_from_db()
    assert insurer.limited.check_password("Fresh2026pw")
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong", "new_password": "Fresh2026pw", "confirm_password": "Fresh2026pw"},
            "原密码不正确",
        ),
        (
            {"old_password": PASSWORD, "new_password": "Fresh2026pw", "confirm_password": "Other2026pw"},
            "两次输入的密码不一致",
        ),
        ({"old_password": PASSWORD, "new_password": "short1", "confirm_password": "short1"}, "密码长度太短"),
    ],
)
def test_it_refuses_bad_password_changes(insurer, data, message):
    response = insurer.client(insurer.limited).post(URL, {"form": "password", **data})
    assert response.status_code == 422 and message in response.content.decode()
    insurer.limited.refresh_from_db()
    assert insurer.limited.check_password(PASSWORD)


def test_it_redirects_anonymous_users_to_login(client):
    assert client.get(URL).url.startswith("/insurer/login/")
