"""Test helpers shared by every app's tests: factories, the cast and the personas (see cast.py), htmx responses."""

from __future__ import annotations

import json
import re
from typing import Any


def hx_trigger(response: Any) -> dict[str, Any]:
    """The HX-Trigger events of a response (JSON, non-ASCII escaped as HTTP headers require)."""
    return json.loads(response["HX-Trigger"]) if "HX-Trigger" in response else {}


def hx_message(response: Any) -> str:
    """The toast text of an htmx action: the success (anze:done) or refusal (anze:error) message."""
    events = hx_trigger(response)
    for name in ("anze:done", "anze:error"):
        if name in events:
            return events[name]["message"]
    return ""


def shows_word(page: str, word: str) -> bool:
    """Whether ``page`` holds ``word`` on its own, not inside a longer run of letters and digits: a page's random
    CSRF token holds "NaN" or "None" once in a few thousand pages, which made "NaN" not in page fail by chance."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", page) is not None
