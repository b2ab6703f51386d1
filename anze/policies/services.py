"""出函 — the issuing of a policy (docs/spec/DOMAIN.md §2–3): an order in 待出函 becomes 已出函 with its
保单编号 and files, and its ``Policy`` is created in the same transaction.

``policy_issue`` is the 出函 of an online order (保单编号 + 保单/发票 PDF, 合同 optional); ``policy_issue_offline``
is an offline order's 保单信息补录 (the whole scheme, the service counts and the three PDFs in one step). Both
move the order with ``anze.orders.transitions.ORDER`` (``issue`` / ``issue_offline``), like every order action.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.workflow import StaleClaims, Transition
from anze.documents.models import Document, DocumentKind
from anze.documents.services import documents_create
from anze.orders.models import Order, OrderEvent
from anze.orders.notices import tell_enterprise, tell_enterprises
from anze.orders.offline import check_intended_items, offline_documents
from anze.orders.rules import Scheme
from anze.orders.steps import (
    check_scheme,
    checked_upload,
    record_event,
    record_events,
    save_service_counts,
    save_service_counts_of,
    scheme_changes,
    scheme_fields,
    stored_document,
)
from anze.orders.transitions import ORDER

from .models import Policy
from .verify import new_verification_code, new_verification_codes

P = ParamSpec("P")
R = TypeVar("R")
POLICY_NO_TAKEN = "保单编号已存在，请核对"


def clean_policy_no(policy_no: str | None) -> str:
    """The 保单编号 as stored (stripped), or ``Refused`` when it is missing or too long — before it is looked
    up (the Excel import looks up a whole file's numbers at once)."""
    policy_no = (policy_no or "").strip()
    if not policy_no:
        raise Refused("请输入保单编号", field="policy_no")
    if len(policy_no) > 50:
        raise Refused("保单编号不能超过50个字符", field="policy_no")
    return policy_no


def _check_policy_no(order: Order, policy_no: str) -> str:
    policy_no = clean_policy_no(policy_no)
    # A reversed policy keeps its number: the order issued again takes a new one.
    taken = _numbered_orders(order.insurer_id).filter(policy_no=policy_no).exclude(pk=order.pk)
    if taken.exists() or Policy.objects.filter(insurer_id=order.insurer_id, policy_no=policy_no).exists():
        raise Refused(POLICY_NO_TAKEN, field="policy_no")
    return policy_no


def _numbered_orders(insurer_id: int) -> QuerySet[Order]:
    """The insurer's orders that have a 保单编号, written as the condition of their unique index
    (``order_policy_no_unique_per_insurer``, ``NOT policy_no = ''``): SQLite uses a partial index only for a
    query that repeats its condition, and otherwise reads every order of the insurer to find one number."""
    return Order.objects.filter(insurer_id=insurer_id).exclude(policy_no="")


def policy_nos_taken(*, insurer_id: int, numbers: Iterable[str], orders: Collection[int] = ()) -> set[str]:
    """Which of ``numbers`` the insurer has used already (on orders other than ``orders``, the ones being
    issued) — the rule of ``_check_policy_no`` for a whole file (the Excel import), in a few queries instead
    of two per row."""
    wanted = sorted(set(numbers))
    taken: set[str] = set()
    for start in range(0, len(wanted), 500):  # SQLite takes a bounded number of parameters per query
        chunk = wanted[start : start + 500]
        numbered = _numbered_orders(insurer_id).filter(policy_no__in=chunk)
        taken.update(
            (numbered.exclude(pk__in=orders) if orders else numbered).values_list("policy_no", flat=True)
        )
        taken.update(
            Policy.objects.filter(insurer_id=insurer_id, policy_no__in=chunk).values_list(
                "policy_no", flat=True
            )
        )
    return taken


def check_issue(*, order: Order, policy_no: str | None) -> None:
    """The checks of 出函 / 保单信息补录 that need no file (the 保单编号 is not used yet), for a view to show
    beside their fields when the form has other errors (a file missing or refused). Changes nothing."""
    if policy_no is not None:
        _check_policy_no(order, policy_no)


def _atomic_unique(fn: Callable[P, R]) -> Callable[P, R]:
    """Run an action in a transaction; a 保单编号 lost to a concurrent request becomes a Chinese refusal."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except IntegrityError as exc:
            if "policy_no" in str(exc):
                raise Refused(POLICY_NO_TAKEN, field="policy_no") from None
            raise

    return wrapper


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
            stored[name] = stored_document(actor, kind, upload, label, name, required=required)
    problems.raise_if_any()  # the documents stored so far go with the transaction
    return policy_no, stored


def _issue(
    order: Order,
    actor: User,
    t: Transition,
    *,
    files: dict[str, Any],
    contract_required: bool,
    extra: dict[str, Any],
    changes: dict[str, Any],
) -> Order:
    """Store the files, move the order to 已出函 with them, create its policy and tell the enterprise."""
    policy_no, stored = _issue_files(
        order, actor, **files, contract_required=contract_required, problems=Problems()
    )
    now = timezone.now()
    from_status = ORDER.claim(
        order,
        t,
        policy_no=policy_no,
        policy_file=stored["policy_file"],
        invoice_file=stored["invoice_file"],
        contract_file=stored["contract_file"],
        issued_at=now,
        last_reason="",
        **extra,
    )
    _new_policy(order, policy_no, now, new_verification_code()).save(force_insert=True)
    event = record_event(order, t, actor, from_status, changes={"policy_no": policy_no, **changes})
    _tell_issued(order, event)
    return order


def _new_policy(order: Order, policy_no: str, now: Any, verification_code: str) -> Policy:
    """The policy 出函 creates (unsaved), from the order just moved to 已出函 with its files."""
    if order.period_start is None or order.period_end is None:  # set by 报价 or by the 补录's scheme
        raise Refused("保险期间未填写，不能出函")
    return Policy(
        order=order,
        insurer=order.insurer,
        enterprise=order.enterprise,
        region_id=order.region_id,
        policy_no=policy_no,
        issued_at=now,
        period_start=order.period_start,
        period_end=order.period_end,
        verification_code=verification_code,  # 电子保单验真; the PDF itself stays as uploaded
        policy_file=order.policy_file,
        invoice_file=order.invoice_file,
        contract_file=order.contract_file,
        issued_headcount=order.headcount,
        issued_premium=order.premium,
        issued_prevention_fee=order.prevention_fee,
    )


ISSUED_TITLE = "保单已出函"


def _tell_issued(order: Order, event: OrderEvent) -> None:
    tell_enterprise(order, event, ISSUED_TITLE, _issued_text(order))


def _issued_text(order: Order) -> str:
    return f"您的投保申请{order.application_no}已出函，保单号{order.policy_no}，请登录企业端查看电子保单。"


@_atomic_unique
def policy_issue(
    *,
    order: Order,
    actor: User,
    policy_no: str,
    policy_file: UploadedFile | None,
    invoice_file: UploadedFile | None,
    contract_file: UploadedFile | None = None,
) -> Order:
    """出函 (online order): 保单编号 + 保单/发票 PDF, optional 合同 → 已出函; creates the policy; SMS to 投保联系电话."""
    t = ORDER.begin("issue", actor, order)
    files: dict[str, Any] = {
        "policy_no": policy_no,
        "policy_file": policy_file,
        "invoice_file": invoice_file,
        "contract_file": contract_file,
    }
    return _issue(order, actor, t, files=files, contract_required=False, extra={}, changes={})


@_atomic_unique
def policy_issue_offline(
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
    the 投保资料 chosen here replace the order's, ``intended_items`` (when given) become its 意向服务项目.
    Every problem of the form is refused at once, the policy's own with the scheme's."""
    t = ORDER.begin("issue_offline", actor, order)
    problems = Problems()
    with problems.collect():
        check_scheme(scheme, order.region)
    if intended_items is not None:
        with problems.collect():
            order.intended_items.set(check_intended_items(intended_items, order))
    documents: dict[str, Document] = {}
    with problems.collect():
        documents = offline_documents(actor, business_licence, legal_id)
    files: dict[str, Any] = {
        "policy_no": policy_no,
        "policy_file": policy_file,
        "invoice_file": invoice_file,
        "contract_file": contract_file,
    }
    if problems:  # nothing saved yet: the files are checked with them and everything is refused at once
        _issue_files(order, actor, **files, contract_required=True, problems=problems)
    counts = save_service_counts(order, dict(scheme.service_counts))
    for name, value in scheme_fields(scheme).items():
        setattr(order, name, value)
    return _issue(
        order,
        actor,
        t,
        files=files,
        contract_required=True,
        extra={"quoted_at": timezone.now(), **scheme_fields(scheme), **documents},
        changes=scheme_changes(scheme, counts),
    )


@dataclass
class OfflineIssue:
    """One order's 保单信息补录, for ``policies_issue_offline``."""

    order: Order
    scheme: Scheme
    policy_no: str
    policy_file: UploadedFile | None
    invoice_file: UploadedFile | None
    contract_file: UploadedFile | None


_ISSUE_FILES: tuple[tuple[str, str, str], ...] = (
    ("policy_file", DocumentKind.POLICY, "保单文件"),
    ("invoice_file", DocumentKind.INVOICE, "发票文件"),
    ("contract_file", DocumentKind.CONTRACT, "合同文件"),
)


@_atomic_unique
def policies_issue_offline(*, actor: User, issues: Sequence[OfflineIssue]) -> list[Order | Refused]:
    """``policy_issue_offline`` of many orders at once (the Excel import's rows, without 投保资料 or 意向服务项目):
    each checked as there — the transition, the scheme and the region's rule, the 保单编号 (not used by another
    order or policy, nor twice here), the three PDFs — then the documents, service counts, policies, events
    and their 操作日志 entries written one insert each; the orders moved by ``ORDER.claim_many`` (the same
    conditional update, one statement) and their contacts told as there. Returns each order, or the ``Refused``
    it met — and then nothing is written."""
    results: list[Order | Refused] = []
    transitions: list[Transition] = []
    policy_nos: list[str] = []
    first: dict[str, int] = {}
    for index, issue in enumerate(issues):
        problems = Problems()
        policy_no = ""
        try:
            transitions.append(ORDER.begin("issue_offline", actor, issue.order))
            with problems.collect():
                check_scheme(issue.scheme, issue.order.region)
            with problems.collect():
                policy_no = clean_policy_no(issue.policy_no)
                if first.setdefault(policy_no, index) != index:
                    raise Refused(POLICY_NO_TAKEN, field="policy_no")
            for name, kind, label in _ISSUE_FILES:
                with problems.collect():
                    checked_upload(kind, getattr(issue, name), label, name, required=True)
            problems.raise_if_any()
        except Refused as exc:
            results.append(exc)
        else:
            results.append(issue.order)
        policy_nos.append(policy_no)
    for insurer_id in {issue.order.insurer_id for issue in issues}:
        mine = [index for index, issue in enumerate(issues) if issue.order.insurer_id == insurer_id]
        taken = policy_nos_taken(
            insurer_id=insurer_id,
            numbers=[policy_nos[index] for index in mine if policy_nos[index]],
            orders=[issues[index].order.pk for index in mine],
        )
        for index in mine:
            if policy_nos[index] in taken and isinstance(results[index], Order):
                results[index] = Refused(POLICY_NO_TAKEN, field="policy_no")
    if not issues or any(isinstance(result, Refused) for result in results):
        return results

    documents = documents_create(
        organisation=actor.organisation,
        uploaded_by=actor,
        uploads=[(kind, getattr(issue, name)) for issue in issues for name, kind, _label in _ISSUE_FILES],
    )
    counts = save_service_counts_of([(issue.order, dict(issue.scheme.service_counts)) for issue in issues])
    now = timezone.now()
    moves = []
    for index, (issue, policy_no) in enumerate(zip(issues, policy_nos, strict=True)):
        stored = documents[index * len(_ISSUE_FILES) : (index + 1) * len(_ISSUE_FILES)]
        fields: dict[str, Any] = {
            name: document for (name, _, _), document in zip(_ISSUE_FILES, stored, strict=True)
        }
        moves.append(
            (
                issue.order,
                {
                    "policy_no": policy_no,
                    **fields,
                    "issued_at": now,
                    "last_reason": "",
                    "quoted_at": now,
                    **scheme_fields(issue.scheme),
                },
            )
        )
    try:
        # Each order moved by the same conditional update as one 出函, the chunk's in one statement.
        from_statuses = ORDER.claim_many(moves, transitions[0])
    except StaleClaims as exc:  # moved meanwhile: those orders refused, nothing of the chunk written
        transaction.set_rollback(True)
        return [
            Refused(exc.message) if index in exc.stale else result for index, result in enumerate(results)
        ]
    codes = new_verification_codes(len(issues))
    Policy.objects.bulk_create(
        _new_policy(issue.order, policy_no, now, code)
        for issue, policy_no, code in zip(issues, policy_nos, codes, strict=True)
    )
    events = record_events(
        [issue.order for issue in issues],
        transitions[0],  # the same transition of every order: one action, one actor
        actor,
        from_statuses,
        changes=[
            {"policy_no": policy_no, **scheme_changes(issue.scheme, order_counts)}
            for issue, policy_no, order_counts in zip(issues, policy_nos, counts, strict=True)
        ],
    )
    tell_enterprises(
        [
            (issue.order, event, _issued_text(issue.order))
            for issue, event in zip(issues, events, strict=True)
        ],
        ISSUED_TITLE,
    )
    return results
