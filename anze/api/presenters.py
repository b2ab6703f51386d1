"""Orders, policies, 批改 / 退保, claims, 冲正 and their files as the API answers them (``schemas``), and the
keyset cursors of its lists."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from anze.accounts.models import User
from anze.claims import presenters as claim_presenters
from anze.claims import selectors as claim_selectors
from anze.claims.models import Claim
from anze.claims.workflow import CLAIM
from anze.documents.models import Document
from anze.endorsements import presenters as endorsement_presenters
from anze.endorsements import selectors as endorsement_selectors
from anze.endorsements import surrenders
from anze.endorsements.models import Endorsement, EndorsementKind
from anze.orders import selectors as order_selectors
from anze.orders.models import Order
from anze.orders.transitions import ORDER
from anze.policies import reversal
from anze.policies import selectors as policy_selectors
from anze.policies.models import Policy, PolicyReversal

from .problems import Problem


def _bad_cursor() -> Problem:
    return Problem(422, "cursor 无效，请使用上一页返回的 next_cursor", errors={"cursor": ["无效"]})


# --- files ----------------------------------------------------------------------------------------------------------
def file_out(document: Document, url_name: str, number: Any, label: str = "") -> dict[str, Any]:
    """A file and where to download it (``api:<url_name>`` of its object ``number``); ``label`` when the object
    names it better than its kind does (批单, 证明材料, 查勘报告 …)."""
    return {
        "kind": document.kind,
        "label": label or document.get_kind_display(),
        "uuid": str(document.uuid),
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "download": reverse(f"api:{url_name}", args=[str(number), document.uuid]),
    }


def order_files(order: Order) -> list[Document]:
    """The order's current files (营业执照 … 合同), in one query."""
    documents = order_selectors.order_documents(order, events=[])
    by_pk = {document.pk: document for document in documents.values()}
    found = (by_pk.get(getattr(order, f"{name}_id")) for name in order_selectors.DOCUMENT_FIELDS)
    return [document for document in found if document is not None]


