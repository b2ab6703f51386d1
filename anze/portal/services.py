"""Writes of the enterprise portal that are not order transitions: 注册, 忘记密码, and linking the offline orders
an insurer keyed in under a credit code to the enterprise that registers with it.

Orders themselves change only through ``anze.orders.workflow``; accounts through ``anze.accounts.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from anze.accounts import services as accounts
from anze.accounts.backends import account_for_login
from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.validators import clean_credit_code
from anze.orders.models import Order, OrderType
from anze.policies.models import Policy

from . import verification
from .models import CodePurpose

ALREADY_REGISTERED = "该统一社会信用代码已注册，请直接登录；如非本企业注册，请联系平台运营中心"
# organisation_register names the 管理员 account's fields ``admin_<field>``; the registration form has them
# under its own names (the login name is the credit code).
_ACCOUNT_FIELDS: dict[str, str] = {
    "admin_username": "credit_code",
    "admin_name": "contact_name",
    "admin_mobile": "phone",
    "admin_password": "password",
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


def enterprise_register(*, registration: Registration) -> User:
    """注册: the enterprise and its 管理员 account (login name = the credit code), in one transaction, after
    the SMS code proved the phone; then the offline orders already keyed in under the code become its own."""
    credit_code = _credit_code(registration.credit_code)
    if Organisation.objects.filter(credit_code=credit_code).exists():
        raise Refused(ALREADY_REGISTERED, field="credit_code")
    # Before the transaction: a wrong code stays counted when the registration is refused (verification.py).
    code = verification.code_check(
        phone=registration.phone, purpose=CodePurpose.REGISTER, code=registration.code
    )
    with transaction.atomic():
        verification.code_use(code)
        try:
            enterprise, user = accounts.organisation_register(
                kind=Side.ENTERPRISE,
                fields={
                    "name": registration.name,
                    "credit_code": credit_code,
                    "region": registration.region,
                    "industry": registration.industry,
                    "address": registration.address,
                    "contact_name": registration.contact_name,
                    "contact_phone": registration.phone,
                },
                admin=accounts.AdminAccount(
                    username=credit_code,
                    name=registration.contact_name,
                    mobile=registration.phone,
                    password=registration.password,
                ),
            )
        except Refused as exc:
            if exc.field == "admin_username":
                raise Refused(
                    "该统一社会信用代码已被用作其他账号的登录名，请联系平台运营中心", field="credit_code"
                ) from None
            field = _ACCOUNT_FIELDS.get(exc.field or "", exc.field)
            raise Refused(exc.message, field=field) from None
        offline_orders_link(enterprise=enterprise)
    return user


@transaction.atomic
def offline_orders_link(*, enterprise: Organisation) -> int:
    """Make the offline orders (and their policies) that insurers keyed in under this enterprise's credit code,
    before it had an account, its own: they appear in its 我的订单 and 我的保单. Only the link changes — not
    a state, not a field of the order — so it is no workflow step and leaves the timeline as it was.
    Returns how many orders were linked."""
    if enterprise.kind != Side.ENTERPRISE or not enterprise.credit_code:
        raise ValueError("only an enterprise with a credit code has offline orders to link")
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
