"""Grants (docs/spec/ARCHITECTURE.md "Grants", issue 11 finding 2): nobody grants a role or a permission they do not hold,
nobody edits their own roles, and only a 管理员 (or someone holding every permission of the account) touches an
account that can do more than they can. Each attack is a forged POST, as an attacker would send it."""

from __future__ import annotations

import pytest

from anze.accounts import services
from anze.accounts.models import Role, User
from anze.core import catalogue
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
USERS = "/insurer/system/users/"
ROLES = "/insurer/system/roles/"
USER_MANAGER = ["system.user.view", "system.user.add", "system.user.edit"]
ROLE_MANAGER = ["system.role.view", "system.role.edit"]


def account_data(**overrides):
    data = {
        "username": "mole",
        "name": "内鬼",
        "mobile": "13697770764",
        "password": "Mole2026pass",
        "is_active": "on",
        "remark": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def user_manager(insurer):
    role = factories.role(insurer.org, USER_MANAGER, name="账号专员")
    return factories.user(insurer.org, roles=[role], username="usermgr", name="账号专员甲")


@pytest.fixture
def role_manager(insurer):
    role = factories.role(insurer.org, ROLE_MANAGER, name="角色专员")
    return factories.user(insurer.org, roles=[role], username="rolemgr", name="角色专员甲")


def roles_of(user: User) -> set[str]:
    return set(user.roles.values_list("name", flat=True))


# --- the reported attack: system.user.view/add/edit → 管理员 ---------------------------------------------
def test_attack_a_user_manager_cannot_create_a_new_admin_account(insurer, user_manager, client_for):
    """Step 1 of the report: 新增账号 with the 管理员 role ticked (forged: the box is not offered)."""
    admin_role = services.admin_role_of(insurer.org)
    client = client_for(user_manager)
    form_html = client.get(f"{USERS}add/").content.decode()
    assert f'value="{admin_role.pk}"' not in form_html  # not offered
    response = client.post(f"{USERS}add/", account_data(roles=[admin_role.pk]))
    assert response.status_code == 422
    assert "只有管理员可以分配“管理员”角色" in response.context["form"].errors["roles"][0]
    assert not User.objects.filter(username="mole").exists()


def test_attack_a_user_manager_cannot_give_itself_the_admin_role(insurer, user_manager, client_for):
    """Step 2 of the report: 编辑 one's own account and tick 管理员."""
    admin_role = services.admin_role_of(insurer.org)
    own = list(user_manager.roles.values_list("pk", flat=True))
    response = client_for(user_manager).post(
        f"{USERS}{user_manager.pk}/edit/",
        {"name": "账号专员甲", "mobile": "13697770764", "roles": [*own, admin_role.pk], "is_active": "on"},
    )
    assert response.status_code == 422
    assert "不能修改自己的角色" in response.context["form"].errors["roles"][0]
    assert roles_of(user_manager) == {"账号专员"}


def test_attack_a_user_manager_cannot_reset_the_admins_password(insurer, user_manager, client_for):
    """Step 3 of the report: 编辑 picc_admin with a new password (and every other way to touch the 管理员)."""
    client = client_for(user_manager)
    url = f"{USERS}{insurer.admin.pk}/edit/"
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"name": "管理员甲", "mobile": "13697770764", "password": "Taken2026over", "is_active": "on"}
    )
    assert response.status_code == 403
    assert "权限超出您的权限" in response.content.decode()
    insurer.admin.refresh_from_db()
    assert insurer.admin.check_password(PASSWORD) and insurer.admin.is_active
    assert client.post(f"{USERS}{insurer.admin.pk}/active/", {"active": "0"}).status_code == 403
    insurer.admin.refresh_from_db()
    assert insurer.admin.is_active


