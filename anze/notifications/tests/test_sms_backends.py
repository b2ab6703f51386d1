"""Choosing the backend, and the console backend."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from anze.notifications.apps import check_sms_backend
from anze.notifications.sms import Sms, get_backend, split_endpoint
from anze.notifications.sms.console import ConsoleBackend

from .conftest import PHONE


def test_it_logs_the_masked_phone_and_the_signed_text(settings, caplog):
    settings.SMS_BACKEND = "console"
    caplog.set_level(logging.INFO, logger="anze.notifications.sms")
    backend = get_backend()
    assert isinstance(backend, ConsoleBackend)
    provider_id = backend.send(Sms(phone=PHONE, text="您的保单已出函。"))
    assert provider_id.startswith("console-")
    assert "136****0764" in caplog.text and PHONE not in caplog.text
    assert "【安责险平台】您的保单已出函。" in caplog.text


def test_it_refuses_an_unknown_backend(settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        get_backend()


def test_it_warns_at_start_up_about_a_backend_it_cannot_build(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TENCENT_SECRET_ID = ""
    (warning,) = check_sms_backend()
    assert warning.id == "anze.W001" and "ANZE_SMS_TENCENT_SECRET_ID" in warning.msg
    settings.SMS_BACKEND = "console"
    assert check_sms_backend() == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("dysmsapi.aliyuncs.com", ("https", "dysmsapi.aliyuncs.com")),
        ("http://127.0.0.1:8080", ("http", "127.0.0.1:8080")),
        ("https://sms.internal.example/", ("https", "sms.internal.example")),
    ],
)
def test_it_reads_an_endpoint_with_or_without_scheme(value, expected):
    assert split_endpoint(value) == expected


def test_it_refuses_an_endpoint_with_another_scheme():
    with pytest.raises(ImproperlyConfigured):
        split_endpoint("ftp://sms.example")
