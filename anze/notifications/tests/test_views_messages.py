"""消息中心 on every side, and the bell in the top bar."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anze.core.sides import Side
from anze.notifications.models import Notification

pytestmark = pytest.mark.django_db
LIST = "/enterprise/messages/"


def note(org, title: str = "报价已完成", **fields) -> Notification:
    return Notification.objects.create(organisation=org, title=title, body=f"{title}，请登录查看。", **fields)


def open_url(n: Notification, side: str = "enterprise") -> str:
    return f"/{side}/messages/{n.uuid}/open/"


def read_url(n: Notification, side: str = "enterprise") -> str:
    return f"/{side}/messages/{n.uuid}/read/"


def unread(n: Notification) -> bool:
    n.refresh_from_db()
    return n.read_at is None


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
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client = enterprise.client(enterprise.admin)
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
    for i in range(40):
        note(enterprise.org, f"消息{i}", user=enterprise.admin if i % 2 else None)
    with django_assert_max_num_queries(len(few.captured_queries)):
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
    n.refresh_from_db()
    assert n.read_at is not None and n.read_by == enterprise.admin


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
    assert not unread(n)


def test_it_gives_404_for_another_organisations_message(enterprise):
    theirs = note(enterprise.other_org)
    client = enterprise.client(enterprise.admin)
    assert client.post(open_url(theirs)).status_code == 404
    assert client.post(read_url(theirs)).status_code == 404
    assert unread(theirs)


def test_it_gives_404_for_a_message_addressed_to_a_colleague(enterprise):
    theirs = note(enterprise.org, user=enterprise.limited)
    assert enterprise.client(enterprise.admin).post(read_url(theirs)).status_code == 404
    assert unread(theirs)


def test_it_marks_all_read_only_what_the_user_sees(enterprise):
    mine = [note(enterprise.org), note(enterprise.org, user=enterprise.admin)]
    colleagues = note(enterprise.org, user=enterprise.limited)
    other_orgs = note(enterprise.other_org)
    response = enterprise.client(enterprise.admin).post(f"{LIST}read-all/", follow=True)
    assert "已将2条消息标为已读" in response.content.decode()
    assert not any(unread(n) for n in mine)
    assert unread(colleagues) and unread(other_orgs)


def test_it_changes_read_state_by_post_only(enterprise):
    n = note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    assert client.get(open_url(n)).status_code == 405
    assert client.get(f"{LIST}read-all/").status_code == 405
    assert unread(n)


# --- who may see it -----------------------------------------------------------------------------------------------
def test_it_sends_anonymous_visitors_to_the_login_page(enterprise):
    response = enterprise.client(None).get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/enterprise/login/")


def test_it_is_forbidden_to_another_side(enterprise):
    n = note(enterprise.org)
    client = enterprise.client(enterprise.foreign)
    assert client.get(LIST).status_code == 403
    assert client.post(open_url(n)).status_code == 403
    assert unread(n)


# --- the bell -----------------------------------------------------------------------------------------------------
def test_it_shows_the_unread_count_in_the_bell(enterprise):
    note(enterprise.org)
    note(enterprise.org, user=enterprise.admin)
    note(enterprise.org, user=enterprise.limited)
    note(enterprise.other_org)
    client = enterprise.client(enterprise.admin)
    html = client.get("/enterprise/").content.decode()
    assert 'id="anze-bell" href="/enterprise/messages/"' in html
    assert 'data-unread="2"' in html
    client.post(f"{LIST}read-all/")
    html = client.get("/enterprise/").content.decode()
    assert 'id="anze-bell"' in html and "data-unread" not in html


def test_it_caps_the_bell_at_99(enterprise):
    Notification.objects.bulk_create(
        Notification(organisation=enterprise.org, title=f"消息{i}") for i in range(120)
    )
    assert ">99+<" in enterprise.client(enterprise.admin).get("/enterprise/").content.decode()


def test_the_bell_costs_one_query(enterprise):
    for _ in range(5):
        note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    with CaptureQueriesContext(connection) as queries:
        client.get("/enterprise/profile/")
    touching = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(touching) == 1 and "COUNT(" in touching[0].upper()


def test_the_message_centre_reuses_the_bells_count(enterprise):
    note(enterprise.org)
    client = enterprise.client(enterprise.admin)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "notifications_notification" in q["sql"] and "read_at" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    assert len(counts) == 1


def test_a_shared_message_read_by_a_colleague_is_read_for_everyone(enterprise):
    n = note(enterprise.org)
    enterprise.client(enterprise.limited).post(read_url(n))
    html = enterprise.client(enterprise.admin).get("/enterprise/").content.decode()
    assert "data-unread" not in html
    n.refresh_from_db()
    assert n.read_by == enterprise.limited
