"""操作日志 as people read it: the one presenter every entry goes through, on the page and in the export.

django-auditlog stores field names and raw values ("region": ["None", "4"], datetimes in UTC with
microseconds, reverse relations as "orders.Order.None"); here they become the model's Chinese field labels
and the values as the screens show them — choices by label, 是/否, money, related objects by name, times in
Beijing time to the second — with internal and reverse-relation fields left out. Related objects and the
accounts an entry names are read in one query per model for the whole page, so a page's query count does not
grow with its size.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from anze.accounts.models import Organisation, Role, User
from anze.core import catalogue
from anze.core.formatting import money

from .oplog import BUSINESS, LOGIN

CREATE, UPDATE, DELETE, SIGN_IN, BUSINESS_ACTION = "新增", "修改", "删除", "登录", "业务操作"
KINDS: tuple[tuple[str, str], ...] = (
    ("create", CREATE),
    ("update", UPDATE),
    ("delete", DELETE),
    ("login", SIGN_IN),
    ("business", BUSINESS_ACTION),
)
TONES = {CREATE: "success", UPDATE: "primary", DELETE: "danger", SIGN_IN: "info", BUSINESS_ACTION: "warning"}
EMPTY = "—"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# Bookkeeping, secrets and the tenant key: never a change a reader needs (the entry's organisation is the log's).
HIDDEN_FIELDS = frozenset(
    {"id", "password", "last_login", "created_at", "updated_at", "is_admin", "organisation"}
)
_DELETED_SUFFIX = re.compile(r"#\d+$")  # user_delete frees the login name as "name#<id>"


@dataclass(frozen=True)
class Change:
    field: str
    before: str  # "" on a creation and for a step's facts (no arrow)
    after: str

    def __str__(self) -> str:
        return f"{self.field}：{self.before} → {self.after}" if self.before else f"{self.field}：{self.after}"


@dataclass
class OperationRow:
    entry: LogEntry
    time: str
    actor: str
    kind: str
    label: str  # the business action's label (报价); "" for the other kinds
    target: str
    ip: str
    changes: list[Change] = field(default_factory=list)

    @property
    def type_display(self) -> str:
        return f"{self.kind} · {self.label}" if self.label else self.kind

    @property
    def tone(self) -> str:
        return TONES.get(self.kind, "primary")

    @property
    def changes_text(self) -> str:
        return "；".join(str(change) for change in self.changes)


# --- small displays ------------------------------------------------------------------------------------------
def login_name(username: str) -> str:
    return _DELETED_SUFFIX.sub("", username or "")


def person(user: User | None) -> str:
    if user is None:
        return "系统"
    return f"{user.name}（{login_name(user.username)}）"


def local_time(value: datetime) -> str:
    return timezone.localtime(value).strftime(TIME_FORMAT)


def _stored_datetime(raw: str) -> str:
    """auditlog writes datetimes as naive UTC ("2026-12-02 00:37:45.392949")."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return local_time(value)


def _permission_labels(raw: Any) -> str:
    codes = raw
    if isinstance(raw, str):
        try:
            codes = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return raw
    labels = [catalogue.get(code).label for code in codes or () if catalogue.exists(code)]
    return "、".join(labels) or "无"


def _is_empty(raw: Any) -> bool:
    return raw is None or raw in ("None", "")


# --- what one page needs from the database ---------------------------------------------------------------------
@dataclass
class _Lookups:
    objects: dict[tuple[type[models.Model], str], models.Model] = field(default_factory=dict)
    accounts: dict[str, User] = field(default_factory=dict)

    def name_of(self, model: type[models.Model], pk: str) -> str:
        obj = self.objects.get((model, pk))
        return str(obj) if obj is not None else f"已删除的{model._meta.verbose_name}"


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    """The concrete field (or forward many-to-many) an entry's key names; None for reverse relations,
    hidden fields and names the model no longer has."""
    if model is None or name in HIDDEN_FIELDS:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(found, models.Field) and (isinstance(found, models.ManyToManyField) or found.concrete):
        return found
    return None


def _related(found: models.ForeignKey) -> type[models.Model]:
    """The model a foreign key points at (a class once the apps are loaded, never the string "self")."""
    model = found.related_model
    assert not isinstance(model, str)
    return model


def _is_model_change(entry: LogEntry) -> bool:
    return entry.action != LogEntry.Action.ACCESS


def _is_admin_role(entry: LogEntry) -> bool:
    raw = (entry.changes_dict or {}).get("is_admin")
    return entry.content_type.model_class() is Role and isinstance(raw, list) and raw[-1] == "True"


def _load(entries: Sequence[LogEntry]) -> _Lookups:
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is User and entry.object_id is not None:
            wanted[User].add(str(entry.object_id))
        if _is_admin_role(entry) and (entry.additional_data or {}).get("organisation_id"):
            wanted[Organisation].add(str(entry.additional_data["organisation_id"]))
        if not _is_model_change(entry):
            continue
        for name, values in (entry.changes_dict or {}).items():
            found = _model_field(model, name)
            if isinstance(found, models.ForeignKey) and isinstance(values, list):
                wanted[_related(found)].update(str(v) for v in values if not _is_empty(v))
    lookups = _Lookups()
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            lookups.objects[(model, str(obj.pk))] = obj
    lookups.accounts = {pk: obj for (_, pk), obj in lookups.objects.items() if isinstance(obj, User)}
    return lookups


