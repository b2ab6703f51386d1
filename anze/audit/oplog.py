"""Writing the 操作日志 entries that are not model changes: workflow steps (业务操作) and sign-ins (登录).

They go into django-auditlog's ``LogEntry`` beside its model changes, so that one log, one query and one
presenter serve all of them. Both kinds use the ``ACCESS`` action (auditlog writes it for nothing here) and
say which they are in ``additional_data["kind"]``; ``additional_data["organisation_id"]`` is the organisation
whose log shows the entry — the acting one (the insurer sees its clerks' steps, the enterprise its own).
The IP address comes from auditlog's request context (``anze.core.middleware.AuditlogMiddleware``), like the model changes'.

A step taken through the open API (``anze.api``) acts as the key's creator; the call runs ``acting_through`` the
key, whose name goes with its entries (``additional_data["api_key"]``) and the timeline's 操作人.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import pre_save

if TYPE_CHECKING:
    from django.db.models import Model

    from anze.accounts.models import User

    from .models import TimelineEvent

_api_key: ContextVar[str] = ContextVar("anze_api_key", default="")


@contextmanager
def acting_through(key_name: str) -> Iterator[None]:
    """Everything written inside the block was done through the API key named ``key_name``."""
    token = _api_key.set(key_name)
    try:
        yield
    finally:
        _api_key.reset(token)


def actor_label(actor: Any) -> str:
    """The 操作人 a timeline keeps: the person, and the key when the step came through the API."""
    key = _api_key.get()
    return f"{actor.name}（接口：{key}）"[:30] if key else actor.name


BUSINESS = "business"
LOGIN = "login"
STATUS = "状态"
REASON = "原因"


def log_business_action(event: TimelineEvent) -> LogEntry:
    """The 业务操作 entry of one timeline step (called by ``TimelineEvent.record``, in its transaction).
    ``changes`` are stored as displayed, {label: [before, after]}: the log reads the same after renames."""
    target, fields = _step_entry(event)
    return log_business_entry(target, **fields)


def log_business_actions(events: Sequence[TimelineEvent]) -> list[LogEntry]:
    """``log_business_action`` of many steps in one insert (``TimelineEvent.record_many``): each entry as
    ``LogEntry.objects.log_create`` makes it, auditlog's request context (actor, IP) applied the same way."""
    entries = []
    for event in events:
        target, fields = _step_entry(event)
        entries.append(_new_entry(target, **fields))
    for entry in entries:  # what auditlog's context hooks on a LogEntry's save (bulk_create sends no signal)
        pre_save.send(
            sender=LogEntry, instance=entry, raw=False, using=LogEntry.objects.db, update_fields=None
        )
    return LogEntry.objects.bulk_create(entries)


def _step_entry(event: TimelineEvent) -> tuple[Model, dict[str, Any]]:
    target, label = event.log_object()
    changes: dict[str, list[str]] = {}
    if event.to_status and event.from_status != event.to_status:
        before = event.status_label(event.from_status) if event.from_status else ""
        changes[STATUS] = [before, event.status_label(event.to_status)]
    for name, before, after in event.change_lines():
        changes[name] = [before, after]
    if event.reason:
        changes[REASON] = ["", event.reason]
    return target, {
        "actor": event.actor,
        "action": event.action,
        "label": event.action_label,
        "object_repr": label,
        "changes": changes,
    }


def _entry_fields(
    *, actor: User | None, action: str, label: str, object_repr: str, changes: dict[str, list[str]]
) -> dict[str, Any]:
    return {
        "action": LogEntry.Action.ACCESS,
        "actor": actor,
        "object_repr": object_repr,
        "changes": changes,
        "additional_data": {
            "kind": BUSINESS,
            "organisation_id": actor.organisation_id if actor else None,
            "action": action,
            "label": label,
            **({"api_key": key} if (key := _api_key.get()) else {}),
        },
    }


def _new_entry(target: Model, **fields: Any) -> LogEntry:
    """The unsaved entry ``LogEntry.objects.log_create(target, force_log=True, …)`` would save."""
    values = _entry_fields(**fields)
    pk = LogEntry.objects._get_pk_value(target)
    values["content_type"] = ContentType.objects.get_for_model(target)
    values["object_pk"] = pk
    if isinstance(pk, int):
        values["object_id"] = pk
    values["serialized_data"] = LogEntry.objects._get_serialized_data_or_none(target)
    values["cid"] = get_cid()
    return LogEntry(**values)


def log_business_entry(
    target: Model,
    *,
    actor: User | None,
    action: str,
    label: str,
    object_repr: str,
    changes: dict[str, list[str]],
) -> LogEntry:
    """A 业务操作 entry on ``target``: a timeline step's (``log_business_action``), or an action that is no step
    of one object's timeline (a 批量导入). ``changes`` as displayed, {label: [before, after]}."""
    return LogEntry.objects.log_create(
        target,
        force_log=True,
        **_entry_fields(actor=actor, action=action, label=label, object_repr=object_repr, changes=changes),
    )


def log_sign_in(user: User, *, ip: str | None, side_label: str = "") -> LogEntry:
    """The 登录 entry of a successful sign-in (the 登录日志 keeps every attempt; this puts the session's start
    beside what was done in it)."""
    changes: dict[str, Any] = {"登录入口": ["", side_label]} if side_label else {}
    return LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user,
        remote_addr=ip,
        changes=changes,
        additional_data={"kind": LOGIN, "organisation_id": user.organisation_id},
    )
