"""腾讯云短信 (SMS API 2021-01-11 SendSms) through the official SDK ``tencentcloud-sdk-python-sms``.

Settings (environment variables ANZE_…): SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY,
SMS_TENCENT_SDK_APP_ID, SMS_SIGN_NAME (an approved 签名), SMS_TENCENT_TEMPLATE_ID (the default template: one
parameter ``{1}`` carrying the whole text), SMS_TENCENT_REGION, and SMS_TENCENT_ENDPOINT (default
sms.tencentcloudapi.com; ``http://host:port`` for an intranet gateway).

Tencent templates number their parameters {1}, {2}, …: a message with its own template passes
``params={"1": "…", "2": "…"}`` (taken in numeric order of the keys; other keys in sorted order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from . import READ_TIMEOUT, Sms, SmsBackend, SmsError, missing_sdk, required_setting, split_endpoint

PERMANENT_CODES = frozenset(
    {"InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist"}
)


class TencentBackend(SmsBackend):
    name = "tencent"

    def __init__(self) -> None:
        try:
            from tencentcloud.common import credential
            from tencentcloud.common.profile.client_profile import ClientProfile
            from tencentcloud.common.profile.http_profile import HttpProfile
            from tencentcloud.sms.v20210111 import models as sms_models
            from tencentcloud.sms.v20210111.sms_client import SmsClient
        except ImportError as exc:
            raise missing_sdk(self.name, "sms-tencent") from exc
        secret_id = required_setting(self.name, "SMS_TENCENT_SECRET_ID")
        secret_key = required_setting(self.name, "SMS_TENCENT_SECRET_KEY")
        self.app_id = required_setting(self.name, "SMS_TENCENT_SDK_APP_ID")
        self.sign_name = required_setting(self.name, "SMS_SIGN_NAME")
        self.default_template = required_setting(self.name, "SMS_TENCENT_TEMPLATE_ID")
        region = settings.SMS_TENCENT_REGION or "ap-guangzhou"
        scheme, host = split_endpoint(
            getattr(settings, "SMS_TENCENT_ENDPOINT", "") or "sms.tencentcloudapi.com"
        )
        http_profile = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=READ_TIMEOUT)
        self._models = sms_models
        self._client = SmsClient(
            credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http_profile)
        )

    def send(self, sms: Sms) -> str:
        request = self._models.SendSmsRequest()
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.PhoneNumberSet = [f"+86{sms.phone}"]
        if sms.template_code:
            request.TemplateId = sms.template_code
            request.TemplateParamSet = ordered_params(sms.params)
        else:
            request.TemplateId = self.default_template
            request.TemplateParamSet = [sms.text]
        if sms.reference:
            request.SessionContext = sms.reference
        try:
            response = self._client.SendSms(request)
        except Exception as exc:  # TencentCloudSDKException (the SDK wraps network errors in it) and the rest
            raise _sms_error(exc) from exc
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SmsError("腾讯云短信未返回发送状态")
        status = statuses[0]
        # The request succeeds as a whole and refuses per number: each number has its own Code ("Ok").
        if status.Code != "Ok":
            code = status.Code or ""
            raise SmsError(
                status.Message or "腾讯云短信发送失败", code=code, permanent=code in PERMANENT_CODES
            )
        return status.SerialNo or ""


def ordered_params(params: Mapping[str, Any]) -> list[str]:
    """{"2": "b", "1": "a"} → ["a", "b"]. JSON objects have no reliable order (PostgreSQL's jsonb sorts
    keys its own way), so the order comes from the keys, never from storage."""
    keys = list(params)
    if all(key.isdigit() for key in keys):
        keys.sort(key=int)
    else:
        keys.sort()
    return [str(params[key]) for key in keys]


def _sms_error(exc: Exception) -> SmsError:
    code: Any = getattr(exc, "code", "") or ""
    message: Any = getattr(exc, "message", "") or str(exc) or type(exc).__name__
    return SmsError(str(message)[:400], code=str(code), permanent=code in PERMANENT_CODES)