# --- one entry ------------------------------------------------------------------------------------------------
def _value(entry: LogEntry, found: models.Field, raw: Any, lookups: _Lookups) -> str:
    if _is_empty(raw):
        return ""
    if found.name == "permissions" and isinstance(found, models.JSONField):
        if _is_admin_role(entry):
            org = lookups.objects.get(
                (Organisation, str((entry.additional_data or {}).get("organisation_id")))
            )
            count = len(catalogue.codes_for_side(org.kind)) if isinstance(org, Organisation) else 0
            return f"全部权限（{count}项）" if count else "全部权限"
        return _permission_labels(raw)
    if found.choices:
        return str({str(key): label for key, label in found.flatchoices}.get(str(raw), raw))
    if isinstance(found, models.BooleanField):
        return {"True": "是", "False": "否"}.get(str(raw), str(raw))
    if isinstance(found, models.ForeignKey):
        return lookups.name_of(_related(found), str(raw))
    if isinstance(found, models.DateTimeField):
        return _stored_datetime(str(raw))
    if isinstance(found, models.DecimalField):
        try:
            return money(Decimal(str(raw)))
        except InvalidOperation:
            return str(raw)
    if found.name == "username":
        return login_name(str(raw))
    return str(raw)


def _model_changes(entry: LogEntry, lookups: _Lookups) -> list[Change]:
    model = entry.content_type.model_class()
    creating = entry.action == LogEntry.Action.CREATE
    changes: list[Change] = []
    for name, values in (entry.changes_dict or {}).items():
        found = _model_field(model, name)
        if found is None:
            if name == "密码" and isinstance(values, list):  # accounts.services.log_password_change
                changes.append(Change("密码", "", str(values[-1])))
            continue
        label = str(found.verbose_name)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            verb = {"add": "添加", "delete": "移除", "remove": "移除", "clear": "清空"}.get(
                values.get("operation", ""), "变更"
            )
            changes.append(Change(label, "", f"{verb}：{'、'.join(values.get('objects', []))}"))
            continue
        before, after = ([*values, None, None][:2]) if isinstance(values, list) else (None, values)
        before_text, after_text = _value(entry, found, before, lookups), _value(entry, found, after, lookups)
        if creating:
            if after_text:
                changes.append(Change(label, "", after_text))
        elif before_text != after_text:
            changes.append(Change(label, before_text or EMPTY, after_text or EMPTY))
    return changes


def _kind(entry: LogEntry) -> str:
    if entry.action == LogEntry.Action.ACCESS:
        return SIGN_IN if (entry.additional_data or {}).get("kind") == LOGIN else BUSINESS_ACTION
    if entry.action == LogEntry.Action.CREATE:
        return CREATE
    if entry.action == LogEntry.Action.DELETE:
        return DELETE
    deleted_at = (entry.changes_dict or {}).get("deleted_at")
    if isinstance(deleted_at, list) and not _is_empty(deleted_at[-1]):  # the soft delete of an account
        return DELETE
    return UPDATE


def _target(entry: LogEntry, lookups: _Lookups) -> str:
    data = entry.additional_data or {}
    if data.get("kind") == BUSINESS:
        return entry.object_repr
    model = entry.content_type.model_class()
    if model is User:
        account = lookups.accounts.get(str(entry.object_id))
        login = f"（{login_name(account.username)}）" if account is not None else ""
        return f"账号 {entry.object_repr}{login}"
    noun = model._meta.verbose_name if model is not None else entry.content_type.model
    return f"{noun} {entry.object_repr}"


def _row(entry: LogEntry, lookups: _Lookups) -> OperationRow:
    data = entry.additional_data or {}
    if _is_model_change(entry):
        changes = _model_changes(entry, lookups)
    else:  # written by anze.audit.oplog as displayed: {label: [before, after]}
        changes = [
            Change(str(name), str(values[0] or ""), str(values[1] or ""))
            for name, values in (entry.changes_dict or {}).items()
            if isinstance(values, list) and len(values) == 2
        ]
    return OperationRow(
        entry=entry,
        time=local_time(entry.timestamp),
        actor=person(entry.actor) + (f" · 接口密钥“{data['api_key']}”" if data.get("api_key") else ""),
        kind=_kind(entry),
        label=str(data.get("label", "")) if data.get("kind") == BUSINESS else "",
        target=_target(entry, lookups),
        ip=entry.remote_addr or EMPTY,
        changes=changes,
    )


def present(entries: Sequence[LogEntry]) -> list[OperationRow]:
    """The rows of one page (or one export chunk): entries fetched with ``actor`` and ``content_type``."""
    lookups = _load(entries)
    return [_row(entry, lookups) for entry in entries]
