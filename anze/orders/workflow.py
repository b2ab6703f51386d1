"""The order workflow (docs/spec/DOMAIN.md §2): one function per action of the table in ``transitions``.

Every function here runs in one transaction and
1. checks who acts: the side, the permission, and that the order belongs to the actor's organisation;
2. checks its guard (the state, the data: scheme rules, files, unique policy number), refusing with a
   Chinese ``Refused`` and changing nothing;
3. moves the state with a conditional ``UPDATE … WHERE id = … AND status = <what the caller saw>`` — the
   loser of a race gets "该订单状态已变化，请刷新后重试" (SQLite has no SELECT … FOR UPDATE; this works on both);
4. saves its fields with ``update_fields``, writes the timeline event and the notifications (outbox rows) in
   the same transaction; sending happens after commit.

No other code assigns ``Order.status``. HTML views (insurer back office, enterprise portal) and any API call
these functions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region, ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.formatting import money
from anze.core.sides import Side
from anze.core.validators import clean_credit_code, validate_mobile
from anze.documents.models import Document, DocumentKind
from anze.documents.services import document_create
from anze.policies.models import Policy

from .models import Order, OrderEvent, OrderServiceItem, OrderStatus, OrderType
from .notices import tell_enterprise, tell_insurer
from .rules import Scheme, scheme_errors
from .transitions import (  # noqa: F401 - the table is part of the workflow's public API
    ACTIONS,
    NO_PERMISSION,
    TRANSITIONS,
    Transition,
    _authorise,
    _check_state,
    _owns,
    available_actions,
    can,
    transition,
    why_not,
)

S = OrderStatus
STALE = "该订单状态已变化，请刷新后重试"


def _begin(action: str, side: str, actor: User, order: Order | None = None) -> Transition:
    """The checks every action starts with: the table has it for this side, the actor may do it (side,
    permission, the order is its organisation's), and the order is in one of its source states."""
    t = transition(action, side)
    if t is None:
        raise Refused(NO_PERMISSION)
    _authorise(actor, t, order)
    if order is not None:
        _check_state(order, t)
    return t


def _require_reason(reason: str, t: Transition) -> str:
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise Refused(f"请填写{t.label}的原因", field="reason")
    if len(reason) > 500:
        raise Refused("原因不能超过500个字", field="reason")
    return reason


def _claim(order: Order, t: Transition, **fields: Any) -> str:
    """Move the state if it is still what the caller saw; returns the state it came from."""
    now = timezone.now()
    from_status = order.status
    updated = Order.objects.filter(pk=order.pk, status=from_status).update(
        status=t.target, updated_at=now, **fields
    )
    if updated != 1:
        raise Refused(STALE)
    order.status = t.target
    order.updated_at = now
    for name, value in fields.items():
        setattr(order, name, value)
    return from_status


def _event(
    order: Order,
    t: Transition,
    actor: User,
    from_status: str,
    *,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> OrderEvent:
    return OrderEvent.record(
        actor,
        action=t.action,
        label=t.label,
        from_status=from_status,
        to_status=order.status,
        reason=reason,
        changes=changes,
        order=order,
    )


def _document(
    actor: User, kind: str, upload: UploadedFile | None, label: str, field_name: str, *, required: bool = True
) -> Document | None:
    """Store an upload as the actor's organisation's document; content problems refuse at the field."""
    if upload is None:
        if required:
            raise Refused(f"请上传{label}", field=field_name)
        return None
    try:
        return document_create(organisation=actor.organisation, uploaded_by=actor, kind=kind, upload=upload)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field_name) from None


def _check_scheme(scheme: Scheme, region: Region | None) -> None:
    errors = scheme_errors(scheme, region=region)
    if errors:
        raise Refused(errors=errors)


def _scheme_fields(scheme: Scheme) -> dict[str, Any]:
    return {
        "aggregate_limit": scheme.aggregate_limit,
        "per_accident_limit": scheme.per_accident_limit,
        "per_person_injury_limit": scheme.per_person_injury_limit,
        "per_person_medical_limit": scheme.per_person_medical_limit,
        "premium": scheme.premium,
        "prevention_fee": scheme.prevention_fee,
        "period_start": scheme.period_start,
        "period_end": scheme.period_end,
    }


def _save_service_counts(order: Order, counts: dict[int, int]) -> dict[str, int]:
    OrderServiceItem.objects.filter(order=order).delete()
    items = {item.pk: item for item in ServiceItem.objects.filter(pk__in=counts)}
    OrderServiceItem.objects.bulk_create(
        OrderServiceItem(order=order, item=items[item_id], count=count) for item_id, count in counts.items()
    )
    return {items[item_id].name: count for item_id, count in counts.items()}


def _scheme_changes(scheme: Scheme, counts: dict[str, int]) -> dict[str, Any]:
    changes: dict[str, Any] = {name: str(value) for name, value in scheme.amounts().items()}
    changes["period"] = f"{scheme.period_start:%Y-%m-%d} 至 {scheme.period_end:%Y-%m-%d}"
    changes["service_counts"] = counts
    return changes


def _check_policy_no(order: Order, policy_no: str) -> str:
    policy_no = (policy_no or "").strip()
    if not policy_no:
        raise Refused("请输入保单编号", field="policy_no")
    if len(policy_no) > 50:
        raise Refused("保单编号不能超过50个字符", field="policy_no")
    if Order.objects.filter(insurer_id=order.insurer_id, policy_no=policy_no).exclude(pk=order.pk).exists():
        raise Refused("保单编号已存在，请核对", field="policy_no")
    return policy_no


def check_issue(*, order: Order, policy_no: str | None) -> None:
    """The checks of 出函 / 保单信息补录 that need no file (the 保单编号 is not used yet), for a view to show
    beside their fields when the form has other errors (a file missing or refused). Changes nothing."""
    if policy_no is not None:
        _check_policy_no(order, policy_no)


def _atomic_unique(fn: Any) -> Any:
    """Run an action; a unique constraint lost to a concurrent request becomes a Chinese refusal."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except IntegrityError as exc:
            if "policy_no" in str(exc):
                raise Refused("保单编号已存在，请核对", field="policy_no") from None
            raise

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


# --- creating orders -----------------------------------------------------------------------------------------
def new_application_no() -> str:
    """申请编号: yyyyMMddHHmmss (Asia/Shanghai) + 4 random digits, e.g. 202502192340024959."""
    return f"{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10000):04d}"


def _create_order(**fields: Any) -> Order:
    """Insert with a fresh application number, retrying on the rare collision (same second, same digits)."""
    for _ in range(10):
        try:
            with transaction.atomic():
                return Order.objects.create(application_no=new_application_no(), **fields)
        except IntegrityError as exc:
            if "application_no" not in str(exc):
                raise
    raise Refused("系统繁忙，请稍后重试")


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
    t = _begin("apply" if submit else "save_draft", Side.ENTERPRISE, actor)
    _authorise(actor, t, draft)
    _check_application(application)
    enterprise = actor.organisation
    order = draft
    if order is not None and order.status != S.DRAFT:
        raise Refused(f"订单当前状态为“{order.get_status_display()}”，不能修改")
    source = application.documents_of
    if source is not None and source.enterprise_id != enterprise.pk:
        raise Refused("订单不存在或无权操作")
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
        document = _document(actor, kind, upload, label, name, required=submit and existing is None)
        if document is not None:
            fields[name] = document
    if order is None:
        order = _create_order(
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
        _event(order, t, actor, "")
    return order


def _submit(order: Order, actor: User) -> Order:
    t = transition("submit", Side.ENTERPRISE)
    assert t is not None  # the table has it: see transitions.TRANSITIONS
    _check_state(order, t)
    if not order.business_licence_id or not order.legal_id_id:
        raise Refused("请上传营业执照和法人身份证", field="business_licence")
    from_status = _claim(order, t, submitted_at=timezone.now())
    event = _event(order, t, actor, from_status)
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
    _begin("submit", Side.ENTERPRISE, actor, order)
    return _submit(order, actor)


@transaction.atomic
def order_discard_draft(*, order: Order, actor: User) -> None:
    """删除草稿: a draft was never sent to anyone, so it leaves no history; its files stay (documents are
    immutable and may be referenced by a later application of the same enterprise)."""
    _authorise(actor, _begin("save_draft", Side.ENTERPRISE, actor), order)
    deleted, _ = Order.objects.filter(pk=order.pk, status=S.DRAFT).delete()
    if not deleted:
        raise Refused(STALE)


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


def _offline_documents(
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
            document = _document(actor, kind, upload, label, name, required=False)
            if document is not None:
                documents[name] = document
    problems.raise_if_any()
    return documents


def _check_intended_items(items: list[ServiceItem], order: Order | None = None) -> list[ServiceItem]:
    """Active service items only (an item the order already has stays allowed after it is retired)."""
    chosen = {item.pk for item in items}
    allowed = set(ServiceItem.objects.active().filter(pk__in=chosen).values_list("pk", flat=True))
    if order is not None:
        allowed |= set(order.intended_items.filter(pk__in=chosen).values_list("pk", flat=True))
    if chosen - allowed:
        raise Refused("包含已停用或不存在的服务项目", field="intended_items")
    return list(items)


@transaction.atomic
def order_create_offline(*, actor: User, application: OfflineApplication) -> Order:
    """新增线下订单 → 待出函 (its 出函 is 保单信息补录). Linked to the enterprise when it is verified."""
    t = _begin("create_offline", Side.INSURER, actor)
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
        intended_items = _check_intended_items(application.intended_items)
    problems.raise_if_any()  # before any file is stored
    documents = _offline_documents(actor, application.business_licence, application.legal_id)
    # Linked only to a verified enterprise: an account that registered the code without proving it speaks for
    # the enterprise (企业认证, anze.portal.claims) never receives the insurer's order.
    enterprise = Organisation.objects.verified().filter(kind=Side.ENTERPRISE, credit_code=credit_code).first()
    now = timezone.now()
    order = _create_order(
        order_type=OrderType.OFFLINE,
        status=t.target,
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
    order.intended_items.set(intended_items)
    _event(order, t, actor, "")
    return order


# --- the insurer's steps --------------------------------------------------------------------------------------
@transaction.atomic
def order_quote(*, order: Order, actor: User, scheme: Scheme) -> Order:
    """报价: the scheme, premium, fee, period and service counts → 待确认报价; the enterprise is told."""
    t = _begin("quote", Side.INSURER, actor, order)
    _check_scheme(scheme, order.region)
    from_status = _claim(order, t, quoted_at=timezone.now(), last_reason="", **_scheme_fields(scheme))
    counts = _save_service_counts(order, dict(scheme.service_counts))
    event = _event(order, t, actor, from_status, changes=_scheme_changes(scheme, counts))
    tell_enterprise(
        order,
        event,
        "报价待确认",
        f"您的投保申请{order.application_no}已报价，保费{money(scheme.premium)}元，请登录企业端确认报价。",
    )
    return order


@transaction.atomic
def order_upload_payment_notice(*, order: Order, actor: User, file: UploadedFile | None) -> Order:
    """上传付款通知书 (PDF or image) → 待支付; the enterprise is told to pay."""
    t = _begin("upload_payment_notice", Side.INSURER, actor, order)
    document = _document(actor, DocumentKind.PAYMENT_NOTICE, file, "付款通知书", "file")
    from_status = _claim(order, t, payment_notice=document)
    event = _event(order, t, actor, from_status, changes={"document": str(document.uuid)})
    tell_enterprise(
        order,
        event,
        "付款通知书已上传",
        f"您的投保申请{order.application_no}的付款通知书已上传，请按通知书付款后上传付款凭证。",
    )
    return order


@transaction.atomic
def order_approve_payment(*, order: Order, actor: User) -> Order:
    """支付审核 通过 → 待出函."""
    t = _begin("approve_payment", Side.INSURER, actor, order)
    from_status = _claim(order, t, last_reason="")
    event = _event(order, t, actor, from_status)
    # The next step is the insurer's own (出函): the enterprise gets a 站内消息, not an SMS.
    tell_enterprise(
        order,
        event,
        "支付审核已通过",
        f"您的投保申请{order.application_no}支付审核已通过，保险公司将尽快出函。",
        sms=False,
    )
    return order


@transaction.atomic
def order_reject_payment(*, order: Order, actor: User, reason: str) -> Order:
    """支付审核 驳回 with a reason → 待支付; the enterprise uploads a new voucher."""
    t = _begin("reject_payment", Side.INSURER, actor, order)
    reason = _require_reason(reason, t)
    from_status = _claim(order, t, last_reason=reason)
    event = _event(order, t, actor, from_status, reason=reason)
    tell_enterprise(
        order,
        event,
        "支付审核未通过",
        f"您的投保申请{order.application_no}支付审核未通过：{reason}。请重新上传付款凭证。",
    )
    return order


def _issue_files(
    order: Order,
    actor: User,
    *,
    policy_no: str,
    policy_file: UploadedFile | None,
    invoice_file: UploadedFile | None,
    contract_file: UploadedFile | None,
    contract_required: bool,
    problems: Problems,
) -> tuple[str, dict[str, Document | None]]:
    """The 保单编号 and the three PDFs of 出函, checked together: refuses with every problem (``problems``:
    those the caller found already), else the number and the stored documents."""
    with problems.collect():
        policy_no = _check_policy_no(order, policy_no)
    stored: dict[str, Document | None] = {}
    for name, kind, label, upload, required in (
        ("policy_file", DocumentKind.POLICY, "保单文件", policy_file, True),
        ("invoice_file", DocumentKind.INVOICE, "发票文件", invoice_file, True),
        ("contract_file", DocumentKind.CONTRACT, "合同文件", contract_file, contract_required),
    ):
        with problems.collect():
            stored[name] = _document(actor, kind, upload, label, name, required=required)
    problems.raise_if_any()  # the documents stored so far go with the transaction
    return policy_no, stored


def _issue(
    order: Order,
    actor: User,
    t: Transition,
    *,
    policy_no: str,
    policy_file: UploadedFile | None,
    invoice_file: UploadedFile | None,
    contract_file: UploadedFile | None,
    contract_required: bool,
    extra: dict[str, Any],
    changes: dict[str, Any],
) -> Order:
    policy_no, stored = _issue_files(
        order,
        actor,
        policy_no=policy_no,
        policy_file=policy_file,
        invoice_file=invoice_file,
        contract_file=contract_file,
        contract_required=contract_required,
        problems=Problems(),
    )
    insurer = order.insurer
    policy_doc, invoice_doc, contract_doc = (
        stored["policy_file"],
        stored["invoice_file"],
        stored["contract_file"],
    )
    now = timezone.now()
    from_status = _claim(
        order,
        t,
        policy_no=policy_no,
        policy_file=policy_doc,
        invoice_file=invoice_doc,
        contract_file=contract_doc,
        issued_at=now,
        last_reason="",
        **extra,
    )
    Policy.objects.create(
        order=order,
        insurer=insurer,
        enterprise=order.enterprise,
        policy_no=policy_no,
        issued_at=now,
        period_start=order.period_start,
        period_end=order.period_end,
    )
    event = _event(order, t, actor, from_status, changes={"policy_no": policy_no, **changes})
    tell_enterprise(
        order,
        event,
        "保单已出函",
        f"您的投保申请{order.application_no}已出函，保单号{policy_no}，请登录企业端查看电子保单。",
    )
    return order


@_atomic_unique
def order_issue(
    *,
    order: Order,
    actor: User,
    policy_no: str,
    policy_file: UploadedFile | None,
    invoice_file: UploadedFile | None,
    contract_file: UploadedFile | None = None,
) -> Order:
    """出函 (online order): 保单编号 + 保单/发票 PDF, optional 合同 → 已出函; creates the policy; SMS to 投保联系电话."""
    t = _begin("issue", Side.INSURER, actor, order)
    return _issue(
        order,
        actor,
        t,
        policy_no=policy_no,
        policy_file=policy_file,
        invoice_file=invoice_file,
        contract_file=contract_file,
        contract_required=False,
        extra={},
        changes={},
    )


@_atomic_unique
def order_issue_offline(
    *,
    order: Order,
    actor: User,
    scheme: Scheme,
    policy_no: str,
    policy_file: UploadedFile | None,
    invoice_file: UploadedFile | None,
    contract_file: UploadedFile | None,
    intended_items: list[ServiceItem] | None = None,
    business_licence: UploadedFile | None = None,
    legal_id: UploadedFile | None = None,
) -> Order:
    """保单信息补录 (offline order's 出函): the whole scheme, service counts and the three PDFs in one step;
    the 投保资料 chosen here replace the order's, ``intended_items`` (when given) become its 意向服务项目."""
    t = _begin("issue_offline", Side.INSURER, actor, order)
    problems = Problems()
    with problems.collect():
        _check_scheme(scheme, order.region)
    if intended_items is not None:
        with problems.collect():
            order.intended_items.set(_check_intended_items(intended_items, order))
    documents: dict[str, Document] = {}
    with problems.collect():
        documents = _offline_documents(actor, business_licence, legal_id)
    if problems:  # refused with the policy's own problems, all at once
        _issue_files(
            order,
            actor,
            policy_no=policy_no,
            policy_file=policy_file,
            invoice_file=invoice_file,
            contract_file=contract_file,
            contract_required=True,
            problems=problems,
        )
    counts = _save_service_counts(order, dict(scheme.service_counts))
    for name, value in _scheme_fields(scheme).items():
        setattr(order, name, value)
    return _issue(
        order,
        actor,
        t,
        policy_no=policy_no,
        policy_file=policy_file,
        invoice_file=invoice_file,
        contract_file=contract_file,
        contract_required=True,
        extra={"quoted_at": timezone.now(), **_scheme_fields(scheme), **documents},
        changes=_scheme_changes(scheme, counts),
    )


# --- the enterprise's steps -----------------------------------------------------------------------------------
@transaction.atomic
def order_confirm_quote(*, order: Order, actor: User) -> Order:
    """确认报价 → 待上传付款通知书; the insurer is told."""
    t = _begin("confirm_quote", Side.ENTERPRISE, actor, order)
    from_status = _claim(order, t, last_reason="")
    event = _event(order, t, actor, from_status)
    tell_insurer(
        order,
        event,
        "报价已确认",
        f"{order.applicant_name}已确认投保申请{order.application_no}的报价，请上传付款通知书。",
    )
    return order


@transaction.atomic
def order_reject_quote(*, order: Order, actor: User, reason: str) -> Order:
    """拒绝报价 with a reason → 待报价 (the insurer may quote again)."""
    t = _begin("reject_quote", Side.ENTERPRISE, actor, order)
    reason = _require_reason(reason, t)
    from_status = _claim(order, t, last_reason=reason)
    event = _event(order, t, actor, from_status, reason=reason)
    tell_insurer(
        order,
        event,
        "报价被拒绝",
        f"{order.applicant_name}拒绝了投保申请{order.application_no}的报价：{reason}。请重新报价。",
    )
    return order


@transaction.atomic
def order_upload_payment_voucher(*, order: Order, actor: User, file: UploadedFile | None) -> Order:
    """上传付款凭证 → 待支付审核 (again after a 驳回); the insurer is told."""
    t = _begin("upload_payment_voucher", Side.ENTERPRISE, actor, order)
    document = _document(actor, DocumentKind.PAYMENT_VOUCHER, file, "付款凭证", "file")
    from_status = _claim(order, t, payment_voucher=document, last_reason="")
    event = _event(order, t, actor, from_status, changes={"document": str(document.uuid)})
    tell_insurer(
        order,
        event,
        "付款凭证待审核",
        f"{order.applicant_name}已上传投保申请{order.application_no}的付款凭证，请进行支付审核。",
    )
    return order


# --- either side -------------------------------------------------------------------------------------------------
@transaction.atomic
def order_cancel(*, order: Order, actor: User, reason: str) -> Order:
    """取消 with a reason, by the insurer or the enterprise, at any state before 已出函."""
    t = _begin("cancel", actor.side, actor, order)
    reason = _require_reason(reason, t)
    from_status = _claim(order, t, last_reason=reason)
    event = _event(order, t, actor, from_status, reason=reason)
    if actor.side == Side.INSURER:
        tell_enterprise(
            order,
            event,
            "订单已取消",
            f"您的投保申请{order.application_no}已被保险公司取消，原因：{reason}。",
        )
    else:
        tell_insurer(
            order,
            event,
            "订单已取消",
            f"{order.applicant_name}取消了投保申请{order.application_no}，原因：{reason}。",
        )
    return order
