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
