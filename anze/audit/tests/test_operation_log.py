"""操作日志 as an auditor reads it (issue 12.1): each entry checked field by field — 操作时间 in Beijing time to
the second, 操作人 by name and login, 操作类型, 对象, 变更内容 in Chinese with displayed values, IP — business
actions written once in the transaction of the action, one log per organisation, filters and export."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from anze.accounts import services
from anze.core import catalogue
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.factories import PASSWORD
from anze.orders import scenarios, workflow
from anze.orders.models import OrderEvent, OrderStatus
from anze.policies import scenarios as policy_scenarios

pytestmark = pytest.mark.django_db

URL = "/insurer/system/logs/operations/"
EXPORT_URL = "/insurer/system/logs/operations/export/"
BEIJING = ZoneInfo("Asia/Shanghai")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def rows(client: Client, query: str = "", url: str = URL) -> list[Any]:
    response = client.get(f"{url}?size=50&{query}")
    assert response.status_code == 200
    return list(response.context["page"].rows)


def changes_of(row: Any) -> dict[str, tuple[str, str]]:
    return {c.field: (c.before, c.after) for c in row.changes}


def all_text(row: Any) -> str:
    return " ".join(
        [row.time, row.actor, row.kind, row.label, row.target, row.ip]
        + [f"{c.field} {c.before} {c.after}" for c in row.changes]
    )


def test_a_new_account_is_logged_as_new_not_deleted(insurer):
    """Every 新增账号 showed a red 删除 tag: its ``deleted_at`` was empty before the change, as on any creation."""
    client = insurer.client(insurer.admin)
    role = factories.role(insurer.org, ["order.view"], name="业务员")
    response = client.post(
        "/insurer/system/users/add/",
        {
            "username": "picc_clerk",
            "name": "黄业务",
            "mobile": "13697770764",
            "password": "Clerk12345x",
            "roles": [role.pk],
            "is_active": "on",
        },
        REMOTE_ADDR="10.3.3.3",
    )
    assert response.status_code in (200, 204, 302)
    [row] = [r for r in rows(client) if r.target == "账号 黄业务（picc_clerk）" and r.kind == "新增"]
    assert row.kind == "新增" and row.label == ""
    assert row.actor == f"{insurer.admin.name}（{insurer.admin.username}）"
    assert row.ip == "10.3.3.3"
    changes = changes_of(row)
    assert changes["登录账号"] == ("", "picc_clerk")
    assert changes["姓名"] == ("", "黄业务")
    assert changes["启用"] == ("", "是")
    assert "删除时间" not in changes and "password" not in changes and "密码" not in changes
    assert "None" not in all_text(row)
    html = client.get(URL).content.decode()
    assert "tag-danger" not in html  # nothing was deleted


def test_a_deleted_account_is_logged_as_deleted_by_name_and_login_without_its_id(insurer):
    clerk = factories.user(insurer.org, username="picc_huang", name="黄某")
    client = insurer.client(insurer.admin)
    client.post(f"/insurer/system/users/{clerk.pk}/delete/")
    [row] = [r for r in rows(client) if r.kind == "删除"]
    assert row.target == "账号 黄某（picc_huang）"
    assert "#" not in all_text(row)
    deleted_at = changes_of(row)["删除时间"][1]
    assert SECOND.match(deleted_at)
    clerk.refresh_from_db()
    assert deleted_at == timezone.localtime(clerk.deleted_at, BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    # The deleted account still reads by name and login where it acted before.
    with set_actor(clerk):
        factories.role(insurer.org, [], name="某角色").save()
    # (Role.objects.create inside set_actor is logged with the clerk as actor.)
    [acted] = [r for r in rows(client) if r.target == "角色 某角色"]
    assert acted.actor == "黄某（picc_huang）"


def test_an_organisation_edit_reads_in_chinese_with_displayed_values(insurer):
    """Organisation entries showed "enterprise_orders：— → orders.Order.None" and English field names."""
    platform = factories.organisation(Side.PLATFORM)
    operator = factories.user(platform, admin=True, name="平台运营", username="ops")
    region = factories.region("350582", "晋江市")
    with set_actor(operator, remote_addr="10.5.5.5"):
        organisation = insurer.org
        organisation.short_name = "人保泉州"
        organisation.region = region
        organisation.contact_phone = "13697770764"
        organisation.save()
    [row] = [
        r for r in rows(insurer.client(insurer.admin)) if r.kind == "修改" and r.target.startswith("机构")
    ]
    assert row.target == f"机构 {insurer.org.name}"
    assert row.actor == "平台运营（ops）"
    assert row.ip == "10.5.5.5"
    changes = changes_of(row)
    assert changes["简称"][1] == "人保泉州"
    assert changes["所在地区"] == ("—", "晋江市")
    assert changes["联系电话"][1] == "13697770764"
    # The creation of an organisation (seen on the platform's log): its type by label, no reverse relations.
    platform_client = Client()
    platform_client.force_login(operator)
    created = [
        r
        for r in rows(platform_client, url="/platform/system/logs/operations/")
        if r.kind == "新增" and r.target == f"机构 {insurer.org.name}"
    ]
    assert len(created) == 1
    text = all_text(created[0])
    for internal in ("None", "orders.Order", "enterprise_orders", "kind", "short_name", "code", "insurer"):
        assert internal not in text, internal
    created_changes = changes_of(created[0])
    assert created_changes["类型"] == ("", "保险端")
    assert created_changes["登录代码"] == ("", insurer.org.code)


def test_the_built_in_admin_role_shows_its_permissions(insurer):
    """The built-in 管理员 role showed "权限：无"."""
    platform = factories.organisation(Side.PLATFORM)
    operator = factories.user(platform, admin=True)
    with set_actor(operator):
        organisation = services.organisation_create(kind=Side.INSURER, name="某某保险", code="mm-ins")
    client = Client()
    client.force_login(operator)
    [row] = [
        r
        for r in rows(client, url="/platform/system/logs/operations/")
        if r.target == "角色 管理员" and r.entry.additional_data.get("organisation_id") == organisation.pk
    ]
    permissions = changes_of(row)["权限"][1]
    count = len(catalogue.codes_for_side(Side.INSURER))
    assert permissions == f"全部权限（{count}项）"
    # An ordinary role lists its permissions by name.
    insurer.client(insurer.admin).post(
        "/insurer/system/roles/add/", {"name": "出单员", "permissions": ["order.view", "order.export"]}
    )
    [role_row] = [r for r in rows(insurer.client(insurer.admin)) if r.target == "角色 出单员"]
    assert changes_of(role_row)["权限"][1] == "查看订单、导出订单"


def test_times_are_beijing_time_to_the_second(insurer):
    factories.user(insurer.org, name="某人")
    for row in rows(insurer.client(insurer.admin)):
        assert SECOND.match(row.time), row.time
        assert row.time == timezone.localtime(row.entry.timestamp, BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    html = insurer.client(insurer.admin).get(URL).content.decode()
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", html)


# --- business actions ------------------------------------------------------------------------------------------
def _quoted(insurer, enterprise) -> Any:
    return policy_scenarios.online_order(
        insurer_user=insurer.admin, enterprise_user=enterprise.admin, until=OrderStatus.AWAITING_CONFIRMATION
    )


def test_a_quote_is_logged_once_with_its_label_and_the_order_number(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    clerk = factories.user(
        insurer.org,
        username="picc_clerk",
        name="黄业务",
        roles=[factories.role(insurer.org, ["order.view", "order.quote"])],
    )
    order = policy_scenarios.online_order(insurer_user=insurer.admin, enterprise_user=enterprise.admin)
    workflow.order_quote(order=order, actor=clerk, scheme=scenarios.scheme())
    business = [r for r in rows(insurer.client(insurer.admin)) if r.kind == "业务操作"]
    [row] = [r for r in business if r.label == "报价"]
    assert row.type_display == "业务操作 · 报价"
    assert row.target == f"订单 {order.application_no}"
    assert row.actor == "黄业务（picc_clerk）"
    changes = changes_of(row)
    assert changes["状态"] == ("待报价", "待确认报价")
    assert changes["保费"] == ("", "12,000.00 元")
    assert "None" not in all_text(row)
    # The enterprise's log shows its own 投保申请, not the insurer's 报价.
    theirs = rows(enterprise.client(enterprise.admin), url="/enterprise/system/logs/operations/")
    assert all(r.label != "报价" for r in theirs)
    assert any(r.kind == "业务操作" and r.target == f"订单 {order.application_no}" for r in theirs)


def test_a_refused_action_leaves_no_entry(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    order = _quoted(insurer, enterprise)
    before = LogEntry.objects.count()
    with pytest.raises(Refused):  # already quoted: the state moved on
        workflow.order_quote(order=order, actor=insurer.admin, scheme=scenarios.scheme())
    assert LogEntry.objects.count() == before


def test_an_action_rolled_back_after_its_event_leaves_no_entry(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    order = policy_scenarios.online_order(insurer_user=insurer.admin, enterprise_user=enterprise.admin)
    before = LogEntry.objects.count()
    failing = mock.patch.object(workflow, "tell_enterprise", side_effect=RuntimeError("outbox down"))
    with failing, pytest.raises(RuntimeError):
        workflow.order_quote(order=order, actor=insurer.admin, scheme=scenarios.scheme())
    assert LogEntry.objects.count() == before
    assert not OrderEvent.objects.filter(order=order, action="quote").exists()


def test_every_workflow_event_writes_exactly_one_entry(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    order = policy_scenarios.online_order(
        insurer_user=insurer.admin, enterprise_user=enterprise.admin, until=OrderStatus.ISSUED
    )
    offline = policy_scenarios.offline_order(insurer_user=insurer.admin, issued=True)
    events = OrderEvent.objects.filter(order__in=[order, offline])
    logged = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__kind="business")
    assert logged.count() == events.count()
    labels = [r.label for r in rows(insurer.client(insurer.admin)) if r.kind == "业务操作"]
    for label in ("报价", "上传付款通知书", "支付审核通过", "出函", "新增线下订单"):
        assert any(label in x for x in labels), (label, labels)


# --- one log per organisation ----------------------------------------------------------------------------------
def test_another_organisation_sees_none_of_it(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    order = _quoted(insurer, enterprise)
    factories.user(insurer.org, name="本方新人")
    other = insurer.client(insurer.other_org_admin)
    assert all(order.application_no not in all_text(r) for r in rows(other))
    assert rows(other, f"object={order.application_no}") == []
    assert rows(other, "kind=business") == []
    assert "本方新人" not in other.get(URL).content.decode()
    exported = load_workbook(BytesIO(b"".join(other.get(EXPORT_URL).streaming_content))).active
    assert all(order.application_no not in str(v) for v in exported.values)
    # The platform sees every organisation's entries.
    platform = factories.organisation(Side.PLATFORM)
    operator = factories.user(platform, admin=True)
    client = Client()
    client.force_login(operator)
    seen = rows(client, f"object={order.application_no}", url="/platform/system/logs/operations/")
    assert {r.label for r in seen} >= {"报价"}


def test_a_user_without_the_log_permission_gets_403(insurer, client_for):
    every_grantable = [p.code for p in catalogue.grantable_for_side(Side.INSURER)]
    power_user = factories.user(insurer.org, roles=[factories.role(insurer.org, every_grantable)])
    for url in (URL, EXPORT_URL):
        assert client_for(power_user).get(url).status_code == 403
        assert client_for(insurer.limited).get(url).status_code == 403


# --- filters, bad input, export, queries -----------------------------------------------------------------------
def test_it_filters_by_time_actor_type_and_object(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    order = _quoted(insurer, enterprise)
    old = factories.user(insurer.org, name="旧账号")
    LogEntry.objects.filter(object_id=old.pk, content_type__model="user").update(
        timestamp=timezone.now() - timedelta(days=30)
    )
    client = insurer.client(insurer.admin)
    today = timezone.localdate().isoformat()
    recent = rows(client, f"start={today}&end={today}")
    assert recent and all(r.time.startswith(today) for r in recent)
    assert all("旧账号" not in r.target for r in recent)
    past = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert any("旧账号" in r.target for r in rows(client, f"start={past}&end={past}"))

    by_actor = rows(client, f"actor={insurer.admin.username}")
    assert by_actor and all(insurer.admin.username in r.actor for r in by_actor)
    assert rows(client, "actor=没有这个人") == []

    quotes = rows(client, "kind=business")
    assert quotes and all(r.kind == "业务操作" for r in quotes)
    created = rows(client, "kind=create")
    assert created and all(r.kind == "新增" for r in created)

    by_object = rows(client, f"object={order.application_no}")
    assert by_object and all(order.application_no in r.target for r in by_object)
    assert rows(client, f"target=order&kind=business&object={order.application_no}")


def test_bad_filter_input_gives_a_form_error_not_a_500(insurer):
    client = insurer.client(insurer.admin)
    response = client.get(f"{URL}?start=2026-13-45&end=abc&kind=bogus&target=nothing")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入正确的日期" in html
    assert "请选择有效的操作类型" in html
    response = client.get(f"{URL}?start=2026-12-10&end=2026-12-01")
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_export_writes_the_rows_as_displayed(insurer, make_personas):
    enterprise = make_personas(Side.ENTERPRISE)
    order = _quoted(insurer, enterprise)
    client = insurer.client(insurer.admin)
    response = client.get(f"{EXPORT_URL}?kind=business")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0] == ("操作时间", "操作人", "操作类型", "对象", "变更内容", "IP地址")
    quote = [v for v in values[1:] if v[2] == "业务操作 · 报价"]
    assert len(quote) == 1
    time, actor, _, target, changes, _ = quote[0]
    assert (
        isinstance(time, datetime) and time.microsecond == 0
    )  # a date-time cell, Beijing time to the second
    assert abs(time - timezone.localtime().replace(tzinfo=None)) < timedelta(minutes=5)
    assert actor == f"{insurer.admin.name}（{insurer.admin.username}）"
    assert target == f"订单 {order.application_no}"
    assert "状态：待报价 → 待确认报价" in changes and "保费：12,000.00 元" in changes
    assert all(v[2].startswith("业务操作") for v in values[1:])


def test_the_list_runs_a_bounded_number_of_queries_whatever_its_size(insurer, make_personas):
    """Session, account, roles, bell, count, rows, and one look-up per kind of related object on the page (the
    accounts and organisations the entries name) — never one per entry."""
    enterprise = make_personas(Side.ENTERPRISE)
    _quoted(insurer, enterprise)
    client = insurer.client(insurer.admin)
    client.get(URL)  # warm the content-type cache

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?size={size}")
        assert response.status_code == 200 and len(response.context["page"].rows) == size
        return len(queries)

    for n in range(25):
        user = factories.user(
            insurer.org, name=f"批量{n}", roles=[factories.role(insurer.org, ["order.view"])]
        )
        with set_actor(insurer.admin):
            services.user_delete(actor=insurer.admin, user=user)
    factories.organisation(Side.INSURER)  # an organisation and its 管理员 role (permissions by side)
    policy_scenarios.offline_order(insurer_user=insurer.admin, issued=True)
    assert count(20) <= 9
    assert count(50) <= 9


def test_a_sign_in_is_logged_with_the_real_address(insurer):
    Client().post(
        f"/insurer/login/{insurer.org.code}/",
        {"username": insurer.admin.username, "password": PASSWORD},
        REMOTE_ADDR="10.6.6.6",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )
    [row] = [r for r in rows(insurer.client(insurer.admin), "kind=login")]
    assert row.kind == "登录"
    assert row.actor == f"{insurer.admin.name}（{insurer.admin.username}）"
    assert row.ip == "10.6.6.6"


def test_a_forged_forwarded_for_header_does_not_become_the_logged_address(insurer):
    client = insurer.client(insurer.admin)
    client.post(
        "/insurer/system/roles/add/",
        {"name": "伪造来源", "permissions": ["order.view"]},
        REMOTE_ADDR="10.4.4.4",
        HTTP_X_FORWARDED_FOR="8.8.8.8",
    )
    [row] = [r for r in rows(client) if r.target == "角色 伪造来源"]
    assert row.ip == "10.4.4.4"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_organisations_log_reads_through_its_index(insurer):
    from anze.audit import selectors

    qs = selectors.operation_logs_for(user=insurer.admin, filters={})[:20]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "auditlog_logentry_org_time_idx" in plan
