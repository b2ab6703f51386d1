"""SMS verification codes: sent through the outbox, stored hashed, valid 5 minutes and once, at most one a minute
and ten a day per phone, five wrong tries end a code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anze.core.errors import Refused
from anze.notifications.models import SmsMessage
from anze.portal import verification
from anze.portal.models import CodePurpose, SmsCodeQuota, VerificationCode
from anze.portal.tests.support import sms_code

pytestmark = pytest.mark.django_db
PHONE = "13860719001"
REGISTER = CodePurpose.REGISTER


def send(phone: str = PHONE, purpose: str = REGISTER) -> verification.CodeSent:
    return verification.code_send(phone=phone, purpose=purpose)


def check(code: str, phone: str = PHONE, purpose: str = REGISTER) -> VerificationCode:
    return verification.code_check(phone=phone, purpose=purpose, code=code)


def refusal(fn, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as exc:
        fn(*args, **kwargs)
    return exc.value


def a_minute_passes(phone: str = PHONE) -> None:
    SmsCodeQuota.objects.filter(phone=phone).update(last_sent_at=timezone.now() - timedelta(seconds=61))


def test_it_sends_the_code_through_the_outbox_and_stores_only_its_hash():
    sent = send()
    assert sent.masked_phone == "138****9001" and sent.wait_seconds == 60
    message = SmsMessage.objects.get(phone=PHONE)
    code = sms_code(PHONE)
    assert "5分钟内有效" in message.text and "企业注册" in message.text
    assert message.organisation is None  # the platform's SMS log, not an insurer's
    row = VerificationCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=5)
    assert check(code) == row


def test_it_refuses_a_second_code_within_a_minute_and_allows_it_after():
    send()
    message = refusal(send).message
    assert message.startswith("验证码发送过于频繁，请") and message.endswith("秒后再试")
    assert SmsMessage.objects.count() == 1
    a_minute_passes()
    send()
    assert SmsMessage.objects.count() == 2


def test_it_counts_the_minute_per_phone_across_purposes_not_across_phones():
    send()
    assert "频繁" in refusal(send, purpose=CodePurpose.RESET_PASSWORD).message
    send(phone="13860719002")
    assert SmsMessage.objects.count() == 2


def test_it_allows_ten_codes_a_day_and_no_eleventh():
    for _ in range(10):
        send()
        a_minute_passes()
    assert refusal(send).message == "该手机号今日获取验证码已达10次，请明天再试"
    assert SmsMessage.objects.count() == 10
    # The next day (Asia/Shanghai) starts a new count.
    SmsCodeQuota.objects.update(day=timezone.localdate() - timedelta(days=1))
    send()
    assert SmsCodeQuota.objects.get().day_count == 1


def test_it_refuses_a_phone_that_is_not_a_mainland_mobile():
    error = refusal(send, phone="1386071900")
    assert error.message == "请输入正确的11位手机号码" and error.field == "phone"
    assert not SmsMessage.objects.exists() and not SmsCodeQuota.objects.exists()


def test_it_refuses_an_expired_code():
    send()
    code = sms_code(PHONE)
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    error = refusal(check, code)
    assert error.message == "验证码已过期，请重新获取" and error.field == "code"


def test_it_refuses_a_wrong_code_and_keeps_the_count_of_failures():
    send()
    code = sms_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert refusal(check, wrong).message == "验证码不正确，请核对后重新输入"
    assert VerificationCode.objects.get().failures == 1


def test_it_ends_a_code_after_five_wrong_tries():
    send()
    code = sms_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        refusal(check, wrong)
    assert refusal(check, code).message == "验证码错误次数过多，请重新获取"


def test_it_refuses_a_used_code():
    send()
    code = sms_code(PHONE)
    verification.code_use(check(code))
    assert refusal(check, code).message == "验证码已使用，请重新获取"
    stale = VerificationCode.objects.get()
    assert refusal(verification.code_use, stale).message == "验证码已使用，请重新获取"


def test_it_accepts_only_the_latest_code_for_the_purpose_it_was_sent_for():
    send()
    first = sms_code(PHONE)
    a_minute_passes()
    send()
    latest = sms_code(PHONE)
    if first != latest:
        assert "不正确" in refusal(check, first).message
    assert refusal(check, latest, purpose=CodePurpose.RESET_PASSWORD).message == "请先获取短信验证码"
    assert check(latest).pk == VerificationCode.objects.order_by("-id").first().pk


def test_it_asks_for_a_code_when_none_was_typed_or_sent():
    assert refusal(check, "").message == "请输入短信验证码"
    assert refusal(check, "123456").message == "请先获取短信验证码"


def test_it_does_everything_but_the_sms_when_told_not_to_deliver():
    verification.code_send(phone=PHONE, purpose=CodePurpose.RESET_PASSWORD, deliver=False)
    assert not SmsMessage.objects.exists()
    assert VerificationCode.objects.get().sms is None
    assert "频繁" in refusal(send).message  # the quota is spent all the same


def test_it_tells_how_long_until_the_next_code():
    assert verification.seconds_until_next(PHONE) == 0
    send()
    assert 55 <= verification.seconds_until_next(PHONE) <= 60


@pytest.mark.django_db
def test_it_limits_codes_per_ip_whatever_the_phones(client):
    from anze.portal.verification import IP_HOURLY_LIMIT

    for n in range(IP_HOURLY_LIMIT):
        response = client.post(
            "/enterprise/register/code/",
            {"phone": f"1390000{n:04d}"},
            REMOTE_ADDR="10.3.3.3",
            HTTP_HX_REQUEST="true",
        )
        assert "验证码已发送" in response.content.decode()
    response = client.post(
        "/enterprise/register/code/", {"phone": "13911112222"}, REMOTE_ADDR="10.3.3.3", HTTP_HX_REQUEST="true"
    )
    assert "验证码发送过于频繁" in response.content.decode()
    other_ip = client.post(
        "/enterprise/register/code/", {"phone": "13911112222"}, REMOTE_ADDR="10.3.3.4", HTTP_HX_REQUEST="true"
    )
    assert "验证码已发送" in other_ip.content.decode()
