"""How a 批改 or 退保 reads on the screens: what it changes (before → after), its amount with the formula, the
buttons its state allows the user, and its 时间线."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from anze.core.formatting import money
from anze.core.timeline import Entry
from anze.documents.models import Document

from . import changes, surrenders, workflow
from .models import STATUS_TONE, Endorsement, EndorsementEvent, EndorsementKind, EndorsementStatus
from .premium import Refund


def machine_of(endorsement: Endorsement) -> Any:
    return surrenders.SURRENDER if endorsement.kind == EndorsementKind.SURRENDER else workflow.ENDORSEMENT


def amount_text(endorsement: Endorsement) -> str:
    """加收保费 1,504.11 元 / 退还保费 … / 无需调整保费 (批改); 退保金额 5,216.44 元 (退保)."""
    if endorsement.kind == EndorsementKind.SURRENDER:
        # Until 已退保 the amount is the estimate made on the day of the application.
        done = endorsement.status == EndorsementStatus.SURRENDERED
        return f"{'' if done else '预计'}退保金额{money(endorsement.refund_amount)}元"
    return workflow.premium_text(endorsement)


def amount_formula(endorsement: Endorsement) -> str:
    e = endorsement
    if e.kind == EndorsementKind.SURRENDER:
        if e.days_total is None or e.premium_before is None:
            return ""
        return Refund(
            e.premium_before, e.days_left or 0, e.days_total, e.fee_spent or Decimal("0.00")
        ).formula
    return workflow.premium_formula(e)


@dataclass
class Row:
    """A request as a line of the policy's 批改记录 and of the lists."""

    endorsement: Endorsement
    lines: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def amount(self) -> str:
        return amount_text(self.endorsement)

    @property
    def summary(self) -> str:
        e = self.endorsement
        if e.kind == EndorsementKind.SURRENDER:
            return f"退保（{e.get_surrender_ground_display()}）"
        return "；".join(f"{label} {before} → {after}" for label, before, after in self.lines) or "—"


def history_rows(endorsements: Sequence[Endorsement]) -> list[Row]:
    return [
        Row(e, changes.endorsement_lines(e) if e.kind == EndorsementKind.CHANGE else []) for e in endorsements
    ]


def actions(endorsement: Endorsement, user: Any) -> dict[str, bool]:
    """can_<action> for every action of the request's machine that the user may take now."""
    machine = machine_of(endorsement)
    allowed = {f"can_{action}": machine.can(endorsement, action, user) for action in machine.actions}
    # 审核 is one dialog: whichever of the two 审核通过 the amount calls for.
    allowed["can_review"] = allowed.get("can_approve", False) or allowed.get("can_approve_charge", False)
    return allowed


def timeline(events: Sequence[EndorsementEvent], documents: Sequence[tuple[str, Document]]) -> list[Entry]:
    by_uuid = {str(d.uuid): d for _, d in documents}
    entries = []
    for event in events:
        shown = [
            (label, value if isinstance(value, str) else f"{value[0] or '—'} → {value[1] or '—'}")
            for label, value in (event.changes or {}).items()
            if label not in ("document",)
            and (isinstance(value, str) or (isinstance(value, list | tuple) and len(value) == 2))
        ]
        labels = EndorsementEvent.CHANGE_LABELS
        lines = [(labels.get(label, label), value) for label, value in shown]
        # The step's file by name: it is viewed and downloaded in the request's 文件 (the timeline's own file
        # link is the order's, which does not serve a 批改's files).
        if document := by_uuid.get(str((event.changes or {}).get("document", ""))):
            lines.append(("文件", document.original_name))
        entries.append(
            Entry(
                event=event,
                changes=lines,
                from_label=event.status_label(event.from_status) if event.from_status else "",
                to_label=event.status_label(event.to_status),
                to_tone=STATUS_TONE.get(event.to_status, "info"),
            )
        )
    return entries
