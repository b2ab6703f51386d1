"""The lists that can be exported: each app registers its own (``orders/exports.py``, ``policies/exports.py``, …)
from its ``AppConfig.ready``, so the worker finds every kind by its key and this app never imports the apps above
it.

A kind says how to build its rows for a user and the list's query string — ``select(user, params)`` reads the
query string with the list's own search form and fetches through the app's tenant-scoped selector, exactly as
the list does — and how to turn the rows into the sheet's values (``rows``). The same kind serves the small
export built in the request and the large one built by the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.core import catalogue

if TYPE_CHECKING:
    from anze.accounts.models import User


@dataclass(frozen=True)
class ExportKind:
    key: str  # "orders.insurer": stored with each export, so never renamed once used
    label: str  # 订单列表: the sheet's and the file's name
    permission: str  # what the export view requires (checked again by the worker)
    headers: Sequence[str]
    widths: Sequence[int]
    select: Callable[[User, QueryDict], QuerySet[Any]]
    rows: Callable[[QuerySet[Any]], Iterable[Sequence[Any]]]

    def may_export(self, user: User) -> bool:
        """What ``core.access.requires`` asks of the export view, asked again when the worker builds it: the
        account may still sign in, belongs to a side the permission exists on, and holds it."""
        return (
            user.can_sign_in
            and user.side in catalogue.get(self.permission).sides
            and user.has_perm_code(self.permission)
        )


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    if _KINDS.get(kind.key, kind) is not kind:
        raise ValueError(f"export kind {kind.key} registered twice")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> ExportKind | None:
    return _KINDS.get(key)


def kinds() -> list[ExportKind]:
    return list(_KINDS.values())
