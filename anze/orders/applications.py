"""投保申请 on the enterprise portal (docs/spec/DOMAIN.md §2): a new online order, a 草稿 saved, submitted or
discarded — the ``apply``, ``save_draft`` and ``submit`` transitions of ``transitions.ORDER``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.core.validators import validate_mobile
from anze.documents.models import DocumentKind

from .models import Order, OrderStatus, OrderType
from .notices import tell_insurer
from .steps import create_order, record_event, stored_document
from .transitions import ORDER

S = OrderStatus


@dataclass
class Application:
    """What an enterprise fills in on the portal's 投保申请 form."""

    insurer: Organisation
    project_name: str
    project_address: str
    headcount: int
    contact_name: str
    contact_phone: str
    expected_start: date | None = None
    expected_end: date | None = None
    intended_items: list[ServiceItem] = field(default_factory=list)
    business_licence: UploadedFile | None = None
    legal_id: UploadedFile | None = None
    remark: str = ""
    # 续保: the enterprise's earlier order whose 投保资料 stand where no new file is given.
    documents_of: Order | None = None


def _check_application(app: Application) -> None:
    """Every problem of an 投保申请's fields, refused at once."""
    problems = Problems()
    if app.insurer is None or app.insurer.kind != Side.INSURER or not app.insurer.is_active:
        problems.add("insurer", "请选择保险公司")
    if not (app.project_name or "").strip():
        problems.add("project_name", "请输入项目名称")
    if app.headcount is None or app.headcount < 1:
        problems.add("headcount", "参保人数须为大于0的整数")
    try:
        validate_mobile(app.contact_phone)
    except ValidationError:
        problems.add("contact_phone", "请输入正确的11位手机号码")
    if app.expected_start and app.expected_end and app.expected_end <= app.expected_start:
        problems.add("expected_end", "期望保险止期必须晚于起期")
    problems.raise_if_any()


@transaction.atomic
def order_apply(
    *, actor: User, application: Application, submit: bool = True, draft: Order | None = None
) -> Order:
    """投保申请: create an online order, or update the enterprise's ``draft``; ``submit`` sends it to the
    insurer (待报价), otherwise it stays a 草稿 that only the enterprise sees."""
    t = ORDER.begin("apply" if submit else "save_draft", actor)
    if draft is not None:
        ORDER.check_owner(draft, actor, t.side)
    _check_application(application)
    enterprise = actor.organisation
    order = draft
    if order is not None and order.status != S.DRAFT:
        raise Refused(f"订单当前状态为“{order.get_status_display()}”，不能修改")
    source = application.documents_of
    if source is not None:
        ORDER.check_owner(source, actor, t.side)
    fields: dict[str, Any] = {
        "insurer": application.insurer,
        "applicant_name": enterprise.name,
        "applicant_credit_code": enterprise.credit_code or "",
        "contact_name": application.contact_name.strip(),
        "contact_phone": application.contact_phone.strip(),
        "project_name": application.project_name.strip(),
        "project_address": application.project_address.strip(),
        "industry": enterprise.industry,
        "region": enterprise.region,
        "headcount": application.headcount,
        "expected_start": application.expected_start,
        "expected_end": application.expected_end,
        "remark": application.remark.strip(),
    }
    for name, kind, label in (
        ("business_licence", DocumentKind.BUSINESS_LICENCE, "营业执照"),
        ("legal_id", DocumentKind.LEGAL_ID, "法人身份证"),
    ):
        upload = getattr(application, name)
        existing = getattr(order, f"{name}_id", None) if order is not None else None
        earlier = getattr(source, name) if source is not None and upload is None else None
        if earlier is not None:
            fields[name] = earlier
            continue
        document = stored_document(actor, kind, upload, label, name, required=submit and existing is None)
        if document is not None:
            fields[name] = document
    if order is None:
        order = create_order(
            order_type=OrderType.ONLINE, status=S.DRAFT, enterprise=enterprise, created_by=actor, **fields
        )
        created = True
    else:
        for name, value in fields.items():
            setattr(order, name, value)
        order.updated_at = timezone.now()
        order.save(update_fields=[*fields, "updated_at"])
        created = False
    order.intended_items.set(application.intended_items)
    if submit:
        return _submit(order, actor)
    if created:
        record_event(order, t, actor, "")
    return order


def _submit(order: Order, actor: User) -> Order:
    t = ORDER.begin("submit", actor, order)
    if not order.business_licence_id or not order.legal_id_id:
        raise Refused("请上传营业执照和法人身份证", field="business_licence")
    from_status = ORDER.claim(order, t, submitted_at=timezone.now())
    event = record_event(order, t, actor, from_status)
    tell_insurer(
        order,
        event,
        "新的投保申请",
        f"{order.applicant_name}提交了投保申请{order.application_no}，请及时报价。",
    )
    return order


@transaction.atomic
def order_submit(*, order: Order, actor: User) -> Order:
    """提交 a saved draft: 草稿 → 待报价."""
    return _submit(order, actor)


@transaction.atomic
def order_discard_draft(*, order: Order, actor: User) -> None:
    """删除草稿: a draft was never sent to anyone, so it leaves no history; its files stay (documents are
    immutable and may be referenced by a later application of the same enterprise)."""
    ORDER.check_owner(order, actor, ORDER.begin("save_draft", actor).side)
    deleted, _ = Order.objects.filter(pk=order.pk, status=S.DRAFT).delete()
    if not deleted:
        raise Refused(ORDER.stale_message())
