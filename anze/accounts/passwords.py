"""Password rules beyond Django's: letters and digits both required."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError


class LettersAndDigitsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码必须同时包含字母和数字", code="password_letters_and_digits")

    def get_help_text(self) -> str:
        return "密码至少8位，须同时包含字母和数字"


class MinimumLengthValidator:
    """Django's own message for this rule has no Chinese translation; this one says it in Chinese."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码长度太短，至少需要{self.min_length}个字符", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符"
