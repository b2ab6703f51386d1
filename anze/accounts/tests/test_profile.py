"""个人中心: one's own name, phone and password (old password required)."""

from __future__ import annotations

import pytest

from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/insurer/profile/"


def test_it_shows_the_profile_to_any_signed_in_user(insurer):
    html = insurer.client(insurer.limited).get(URL).content.decode()
    assert insurer.limited.username in html and "修改密码" in html


def test_it_updates_name_and_mobile_with_the_current_password(insurer):
    client = insurer.client(insurer.limited)
    data = {"form": "profile", "name": "新名", "mobile": "13512345678", "password": PASSWORD}
    assert client.post(URL, data).status_code == 302
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


# --- security review, finding 10 -----------------------------------------------------------------------------
def field_errors(page: str, name: str) -> str:
    """The form row of input ``name``: its label, input and the error beside it."""
    at = page.index(f'name="{name}"')
    start = page.rfind('<div class="form-row', 0, at)
    end = page.find('<div class="form-row', at)
    return page[start : end if end != -1 else len(page)]


def change_password(client, old: str):  # type: ignore[no-untyped-def]
    data = {
        "form": "password",
        "old_password": old,
        "new_password": "Fresh2026pw",
        "confirm_password": "Fresh2026pw",
    }
    return client.post(URL, data, REMOTE_ADDR="10.1.1.1")


def test_it_locks_out_guessing_the_old_password_like_sign_in(insurer, settings):
    """Attack: a stolen session guesses 原密码 without limit. After AXES_FAILURE_LIMIT wrong ones the field says
    it is locked and for how many minutes, and even the right 原密码 changes nothing until then."""
    client = insurer.client(insurer.limited)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = change_password(client, "Guess12345").content.decode()
        assert "原密码不正确" in field_errors(page, "old_password")
    locked = change_password(client, "Guess12345")
    assert locked.status_code == 422
    assert "密码错误次数过多，已被锁定，请10分钟后再试" in field_errors(
        locked.content.decode(), "old_password"
    )
    right = change_password(client, PASSWORD)
    assert right.status_code == 422 and "已被锁定" in field_errors(right.content.decode(), "old_password")
    insurer.limited.refresh_from_db()
    assert insurer.limited.check_password(PASSWORD)


def test_the_old_password_lock_shows_the_minutes_left(insurer, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    client = insurer.client(insurer.limited)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change_password(client, "Guess12345")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=150)
    )
    page = change_password(client, PASSWORD).content.decode()
    assert "请3分钟后再试" in field_errors(page, "old_password")


def test_a_right_old_password_clears_the_count_like_a_sign_in(insurer, settings):
    client = insurer.client(insurer.limited)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        change_password(client, "Guess12345")
    assert change_password(client, PASSWORD).status_code == 302
    insurer.limited.refresh_from_db()
    assert insurer.limited.check_password("Fresh2026pw")


def test_it_refuses_to_change_the_mobile_without_the_current_password(insurer):
    """Attack: a stolen session moves the account's mobile to the attacker's phone (then 忘记密码 sends the
    codes there). The current password is required; nothing is saved without it."""
    client = insurer.client(insurer.limited)
    before = insurer.limited.mobile
    missing = client.post(URL, {"form": "profile", "name": "新名", "mobile": "13512345678"})
    assert missing.status_code == 422
    assert "修改手机号码须输入当前登录密码" in field_errors(missing.content.decode(), "password")
    wrong = client.post(
        URL, {"form": "profile", "name": "新名", "mobile": "13512345678", "password": "Guess12345"}
    )
    assert wrong.status_code == 422 and "密码不正确" in field_errors(wrong.content.decode(), "password")
    insurer.limited.refresh_from_db()
    assert (insurer.limited.name, insurer.limited.mobile) == (insurer.limited.name, before)
    assert insurer.limited.name != "新名"


def test_it_changes_the_mobile_with_the_current_password(insurer):
    client = insurer.client(insurer.limited)
    data = {"form": "profile", "name": "新名", "mobile": "13512345678", "password": PASSWORD}
    assert client.post(URL, data).status_code == 302
    insurer.limited.refresh_from_db()
    assert (insurer.limited.name, insurer.limited.mobile) == ("新名", "13512345678")


def test_it_changes_only_the_name_without_a_password(insurer):
    client = insurer.client(insurer.limited)
    data = {"form": "profile", "name": "只改名", "mobile": insurer.limited.mobile}
    assert client.post(URL, data).status_code == 302
    insurer.limited.refresh_from_db()
    assert insurer.limited.name == "只改名"


def test_wrong_passwords_for_the_mobile_count_towards_the_same_lock_out(insurer, settings):
    client = insurer.client(insurer.limited)
    data = {"form": "profile", "name": "新名", "mobile": "13512345678", "password": "Guess12345"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(URL, data, REMOTE_ADDR="10.1.1.1")
    page = change_password(client, PASSWORD).content.decode()
    assert "已被锁定" in field_errors(page, "old_password")
