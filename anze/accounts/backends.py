"""Sign-in against one organisation (an insurer's own page) or one side (the other login pages)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class OrganisationBackend(ModelBackend):
    """Password check restricted to the page the user signs in on.

    ``organisation`` (the insurer page) or ``side`` (every other login page) must match the user's, otherwise
    the attempt fails exactly like a wrong password: the caller cannot tell which it was.
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
        try:
            user = User.objects.select_related("organisation").get(username__iexact=username.strip())
        except User.DoesNotExist:
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
