"""消息中心 on every side, and the bell in the top bar. Read state is each user's own (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anze.core.sides import Side
from anze.core.testing import factories, hx_message, hx_trigger
from anze.notifications.models import Notification
from anze.notifications.selectors import unread_count

pytestmark = pytest.mark.django_db
LIST = "/enterprise/messages/"
HX = {"HTTP_HX_REQUEST": "true"}


def note(org, title: str = "报价已完成", **fields) -> Notification:
    return Notification.objects.create(organisation=org, title=title, body=f"{title}，请登录查看。", **fields)


def open_url(n: Notification, side: str = "enterprise") -> str:
    return f"/{side}/messages/{n.uuid}/open/"


def read_url(n: Notification, side: str = "enterprise") -> str:
    return f"/{side}/messages/{n.uuid}/read/"


def unread(n: Notification, user) -> bool:
    """Whether ``user`` sees ``n`` and has not read it yet."""
    return Notification.objects.visible_to(user).unread_for(user).filter(pk=n.pk).exists()


def bell(client, side: str = "enterprise") -> str:
    return client.get(f"/{side}/messages/bell/").content.decode()


# --- list ------------------------------------------------------------------------------------------------------
def test_it_lists_the_organisations_messages_and_the_users_own(enterprise):
    note(enterprise.org, "发给全公司")
    note(enterprise.org, "发给我的", user=enterprise.admin)
    note(enterprise.org, "发给同事的", user=enterprise.limited)
    note(enterprise.other_org, "发给别家的")
    html = enterprise.client(enterprise.admin).get(LIST).content.decode()
    assert "发给全公司" in html and "发给我的" in html
    assert "发给同事的" not in html and "发给别家的" not in html


def test_it_filters_unread_and_read_messages(enterprise):
    note(enterprise.org, "未读的")
    read = note(enterprise.org, "读过的")
    client = enterprise.client(enterprise.admin)
    client.post(read_url(read))
    html = client.get(f"{LIST}?tab=unread").content.decode()
    assert "未读的" in html and "读过的" not in html
    assert '未读<span class="count">(1)</span>' in html
    html = client.get(f"{LIST}?tab=read").content.decode()
    assert "读过的" in html and "未读的" not in html
    assert "暂无数据" in client.get(f"{LIST}?title=没有这条").content.decode()


def test_it_keeps_a_constant_number_of_queries(enterprise, django_assert_max_num_queries):
    client = enterprise.client(enterprise.admin)
    note(enterprise.org)
    with django_assert_max_num_queries(12) as few:
        client.get(f"{LIST}?size=50")
    baseline = len(few.captured_queries)  # read now: every request empties the connection's query log
    for i in range(40):
        n = note(enterprise.org, f"消息{i}", user=enterprise.admin if i % 2 else None)
        if i % 3 == 0:
            client.post(read_url(n))
    with django_assert_max_num_queries(baseline):
        client.get(f"{LIST}?size=50")


def test_it_exists_on_every_side(make_personas):
    for side, prefix in [
        (Side.INSURER, "insurer"),
        (Side.SERVICE_ORG, "service"),
        (Side.REGULATOR, "regulator"),
        (Side.PLATFORM, "platform"),
    ]:
        people = make_personas(side)
        note(people.org, f"{prefix}的消息")
        html = people.client(people.limited).get(f"/{prefix}/messages/").content.decode()
        assert f"{prefix}的消息" in html, side


# --- reading --------------------------------------------------------------------------------------------------
def test_it_marks_a_message_read_and_follows_its_link(enterprise):
    n = note(enterprise.org, link="/enterprise/profile/")
    response = enterprise.client(enterprise.admin).post(open_url(n))
    assert response.status_code == 302 and response["Location"] == "/enterprise/profile/"
    assert not unread(n, enterprise.admin)


def test_it_goes_back_to_the_list_from_a_message_without_link(enterprise):
    n = note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    response = client.post(open_url(n), {"next": f"{LIST}?tab=unread"})
    assert response["Location"] == f"{LIST}?tab=unread"
    response = client.post(open_url(n), {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_it_marks_one_message_read_without_leaving_the_list(enterprise):
    n = note(enterprise.org)
    response = enterprise.client(enterprise.admin).post(read_url(n), {"next": f"{LIST}?page=1"})
    assert response["Location"] == f"{LIST}?page=1"
    assert not unread(n, enterprise.admin)


def test_reading_twice_is_harmless(enterprise):
    n = note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    client.post(read_url(n))
    assert client.post(read_url(n)).status_code == 302
    assert client.post(open_url(n)).status_code == 302
    assert unread_count(user=enterprise.admin) == 0


def test_it_gives_404_for_another_organisations_message(enterprise):
    theirs = note(enterprise.other_org)
    client = enterprise.client(enterprise.admin)
    assert client.post(open_url(theirs)).status_code == 404
    assert client.post(read_url(theirs)).status_code == 404
    assert unread(theirs, enterprise.other_org_admin)


def test_it_gives_404_for_a_message_addressed_to_a_colleague(enterprise):
    theirs = note(enterprise.org, user=enterprise.limited)
    assert enterprise.client(enterprise.admin).post(read_url(theirs)).status_code == 404
    assert unread(theirs, enterprise.limited)


def test_it_marks_all_read_only_what_the_user_sees(enterprise):
    mine = [note(enterprise.org), note(enterprise.org, user=enterprise.admin)]
    colleagues = note(enterprise.org, user=enterprise.limited)
    other_orgs = note(enterprise.other_org)
    response = enterprise.client(enterprise.admin).post(f"{LIST}read-all/", follow=True)
    assert "已将2条消息标为已读" in response.content.decode()
    assert not any(unread(n, enterprise.admin) for n in mine)
    assert unread(colleagues, enterprise.limited) and unread(other_orgs, enterprise.other_org_admin)


def test_a_message_arriving_after_read_all_is_unread(enterprise):
    client = enterprise.client(enterprise.admin)
    note(enterprise.org)
    client.post(f"{LIST}read-all/")
    later = note(enterprise.org, "后来的")
    assert unread(later, enterprise.admin) and unread_count(user=enterprise.admin) == 1
    client.post(f"{LIST}read-all/")
    assert unread_count(user=enterprise.admin) == 0


def test_it_changes_read_state_by_post_only(enterprise):
    n = note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    assert client.get(open_url(n)).status_code == 405
    assert client.get(f"{LIST}read-all/").status_code == 405
    assert unread(n, enterprise.admin)


# --- per person (issue 12) ------------------------------------------------------------------------------------
def test_one_users_read_all_leaves_a_colleagues_messages_unread(insurer):
    """picc_clerk pressed 全部已读 and picc_admin's bell dropped to 0: read state was the company's."""
    clerk = factories.user(insurer.org, admin=True, name="业务员")
    for i in range(3):
        note(insurer.org, f"消息{i}")
    insurer.client(clerk).post("/insurer/messages/read-all/")
    assert unread_count(user=clerk) == 0
    assert unread_count(user=insurer.admin) == 3
    assert 'data-unread="3"' in insurer.client(insurer.admin).get("/insurer/").content.decode()


def test_one_users_opening_a_message_leaves_it_unread_for_a_colleague(enterprise):
    colleague = factories.user(enterprise.org, admin=True)
    n = note(enterprise.org)
    enterprise.client(enterprise.limited).post(read_url(n))
    assert not unread(n, enterprise.limited)
    assert unread(n, enterprise.admin) and unread(n, colleague)
    assert 'data-unread="1"' in enterprise.client(enterprise.admin).get("/enterprise/").content.decode()


def test_a_new_account_starts_with_nothing_unread(insurer):
    """picc_viewer, created after 57 messages, started with 57 unread."""
    for i in range(5):
        note(insurer.org, f"旧消息{i}", created_at=timezone.now() - timedelta(minutes=5))
    viewer = factories.user(insurer.org, admin=True, username="picc_viewer")
    assert unread_count(user=viewer) == 0
    client = insurer.client(viewer)
    assert "data-unread" not in client.get("/insurer/").content.decode()
    html = client.get("/insurer/messages/").content.decode()
    assert "旧消息0" in html and '未读<span class="count">(0)</span>' in html
    note(insurer.org, "新消息")
    assert unread_count(user=viewer) == 1


def test_a_user_without_the_subjects_permission_does_not_get_its_message(insurer):
    """A 业务员 without 保单管理 does not get 保单 messages; the order messages reach him."""
    clerk = factories.user(insurer.org, roles=[factories.role(insurer.org, ["order.view"])])
    note(insurer.org, "保单即将到期", permission="policy.view")
    note(insurer.org, "企业已确认报价", permission="order.view")
    note(insurer.org, "系统通知")
    policy_note = Notification.objects.get(title="保单即将到期")
    html = insurer.client(clerk).get("/insurer/messages/").content.decode()
    assert "企业已确认报价" in html and "系统通知" in html and "保单即将到期" not in html
    assert unread_count(user=clerk) == 2
    assert insurer.client(clerk).post(read_url(policy_note, "insurer")).status_code == 404
    assert unread_count(user=insurer.admin) == 3


def test_the_bells_statement_counts_what_the_unread_tab_lists(insurer):
    """unread_count writes out the statement of visible_to().unread_for(): both agree on every kind of message —
    addressed to a colleague, another organisation's, a subject the user may not open, opened, before the
    watermark, and a message left after it."""
    clerk = factories.user(insurer.org, roles=[factories.role(insurer.org, ["order.view"])])
    note(insurer.org, "系统通知")
    note(insurer.org, "给业务员的", user=clerk)
    note(insurer.org, "给管理员的", user=insurer.admin)
    note(insurer.org, "保单", permission="policy.view")
    note(insurer.org, "订单", permission="order.view")
    note(insurer.other_org, "别家的")
    opened = note(insurer.org, "已打开")
    insurer.client(clerk).post(read_url(opened, "insurer"))
    note(insurer.org, "旧的", created_at=clerk.created_at - timedelta(minutes=1))

    def listed(user) -> int:
        return Notification.objects.visible_to(user).unread_for(user).count()

    assert unread_count(user=clerk) == listed(clerk) == 3  # 系统通知, 给业务员的, 订单
    assert unread_count(user=insurer.admin) == listed(insurer.admin)
    insurer.client(clerk).post("/insurer/messages/read-all/")
    note(insurer.org, "之后的")
    assert unread_count(user=clerk) == listed(clerk) == 1


# --- who may see it -----------------------------------------------------------------------------------------------
def test_it_sends_anonymous_visitors_to_the_login_page(enterprise):
    response = enterprise.client(None).get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/enterprise/login/")


def test_it_is_forbidden_to_another_side(enterprise):
    n = note(enterprise.org)
    client = enterprise.client(enterprise.foreign)
    assert client.get(LIST).status_code == 403
    assert client.post(open_url(n)).status_code == 403
    assert client.get(f"{LIST}bell/").status_code == 403
    assert unread(n, enterprise.admin)


# --- the bell -----------------------------------------------------------------------------------------------------
def test_it_shows_the_unread_count_in_the_bell(enterprise):
    note(enterprise.org)
    note(enterprise.org, user=enterprise.admin)
    note(enterprise.org, user=enterprise.limited)
    note(enterprise.other_org)
    client = enterprise.client(enterprise.admin)
    html = client.get("/enterprise/").content.decode()
    assert 'id="anze-bell"' in html and 'href="/enterprise/messages/"' in html
    assert 'data-unread="2"' in html
    client.post(f"{LIST}read-all/")
    html = client.get("/enterprise/").content.decode()
    assert 'id="anze-bell"' in html and "data-unread" not in html


def test_the_bell_refreshes_itself_after_an_action(enterprise):
    """The bell re-fetches its count when an action says so (anze:refresh), without a page reload."""
    note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    html = client.get("/enterprise/").content.decode()
    assert 'hx-get="/enterprise/messages/bell/"' in html and 'hx-trigger="anze:refresh from:body"' in html
    assert 'data-unread="1"' in bell(client)
    response = client.post(f"{LIST}read-all/", **HX)
    assert response.status_code == 204
    assert hx_message(response) == "已将1条消息标为已读"
    assert hx_trigger(response)["anze:done"]["refresh"] is True
    fragment = bell(client)
    assert 'id="anze-bell"' in fragment and "data-unread" not in fragment and "<html" not in fragment


def test_the_message_list_reads_by_htmx_and_refreshes_its_tabs_and_toolbar(enterprise):
    note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    html = client.get(LIST).content.decode()
    assert f'hx-post="{LIST}read-all/"' in html
    region = client.get(LIST, HTTP_HX_TARGET="list-region", **HX).content.decode()
    assert '未读<span class="count">(1)</span>' in region and "全部已读" in region
    client.post(f"{LIST}read-all/", **HX)
    region = client.get(LIST, HTTP_HX_TARGET="list-region", **HX).content.decode()
    assert '未读<span class="count">(0)</span>' in region and "全部已读" not in region


def test_it_caps_the_bell_at_99(enterprise):
    Notification.objects.bulk_create(
        Notification(organisation=enterprise.org, title=f"消息{i}") for i in range(120)
    )
    assert ">99+<" in enterprise.client(enterprise.admin).get("/enterprise/").content.decode()


def test_the_bell_costs_one_query(enterprise):
    for i in range(5):
        n = note(enterprise.org)
        if i % 2:
            enterprise.client(enterprise.admin).post(read_url(n))
    client = enterprise.client(enterprise.admin)
    with CaptureQueriesContext(connection) as queries:
        client.get("/enterprise/profile/")
    touching = [q["sql"] for q in queries.captured_queries if "notifications_" in q["sql"]]
    assert len(touching) == 1 and "COUNT(" in touching[0].upper()


def test_the_message_centre_reuses_the_bells_count(enterprise):
    note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "notifications_notificationread" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    assert len(counts) == 1


def test_the_bell_stops_counting_past_99(insurer):
    """An organisation with a backlog of thousands of unread messages: the bell's COUNT reads at most 100 of
    them and says 99+, on the bell and on the 未读 tab."""
    from anze.notifications.selectors import UNREAD_SHOWN

    first = note(insurer.org, "消息")
    Notification.objects.bulk_create(
        [
            Notification(organisation=insurer.org, title=f"消息{i}", body="", created_at=first.created_at)
            for i in range(UNREAD_SHOWN + 5)
        ]
    )
    assert unread_count(user=insurer.admin) == UNREAD_SHOWN + 1
    client = insurer.client(insurer.admin)
    assert 'data-unread="100">99+<' in client.get("/insurer/").content.decode()
    assert '未读<span class="count">(99+)</span>' in client.get("/insurer/messages/").content.decode()
