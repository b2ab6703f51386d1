"""What the regulator's pages show beside the data: each policy's 保障状态, each enterprise's 投保状态, the
order's 时间线."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from anze.orders.models import OrderEvent
from anze.orders.presenters import TimelineEntry
from anze.policies.models import Policy

from . import selectors


def policy_rows(policies: Iterable[Policy]) -> list[dict[str, Any]]:
    return [{"policy": p, "standing": selectors.standing_of(p)} for p in policies]


def cover_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """应保尽保's rows (``selectors.search_cover``: an enterprise of the platform or of the register) with their
    投保状态."""
    return [{"enterprise": row, "cover": selectors.cover_on(row["until"])} for row in rows]


def timeline(events: Iterable[OrderEvent]) -> list[TimelineEntry]:
    """The order's 时间线 for the regulator: each step and the states it moved between — not what it changed,
    its files or its SMS (the parties' business)."""
    return [TimelineEntry(event=event, changes=[]) for event in events]
