"""企业认证: an account that registered under a 统一社会信用代码 proves it speaks for that enterprise before any
of the enterprise's data is linked to it (README, 企业注册).

Registration proves only the registrant's phone. Two ways then prove control of the enterprise:

- 联系人手机验证: when orders of the credit code are on the platform, a code goes to the 投保联系人 phone of
  the latest of them (an insurer keyed it in, or the verified enterprise did) — shown masked, never chosen by
  the registrant. The right code approves the claim at once.
- 资料认证: 营业执照 + 授权书 uploaded, then reviewed in 平台管理 › 企业认证 (通过 / 驳回 with a reason); the
  registrant gets an SMS either way.

The approval that verifies a pending enterprise makes the claim's registration data the enterprise's own;
every approval gives the account the enterprise's 管理员 role and links the offline orders keyed in under the
code (``services.offline_orders_link``). Until then the account has no role and ``middleware`` keeps it on its
企业认证 page.

The claim's moves form a small table (``TRANSITIONS``); each move locks the claim row and saves it, so that
django-auditlog writes the 操作日志 with the before and after of every field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anze.accounts import services as accounts
from anze.accounts.models import Organisation, User, Verification
from anze.basedata.models import Industry, Region
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.validators import mask_mobile
from anze.documents.models import Document, DocumentKind
from anze.documents.services import document_create
from anze.notifications.services import notify
from anze.orders.models import Order

from . import verification
from .models import ClaimMethod, ClaimStatus, CodePurpose, EnterpriseClaim

S = ClaimStatus

# action → (the states it starts from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.AWAITING, S.REJECTED}), S.PENDING),
    "verify_phone": (frozenset({S.AWAITING, S.PENDING, S.REJECTED}), S.APPROVED),
    "approve": (frozenset({S.PENDING}), S.APPROVED),
    "reject": (frozenset({S.PENDING}), S.REJECTED),
}
STALE_CLAIM = "该认证申请状态已变化，请刷新后重试"
ALREADY_VERIFIED = "贵企业已完成企业认证"
NO_CONTACT_PHONE = "平台上暂无该统一社会信用代码的投保记录，请上传营业执照和授权书进行资料认证"
REASON_MAX = 500


# --- reads ---------------------------------------------------------------------------------------------------------
def claim_of(user: User) -> EnterpriseClaim | None:
    return (
        EnterpriseClaim.objects.select_related("organisation", "business_licence", "authorisation")
        .filter(user=user)
        .first()
    )


def awaiting_verification(user: User) -> bool:
    """True while an enterprise account may not yet speak for its enterprise: its enterprise is 待认证, or its
    own claim is not approved (a second account of a verified enterprise)."""
    if user.side != Side.ENTERPRISE:
        return False
    if not user.organisation.is_verified:
        return True
    return EnterpriseClaim.objects.filter(user=user).exclude(status=S.APPROVED).exists()


def contact_phone_on_file(credit_code: str) -> str | None:
    """The 投保联系人 phone of the latest order under ``credit_code``: keyed in by an insurer (offline) or by the
    verified enterprise itself (online) — never by someone still proving who they are."""
    return (
        Order.objects.filter(applicant_credit_code=credit_code)
        .exclude(contact_phone="")
        .order_by("-created_at", "-id")
        .values_list("contact_phone", flat=True)
        .first()
    )


def masked_contact_phone(credit_code: str) -> str | None:
    phone = contact_phone_on_file(credit_code)
    return mask_mobile(phone) if phone else None


# --- moves -----------------------------------------------------------------------------------------------------------
def _locked(claim: EnterpriseClaim, action: str) -> EnterpriseClaim:
    """The claim's row, locked for the rest of the transaction, if it may take ``action`` now."""
    sources, _ = TRANSITIONS[action]
    fresh = (
        EnterpriseClaim.objects.select_for_update().select_related("organisation", "user").get(pk=claim.pk)
    )
    if fresh.status not in sources:
        if fresh.status == S.APPROVED:
            raise Refused(ALREADY_VERIFIED)
        raise Refused(STALE_CLAIM)
    return fresh


def _move(claim: EnterpriseClaim, action: str, **fields: object) -> EnterpriseClaim:
    fields["status"] = TRANSITIONS[action][1]
    for name, value in fields.items():
        setattr(claim, name, value)
    claim.save(update_fields=list(fields))
    return claim


def _verify(claim: EnterpriseClaim) -> None:
    """The approval's effects: the enterprise verified (with this claim's data when it was pending), the account
    its 管理员, the offline orders of the code linked."""
    from .services import offline_orders_link  # services imports this module for registration

    enterprise = Organisation.objects.select_for_update().get(pk=claim.organisation_id)
    if not enterprise.is_verified:
        name = claim.name.strip()
        clash = Organisation.objects.filter(kind=Side.ENTERPRISE, name=name).exclude(pk=enterprise.pk)
        if clash.exists():
            raise Refused(f"已存在同名的投保企业“{name}”，请核对企业名称")
        enterprise.name = name
        enterprise.industry_id = claim.industry_id
        enterprise.region_id = claim.region_id
        enterprise.address = claim.address
        enterprise.contact_name = claim.contact_name
        enterprise.contact_phone = claim.phone
        enterprise.verification = Verification.VERIFIED
        enterprise.save(
            update_fields=[
                "name",
                "industry",
                "region",
                "address",
                "contact_name",
                "contact_phone",
                "verification",
            ]
        )
    # The proof (the contact's phone, or the platform's review of 营业执照 + 授权书) is what grants the role.
    claim.user.roles.add(accounts.admin_role_of(enterprise))
    offline_orders_link(enterprise=enterprise)
    claim.organisation = enterprise


