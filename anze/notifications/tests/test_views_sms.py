"""短信记录 on the insurer and platform sides: list, search, 重发; scoping and permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anze.core.sides import Side
from anze.core.testing import factories, hx_message
from anze.notifications.models import SmsMessage, SmsStatus

from .conftest import PHONE

pytestmark = pytest.mark.django_db
LIST = "/insurer/sms/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def message(org, **fields) -> SmsMessage:
    defaults = {"organisation": org, "phone": PHONE, "text": "您的投保申请已出函", "status": SmsStatus.SENT}
    defaults.update(fields)
    return SmsMessage.objects.create(**defaults)


def resend_url(m: SmsMessage, side: str = "insurer") -> str:
    return f"/{side}/sms/{m.uuid}/resend/"


@pytest.fixture
def platform(make_personas):
    return make_personas(Side.PLATFORM)


# --- list ------------------------------------------------------------------------------------------------------
def test_it_lists_the_insurers_own_messages_with_masked_phones(insurer):
    message(insurer.org, text="本公司的短信", attempts=1, sent_at=timezone.now())
    message(insurer.other_org, text="他公司的短信")
    html = insurer.client(insurer.admin).get(LIST).content.decode()
    assert "本公司的短信" in html and "他公司的短信" not in html
    assert "136****0764" in html and PHONE not in html
    assert '<span class="tag tag-success">已发送</span>' in html
    assert "共 1 条" in html


def test_it_shows_every_message_with_its_organisation_to_the_platform(platform, insurer):
    message(insurer.org, text="甲公司的短信")
    message(insurer.other_org, text="乙公司的短信")
    message(None, text="验证码短信")
    html = platform.client(platform.admin).get("/platform/sms/").content.decode()
    assert "甲公司的短信" in html and "乙公司的短信" in html and "验证码短信" in html
    assert insurer.org.name in html and insurer.other_org.name in html


def test_it_colours_each_status(insurer):
    message(insurer.org, status=SmsStatus.PENDING)
    message(insurer.org, status=SmsStatus.SENDING)
    message(insurer.org, status=SmsStatus.FAILED, last_error="isv.BUSINESS_LIMIT_CONTROL: 触发流控")
    html = insurer.client(insurer.admin).get(LIST).content.decode()
    assert '<span class="tag tag-warning">待发送</span>' in html
    assert '<span class="tag tag-warning">发送中</span>' in html
    assert '<span class="tag tag-danger">发送失败</span>' in html
    assert "触发流控" in html


def test_it_searches_by_phone_status_and_date(insurer):
    message(insurer.org, text="找到我", phone="13912345678", status=SmsStatus.FAILED)
    old = message(insurer.org, text="去年的")
    SmsMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    client = insurer.client(insurer.admin)
    for query in ["phone=13912345678", "phone=5678", "status=failed"]:
        html = client.get(f"{LIST}?{query}").content.decode()
        assert "找到我" in html and "去年的" not in html, query
    today = timezone.localdate().isoformat()
    html = client.get(f"{LIST}?start={today}&end={today}").content.decode()
    assert "找到我" in html and "去年的" not in html
    assert "暂无数据" in client.get(f"{LIST}?phone=13800000000").content.decode()


def test_it_keeps_a_constant_number_of_queries(platform, insurer, django_assert_max_num_queries):
    client = platform.client(platform.admin)
    message(insurer.org)
    with django_assert_max_num_queries(12) as few:
        client.get("/platform/sms/?size=50")
    for i in range(40):
        message(factories.organisation(Side.INSURER) if i % 2 else insurer.org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/platform/sms/?size=50")


def test_it_shows_the_menu_entry_to_whoever_may_view(insurer, platform):
    assert LIST in insurer.client(insurer.admin).get("/insurer/").content.decode()
    assert "/platform/sms/" in platform.client(platform.admin).get("/platform/").content.decode()
    assert LIST not in insurer.client(insurer.limited).get("/insurer/").content.decode()


# --- 重发 ------------------------------------------------------------------------------------------------------
def test_it_resends_a_failed_message(insurer, sms, django_capture_on_commit_callbacks):
    failed = message(insurer.org, status=SmsStatus.FAILED, attempts=6, last_error="短信服务暂不可用")
    with django_capture_on_commit_callbacks(execute=True):
        response = insurer.client(insurer.admin).post(resend_url(failed), **HTMX)
    assert response.status_code == 204 and hx_message(response) == "已提交重发"
    failed.refresh_from_db()
    assert failed.status == SmsStatus.SENT and failed.attempts == 7
    assert len(sms.sent) == 1


def test_it_sends_a_message_waiting_for_its_retry_now(insurer, sms, django_capture_on_commit_callbacks):
    waiting = message(
        insurer.org,
        status=SmsStatus.PENDING,
        attempts=2,
        next_attempt_at=timezone.now() + timedelta(minutes=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        insurer.client(insurer.admin).post(resend_url(waiting), **HTMX)
    waiting.refresh_from_db()
    assert waiting.status == SmsStatus.SENT


def test_it_refuses_to_resend_a_sent_message(insurer, sms, django_capture_on_commit_callbacks):
    sent = message(insurer.org, status=SmsStatus.SENT, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = insurer.client(insurer.admin).post(resend_url(sent), **HTMX)
    assert hx_message(response) == "该短信已发送成功，不能重发"
    sent.refresh_from_db()
    assert sent.attempts == 1 and sms.sent == []


def test_it_refuses_to_resend_a_sent_message_without_javascript(insurer):
    sent = message(insurer.org, status=SmsStatus.SENT)
    response = insurer.client(insurer.admin).post(resend_url(sent), follow=True)
    assert "该短信已发送成功，不能重发" in response.content.decode()


def test_it_offers_resend_only_for_failed_and_pending_messages(insurer):
    failed = message(insurer.org, status=SmsStatus.FAILED)
    sent = message(insurer.org, status=SmsStatus.SENT)
    html = insurer.client(insurer.admin).get(LIST).content.decode()
    assert resend_url(failed) in html and resend_url(sent) not in html


def test_it_hides_resend_without_its_permission(insurer, client_for):
    viewer = factories.user(insurer.org, roles=[factories.role(insurer.org, ["sms.view"])])
    failed = message(insurer.org, status=SmsStatus.FAILED)
    client = client_for(viewer)
    assert resend_url(failed) not in client.get(LIST).content.decode()
    assert client.post(resend_url(failed)).status_code == 403


def test_it_gives_404_for_another_insurers_message(insurer):
    theirs = message(insurer.other_org, status=SmsStatus.FAILED)
    assert insurer.client(insurer.admin).post(resend_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SmsStatus.FAILED


def test_it_lets_the_platform_resend_any_message(platform, insurer, sms, django_capture_on_commit_callbacks):
    theirs = message(insurer.org, status=SmsStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        platform.client(platform.admin).post(resend_url(theirs, "platform"), **HTMX)
    theirs.refresh_from_db()
    assert theirs.status == SmsStatus.SENT


def test_it_resends_by_post_only(insurer):
    failed = message(insurer.org, status=SmsStatus.FAILED)
    assert insurer.client(insurer.admin).get(resend_url(failed)).status_code == 405


# --- who may see it -----------------------------------------------------------------------------------------------
def test_it_is_forbidden_without_the_permission(insurer):
    assert insurer.client(insurer.limited).get(LIST).status_code == 403


def test_it_is_forbidden_to_another_side(insurer):
    assert insurer.client(insurer.foreign).get(LIST).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(insurer):
    response = insurer.client(None).get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/insurer/login/")


def test_it_does_not_exist_on_the_other_sides(enterprise):
    assert enterprise.client(enterprise.admin).get("/enterprise/sms/").status_code == 404
