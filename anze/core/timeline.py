"""The entries of a 时间线 as ``core/partials/timeline.html`` shows them, for every entity's timeline (the order,
the policy's service, a service record): the step (an ``audit.TimelineEvent``) and what the page adds to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Entry:
    """One step: ``note`` follows its label; ``changes`` are (label, value) lines; ``from_label`` / ``to_label``
    (with its ``to_tone``) the states it moved between. The order's ``TimelineEntry`` has the same attributes,
    plus the step's file and SMS."""

    event: Any
    note: str = ""
    changes: list[tuple[str, str]] = field(default_factory=list)
    from_label: str = ""
    to_label: str = ""
    to_tone: str = "info"
    document: Any = None
    sms: list[Any] = field(default_factory=list)


def changed_values(changes: Mapping[str, Any], *, hidden: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``{label: [old, new]}`` (what an edit changed) as lines ``old → new``; other keys are not shown."""
    skip = set(hidden)
    return [
        (label, f"{value[0] or '—'} → {value[1]}")
        for label, value in changes.items()
        if label not in skip and isinstance(value, (list, tuple)) and len(value) == 2
    ]