def claim_create(
    *,
    user: User,
    enterprise: Organisation,
    name: str,
    industry: Industry | None,
    region: Region | None,
    address: str,
    contact_name: str,
    phone: str,
) -> EnterpriseClaim:
    """The claim of a newly registered account (``services.enterprise_register``), 待提交."""
    return EnterpriseClaim.objects.create(
        user=user,
        organisation=enterprise,
        credit_code=enterprise.credit_code or "",
        name=name.strip(),
        industry=industry,
        region=region,
        address=address.strip(),
        contact_name=contact_name.strip(),
        phone=phone.strip(),
    )


def claim_approve_by_own_phone(*, claim: EnterpriseClaim) -> bool:
    """At registration: the registrant's phone, just proven by its code, is the contact phone on file — that
    is the same proof as 联系人手机验证, so the claim is approved at once. Returns whether it was."""
    phone = contact_phone_on_file(claim.credit_code)
    if phone is None or phone != claim.phone:
        return False
    claim = _locked(claim, "verify_phone")
    _move(claim, "verify_phone", method=ClaimMethod.CONTACT_PHONE, submitted_at=timezone.now())
    _verify(claim)
    return True


def claim_code_send(*, claim: EnterpriseClaim) -> verification.CodeSent:
    """联系人手机验证 step 1: a code to the contact phone on file for the claim's credit code."""
    if claim.status == S.APPROVED:
        raise Refused(ALREADY_VERIFIED)
    phone = contact_phone_on_file(claim.credit_code)
    if phone is None:
        raise Refused(NO_CONTACT_PHONE)
    return verification.code_send(phone=phone, purpose=CodePurpose.ENTERPRISE_CLAIM, user=claim.user)


def claim_verify_phone(*, claim: EnterpriseClaim, code: str) -> EnterpriseClaim:
    """联系人手机验证 step 2: the code sent to the contact phone for this account approves the claim."""
    if claim.status == S.APPROVED:
        raise Refused(ALREADY_VERIFIED)
    phone = contact_phone_on_file(claim.credit_code)
    if phone is None:
        raise Refused(NO_CONTACT_PHONE)
    # Before the transaction: a wrong code stays counted (verification.py).
    checked = verification.code_check(phone=phone, purpose=CodePurpose.ENTERPRISE_CLAIM, code=code)
    if checked.user_id != claim.user_id:
        raise Refused(verification.WRONG, field="code")
    with transaction.atomic():
        verification.code_use(checked)
        claim = _locked(claim, "verify_phone")
        _move(claim, "verify_phone", method=ClaimMethod.CONTACT_PHONE, submitted_at=timezone.now())
        _verify(claim)
    return claim


def _document(claim: EnterpriseClaim, upload: UploadedFile | None, field: str, label: str) -> Document:
    if upload is None:
        raise Refused(f"请上传{label}", field=field)
    kind = DocumentKind.BUSINESS_LICENCE if field == "business_licence" else DocumentKind.OTHER
    try:
        return document_create(
            organisation=claim.organisation, uploaded_by=claim.user, kind=kind, upload=upload
        )
    except ValidationError as exc:
        raise Refused(exc.messages[0], field=field) from None


@transaction.atomic
def claim_submit_documents(
    *, claim: EnterpriseClaim, business_licence: UploadedFile | None, authorisation: UploadedFile | None
) -> EnterpriseClaim:
    """资料认证: 营业执照 + 授权书 → 待审核 in 平台管理 › 企业认证."""
    claim = _locked(claim, "submit")
    licence = _document(claim, business_licence, "business_licence", "营业执照")
    letter = _document(claim, authorisation, "authorisation", "授权书")
    return _move(
        claim,
        "submit",
        method=ClaimMethod.DOCUMENTS,
        business_licence=licence,
        authorisation=letter,
        submitted_at=timezone.now(),
        reason="",
    )


@dataclass(frozen=True)
class _Outcome:
    title: str
    text: str


def _tell_registrant(claim: EnterpriseClaim, outcome: _Outcome) -> None:
    assert claim.reviewed_at is not None
    notify(
        key=f"enterprise-claim:{claim.pk}:{claim.status}:{int(claim.reviewed_at.timestamp())}",
        owner=None,
        recipient=claim.organisation,
        recipient_user=claim.user,
        phone=claim.phone,
        title=outcome.title,
        text=outcome.text,
        link=reverse("enterprise:verification"),
    )


@transaction.atomic
def claim_approve(*, claim: EnterpriseClaim, actor: User) -> EnterpriseClaim:
    """通过 (平台管理): the claim's documents show the account speaks for the enterprise."""
    claim = _locked(claim, "approve")
    _move(claim, "approve", reviewed_by=actor, reviewed_at=timezone.now(), reason="")
    _verify(claim)
    _tell_registrant(
        claim,
        _Outcome(
            "企业认证已通过",
            f"您提交的企业认证申请（{claim.name}）已审核通过，请登录企业端使用投保、订单和保单等功能。",
        ),
    )
    return claim


@transaction.atomic
def claim_reject(*, claim: EnterpriseClaim, actor: User, reason: str) -> EnterpriseClaim:
    """驳回 (平台管理) with the reason the registrant reads; nothing is linked, the account stays 待认证 and may
    upload its documents again."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写驳回原因", field="reason")
    if len(reason) > REASON_MAX:
        raise Refused(f"驳回原因不能超过{REASON_MAX}个字", field="reason")
    claim = _locked(claim, "reject")
    _move(claim, "reject", reviewed_by=actor, reviewed_at=timezone.now(), reason=reason)
    _tell_registrant(
        claim,
        _Outcome(
            "企业认证未通过",
            f"您提交的企业认证申请（{claim.name}）未通过审核，原因：{reason}。请登录企业端重新提交认证资料。",
        ),
    )
    return claim
