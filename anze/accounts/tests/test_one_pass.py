"""One-pass validation of 新增账号 / 编辑账号 (issue 12 §4): a duplicate login, a weak password and a role out of
reach are reported in the same response as a bad phone number, each beside its field, and nothing is saved."""

from __future__ import annotations

import pytest

from anze.accounts import services
from anze.accounts.models import User
from anze.accounts.tests.test_users import new_user_data
from anze.core.errors import Refused
from anze.core.testing import factories

pytestmark = pytest.mark.django_db
ADD = "/insurer/system/users/add/"


def test_new_account_shows_the_duplicate_login_and_the_weak_password_beside_a_bad_phone(insurer):
    """Before: 登录账号已存在 and the password's weakness appeared only after the phone was fixed."""
    factories.user(insurer.other_org, username="Taken")
    before = User.objects.count()
    response = insurer.client(insurer.admin).post(
        ADD,
        new_user_data(username="taken", mobile="1369777", password="onlyletters", name=""),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["username"] == ["登录账号已存在"]
    assert "密码必须同时包含字母和数字" in errors["password"][0]
    assert errors["mobile"] == ["请输入正确的11位手机号码"]
    assert errors["name"] == ["请输入姓名"]
    page = response.content.decode()
    for message in ("登录账号已存在", "密码必须同时包含字母和数字", "请输入正确的11位手机号码", "请输入姓名"):
        assert message in page
    assert User.objects.count() == before


def test_new_account_shows_a_role_out_of_reach_beside_a_bad_phone(insurer):
    clerk = factories.user(
        insurer.org, roles=[factories.role(insurer.org, ["system.user.view", "system.user.add"])]
    )
    wide = factories.role(insurer.org, ["order.view", "order.quote"], name="出单员")
    response = insurer.client(clerk).post(
        ADD, new_user_data(mobile="123", roles=[wide.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["mobile"] == ["请输入正确的11位手机号码"]
    assert "不能分配超出您本人权限的角色“出单员”" in errors["roles"]


def test_edit_account_shows_the_weak_password_beside_a_bad_phone(insurer):
    target = factories.user(insurer.org, name="李四")
    response = insurer.client(insurer.admin).post(
        f"/insurer/system/users/{target.pk}/edit/",
        new_user_data(username=target.username, mobile="1", password="short1"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["mobile"] == ["请输入正确的11位手机号码"]
    assert "密码长度太短" in errors["password"][0]
    target.refresh_from_db()
    assert target.name == "李四"


def test_the_service_refuses_every_problem_at_once(insurer):
    factories.user(insurer.other_org, username="taken")
    with pytest.raises(Refused) as refused:
        services.user_create(
            actor=insurer.admin,
            organisation=insurer.org,
            username="taken",
            name="",
            mobile="13697770764",
            password="short1",
        )
    assert set(refused.value.errors) >= {"username", "password", "name"}
