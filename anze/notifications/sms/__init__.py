"""SMS behind one small interface: ``backend.send(sms) -> provider message id``, raising ``SmsError``.

``settings.SMS_BACKEND`` chooses the backend: ``console`` (default: writes to the log), ``aliyun`` or
``tencent`` (the official SDKs, installed by the ``sms-aliyun`` / ``sms-tencent`` extras), ``file`` (tests and
rehearsals: one JSON line a message in ``SMS_FILE_PATH``, nothing sent), or the dotted path of a class with the
same interface. The SDKs are imported only when their backend is built, so the console
backend needs neither; a missing SDK or an empty setting raises ImproperlyConfigured naming what to set.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BACKENDS: dict[str, str] = {
    "console": "anze.notifications.sms.console.ConsoleBackend",
    "aliyun": "anze.notifications.sms.aliyun.AliyunBackend",
    "tencent": "anze.notifications.sms.tencent.TencentBackend",
    "file": "anze.notifications.sms.file.FileBackend",
}

# Network timeouts of the provider calls, in seconds. Far below the sending lease of the outbox
# (settings.SMS_SENDING_LEASE_SECONDS), so a claimed message is never handed to a second worker while the first
# waits (a system check warns when the lease is too short for them).
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15


@dataclass(frozen=True)
class Sms:
    """What a backend needs to send one message; built from an ``SmsMessage`` row."""

    phone: str  # mainland mobile, 11 digits
    text: str  # without the 【签名】: the provider (or the console) adds settings.SMS_SIGN_NAME
    template_code: str = ""  # empty: the backend's default template carries ``text``
    params: Mapping[str, str] = field(default_factory=dict)
    reference: str = ""  # our message's UUID, passed to the provider so a message can be traced there
    # The text as logs may show it: a verification code masked (empty: ``text`` has nothing to hide).
    shown_text: str = ""


class SmsError(Exception):
    """The provider refused or could not be reached. ``permanent``: retrying cannot help (a bad number)."""

    def __init__(self, message: str, *, code: str = "", permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.permanent = permanent

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


class SmsBackend(ABC):
    name: str = ""

    @abstractmethod
    def send(self, sms: Sms) -> str:
        """Send one message; return the provider's message id; raise SmsError when it is not accepted."""


def get_backend() -> SmsBackend:
    """The configured backend, built afresh (so ``override_settings`` and a changed setting take effect)."""
    choice = settings.SMS_BACKEND or "console"
    path = BACKENDS.get(choice, choice)
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"未知的短信通道 SMS_BACKEND={choice!r}（可选 {'、'.join(BACKENDS)}，或后端类的完整路径）"
        ) from exc
    return backend_class()


def sign_name() -> str:
    return settings.SMS_SIGN_NAME


def signed_text(text: str) -> str:
    """The text as the recipient reads it: 【安责险平台】您的投保申请…"""
    return f"【{sign_name()}】{text}"


def required_setting(backend: str, name: str) -> str:
    """A setting the backend cannot work without; empty → ImproperlyConfigured naming the variable."""
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(
            f"短信通道 {backend} 未配置 {name}：请设置环境变量 ANZE_{name}（见 config/settings.py）"
        )
    return str(value)


def missing_sdk(backend: str, extra: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"短信通道 {backend} 需要安装官方 SDK：pip install 'anze[{extra}]'（或改用 ANZE_SMS_BACKEND=console）"
    )


def split_endpoint(value: str) -> tuple[str, str]:
    """ "dysmsapi.aliyuncs.com" → ("https", host); "http://127.0.0.1:8080" → ("http", "127.0.0.1:8080").

    A scheme may be given for a gateway or proxy inside an intranet (and for the tests' local fake server);
    without one the SDK's default, HTTPS, is kept.
    """
    if "://" not in value:
        return "https", value.strip().rstrip("/")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"短信接口地址格式不正确：{value!r}")
    return parts.scheme, parts.netloc
