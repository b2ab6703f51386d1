"""线下订单 (docs/spec/DOMAIN.md §2): 新增线下订单 by insurer staff → 待出函, whose 出函 is 保单信息补录
(``anze.policies.services.policy_issue_offline``, which completes the 投保资料 and 意向服务项目 with the checks
here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region, ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.core.validators import clean_credit_code, validate_mobile
from anze.documents.models import Document, DocumentKind

from .models import Order, OrderType
from .steps import create_order, create_orders, record_event, record_events, stored_document
from .transitions import ORDER


@dataclass
class OfflineApplication:
    """新增线下订单: the enterprise and project, entered by insurer staff."""

    applicant_name: str
    applicant_credit_code: str
    contact_name: str
    contact_phone: str
    project_name: str
    project_address: str = ""
    region: Region | None = None
    industry: Industry | None = None
    headcount: int | None = None
    remark: str = ""
    # 投保资料 and 意向服务项目 as the manual's 保单信息补录 shows them; optional here, completed at 补录.
    intended_items: list[ServiceItem] = field(default_factory=list)
    business_licence: UploadedFile | None = None
    legal_id: UploadedFile | None = None


def offline_documents(
    actor: User, business_licence: UploadedFile | None, legal_id: UploadedFile | None
) -> dict[str, Document]:
    """投保资料 chosen on an offline order (新增线下订单, 保单信息补录): stored as the clerk's organisation's
    documents with the same checks as the enterprise's 投保申请; a bad file refuses beside its field."""
    documents: dict[str, Document] = {}
    problems = Problems()
    for name, kind, label, upload in (
        ("business_licence", DocumentKind.BUSINESS_LICENCE, "营业执照", business_licence),
        ("legal_id", DocumentKind.LEGAL_ID, "法人身份证", legal_id),
    ):
        with problems.collect():
            document = stored_document(actor, kind, upload, label, name, required=False)
            if document is not None:
                documents[name] = document
    problems.raise_if_any()
    return documents


def check_intended_items(items: list[ServiceItem], order: Order | None = None) -> list[ServiceItem]:
    """Active service items only (an item the order already has stays allowed after it is retired)."""
    if not items:
        return []
    chosen = {item.pk for item in items}
    allowed = set(ServiceItem.objects.active().filter(pk__in=chosen).values_list("pk", flat=True))
    if order is not None:
        allowed |= set(order.intended_items.filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - allowed:
        raise Refused("包含已停用或不存在的服务项目", field="intended_items")
    return list(items)


def verified_enterprise(credit_code: str) -> Organisation | None:
    """The enterprise an offline order of ``credit_code`` is linked to: only a verified one — an account that
    registered the code without proving it speaks for the enterprise (企业认证, anze.portal.claims) never
    receives the insurer's order."""
    return verified_enterprises([credit_code]).get(credit_code)


def verified_enterprises(credit_codes: Iterable[str]) -> dict[str, Organisation]:
    """``verified_enterprise`` of many codes at once, by code."""
    codes = sorted(set(credit_codes))
    found: dict[str, Organisation] = {}
    for start in range(0, len(codes), 500):  # SQLite takes a bounded number of parameters per query
        enterprises = Organisation.objects.verified().filter(
            kind=Side.ENTERPRISE, credit_code__in=codes[start : start + 500]
        )
        found.update({org.credit_code: org for org in enterprises if org.credit_code})
    return found


def _checked(application: OfflineApplication) -> tuple[str, list[ServiceItem]]:
    """新增线下订单's checks of the entered data: the cleaned credit code and the 意向服务项目."""
    problems = Problems()
    if not application.applicant_name.strip():
        problems.add("applicant_name", "请输入投保人名称")
    credit_code = ""
    try:
        credit_code = clean_credit_code(application.applicant_credit_code)
    except ValidationError as exc:
        problems.add("applicant_credit_code", exc.messages[0])
    if not application.contact_name.strip():
        problems.add("contact_name", "请输入投保联系人")
    try:
        validate_mobile(application.contact_phone)
    except ValidationError:
        problems.add("contact_phone", "请输入正确的11位手机号码")
    if not application.project_name.strip():
        problems.add("project_name", "请输入项目名称")
    if application.headcount is not None and application.headcount < 1:
        problems.add("headcount", "参保人数须为大于0的整数")
    intended_items: list[ServiceItem] = []
    with problems.collect():
        intended_items = check_intended_items(application.intended_items)
    problems.raise_if_any()  # before any file is stored
    return credit_code, intended_items


def _order_fields(
    actor: User,
    status: str,
    application: OfflineApplication,
    credit_code: str,
    enterprise: Organisation | None,
    documents: Mapping[str, Document],
) -> dict[str, Any]:
    """The new order's fields (all but its 申请编号)."""
    now = timezone.now()
    return dict(
        order_type=OrderType.OFFLINE,
        status=status,
        insurer=actor.organisation,
        enterprise=enterprise,
        applicant_name=application.applicant_name.strip(),
        applicant_credit_code=credit_code,
        contact_name=application.contact_name.strip(),
        contact_phone=application.contact_phone.strip(),
        project_name=application.project_name.strip(),
        project_address=application.project_address.strip(),
        region=application.region or (enterprise.region if enterprise else None),
        industry=application.industry or (enterprise.industry if enterprise else None),
        headcount=application.headcount,
        remark=application.remark.strip(),
        created_by=actor,
        submitted_at=now,
        created_at=now,
        updated_at=now,
        **documents,
    )


@transaction.atomic
def order_create_offline(
    *,
    actor: User,
    application: OfflineApplication,
    enterprises: Mapping[str, Organisation] | None = None,
) -> Order:
    """新增线下订单 → 待出函 (its 出函 is 保单信息补录). Linked to the enterprise when it is verified.

    ``enterprises``: the verified enterprises by credit code (``verified_enterprises``), when the caller looked
    them up for many orders at once. Looked up here otherwise."""
    t = ORDER.begin("create_offline", actor)
    credit_code, intended_items = _checked(application)
    documents = offline_documents(actor, application.business_licence, application.legal_id)
    enterprise = enterprises.get(credit_code) if enterprises is not None else verified_enterprise(credit_code)
    order = create_order(**_order_fields(actor, t.target, application, credit_code, enterprise, documents))
    if intended_items:  # a new order has none to replace
        order.intended_items.set(intended_items)
    record_event(order, t, actor, "")
    return order


@transaction.atomic
def orders_create_offline(
    *, actor: User, applications: Sequence[OfflineApplication], enterprises: Mapping[str, Organisation]
) -> list[Order | Refused]:
    """``order_create_offline`` of many applications at once (the Excel import: one insert of the orders, one
    of their events and 操作日志 entries): each application's order, or the ``Refused`` it met — and then
    nothing is written. Applications without 投保资料 files or 意向服务项目 (those go one by one)."""
    t = ORDER.begin("create_offline", actor)
    results: list[Order | Refused] = []
    for application in applications:
        if application.intended_items or application.business_licence or application.legal_id:
            raise ValueError("orders_create_offline takes applications without files or 意向服务项目")
        try:
            credit_code, _items = _checked(application)
        except Refused as exc:
            results.append(exc)
            continue
        enterprise = enterprises.get(credit_code)
        results.append(Order(**_order_fields(actor, t.target, application, credit_code, enterprise, {})))
    orders = [order for order in results if isinstance(order, Order)]
    if len(orders) == len(results):
        create_orders(orders)
        record_events(orders, t, actor, [""] * len(orders), changes=[{}] * len(orders))
    return results
