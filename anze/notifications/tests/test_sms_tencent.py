"""The tencent backend with the real SDK (tencentcloud.sms.v20210111) against a local fake of SendSms."""

from __future__ import annotations

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from anze.notifications.sms import Sms, SmsError, get_backend
from anze.notifications.sms.tencent import ordered_params

from .conftest import PHONE
from .fakes import fake_provider


def status(code: str, message: str) -> dict:
    """A SendSms answer of Tencent's documentation, with one number's status."""
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "5000:1045710669157053657849499619",
                    "PhoneNumber": f"+86{PHONE}",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


OK = status("Ok", "send success")
DAILY_LIMIT = status(
    "LimitExceeded.PhoneNumberDailyLimit",
    "the number of sms messages sent from a single mobile number every day exceeds the upper limit",
)
BLACKLISTED = status("FailedOperation.PhoneNumberInBlacklist", "phone number in blacklist")
AUTH_FAILURE = {
    "Response": {
        "Error": {
            "Code": "AuthFailure.SignatureFailure",
            "Message": "The provided credentials could not be validated. Please check your signature is correct.",
        },
        "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6",
    }
}


@pytest.fixture
def tencent(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_SIGN_NAME = "安责险平台"
    settings.SMS_TENCENT_SECRET_ID = "AKIDtestsecretid"
    settings.SMS_TENCENT_SECRET_KEY = "test-secret-key"
    settings.SMS_TENCENT_SDK_APP_ID = "1400006666"
    settings.SMS_TENCENT_TEMPLATE_ID = "449739"
    settings.SMS_TENCENT_REGION = "ap-guangzhou"

    def at(url: str) -> None:
        settings.SMS_TENCENT_ENDPOINT = url

    return at


def test_it_sends_through_the_default_template_and_returns_the_serial_number(tencent):
    with fake_provider(200, OK) as provider:
        tencent(provider.url)
        serial = get_backend().send(Sms(phone=PHONE, text="您的保单已出函。", reference="uuid-1"))
    assert serial == "5000:1045710669157053657849499619"
    (request,) = provider.received
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.json == {
        "PhoneNumberSet": [f"+86{PHONE}"],
        "SmsSdkAppId": "1400006666",
        "SignName": "安责险平台",
        "TemplateId": "449739",
        "TemplateParamSet": ["您的保单已出函。"],
        "SessionContext": "uuid-1",
    }


def test_it_sends_a_message_with_its_own_template_in_parameter_order(tencent):
    with fake_provider(200, OK) as provider:
        tencent(provider.url)
        get_backend().send(Sms(phone=PHONE, text="x", template_code="1234", params={"2": "5", "1": "246810"}))
    assert provider.received[0].json["TemplateId"] == "1234"
    assert provider.received[0].json["TemplateParamSet"] == ["246810", "5"]


def test_it_raises_the_refusal_of_the_number(tencent):
    with fake_provider(200, DAILY_LIMIT) as provider:
        tencent(provider.url)
        with pytest.raises(SmsError) as refusal:
            get_backend().send(Sms(phone=PHONE, text="x"))
    assert refusal.value.code == "LimitExceeded.PhoneNumberDailyLimit"
    assert "exceeds the upper limit" in refusal.value.message
    assert not refusal.value.permanent


def test_it_marks_a_blacklisted_number_as_permanent(tencent):
    with fake_provider(200, BLACKLISTED) as provider:
        tencent(provider.url)
        with pytest.raises(SmsError) as refusal:
            get_backend().send(Sms(phone=PHONE, text="x"))
    assert refusal.value.permanent


def test_it_raises_an_error_of_the_api_as_sms_error(tencent):
    with fake_provider(200, AUTH_FAILURE) as provider:
        tencent(provider.url)
        with pytest.raises(SmsError) as refusal:
            get_backend().send(Sms(phone=PHONE, text="x"))
    assert refusal.value.code == "AuthFailure.SignatureFailure"
    assert refusal.value.message.startswith("The provided credentials could not be validated")


def test_it_raises_a_server_error_as_sms_error(tencent):
    with fake_provider(502, {"message": "bad gateway"}) as provider:
        tencent(provider.url)
        with pytest.raises(SmsError):
            get_backend().send(Sms(phone=PHONE, text="x"))


@pytest.mark.parametrize(
    "setting",
    ["SMS_TENCENT_SECRET_ID", "SMS_TENCENT_SECRET_KEY", "SMS_TENCENT_SDK_APP_ID", "SMS_TENCENT_TEMPLATE_ID"],
)
def test_it_names_the_missing_setting(tencent, settings, setting):
    setattr(settings, setting, "")
    with pytest.raises(ImproperlyConfigured, match=f"ANZE_{setting}"):
        get_backend()


def test_it_says_how_to_install_a_missing_sdk(tencent, monkeypatch):
    monkeypatch.setitem(sys.modules, "tencentcloud.sms.v20210111", None)
    with pytest.raises(ImproperlyConfigured, match=r"anze\[sms-tencent\]"):
        get_backend()


def test_it_orders_template_parameters_by_their_number():
    assert ordered_params({"10": "j", "2": "b", "1": "a"}) == ["a", "b", "j"]
    assert ordered_params({"name": "n", "code": "c"}) == ["c", "n"]
