"""Django's ``{% querystring %}`` writes the leading "?" itself: a link written ``href="?{% querystring … %}"``
becomes ``??tab=…``, which browsers read as a parameter named "?tab" — the tab is silently ignored."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # anze/
DOUBLED = re.compile(r"\?\{%\s*querystring")


def test_no_template_puts_a_question_mark_before_querystring():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DOUBLED.search(line)
    ]
    assert offenders == []
