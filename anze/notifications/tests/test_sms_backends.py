"""Choosing the backend, the console backend and the file backend."""

from __future__ import annotations

import logging
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from anze.notifications.apps import check_sms_backend
from anze.notifications.sms import Sms, SmsError, get_backend, split_endpoint
from anze.notifications.sms.console import ConsoleBackend
from anze.notifications.sms.file import FileBackend, read_records

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


def test_it_warns_when_the_sending_lease_is_shorter_than_a_provider_call(settings):
    settings.SMS_BACKEND = "tencent"
    settings.SMS_TENCENT_SECRET_ID = settings.SMS_TENCENT_SECRET_KEY = "test"
    settings.SMS_TENCENT_SDK_APP_ID = settings.SMS_TENCENT_TEMPLATE_ID = "1400000000"
    settings.SMS_SENDING_LEASE_SECONDS = 30
    (warning,) = check_sms_backend()
    assert warning.id == "anze.W002" and "ANZE_SMS_SENDING_LEASE_SECONDS=30" in warning.msg
    settings.SMS_SENDING_LEASE_SECONDS = 300
    assert check_sms_backend() == []
    settings.SMS_BACKEND = "file"  # sends nothing over a network: a short lease is what its tests use
    settings.SMS_SENDING_LEASE_SECONDS = 3
    assert check_sms_backend() == []


def test_the_file_backend_appends_one_line_a_message_with_the_outbox_reference(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "sent.jsonl")
    backend = get_backend()
    assert isinstance(backend, FileBackend)
    first = backend.send(Sms(phone=PHONE, text="您的保单已出函。", reference="ref-1"))
    backend.send(
        Sms(phone=PHONE, text="您的验证码为123456。", shown_text="您的验证码为******。", reference="ref-2")
    )
    records = read_records(settings.SMS_FILE_PATH)
    assert [r["reference"] for r in records] == ["ref-1", "ref-2"]
    assert records[0]["message_id"] == first and first.startswith("file-")
    assert records[0]["text"] == "【安责险平台】您的保单已出函。" and records[0]["phone"] == "136****0764"
    assert records[0]["pid"] == os.getpid() and records[0]["event"] == "sent"
    assert "123456" not in (tmp_path / "sms" / "sent.jsonl").read_text()  # a code never reaches the disk
    assert PHONE not in (tmp_path / "sms" / "sent.jsonl").read_text()


def test_the_file_backend_reports_a_file_it_cannot_write_as_not_sent(settings, tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "taken" / "sent.jsonl")
    with pytest.raises(SmsError, match="短信记录文件无法写入"):
        get_backend().send(Sms(phone=PHONE, text="您的保单已出函。"))
