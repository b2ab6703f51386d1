"""Checking a machine against its literal matrix (one test per machine, in its app).

A matrix is written by hand in the test: rows ``(action, side)``, one cell per column (a state, or a state with
a twist such as “已延期”), each cell "✓" (allowed) or a short code whose Chinese message the test spells out.
``mismatches`` asks the machine's ``why_not`` for every cell and lists the cells it answers differently — the
expected messages never come from the table being checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from anze.core.workflow import Machine

ALLOWED = "✓"

Row = tuple[str, str]  # (action, side)


def mismatches(
    machine: Machine[Any],
    objects: Mapping[str, Any],
    users: Mapping[str, Any],
    expected: Mapping[Row, Sequence[str]],
    message: Callable[[str, str, str], str],
) -> list[str]:
    """Every cell of ``expected`` whose ``why_not`` differs, as readable lines (empty: the machine matches).

    ``objects``: column → the object in that column's state; ``users``: side → who acts from that side;
    ``message(code, column, action)``: the exact refusal a code stands for.
    """
    found = []
    for (action, side), cells in expected.items():
        assert len(cells) == len(objects), (
            f"row {(action, side)} has {len(cells)} cells for {len(objects)} columns"
        )
        for (column, obj), code in zip(objects.items(), cells, strict=True):
            want = None if code == ALLOWED else message(code, column, action)
            got = machine.why_not(obj, action, users[side])
            if got != want:
                found.append(f"{action} by {side} on {column}: expected {want!r}, got {got!r}")
    return found


def every_cell(code: str, rows: Sequence[Row], columns: int) -> dict[Row, tuple[str, ...]]:
    """The same code in every cell of ``rows`` (a refusal that does not depend on the state)."""
    return {row: (code,) * columns for row in rows}
