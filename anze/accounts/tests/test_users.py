"""账号管理 (docs/spec/user-manual.txt §3.3): list, search, 新增, 编辑 (pencil for the password), 删除,
enable/disable."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from anze.accounts import services
from anze.accounts.models import Role, User
from anze.core.errors import Refused
from anze.core.testing import factories, hx_message
from anze.core.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db
LIST = "/insurer/system/users/"


def new_user_data(**overrides):
    data = {
        "username": "zhangsan",
        "name": "张三",
        "mobile": "13697770764",
        "password": "Zhang2026x",
        "is_active": "on",
        "remark": "",
    }
    data.update(overrides)
    return data


# --- list ------------------------------------------------------------------------------------------------------
def test_it_lists_the_organisations_alive_accounts_only(insurer):
    gone = factories.user(insurer.org, name="已删除的人")
    services.user_delete(actor=insurer.admin, user=gone)
    html = insurer.client(insurer.admin).get(LIST).content.decode()
    assert insurer.admin.username in html and insurer.limited.username in html
    assert gone.name not in html
    assert insurer.other_org_admin.username not in html


def test_it_searches_by_login_name_name_phone_role_and_status(insurer):
    role = factories.role(insurer.org, ["order.view"], name="出单员")
    hit = factories.user(insurer.org, username="findme", name="王五", mobile="13912345678", roles=[role])
    client = insurer.client(insurer.admin)
    for query in ["username=findm", "name=王五", "mobile=12345678", f"role={role.pk}"]:
        html = client.get(f"{LIST}?{query}").content.decode()
        assert hit.username in html and insurer.limited.username not in html, query
    User.objects.filter(pk=hit.pk).update(is_active=False)
    html = client.get(f"{LIST}?status=0").content.decode()
    assert hit.username in html and insurer.admin.username not in html


def test_it_shows_the_toolbar_only_with_the_permission(insurer, client_for):
    viewer = factories.user(insurer.org, roles=[factories.role(insurer.org, ["system.user.view"])])
    html = client_for(viewer).get(LIST).content.decode()
    assert "新增" not in html and "导出" not in html and "删除" not in html
    admin_html = insurer.client(insurer.admin).get(LIST).content.decode()
    assert "新增" in admin_html and "导出" in admin_html


def test_it_keeps_a_constant_number_of_queries(insurer, django_assert_max_num_queries):
    role = factories.role(insurer.org, ["order.view"])
    client = insurer.client(insurer.admin)
    for _ in range(3):
        factories.user(insurer.org, roles=[role])
    with django_assert_max_num_queries(12) as few:
        client.get(f"{LIST}?size=50")
    for _ in range(30):
        factories.user(insurer.org, roles=[role])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{LIST}?size=50")


def test_it_pages_with_the_size_in_the_query_string(insurer):
    for _ in range(12):
        factories.user(insurer.org)
    client = insurer.client(insurer.admin)
    html = client.get(f"{LIST}?size=10&page=2").content.decode()
    assert "共 14 条" in html and 'aria-current="page">2<' in html
    assert "共 14 条" in client.get(f"{LIST}?page=99").content.decode()  # past the end: the last page


def test_it_is_forbidden_without_the_permission(insurer):
    assert insurer.client(insurer.limited).get(LIST).status_code == 403


def test_it_is_forbidden_to_another_side(insurer):
    assert insurer.client(insurer.foreign).get(LIST).status_code == 403


def test_it_redirects_anonymous_users_to_the_sides_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith("/insurer/login/?next=")


def test_it_exports_the_filtered_list_to_excel(insurer):
    factories.user(insurer.org, username="export_me", name="导出人")
    response = insurer.client(insurer.admin).get("/insurer/system/users/export/?username=export_me")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("登录账号", "姓名", "手机号码")
    assert [row[0] for row in rows[1:]] == ["export_me"]


# --- 新增 -------------------------------------------------------------------------------------------------------
def test_it_creates_an_account_with_roles(insurer):
    role = factories.role(insurer.org, ["order.view"])
    response = insurer.client(insurer.admin).post(
        "/insurer/system/users/add/", new_user_data(roles=[role.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and "新增成功" in hx_message(response)
    user = User.objects.get(username="zhangsan")
    assert user.organisation == insurer.org and list(user.roles.all()) == [role]
    assert user.check_password("Zhang2026x")


def test_it_refuses_a_role_of_another_organisation(insurer):
    foreign_role = factories.role(insurer.other_org, ["order.view"])
    response = insurer.client(insurer.admin).post(
        "/insurer/system/users/add/", new_user_data(roles=[foreign_role.pk])
    )
    assert response.status_code == 422 and not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "", "请输入登录账号"),
        ("username", "张三", "登录账号为3-30位字母、数字或 _ . @ -"),
        ("mobile", "1369777076", "请输入正确的11位手机号码"),
        ("mobile", "23697770764", "请输入正确的11位手机号码"),
        ("password", "short1", "密码长度太短"),
        ("password", "onlyletters", "密码必须同时包含字母和数字"),
        ("name", "", "请输入姓名"),
    ],
)
def test_it_shows_a_chinese_error_at_the_field_and_saves_nothing(insurer, field, value, message):
    response = insurer.client(insurer.admin).post(
        "/insurer/system/users/add/", new_user_data(**{field: value}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    assert User.objects.count() == 4  # the personas only


def test_it_refuses_a_duplicate_login_name_case_insensitively(insurer):
    factories.user(insurer.other_org, username="Taken")
    response = insurer.client(insurer.admin).post(
        "/insurer/system/users/add/", new_user_data(username="taken")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["username"] == ["登录账号已存在"]


def test_it_renders_the_form_as_a_dialog_or_a_page(insurer):
    client = insurer.client(insurer.admin)
    dialog = client.get("/insurer/system/users/add/", HTTP_HX_REQUEST="true").content.decode()
    page = client.get("/insurer/system/users/add/").content.decode()
    assert 'class="modal-header"' in dialog and "<html" not in dialog
    assert "<html" in page and "新增账号" in page


# --- 编辑 -------------------------------------------------------------------------------------------------------
def test_it_edits_an_account_and_leaves_the_password_unless_given(insurer):
    target = factories.user(insurer.org)
    client = insurer.client(insurer.admin)
    response = client.post(
        f"/insurer/system/users/{target.pk}/edit/",
        {"name": "新名字", "mobile": "13611112222", "password": "", "is_active": "on"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.name == "新名字" and target.mobile == "13611112222" and target.check_password(PASSWORD)
    client.post(
        f"/insurer/system/users/{target.pk}/edit/",
        {"name": "新名字", "mobile": "13611112222", "password": "NewPass2026", "is_active": "on"},
    )
    target.refresh_from_db()
    assert target.check_password("NewPass2026")


def test_it_shows_the_pencil_beside_the_password_when_editing(insurer):
    target = factories.user(insurer.org)
    html = insurer.client(insurer.admin).get(f"/insurer/system/users/{target.pk}/edit/").content.decode()
    assert 'data-testid="edit-password"' in html and "ti-pencil" in html
    assert 'name="username"' in html and "disabled" in html  # the login name is read-only


def test_it_404s_for_another_organisations_account(insurer):
    client = insurer.client(insurer.admin)
    for url in [
        f"/insurer/system/users/{insurer.other_org_admin.pk}/edit/",
        f"/insurer/system/users/{insurer.other_org_admin.pk}/delete/",
    ]:
        assert client.get(url).status_code == 404
    assert (
        client.post(
            f"/insurer/system/users/{insurer.other_org_admin.pk}/active/", {"active": "0"}
        ).status_code
        == 404
    )
    insurer.other_org_admin.refresh_from_db()
    assert insurer.other_org_admin.is_active


def test_it_cannot_remove_the_last_admins_admin_role(insurer):
    """One's own roles are read-only: a forged removal of one's 管理员 role is refused, nothing changes."""
    other = factories.role(insurer.org, ["order.view"])
    response = insurer.client(insurer.admin).post(
        f"/insurer/system/users/{insurer.admin.pk}/edit/",
        {"name": "x", "mobile": "13611112222", "roles": [other.pk], "is_active": "on"},
    )
    assert response.status_code == 422
    assert "不能修改自己的角色" in response.content.decode()
    assert insurer.admin.roles.filter(is_admin=True).exists()
    with pytest.raises(Refused, match="不能取消自己的管理员角色"):
        services.user_update(
            actor=insurer.admin, user=insurer.admin, name="x", mobile="13611112222", roles=[other]
        )


# --- 删除 / 启用停用 --------------------------------------------------------------------------------------------
def test_it_asks_before_deleting(insurer):
    target = factories.user(insurer.org, username="lisi")
    html = insurer.client(insurer.admin).get(f"/insurer/system/users/{target.pk}/delete/").content.decode()
    assert "是否确认删除账号“lisi”" in html


def test_it_deletes_an_account_keeping_its_name_in_history(insurer):
    target = factories.user(insurer.org, username="lisi", name="李四")
    client = insurer.client(insurer.admin)
    response = client.post(f"/insurer/system/users/{target.pk}/delete/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and "删除成功" in hx_message(response)
    target.refresh_from_db()
    assert target.is_deleted and not target.is_active and target.name == "李四"
    assert "lisi" not in client.get(LIST).content.decode()
    # The login name can be given to someone new.
    services.user_create(
        actor=insurer.admin,
        organisation=insurer.org,
        username="lisi",
        name="新李四",
        mobile="13800000001",
        password="Lisi2026xx",
    )
    # History: the operation log keeps who it was.
    assert LogEntry.objects.filter(object_pk=str(target.pk), object_repr="李四").exists()


def test_it_refuses_to_delete_or_disable_oneself(insurer):
    client = insurer.client(insurer.admin)
    response = client.post(f"/insurer/system/users/{insurer.admin.pk}/delete/", HTTP_HX_REQUEST="true")
    assert "不能删除自己的账号" in hx_message(response)
    response = client.post(
        f"/insurer/system/users/{insurer.admin.pk}/active/", {"active": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "不能停用自己的账号" in hx_message(response)
    insurer.admin.refresh_from_db()
    assert insurer.admin.is_active and not insurer.admin.is_deleted


def test_it_keeps_one_active_admin(insurer, client_for):
    # A user manager who is not a 管理员 cannot touch a 管理员 at all (grants); a second 管理员 may disable the
    # first, and the one left is the last and cannot go (nor remove itself).
    manager = factories.user(
        insurer.org,
        roles=[factories.role(insurer.org, ["system.user.view", "system.user.edit", "system.user.delete"])],
    )
    client = client_for(manager)
    assert (
        client.post(f"/insurer/system/users/{insurer.admin.pk}/active/", {"active": "0"}).status_code == 403
    )
    assert client.post(f"/insurer/system/users/{insurer.admin.pk}/delete/").status_code == 403
    second = factories.user(insurer.org, admin=True)
    second_client = client_for(second)
    assert (
        second_client.post(f"/insurer/system/users/{insurer.admin.pk}/active/", {"active": "0"}).status_code
        == 302
    )
    insurer.admin.refresh_from_db()
    assert not insurer.admin.is_active
    with pytest.raises(Refused, match="最后一个启用的管理员"):
        services.user_delete(actor=insurer.admin, user=second)
    with pytest.raises(Refused, match="最后一个启用的管理员"):
        services.user_set_active(actor=insurer.admin, user=second, active=False)


def test_it_enables_and_disables_an_account(insurer):
    target = factories.user(insurer.org)
    client = insurer.client(insurer.admin)
    client.post(f"/insurer/system/users/{target.pk}/active/", {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    client.post(f"/insurer/system/users/{target.pk}/active/", {"active": "1"})
    target.refresh_from_db()
    assert target.is_active


def test_it_refuses_get_on_the_toggle(insurer):
    target = factories.user(insurer.org)
    assert insurer.client(insurer.admin).get(f"/insurer/system/users/{target.pk}/active/").status_code == 405


def test_it_does_not_let_a_user_manager_touch_roles_of_other_organisations(insurer):
    assert Role.objects.filter(organisation=insurer.other_org).exists()
