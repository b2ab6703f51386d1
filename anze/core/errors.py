"""The one way business rules refuse an action: ``raise Refused("中文说明", field="…")``.

Views turn it into an error beside the field (or at the top of the form) and nothing is saved: every
action that raises it runs in a transaction.
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


STALE = "该记录状态已变化，请刷新后重试"
