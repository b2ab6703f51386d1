"""Issue 11 finding 3: verification codes were stored in clear in the SMS outbox (``SmsMessage.text``) and shown in
短信记录 — a role holding only ``sms.view`` read a 忘记密码 code and took over the account.

Now the row keeps the text with the code masked, and the code only encrypted, for the code's lifetime, until
it is sent: the provider gets the real code (on a retry too), the log, the database and 短信记录 never do."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications import services, tasks
from anze.notifications.codes import mask_stored_codes
from anze.notifications.models import SECRET_MASK, SECRET_PLACEHOLDER, SmsMessage, SmsStatus
from anze.notifications.sms import Sms, get_backend
from anze.portal import verification
from anze.portal.models import CodePurpose

from .conftest import PHONE
from .fakes import FAILING, RECORDING, FailingBackend

pytestmark = pytest.mark.django_db
CODE_TEXT = f"您的验证码为{SECRET_PLACEHOLDER}，用于找回密码，5分钟内有效。"


def sent_code(sms) -> str:
    match = re.search(r"验证码为(\d{6})", sms.sent[-1].text)
    assert match, sms.sent[-1].text
    return match.group(1)


def code_message(**overrides) -> SmsMessage:
    arguments = {"secret": "246810", "secret_ttl": timedelta(minutes=5)}
    arguments.update(overrides)
    return services.sms_enqueue(PHONE, CODE_TEXT, **arguments)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def clear_columns(message: SmsMessage) -> str:
    message.refresh_from_db()
    return " ".join([message.text, str(message.params), message.secret, message.last_error])


def test_a_role_with_only_sms_view_cannot_read_a_password_reset_code(sms, django_capture_on_commit_callbacks):
    enterprise = factories.organisation(Side.ENTERPRISE)
    victim = factories.user(enterprise, admin=True, mobile=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        verification.code_send(phone=PHONE, purpose=CodePurpose.RESET_PASSWORD, user=victim)
    code = sent_code(sms)  # the victim's phone got the code
    platform = factories.organisation(Side.PLATFORM)
    snoop = factories.user(platform, roles=[factories.role(platform, ["sms.view"])])
    client = signed_in(snoop)
    page = client.get("/platform/sms/").content.decode()
    assert "您的验证码为******，用于找回密码" in page
    assert code not in page
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT
    assert code not in clear_columns(message) and message.secret == ""  # wiped once sent


def test_a_pending_code_is_kept_only_encrypted(sms):
    message = code_message()  # not sent yet: the tests' transaction never commits
    assert "246810" not in clear_columns(message)
    assert message.text == "您的验证码为******，用于找回密码，5分钟内有效。"
    assert message.secret and message.secret_expires_at is not None
    page = signed_in(factories.user(factories.organisation(Side.PLATFORM), admin=True))
    assert "246810" not in page.get("/platform/sms/").content.decode()


def test_the_code_reaches_the_provider_on_a_retry_and_is_wiped_after(sms, settings):
    settings.SMS_BACKEND = FAILING
    message = code_message()
    assert tasks.deliver(message.pk) == "retry"
    assert "246810" not in clear_columns(message) and message.secret  # kept (encrypted) for the retry
    settings.SMS_BACKEND = RECORDING
    SmsMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert tasks.deliver(message.pk) == "sent"
    assert sms.sent[-1].text == "您的验证码为246810，用于找回密码，5分钟内有效。"
    assert FailingBackend.calls == 1
    assert clear_columns(message).count("246810") == 0 and message.secret == ""


def test_a_template_gets_the_code_as_its_parameter(sms):
    message = code_message(template_code="SMS_CODE", params={"code": SECRET_PLACEHOLDER})
    assert message.params == {"code": SECRET_MASK}
    assert tasks.deliver(message.pk) == "sent"
    assert sms.sent[-1].template_code == "SMS_CODE" and sms.sent[-1].params == {"code": "246810"}


def test_an_expired_code_is_never_sent_late(sms):
    message = code_message()
    SmsMessage.objects.filter(pk=message.pk).update(secret_expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and "验证码已过期" in message.last_error
    assert message.secret == "" and sms.sent == []


def test_the_sweep_wipes_the_secret_of_a_code_past_its_lifetime(sms, settings):
    settings.SMS_BACKEND = FAILING
    message = code_message()
    tasks.deliver(message.pk)
    SmsMessage.objects.filter(pk=message.pk).update(secret_expires_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep()
    message.refresh_from_db()
    assert message.secret == ""


def test_a_code_message_is_not_resent(sms, settings):
    settings.SMS_BACKEND = FAILING
    message = code_message()
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsStatus.FAILED)
    message.refresh_from_db()
    assert not message.can_resend
    admin = factories.user(factories.organisation(Side.PLATFORM), admin=True)
    with pytest.raises(Refused, match="验证码短信不能重发"):
        services.sms_resend(message=message, actor=admin)


def test_a_secret_needs_its_placeholder():
    with pytest.raises(ValueError, match="placeholder"):
        services.sms_enqueue(PHONE, "您的验证码为246810。", secret="246810")


def test_the_console_shows_the_code_in_development_only(settings, caplog):
    settings.SMS_BACKEND = "console"
    caplog.set_level(logging.INFO, logger="anze.notifications.sms")
    sms = Sms(phone=PHONE, text="您的验证码为246810。", shown_text="您的验证码为******。")
    settings.DEBUG = False
    get_backend().send(sms)
    assert "您的验证码为******。" in caplog.text and "246810" not in caplog.text
    settings.DEBUG = True
    get_backend().send(sms)
    assert "您的验证码为246810。" in caplog.text


def test_the_migration_masks_the_codes_already_stored():
    old = SmsMessage.objects.create(
        phone=PHONE, text="您的验证码为135790，用于企业注册，5分钟内有效。", params={"code": "135790"}
    )
    other = SmsMessage.objects.create(phone=PHONE, text="您的投保申请202512010001已出函，保单号5457854121。")
    mask_stored_codes(apps)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.text == "您的验证码为******，用于企业注册，5分钟内有效。" and old.params == {"code": "******"}
    assert old.secret_expires_at is not None and not old.can_resend
    assert other.text == "您的投保申请202512010001已出函，保单号5457854121。"
