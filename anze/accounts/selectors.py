"""Reads of accounts and roles, always starting from the signed-in user: scoping lives here only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from . import grants
from .models import Role, User


def users_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    qs = User.objects.alive().filter(organisation_id=user.organisation_id)
    f = filters or {}
    if f.get("username"):
        qs = qs.filter(username__icontains=f["username"].strip())
    if f.get("name"):
        qs = qs.filter(name__icontains=f["name"].strip())
    if f.get("mobile"):
        qs = qs.filter(mobile__contains=f["mobile"].strip())
    if f.get("role"):
        qs = qs.filter(roles=f["role"])
    if f.get("status") in ("0", "1"):
        qs = qs.filter(is_active=f["status"] == "1")
    return qs.prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("-is_admin", "id"))).order_by(
        "id"
    )


def user_for(*, user: User, pk: int) -> User:
    """Another organisation's account, a deleted one and a missing one are all 404."""
    return get_object_or_404(
        User.objects.alive().select_related("organisation"), pk=pk, organisation_id=user.organisation_id
    )


def user_to_manage(*, user: User, pk: int) -> User:
    """An account to edit, enable/disable or delete: 404 as ``user_for``; 403 when it can do more than the editor
    (``grants``: only a 管理员 touches such an account)."""
    target = user_for(user=user, pk=pk)
    if message := grants.account_refusal(grants.authority_read(user), target):
        raise PermissionDenied(message)
    return target


def roles_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Role]:
    qs = Role.objects.filter(organisation_id=user.organisation_id)
    name = (filters or {}).get("name")
    if name:
        qs = qs.filter(name__icontains=name.strip())
    return qs.annotate(user_count=Count("users", filter=Q(users__deleted_at__isnull=True))).order_by(
        "-is_admin", "id"
    )


def role_for(*, user: User, pk: int) -> Role:
    return get_object_or_404(
        Role.objects.select_related("organisation"), pk=pk, organisation_id=user.organisation_id
    )


def role_to_manage(*, user: User, pk: int) -> Role:
    """A role to edit or delete: 404 as ``role_for``; 403 when the editor holds it, or it (or one of its holders)
    can do more than the editor (``grants``). A 管理员 reaches every role."""
    role = role_for(user=user, pk=pk)
    if message := grants.role_refusal(grants.authority_read(user), role):
        raise PermissionDenied(message)
    return role
