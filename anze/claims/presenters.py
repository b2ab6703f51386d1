"""What a claim page shows, per side: its timeline, its files, its 理算 and the policy's limits."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase

from anze.core.http import MemberRequest
from anze.core.sides import Side
from anze.core.timeline import Entry
from anze.documents.responses import document_among, document_response

from . import selectors
from .models import STATUS_TONE, Claim, ClaimFile, ClaimFileStage, ClaimStatus
from .workflow import CLAIM

LABELS = dict(ClaimStatus.choices)

# Who sees which files: the survey's files are the insurer's working papers; the report's (the accident, as the
# enterprise or the clerk reported it) are seen by the regulator too.
VISIBLE_STAGES: dict[str, tuple[str, ...]] = {
    Side.INSURER: (ClaimFileStage.REPORT, ClaimFileStage.SURVEY),
    Side.ENTERPRISE: (ClaimFileStage.REPORT,),
    Side.REGULATOR: (ClaimFileStage.REPORT,),
}


# Steps whose details are the insurer's working papers: the other sides see the step, not what it recorded.
INTERNAL_STEPS = ("survey",)


def timeline(claim: Claim, side: str) -> list[Entry]:
    entries = []
    for event in claim.events.select_related(None).order_by("created_at", "id"):
        changes = [
            (label, f"{before} → {after}" if before else after)
            for label, before, after in event.change_lines()
        ]
        if side != Side.INSURER and event.action in INTERNAL_STEPS:
            changes = []
        entries.append(
            Entry(
                event=event,
                changes=changes,
                from_label=LABELS.get(event.from_status, "") if event.from_status else "",
                to_label=LABELS.get(event.to_status, ""),
                to_tone=STATUS_TONE.get(event.to_status, "info"),
            )
        )
    return entries


def files(claim: Claim, side: str) -> list[ClaimFile]:
    stages = VISIBLE_STAGES.get(side, ())
    if not stages:
        return []
    return list(claim.files.filter(stage__in=stages).select_related("document").order_by("id"))


def file_response(request: MemberRequest, report_no: str, document_uuid: str) -> HttpResponseBase:
    """One file of a claim of the user's side, among those the side sees (any other is a 404); ``?inline=1``
    shows it in the browser."""
    claim = selectors.claim_for(user=request.user, report_no=report_no)
    documents = [f.document for f in files(claim, request.user.side)]
    document = document_among(documents, document_uuid)
    return document_response(request, document, inline=request.GET.get("inline") == "1")


def steps(claim: Claim) -> list[dict[str, Any]]:
    """The progress bar: 报案 → 受理 → 立案 → 查勘 → 理算 → 结案 (or where it stopped: 拒赔 / 注销)."""
    labels = [
        ("报案", claim.reported_at),
        ("受理", claim.accepted_at),
        ("立案", claim.registered_at),
        ("查勘", claim.surveyed_at),
        ("理算", claim.adjusted_at),
        ("结案", claim.settled_at),
    ]
    shown = [{"label": label, "at": at, "done": at is not None} for label, at in labels]
    if claim.status in (ClaimStatus.DECLINED, ClaimStatus.CANCELLED):
        shown = [step for step in shown if step["done"]]
        shown.append(
            {"label": claim.get_status_display(), "at": claim.closed_at, "done": True, "stopped": True}
        )
    return shown


def detail_context(claim: Claim, user: Any) -> dict[str, Any]:
    side = user.side
    context: dict[str, Any] = {
        "claim": claim,
        "policy": claim.policy,
        "order": claim.policy.order,
        "people": list(claim.people.all()),
        "files": files(claim, side),
        "timeline": timeline(claim, side),
        "steps": steps(claim),
        "figures": selectors.policy_figures(claim),
        "extra_crumb": f"理赔案件 {claim.report_no}",
    }
    if side == Side.INSURER:
        context["actions"] = set(CLAIM.available_actions(claim, user))
    return context
