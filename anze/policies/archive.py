"""The service archive on the insurer's policy pages (保单详情, its files, a record's page): the records,
inspections, hazards and complaints of the policy are anze.prevention's, which registers how to read them at
start-up (``PreventionConfig.ready``) — this app never imports it (core ← … ← policies ← prevention).
Without prevention the pages show the policy alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from anze.accounts.models import User
from anze.documents.models import Document

from .models import Policy


@dataclass(frozen=True)
class Archive:
    # The archive section of 保单详情: its template context, with ``archive_template`` the partial showing it.
    context: Callable[[Policy, User], dict[str, Any]]
    # Every file of the archive, for 查看 / 下载 under the policy.
    documents: Callable[[Policy], list[Document]]
    # One record of the policy as (template, context); 404 when it is not the policy's or not the user's.
    record_page: Callable[[Policy, User, Any], tuple[str, dict[str, Any]]]


def _no_record(policy: Policy, user: User, record_uuid: Any) -> tuple[str, dict[str, Any]]:
    raise Http404("服务记录不存在")


_EMPTY = Archive(context=lambda policy, user: {}, documents=lambda policy: [], record_page=_no_record)
_registered: list[Archive] = []


def register_archive(archive: Archive) -> None:
    _registered[:] = [archive]


def service_archive() -> Archive:
    return _registered[0] if _registered else _EMPTY
