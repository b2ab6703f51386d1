"""Sign-in against one organisation (an insurer's own page) or one side (the other login pages)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest

from anze.core.sides import Side
from anze.core.validators import clean_credit_code

from .models import Organisation, User


def _account_of_credit_code(identifier: str) -> User | None:
    """The account an enterprise signs in to with its 统一社会信用代码: its 管理员 named by the code (the account
    the portal's 注册 creates), else its oldest enabled 管理员 (an enterprise the platform created with another
    login name). None when no enterprise has that code."""
    try:
        credit_code = clean_credit_code(identifier)
    except ValidationError:
        return None
    enterprise = Organisation.objects.filter(kind=Side.ENTERPRISE, credit_code=credit_code).first()
    if enterprise is None:
        return None
    admins = User.objects.alive().filter(organisation=enterprise, is_active=True, roles__is_admin=True)
    return (
        admins.select_related("organisation")
        .annotate(
            by_code=Case(
                When(username__iexact=credit_code, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("by_code", "id")
        .first()
    )


def account_for_login(identifier: str, side: str | None = None) -> User | None:
    """The account a login form's "账号" names. On the enterprise side that is a login name or the enterprise's
    统一社会信用代码; the code is tried first, so that nobody can take over an enterprise's code by giving an
    account of their own that login name."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if side == Side.ENTERPRISE:
        account = _account_of_credit_code(identifier)
        if account is not None:
            return account
    return User.objects.select_related("organisation").filter(username__iexact=identifier).first()


def lockout_key(identifier: str, side: str | None) -> str:
    """What django-axes counts failures against (AXES_USERNAME_CALLABLE): the account's lower-cased login name
    when the identifier names an account, else the identifier as typed, lower-cased.

    One key per account, however it is named: if the credit code and the login name of one account counted
    separately, each spelling would give an attacker its own five tries, and a lock-out would be lifted by
    switching spellings. An identifier that names no account keeps its own key, so the answer (the lock-out
    message after five failures) is the same for names that exist and names that do not.
    """
    account = account_for_login(identifier, side)
    if account is not None:
        return account.username.lower()
    return (identifier or "").strip().lower()


class OrganisationBackend(ModelBackend):
    """Password check restricted to the page the user signs in on.

    ``organisation`` (the insurer page) or ``side`` (every other login page) must match the user's, otherwise
    the attempt fails exactly like a wrong password: the caller cannot tell which it was. On the enterprise
    page the "账号" may also be the enterprise's 统一社会信用代码 (``account_for_login``).
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        organisation: Any = None,
        side: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = account_for_login(username, side if organisation is None else None)
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal names
            return None
        if not user.check_password(password) or not self.user_can_authenticate(user):
            return None
        if organisation is not None and user.organisation_id != organisation.pk:
            return None
        if side is not None and user.organisation.kind != side:
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(user.is_active and user.deleted_at is None and user.organisation.is_active)

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