def test_attack_a_user_manager_cannot_grant_a_role_with_permissions_it_lacks(
    insurer, user_manager, client_for
):
    """A role of 订单 permissions is not the user manager's to give, to a new account or an existing one."""
    orders = factories.role(insurer.org, ["order.view", "order.export"], name="订单查询")
    clerk = factories.user(insurer.org, name="普通员工")
    client = client_for(user_manager)
    assert f'value="{orders.pk}"' not in client.get(f"{USERS}add/").content.decode()
    response = client.post(f"{USERS}add/", account_data(roles=[orders.pk]))
    assert response.status_code == 422
    assert "不能分配超出您本人权限的角色“订单查询”" in response.context["form"].errors["roles"][0]
    response = client.post(
        f"{USERS}{clerk.pk}/edit/",
        {"name": "普通员工", "mobile": "13697770764", "roles": [orders.pk], "is_active": "on"},
    )
    assert response.status_code == 422 and "订单查询" in response.context["form"].errors["roles"][0]
    assert not User.objects.filter(username="mole").exists() and roles_of(clerk) == set()


def test_a_user_manager_still_manages_accounts_within_its_own_permissions(insurer, user_manager, client_for):
    """The allowed path: a role the manager could hold itself, an account that can do no more than it."""
    same = factories.role(insurer.org, ["system.user.view"], name="账号查看")
    clerk = factories.user(insurer.org, name="普通员工")
    client = client_for(user_manager)
    assert f'value="{same.pk}"' in client.get(f"{USERS}add/").content.decode()
    assert client.post(f"{USERS}add/", account_data(roles=[same.pk])).status_code == 302
    assert roles_of(User.objects.get(username="mole")) == {"账号查看"}
    response = client.post(
        f"{USERS}{clerk.pk}/edit/",
        {
            "name": "普通员工",
            "mobile": "13697770764",
            "roles": [same.pk],
            "password": "Clerk2026new",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert roles_of(clerk) == {"账号查看"} and clerk.check_password("Clerk2026new")


def test_the_user_list_offers_no_buttons_on_accounts_beyond_the_editor(insurer, user_manager, client_for):
    clerk = factories.user(insurer.org, name="普通员工")
    html = client_for(user_manager).get(USERS).content.decode()
    assert f"{USERS}{clerk.pk}/edit/" in html
    assert f"{USERS}{insurer.admin.pk}/edit/" not in html
    assert f"{USERS}{insurer.admin.pk}/active/" not in html


def test_a_user_manager_cannot_touch_an_account_with_more_permissions(insurer, client_for):
    """Not only the 管理员: any account holding a permission the editor lacks is out of its reach."""
    manager = factories.user(
        insurer.org,
        roles=[factories.role(insurer.org, [*USER_MANAGER, "system.user.delete"])],
    )
    senior = factories.user(
        insurer.org, roles=[factories.role(insurer.org, ["system.user.view", "order.view"])]
    )
    client = client_for(manager)
    for method, url in [
        ("get", f"{USERS}{senior.pk}/edit/"),
        ("post", f"{USERS}{senior.pk}/edit/"),
        ("post", f"{USERS}{senior.pk}/active/"),
        ("post", f"{USERS}{senior.pk}/delete/"),
    ]:
        assert getattr(client, method)(url, {"active": "0"}).status_code == 403, url
    senior.refresh_from_db()
    assert senior.is_active and not senior.is_deleted


# --- self-edit -------------------------------------------------------------------------------------------------
def test_nobody_edits_their_own_roles_not_even_an_admin(insurer):
    """The roles are read-only on one's own account; a forged change is refused beside the field."""
    extra = factories.role(insurer.org, ["order.view"], name="订单查看")
    client = insurer.client(insurer.admin)
    form_html = client.get(f"{USERS}{insurer.admin.pk}/edit/").content.decode()
    assert "不能修改自己的角色" in form_html
    admin_role = services.admin_role_of(insurer.org)
    response = client.post(
        f"{USERS}{insurer.admin.pk}/edit/",
        {"name": "管理员甲", "mobile": "13697770764", "roles": [admin_role.pk, extra.pk], "is_active": "on"},
    )
    assert response.status_code == 422
    assert "不能修改自己的角色" in response.context["form"].errors["roles"][0]
    assert roles_of(insurer.admin) == {"管理员"}
    # Without a forged change, one's own name and phone still save.
    response = client.post(
        f"{USERS}{insurer.admin.pk}/edit/", {"name": "新名字", "mobile": "13611112222", "is_active": "on"}
    )
    assert response.status_code == 302
    insurer.admin.refresh_from_db()
    assert insurer.admin.name == "新名字" and roles_of(insurer.admin) == {"管理员"}


def test_ones_own_password_changes_in_the_profile_not_in_the_account_list(insurer):
    """账号管理 would skip 个人中心's 原密码 check: a stolen session must not set a new password there."""
    response = insurer.client(insurer.admin).post(
        f"{USERS}{insurer.admin.pk}/edit/",
        {"name": "管理员甲", "mobile": "13697770764", "password": "Hijack2026x", "is_active": "on"},
    )
    assert response.status_code == 422
    assert "请在个人中心修改自己的密码" in response.context["form"].errors["password"][0]
    insurer.admin.refresh_from_db()
    assert insurer.admin.check_password(PASSWORD)


def test_the_service_refuses_a_change_of_ones_own_roles(insurer, user_manager):
    from anze.core.errors import Refused

    with pytest.raises(Refused, match="不能修改自己的角色"):
        services.user_update(
            actor=user_manager,
            user=user_manager,
            name="x",
            mobile="13697770764",
            roles=[*user_manager.roles.all(), services.admin_role_of(insurer.org)],
        )
    with pytest.raises(Refused, match="不能取消自己的管理员角色"):
        services.user_update(
            actor=insurer.admin, user=insurer.admin, name="x", mobile="13697770764", roles=[]
        )
    assert roles_of(user_manager) == {"账号专员"} and roles_of(insurer.admin) == {"管理员"}


# --- the reported attack: system.role.view/edit → order.view/export --------------------------------------
def test_attack_a_role_manager_cannot_add_permissions_to_its_own_role(insurer, role_manager, client_for):
    own = role_manager.roles.get()
    client = client_for(role_manager)
    url = f"{ROLES}{own.pk}/edit/"
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"name": own.name, "permissions": [*ROLE_MANAGER, "order.view", "order.export"]}
    )
    assert response.status_code == 403 and "不能修改自己所属的角色" in response.content.decode()
    own.refresh_from_db()
    assert own.permissions == ROLE_MANAGER
    assert client_for(role_manager).get("/insurer/orders/").status_code == 403


