"""阿里云短信 (Dysmsapi 2017-05-25 SendSms) through the official SDK ``alibabacloud_dysmsapi20170525``.

Settings (environment variables ANZE_…): SMS_ALIYUN_ACCESS_KEY_ID, SMS_ALIYUN_ACCESS_KEY_SECRET,
SMS_SIGN_NAME (an approved 签名), SMS_ALIYUN_TEMPLATE_CODE (the default template: one variable ``${content}``
that carries the whole text, used by every message without its own template), SMS_ALIYUN_ENDPOINT
(default dysmsapi.aliyuncs.com; ``http://host:port`` for an intranet gateway).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from . import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    Sms,
    SmsBackend,
    SmsError,
    missing_sdk,
    required_setting,
    split_endpoint,
)

# The variable of the default template: 模板内容 "${content}".
TEXT_VARIABLE = "content"
# Codes for which another attempt cannot succeed (the number itself is refused).
PERMANENT_CODES = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"})


class AliyunBackend(SmsBackend):
    name = "aliyun"

    def __init__(self) -> None:
        try:
            from alibabacloud_dysmsapi20170525 import models as dysms_models
            from alibabacloud_dysmsapi20170525.client import Client
            from alibabacloud_tea_openapi.models import Config
        except ImportError as exc:
            raise missing_sdk(self.name, "sms-aliyun") from exc
        access_key_id = required_setting(self.name, "SMS_ALIYUN_ACCESS_KEY_ID")
        access_key_secret = required_setting(self.name, "SMS_ALIYUN_ACCESS_KEY_SECRET")
        self.sign_name = required_setting(self.name, "SMS_SIGN_NAME")
        self.default_template = required_setting(self.name, "SMS_ALIYUN_TEMPLATE_CODE")
        scheme, host = split_endpoint(settings.SMS_ALIYUN_ENDPOINT or "dysmsapi.aliyuncs.com")
        self._models = dysms_models
        self._client = Client(
            Config(
                access_key_id=access_key_id,
                access_key_secret=access_key_secret,
                endpoint=host,
                protocol=scheme,
                connect_timeout=CONNECT_TIMEOUT * 1000,  # milliseconds
                read_timeout=READ_TIMEOUT * 1000,
            )
        )

    def send(self, sms: Sms) -> str:
        if sms.template_code:
            template_code, params = sms.template_code, dict(sms.params)
        else:
            template_code, params = self.default_template, {TEXT_VARIABLE: sms.text}
        request = self._models.SendSmsRequest(
            phone_numbers=sms.phone,
            sign_name=self.sign_name,
            template_code=template_code,
            template_param=json.dumps(params, ensure_ascii=False),
            out_id=sms.reference or None,
        )
        try:
            response = self._client.send_sms(request)
        except Exception as exc:  # the SDK's own exceptions, network errors, bad responses: all "not sent"
            raise _sms_error(exc) from exc
        body = response.body
        # SendSms answers HTTP 200 with Code != "OK" for refusals (flow control, bad number, bad template).
        if body is None or body.code != "OK":
            code = (body.code if body else "") or ""
            message = (body.message if body else "") or "阿里云短信发送失败"
            raise SmsError(message, code=code, permanent=code in PERMANENT_CODES)
        return body.biz_id or ""


def _sms_error(exc: Exception) -> SmsError:
    code: Any = getattr(exc, "code", "") or ""
    message: Any = getattr(exc, "message", "") or str(exc) or type(exc).__name__
    return SmsError(str(message)[:400], code=str(code), permanent=code in PERMANENT_CODES)
