"""Writes of the enterprise portal that are not order transitions: 注册, 忘记密码, and linking the offline orders
an insurer keyed in under a credit code to the enterprise once it is verified (企业认证, ``claims``).

Orders themselves change only through ``anze.orders.workflow``; accounts through ``anze.accounts.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from anze.accounts import services as accounts
from anze.accounts.backends import account_for_login
from anze.accounts.models import Organisation, User, Verification
from anze.basedata.models import Industry, Region
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.validators import clean_credit_code
from anze.orders.models import Order, OrderType
from anze.policies.models import Policy

from . import claims, verification
from .models import CodePurpose, EnterpriseClaim

OTHER_KIND = "该统一社会信用代码已被其他类型的机构使用，请联系平台运营中心"
PHONE_TAKEN = "该手机号已是其他账号的登录名，请直接登录或使用其他手机号注册"
# user_create names the account's fields; the registration form has them under its own names.
_ACCOUNT_FIELDS: dict[str, str] = {
    "username": "phone",
    "name": "contact_name",
    "mobile": "phone",
    "password": "password",
}


@dataclass(frozen=True)
class Registration:
    """What the 注册 form collects."""

    credit_code: str
    name: str
    industry: Industry | None
    region: Region | None
    address: str
    contact_name: str
    phone: str
    code: str
    password: str


def _credit_code(value: str) -> str:
    try:
        return clean_credit_code(value)
    except ValidationError as exc:
        raise Refused(exc.messages[0], field="credit_code") from None


def registration_code_send(*, phone: str) -> verification.CodeSent:
    return verification.code_send(phone=phone, purpose=CodePurpose.REGISTER)


@dataclass(frozen=True)
class Registered:
    user: User
    claim: EnterpriseClaim
    enterprise_is_new: bool


def enterprise_register(*, registration: Registration) -> Registered:
    """注册: an account under the credit code, after the SMS code proved the phone — and nothing more.

    The account does not yet speak for the enterprise: it gets a claim (企业认证申请) and no role, and sees
    only its 企业认证 page until the claim is approved (``claims``). A new credit code creates its enterprise
    as 待认证 with what was typed; a known one (待认证 or 已认证) is not touched, and its orders stay unlinked.
    The answer is the same for a known and an unknown code until the SMS code is right."""
    credit_code = _credit_code(registration.credit_code)
    # Before the transaction: a wrong code stays counted when the registration is refused (verification.py).
    code = verification.code_check(
        phone=registration.phone, purpose=CodePurpose.REGISTER, code=registration.code
    )
    with transaction.atomic():
        verification.code_use(code)
        enterprise, is_new = _enterprise_for(credit_code, registration)
        try:
            user = accounts.user_create(
                actor=None,  # the registrant signs up: no colleague grants anything
                organisation=enterprise,
                username=_login_name(credit_code if is_new else "", registration.phone),
                name=registration.contact_name,
                mobile=registration.phone,
                password=registration.password,
            )
        except Refused as exc:
            raise exc.renamed(_ACCOUNT_FIELDS) from None
        claim = claims.claim_create(
            user=user,
            enterprise=enterprise,
            name=registration.name,
            industry=registration.industry,
            region=registration.region,
            address=registration.address,
            contact_name=registration.contact_name,
            phone=registration.phone,
        )
        if claims.claim_approve_by_own_phone(claim=claim):
            claim.refresh_from_db()
    return Registered(user=user, claim=claim, enterprise_is_new=is_new)


def _enterprise_for(credit_code: str, registration: Registration) -> tuple[Organisation, bool]:
    """The one enterprise of the credit code, created 待认证 from the form when there is none yet."""
    existing = Organisation.objects.filter(credit_code=credit_code).first()
    if existing is not None:
        if existing.kind != Side.ENTERPRISE:
            raise Refused(OTHER_KIND, field="credit_code")
        return existing, False
    name = registration.name.strip()
    if Organisation.objects.filter(kind=Side.ENTERPRISE, name=name).exists():
        raise Refused("已存在同名的投保企业", field="name")
    try:
        with transaction.atomic():  # a savepoint: a registration of the same code may commit meanwhile
            enterprise = accounts.organisation_create(
                kind=Side.ENTERPRISE,
                verification=Verification.PENDING,
                name=name,
                credit_code=credit_code,
                region=registration.region,
                industry=registration.industry,
                address=registration.address.strip(),
                contact_name=registration.contact_name.strip(),
                contact_phone=registration.phone.strip(),
            )
    except (IntegrityError, ValidationError):
        again = Organisation.objects.filter(kind=Side.ENTERPRISE, credit_code=credit_code).first()
        if again is None:
            raise Refused("已存在同名的投保企业", field="name") from None
        return again, False
    return enterprise, True


def _login_name(credit_code: str, phone: str) -> str:
    """The first registrant of a new credit code signs in with the code (and later every verified 管理员 may,
    see ``accounts.backends``); any other registrant with its phone."""
    for candidate in (credit_code, phone.strip()):
        if candidate and not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise Refused(PHONE_TAKEN, field="phone")


@transaction.atomic
def offline_orders_link(*, enterprise: Organisation) -> int:
    """Make the offline orders (and their policies) that insurers keyed in under this enterprise's credit code,
    before it had an account, its own: they appear in its 我的订单 and 我的保单. Only the link changes — not
    a state, not a field of the order — so it is no workflow step and leaves the timeline as it was.
    Returns how many orders were linked."""
    if enterprise.kind != Side.ENTERPRISE or not enterprise.credit_code:
        raise ValueError("only an enterprise with a credit code has offline orders to link")
    if not enterprise.is_verified:
        raise ValueError("only a verified enterprise has orders linked to it (anze.portal.claims)")
    ids = list(
        Order.objects.filter(
            order_type=OrderType.OFFLINE,
            applicant_credit_code=enterprise.credit_code,
            enterprise__isnull=True,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    linked = Order.objects.filter(pk__in=ids, enterprise__isnull=True).update(enterprise=enterprise)
    Policy.objects.filter(order_id__in=ids, enterprise__isnull=True).update(enterprise=enterprise)
    return linked


# --- 忘记密码 -----------------------------------------------------------------------------------------------------
def _account(identifier: str) -> User | None:
    account = account_for_login(identifier, Side.ENTERPRISE)
    if account is None or account.side != Side.ENTERPRISE or not account.can_sign_in:
        return None
    return account


def password_reset_code_send(*, identifier: str, phone: str) -> verification.CodeSent:
    """找回密码 step 1: a code to ``phone`` if it is the registered mobile of the account named by
    ``identifier`` (login name or credit code). The answer is the same either way (see ``code_send``)."""
    if not (identifier or "").strip():
        raise Refused("请输入统一社会信用代码或登录账号", field="identifier")
    account = _account(identifier)
    matched = account is not None and account.mobile == (phone or "").strip()
    return verification.code_send(
        phone=phone,
        purpose=CodePurpose.RESET_PASSWORD,
        user=account if matched else None,
        deliver=matched,
    )


def password_reset(*, identifier: str, phone: str, code: str, new_password: str) -> User:
    """找回密码 step 2: the code sent for this account and phone, then the new password (the project's rules)."""
    if not (identifier or "").strip():
        raise Refused("请输入统一社会信用代码或登录账号", field="identifier")
    checked = verification.code_check(phone=phone, purpose=CodePurpose.RESET_PASSWORD, code=code)
    account = _account(identifier)
    if account is None or checked.user_id != account.pk:
        raise Refused("账号与获取验证码时填写的不一致，请重新获取验证码", field="identifier")
    with transaction.atomic():
        verification.code_use(checked)
        try:
            return accounts.password_reset_forgotten(user=account, new_password=new_password)
        except Refused as exc:
            raise Refused(
                exc.message, field="password" if exc.field == "new_password" else exc.field
            ) from None