def test_attack_a_role_manager_cannot_grant_permissions_it_lacks_to_another_role(
    insurer, role_manager, client_for
):
    other = factories.role(insurer.org, ["system.role.view"], name="角色查看")
    client = client_for(role_manager)
    form_html = client.get(f"{ROLES}{other.pk}/edit/").content.decode()
    assert 'value="order.view" disabled' in form_html  # shown, greyed out
    response = client.post(
        f"{ROLES}{other.pk}/edit/", {"name": "角色查看", "permissions": ["system.role.view", "order.view"]}
    )
    assert response.status_code == 422
    assert "不能授予您本人不具备的权限：查看订单" in response.context["form"].errors["permissions"][0]
    other.refresh_from_db()
    assert other.permissions == ["system.role.view"]
    # Within its own permissions the edit goes through.
    response = client.post(
        f"{ROLES}{other.pk}/edit/",
        {"name": "角色查看", "permissions": ["system.role.view", "system.role.edit"]},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.permissions == ["system.role.view", "system.role.edit"]


def test_attack_a_role_creator_cannot_create_a_role_with_permissions_it_lacks(insurer, client_for):
    creator = factories.user(
        insurer.org, roles=[factories.role(insurer.org, ["system.role.view", "system.role.add"])]
    )
    response = client_for(creator).post(
        f"{ROLES}add/", {"name": "订单全权", "permissions": ["order.view", "order.export", "order.cancel"]}
    )
    assert response.status_code == 422
    assert "不能授予您本人不具备的权限" in response.context["form"].errors["permissions"][0]
    assert not Role.objects.filter(name="订单全权").exists()


def test_a_role_manager_cannot_touch_the_admin_role_or_a_role_beyond_it(insurer, role_manager, client_for):
    admin_role = services.admin_role_of(insurer.org)
    orders = factories.role(insurer.org, ["order.view"], name="订单查看")
    client = client_for(role_manager)
    for role in (admin_role, orders):
        assert client.get(f"{ROLES}{role.pk}/edit/").status_code == 403
        response = client.post(
            f"{ROLES}{role.pk}/edit/", {"name": "改名", "permissions": ["system.role.view"]}
        )
        assert response.status_code == 403
    orders.refresh_from_db()
    assert orders.name == "订单查看" and orders.permissions == ["order.view"]
    html = client.get(ROLES).content.decode()
    assert f"{ROLES}{orders.pk}/edit/" not in html and f"{ROLES}{admin_role.pk}/edit/" not in html


def test_a_role_held_by_someone_beyond_the_editor_is_for_the_admin(insurer, role_manager, client_for):
    """Editing a role edits every holder: a role a superior holds is out of a role manager's reach."""
    shared = factories.role(insurer.org, ["system.role.view"], name="共用角色")
    insurer.admin.roles.add(shared)
    assert client_for(role_manager).get(f"{ROLES}{shared.pk}/edit/").status_code == 403


# --- a 管理员 still does everything ------------------------------------------------------------------------
def test_an_admin_still_grants_anything_to_anyone_else(insurer):
    client = insurer.client(insurer.admin)
    admin_role = services.admin_role_of(insurer.org)
    assert client.post(f"{USERS}add/", account_data(roles=[admin_role.pk])).status_code == 302
    second = User.objects.get(username="mole")
    assert roles_of(second) == {"管理员"}
    every = [p.code for p in catalogue.grantable_for_side(Side.INSURER)]
    assert client.post(f"{ROLES}add/", {"name": "全能", "permissions": every}).status_code == 302
    response = client.post(
        f"{USERS}{second.pk}/edit/",
        {"name": "内鬼", "mobile": "13697770764", "password": "Reset2026pass", "is_active": "on"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.check_password("Reset2026pass")
    assert client.post(f"{USERS}{second.pk}/active/", {"active": "0"}).status_code == 302
    assert client.post(f"{USERS}{second.pk}/delete/").status_code == 302


# --- 平台管理: the reset of another organisation's 管理员 password -----------------------------------------
def test_attack_a_platform_role_manager_cannot_give_itself_the_admin_password_reset(
    make_personas, client_for
):
    """platform.org.reset_password is an account-takeover power: a role manager of the platform cannot add it
    to a role, and without it the reset page stays closed."""
    platform = make_personas(Side.PLATFORM)
    manager = factories.user(
        platform.org,
        roles=[factories.role(platform.org, ["system.role.view", "system.role.add", "system.role.edit"])],
    )
    client = client_for(manager)
    response = client.post(
        "/platform/system/roles/add/", {"name": "重置", "permissions": ["platform.org.reset_password"]}
    )
    assert response.status_code == 422 and not Role.objects.filter(name="重置").exists()
    insurer = factories.organisation(Side.INSURER)
    target = factories.user(insurer, admin=True)
    url = f"/platform/orgs/insurers/{insurer.pk}/accounts/{target.pk}/reset-password/"
    assert (
        client.post(url, {"new_password": "Taken2026x", "confirm_password": "Taken2026x"}).status_code == 403
    )
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_the_platform_reset_service_checks_its_own_permission_and_the_kind(make_personas):
    """Defence in depth behind the view's @requires: the service itself refuses a platform account without
    platform.org.reset_password, and never resets a password of the platform's own organisation."""
    from anze.core.errors import Refused

    platform = make_personas(Side.PLATFORM)
    manager = factories.user(platform.org, roles=[factories.role(platform.org, ["platform.org.manage"])])
    insurer = factories.organisation(Side.INSURER)
    target = factories.user(insurer, admin=True)
    with pytest.raises(Refused, match="没有重置机构管理员密码的权限"):
        services.organisation_admin_password_reset(
            actor=manager, organisation=insurer, user=target, new_password="Taken2026x"
        )
    second = factories.user(platform.org, admin=True)
    with pytest.raises(Refused, match="平台运营机构"):
        services.organisation_admin_password_reset(
            actor=platform.admin, organisation=platform.org, user=second, new_password="Taken2026x"
        )
    target.refresh_from_db()
    second.refresh_from_db()
    assert target.check_password(PASSWORD) and second.check_password(PASSWORD)
