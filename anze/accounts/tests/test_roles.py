"""角色管理 (docs/spec/user-manual.txt §3.4): a name and a permission tree; 管理员 built in; changes apply at the
next request."""

from __future__ import annotations

import pytest

from anze.accounts import services
from anze.accounts.models import Role, User
from anze.core import catalogue
from anze.core.sides import Side
from anze.core.testing import factories, hx_message

pytestmark = pytest.mark.django_db
LIST = "/insurer/system/roles/"


def test_it_lists_the_roles_with_their_user_counts(insurer):
    role = factories.role(insurer.org, ["order.view"], name="出单员")
    factories.user(insurer.org, roles=[role])
    factories.role(insurer.other_org, ["order.view"], name="别家角色")
    html = insurer.client(insurer.admin).get(LIST).content.decode()
    assert "出单员" in html and "管理员" in html and "别家角色" not in html


def test_it_shows_the_permission_tree_grouped_by_menu_with_select_all(insurer):
    html = insurer.client(insurer.admin).get("/insurer/system/roles/add/").content.decode()
    assert "全选" in html and "data-check-all" in html and "data-check-group" in html
    for group, perms in catalogue.tree_for_side(Side.INSURER):
        assert group in html
        for perm in perms:
            assert f'value="{perm.code}"' in html
    assert 'value="portal.apply"' not in html  # another side's permission is never offered
    assert 'value="system.log.login"' not in html  # admin-only


def test_it_creates_a_role(insurer):
    response = insurer.client(insurer.admin).post(
        "/insurer/system/roles/add/",
        {"name": "订单专员", "permissions": ["order.view", "order.quote"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and hx_message(response) == "新增成功"
    role = Role.objects.get(organisation=insurer.org, name="订单专员")
    assert role.permissions == ["order.view", "order.quote"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "permissions": ["order.view"]}, "name", "请输入角色名称"),
        ({"name": "空角色", "permissions": []}, "permissions", "请至少选择一项权限"),
        ({"name": "越权", "permissions": ["portal.apply"]}, "permissions", "不在可用的选项中"),
        ({"name": "管理员", "permissions": ["order.view"]}, "name", "角色名称已存在"),
    ],
)
def test_it_refuses_bad_roles(insurer, data, field, message):
    before = Role.objects.count()
    response = insurer.client(insurer.admin).post("/insurer/system/roles/add/", data)
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    assert Role.objects.count() == before


def test_it_keeps_the_admin_role_whole(insurer):
    admin_role = services.admin_role_of(insurer.org)
    client = insurer.client(insurer.admin)
    response = client.post(
        f"/insurer/system/roles/{admin_role.pk}/edit/",
        {"name": "管理员", "permissions": [], "remark": "改备注"},
    )
    assert response.status_code == 302
    admin_role.refresh_from_db()
    assert admin_role.remark == "改备注"
    assert admin_role.effective_permissions(Side.INSURER) == catalogue.codes_for_side(Side.INSURER)
    response = client.post(f"/insurer/system/roles/{admin_role.pk}/delete/", HTTP_HX_REQUEST="true")
    assert "不能删除" in hx_message(response)
    assert Role.objects.filter(pk=admin_role.pk).exists()


def test_it_refuses_to_delete_a_role_users_hold(insurer):
    role = factories.role(insurer.org, ["order.view"], name="在用角色")
    factories.user(insurer.org, roles=[role])
    response = insurer.client(insurer.admin).post(
        f"/insurer/system/roles/{role.pk}/delete/", HTTP_HX_REQUEST="true"
    )
    assert hx_message(response) == "角色“在用角色”已分配给1个账号，请先取消分配后再删除"
    assert Role.objects.filter(pk=role.pk).exists()


def test_it_deletes_an_unused_role_after_asking(insurer):
    role = factories.role(insurer.org, ["order.view"], name="闲置角色")
    client = insurer.client(insurer.admin)
    assert (
        "是否确认删除角色“闲置角色”"
        in client.get(f"/insurer/system/roles/{role.pk}/delete/").content.decode()
    )
    assert client.post(f"/insurer/system/roles/{role.pk}/delete/").status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


def test_it_applies_a_role_change_at_the_next_request(insurer, client_for):
    role = factories.role(insurer.org, ["system.user.view"])
    clerk = factories.user(insurer.org, roles=[role])
    client = client_for(clerk)
    assert client.get("/insurer/system/users/").status_code == 200
    assert client.get("/insurer/system/roles/").status_code == 403
    insurer.client(insurer.admin).post(
        f"/insurer/system/roles/{role.pk}/edit/", {"name": role.name, "permissions": ["system.role.view"]}
    )
    assert client.get("/insurer/system/users/").status_code == 403
    assert client.get("/insurer/system/roles/").status_code == 200


def test_it_shows_only_permitted_menus(insurer, client_for):
    clerk = factories.user(insurer.org, roles=[factories.role(insurer.org, ["system.role.view"])])
    html = client_for(clerk).get("/insurer/").content.decode()
    assert "角色管理" in html and "账号管理" not in html and "登录日志" not in html


def test_it_404s_for_another_organisations_role(insurer):
    role = factories.role(insurer.other_org, ["order.view"])
    client = insurer.client(insurer.admin)
    assert client.get(f"/insurer/system/roles/{role.pk}/edit/").status_code == 404
    assert client.post(f"/insurer/system/roles/{role.pk}/delete/").status_code == 404
    assert Role.objects.filter(pk=role.pk).exists()


def test_it_is_forbidden_without_the_permission(insurer):
    client = insurer.client(insurer.limited)
    for url in [LIST, "/insurer/system/roles/add/"]:
        assert client.get(url).status_code == 403


def test_it_gives_each_side_its_own_permission_set(service_org):
    html = service_org.client(service_org.admin).get("/service/system/roles/add/").content.decode()
    assert 'value="service.record.manage"' in html and 'value="order.quote"' not in html


def test_a_users_roles_are_read_in_one_statement_as_the_orm_reads_them_and_prefetched_ones_in_none(
    insurer, django_assert_num_queries
):
    """``User._roles`` runs the ORM's statement compiled once per process (issue 16's page fixed cost): the
    same roles in the same order as ``user.roles.all()``, their permissions decoded; prefetched roles are used
    as they are."""
    first = factories.role(insurer.org, ["order.view"], name="出单员")
    second = factories.role(insurer.org, ["policy.view", "order.export"], name="保单员")
    clerk = factories.user(insurer.org, roles=[second, first])
    fresh = User.objects.get(pk=clerk.pk)
    with django_assert_num_queries(1):
        roles = fresh._roles
    assert [(r.pk, r.permissions) for r in roles] == [(r.pk, r.permissions) for r in clerk.roles.all()]
    assert fresh.permission_codes == {"order.view", "policy.view", "order.export"}
    prefetched = User.objects.prefetch_related("roles").get(pk=clerk.pk)
    with django_assert_num_queries(0):
        assert {role.pk for role in prefetched._roles} == {first.pk, second.pk}