# --- orders -------------------------------------------------------------------------------------------------------
def _code_name(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def order_summary(order: Order) -> dict[str, Any]:
    return {
        "application_no": order.application_no,
        "order_type": order.order_type,
        "order_type_label": order.get_order_type_display(),
        "status": order.status,
        "status_label": order.get_status_display(),
        "applicant_name": order.applicant_name,
        "applicant_credit_code": order.applicant_credit_code,
        "project_name": order.project_name,
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "premium": order.premium,
        "policy_no": order.policy_no,
        "submitted_at": order.submitted_at,
        "updated_at": order.updated_at,
    }


def order_out(order: Order, actor: User) -> dict[str, Any]:
    counts = order.service_counts.select_related("item")
    return {
        **order_summary(order),
        "project_address": order.project_address,
        "region": _code_name(order.region),
        "industry": _code_name(order.industry),
        "headcount": order.headcount,
        "expected_start": order.expected_start,
        "expected_end": order.expected_end,
        "intended_items": [_code_name(item) for item in order.intended_items.order_by("sort", "id")],
        "remark": order.remark,
        **{
            name: getattr(order, name)
            for name in (
                "aggregate_limit",
                "per_accident_limit",
                "per_person_injury_limit",
                "per_person_medical_limit",
                "prevention_fee",
                "period_start",
                "period_end",
            )
        },
        "service_counts": [{"item": c.item.code, "name": c.item.name, "count": c.count} for c in counts],
        "last_reason": order.last_reason,
        "quoted_at": order.quoted_at,
        "issued_at": order.issued_at,
        "files": [file_out(d, "order_file", order.application_no) for d in order_files(order)],
        "actions": ORDER.available_actions(order, actor),
    }


# --- policies -------------------------------------------------------------------------------------------------------
def policy_summary(policy: Policy) -> dict[str, Any]:
    order = policy.order
    org = policy.service_org
    return {
        "policy_no": policy.policy_no,
        "status": policy.status,
        "status_label": policy.get_status_display(),
        "application_no": order.application_no,
        "applicant_name": order.applicant_name,
        "applicant_credit_code": order.applicant_credit_code,
        "project_name": order.project_name,
        "issued_at": policy.issued_at,
        "period_start": policy.period_start,
        "period_end": policy.period_end,
        "service_status": policy.service_status,
        "service_status_label": policy.get_service_status_display(),
        "service_org": service_org_out(org) if org is not None else None,
        "service_decline_reason": policy.service_decline_reason,
    }


def policy_out(policy: Policy) -> dict[str, Any]:
    documents = policy_selectors.order_documents(policy)
    number = policy.order.application_no
    return {**policy_summary(policy), "files": [file_out(d, "policy_file", number) for _, d in documents]}


def service_org_out(org: Any) -> dict[str, str]:
    return {
        "name": org.name,
        "credit_code": org.credit_code or "",
        "region": org.region.name if org.region else "",
    }


# --- 批改 and 退保 -----------------------------------------------------------------------------------------------
def endorsement_summary(endorsement: Endorsement) -> dict[str, Any]:
    e = endorsement
    order = e.policy.order
    return {
        "uuid": str(e.uuid),
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "status": e.status,
        "status_label": e.get_status_display(),
        "origin": e.origin,
        "origin_label": e.get_origin_display(),
        "policy_no": e.policy.policy_no,
        "application_no": order.application_no,
        "applicant_name": order.applicant_name,
        "reason": e.reason,
        "effective_on": e.effective_on,
        "premium_delta": e.premium_delta,
        "refund_amount": e.refund_amount,
        "amount_text": endorsement_presenters.amount_text(e),
        "endorsement_no": e.endorsement_no,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "endorsed_at": e.endorsed_at,
    }


def endorsement_out(endorsement: Endorsement, actor: User) -> dict[str, Any]:
    e = endorsement
    documents = endorsement_selectors.documents_of(e, endorsement_selectors.events_of(e))
    [row] = endorsement_presenters.history_rows([e])
    open_surrender = e.kind == EndorsementKind.SURRENDER and e.is_open
    return {
        **endorsement_summary(e),
        "changes": [{"label": label, "before": b, "after": a} for label, b, a in row.lines],
        "headcount_before": e.headcount_before,
        "headcount_after": e.headcount_after,
        "premium_before": e.premium_before,
        "premium_computed": e.premium_computed,
        "prevention_fee_delta": e.prevention_fee_delta,
        "formula": endorsement_presenters.amount_formula(e),
        "adjust_reason": e.adjust_reason,
        "last_reason": e.last_reason,
        "surrender_ground": e.surrender_ground,
        "surrender_ground_label": e.get_surrender_ground_display() if e.surrender_ground else "",
        "refund_today": (
            surrenders.refund_on(e.policy, timezone.localdate()).amount if open_surrender else None
        ),
        "files": [file_out(d, "endorsement_file", e.uuid, label) for label, d in documents],
        "actions": endorsement_presenters.machine_of(e).available_actions(e, actor),
    }


# --- 理赔 -----------------------------------------------------------------------------------------------------
def claim_summary(claim: Claim) -> dict[str, Any]:
    return {
        "report_no": claim.report_no,
        "case_no": claim.case_no,
        "policy_no": claim.policy_no,
        "application_no": claim.policy.order.application_no,
        "applicant_name": claim.applicant_name,
        "channel": claim.channel,
        "channel_label": claim.get_channel_display(),
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "accident_at": claim.accident_at,
        "accident_type": claim.accident_type,
        "accident_type_label": claim.get_accident_type_display(),
        "deaths": claim.deaths,
        "injured": claim.injured,
        "estimated_loss": claim.estimated_loss,
        "adjusted_amount": claim.adjusted_amount,
        "paid_amount": claim.paid_amount,
        "reported_at": claim.reported_at,
        "updated_at": claim.updated_at,
    }


def claim_out(claim: Claim, actor: User) -> dict[str, Any]:
    names = (
        "accident_place",
        "description",
        "reporter_name",
        "reporter_phone",
        "accepted_at",
        "registered_at",
        "survey_notes",
        "surveyed_at",
        "adjusted_at",
        "paid_on",
        "payee",
        "settled_at",
        "close_reason",
        "closed_at",
    )
    files = claim_presenters.files(claim, actor.side)
    return {
        **claim_summary(claim),
        **{name: getattr(claim, name) for name in names},
        "people": [
            {"name": p.name, "death_disability": p.death_disability, "medical": p.medical}
            for p in claim.people.all()
        ],
        "limits": claim_selectors.policy_figures(claim),
        "files": [file_out(f.document, "claim_file", claim.report_no, f.caption) for f in files],
        "actions": CLAIM.available_actions(claim, actor),
    }


# --- 冲正 -----------------------------------------------------------------------------------------------------
def reversal_summary(r: PolicyReversal) -> dict[str, Any]:
    order = r.policy.order
    return {
        "uuid": str(r.uuid),
        "status": r.status,
        "status_label": r.get_status_display(),
        "policy_no": r.policy.policy_no,
        "application_no": order.application_no,
        "applicant_name": order.applicant_name,
        "reason": r.reason,
        "requested_by": r.requested_by.name,
        "requested_at": r.requested_at,
        "reviewed_by": r.reviewed_by.name if r.reviewed_by else "",
        "reviewed_at": r.reviewed_at,
        "review_reason": r.review_reason,
    }


def reversal_out(r: PolicyReversal, actor: User) -> dict[str, Any]:
    """With what the key may do now: asked of one request (the blockers of an approval are several reads), not
    of every row of the list — as 冲正审核 asks when a dialog opens."""
    actions = [a for a in ("approve", "reject") if reversal.why_not_review(r, a, actor) is None]
    return {**reversal_summary(r), "actions": actions}


# --- keyset pages ------------------------------------------------------------------------------------------------------
def encode_cursor(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def after_cursor(qs: QuerySet[Any], cursor: str, field: str) -> QuerySet[Any]:
    """The rows after ``cursor`` in (``field`` desc, id desc) order — a range of the list's own index."""
    if not cursor:
        return qs
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, pk_text = text.rsplit("|", 1)
        moment, pk = datetime.fromisoformat(moment_text), int(pk_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None
    if moment.tzinfo is None:
        raise _bad_cursor()
    return qs.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))


def page(rows: Iterable[Any], limit: int, field: str) -> tuple[list[Any], str | None]:
    """The first ``limit`` of ``rows`` (read ``limit + 1``) and the cursor of the next page, if any."""
    found = list(rows)
    more = len(found) > limit
    found = found[:limit]
    last = found[-1] if more and found else None
    return found, encode_cursor(getattr(last, field), last.pk) if last is not None else None


def listing(
    qs: QuerySet[Any], cursor: str, limit: int, field: str, present: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """A list's answer: the ``limit`` rows of ``qs`` (ordered by ``field`` desc, id desc) after ``cursor``, each
    ``present``-ed, and the next page's cursor."""
    rows, next_cursor = page(after_cursor(qs, cursor, field)[: limit + 1], limit, field)
    return {"items": [present(row) for row in rows], "next_cursor": next_cursor}
