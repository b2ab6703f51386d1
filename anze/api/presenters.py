"""Orders, policies and their files as the API answers them (``schemas``), and the keyset cursors of its lists."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from anze.accounts.models import User
from anze.documents.models import Document
from anze.orders import selectors as order_selectors
from anze.orders.models import Order
from anze.orders.transitions import ORDER
from anze.policies import selectors as policy_selectors
from anze.policies.models import Policy

from .problems import Problem


def _bad_cursor() -> Problem:
    return Problem(422, "cursor 无效，请使用上一页返回的 next_cursor", errors={"cursor": ["无效"]})


# --- files ----------------------------------------------------------------------------------------------------------
def file_out(document: Document, url_name: str, number: str) -> dict[str, Any]:
    return {
        "kind": document.kind,
        "label": document.get_kind_display(),
        "uuid": str(document.uuid),
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "download": reverse(f"api:{url_name}", args=[number, document.uuid]),
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
