"""Validators shared by every form and model: mobile numbers and 统一社会信用代码."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum.cn import uscc

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.fullmatch(value or ""):
        raise ValidationError("请输入正确的11位手机号码", code="invalid_mobile")


def clean_credit_code(value: str) -> str:
    """Return the compact upper-case code, or raise a Chinese ValidationError."""
    compact = uscc.compact(value or "")
    if not compact:
        raise ValidationError("请输入统一社会信用代码", code="required")
    try:
        return uscc.validate(compact)
    except uscc.InvalidLength:
        raise ValidationError("统一社会信用代码应为18位", code="invalid_length") from None
    except uscc.InvalidChecksum:
        raise ValidationError("统一社会信用代码校验位不正确，请核对", code="invalid_checksum") from None
    except (uscc.InvalidFormat, uscc.InvalidComponent, uscc.ValidationError):
        raise ValidationError("统一社会信用代码格式不正确", code="invalid_format") from None


def validate_credit_code(value: str) -> None:
    clean_credit_code(value)


def mask_mobile(value: str) -> str:
    """136****0764 — for logs and shared screens."""
    if value and len(value) == 11:
        return f"{value[:3]}****{value[7:]}"
    return value
