"""The aliyun backend with the real SDK (alibabacloud_dysmsapi20170525) against a local fake of SendSms."""

from __future__ import annotations

import json
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from anze.notifications.models import SmsMessage, SmsStatus
from anze.notifications.sms import Sms, SmsError, get_backend
from anze.notifications.tasks import deliver

from .conftest import PHONE
from .fakes import fake_provider

# The bodies of Aliyun's SendSms documentation: success, and a refusal (HTTP 200 with another Code).
OK = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5-B967-440B-8683"}
LIMITED = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5", "RequestId": "A1B2C3"}
BAD_NUMBER = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "A1B2C4"}
BAD_SIGNATURE = {
    "Code": "SignatureDoesNotMatch",
    "Message": "Specified signature is not matched with our calculation.",
    "RequestId": "A1B2C5",
    "HostId": "dysmsapi.aliyuncs.com",
}
JSON_UTF8 = "application/json;charset=utf-8"


@pytest.fixture
def aliyun(settings):
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_SIGN_NAME = "安责险平台"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tTestKeyId"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "test-secret"
    settings.SMS_ALIYUN_TEMPLATE_CODE = "SMS_465900001"

    def at(url: str) -> None:
        settings.SMS_ALIYUN_ENDPOINT = url

    return at


def test_it_sends_through_the_default_template_and_returns_the_biz_id(aliyun):
    with fake_provider(200, OK, JSON_UTF8) as provider:
        aliyun(provider.url)
        biz_id = get_backend().send(Sms(phone=PHONE, text="您的保单已出函。", reference="uuid-1"))
    assert biz_id == "900619746936498440^0"
    (request,) = provider.received
    sent = {**request.query, **request.form}
    assert request.method == "POST"
    assert sent["PhoneNumbers"] == PHONE
    assert sent["SignName"] == "安责险平台"
    assert sent["TemplateCode"] == "SMS_465900001"
    assert json.loads(sent["TemplateParam"]) == {"content": "您的保单已出函。"}
    assert sent["OutId"] == "uuid-1"
    assert request.headers["x-acs-action"] == "SendSms"


def test_it_sends_a_message_with_its_own_template_and_parameters(aliyun):
    with fake_provider(200, OK, JSON_UTF8) as provider:
        aliyun(provider.url)
        get_backend().send(
            Sms(phone=PHONE, text="验证码", template_code="SMS_CODE1", params={"code": "2468"})
        )
    sent = {**provider.received[0].query, **provider.received[0].form}
    assert sent["TemplateCode"] == "SMS_CODE1"
    assert json.loads(sent["TemplateParam"]) == {"code": "2468"}


def test_it_raises_the_providers_refusal(aliyun):
    with fake_provider(200, LIMITED, JSON_UTF8) as provider:
        aliyun(provider.url)
        with pytest.raises(SmsError) as refusal:
            get_backend().send(Sms(phone=PHONE, text="x"))
    assert refusal.value.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert refusal.value.message == "触发小时级流控Permits:5"
    assert not refusal.value.permanent


def test_it_marks_an_illegal_number_as_permanent(aliyun):
    with fake_provider(200, BAD_NUMBER, JSON_UTF8) as provider:
        aliyun(provider.url)
        with pytest.raises(SmsError) as refusal:
            get_backend().send(Sms(phone=PHONE, text="x"))
    assert refusal.value.permanent


def test_it_raises_an_http_error_of_the_api_as_sms_error(aliyun):
    with fake_provider(400, BAD_SIGNATURE, JSON_UTF8) as provider:
        aliyun(provider.url)
        with pytest.raises(SmsError) as refusal:
            get_backend().send(Sms(phone=PHONE, text="x"))
    assert refusal.value.code == "SignatureDoesNotMatch"
    assert "signature is not matched" in refusal.value.message


def test_it_raises_an_unreachable_endpoint_as_sms_error(aliyun):
    with fake_provider(200, OK) as provider:
        url = provider.url
    aliyun(url)  # the server is gone: connection refused
    with pytest.raises(SmsError):
        get_backend().send(Sms(phone=PHONE, text="x"))


@pytest.mark.django_db
def test_it_records_the_outcome_on_the_message(aliyun):
    message = SmsMessage.objects.create(phone=PHONE, text="已出函", status=SmsStatus.PENDING)
    with fake_provider(200, OK, JSON_UTF8) as provider:
        aliyun(provider.url)
        assert deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert message.provider == "aliyun" and message.provider_message_id == "900619746936498440^0"
    failed = SmsMessage.objects.create(phone=PHONE, text="已出函", status=SmsStatus.PENDING)
    with fake_provider(200, LIMITED, JSON_UTF8) as provider:
        aliyun(provider.url)
        assert deliver(failed.pk) == "retry"
    failed.refresh_from_db()
    assert failed.last_error == "isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5"


@pytest.mark.parametrize(
    "setting", ["SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_ALIYUN_TEMPLATE_CODE"]
)
def test_it_names_the_missing_setting(aliyun, settings, setting):
    setattr(settings, setting, "")
    with pytest.raises(ImproperlyConfigured, match=f"ANZE_{setting}"):
        get_backend()


def test_it_says_how_to_install_a_missing_sdk(aliyun, monkeypatch):
    monkeypatch.setitem(sys.modules, "alibabacloud_dysmsapi20170525", None)  # as if the extra were absent
    with pytest.raises(ImproperlyConfigured, match=r"anze\[sms-aliyun\]"):
        get_backend()
