from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone

from anze.accounts import catalogue
from anze.accounts.models import User

from .models import LoginLog


def day_start(value: date) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


# Beyond these days a bound is no bound: nothing is older than 1900, and the day after 9999-12-30 (or the UTC
# form of 0001-01-01 00:00 in Asia/Shanghai) does not fit a datetime — OverflowError, a 500. The search forms
# refuse such dates already (core.forms.validate_filter_date); this keeps every other caller safe too.
_NO_LOWER_BOUND_BEFORE = date(1900, 1, 1)
_NO_UPPER_BOUND_FROM = date(9999, 12, 30)


def day_range(qs: QuerySet[Any], field: str, start: date | None, end: date | None) -> QuerySet[Any]:
    """Filter ``field`` to [start 00:00, end+1 00:00) in Asia/Shanghai — an index-friendly range."""
    if start and start >= _NO_LOWER_BOUND_BEFORE:
        qs = qs.filter(**{f"{field}__gte": day_start(start)})
    if end and end < _NO_UPPER_BOUND_FROM:
        if end < _NO_LOWER_BOUND_BEFORE:
            return qs.none()
        qs = qs.filter(**{f"{field}__lt": day_start(end + timedelta(days=1))})
    return qs


def login_logs_for(*, user: User, filters: dict[str, Any]) -> QuerySet[LoginLog]:
    qs = LoginLog.objects.filter(organisation_id=user.organisation_id)
    if filters.get("username"):
        qs = qs.filter(username__icontains=filters["username"].strip())
    if filters.get("ip"):
        qs = qs.filter(ip__startswith=filters["ip"].strip())
    if filters.get("success") in ("0", "1"):
        qs = qs.filter(success=filters["success"] == "1")
    qs = day_range(qs, "created_at", filters.get("start"), filters.get("end"))
    return qs.order_by("-created_at", "-id")


def operation_logs_for(*, user: User, filters: dict[str, Any]) -> QuerySet[LogEntry]:
    """Changes to the organisation's own accounts, roles and record, and every change its people made
    (the platform's people change other organisations and base data)."""
    org = user.organisation_id
    qs = LogEntry.objects.filter(Q(additional_data__organisation_id=org) | Q(actor__organisation_id=org))
    target = filters.get("target")
    if target:
        qs = qs.filter(content_type__model=target)
    if filters.get("actor"):
        qs = qs.filter(actor__name__icontains=filters["actor"].strip())
    qs = day_range(qs, "timestamp", filters.get("start"), filters.get("end"))
    return qs.select_related("actor", "content_type").order_by("-timestamp", "-id")


# --- display ----------------------------------------------------------------------------------------------------
ACTION_LABELS = {
    LogEntry.Action.CREATE: "新增",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
}
TARGET_LABELS = {
    "user": "账号",
    "role": "角色",
    "organisation": "机构",
    "serviceitem": "服务项目",
    "industry": "行业",
    "region": "行政区划",
    "regionalrule": "地区投保规则",
}
FIELD_LABELS = {
    "username": "登录账号",
    "name": "名称",
    "mobile": "手机号码",
    "is_active": "启用",
    "deleted_at": "删除时间",
    "remark": "备注",
    "roles": "角色",
    "permissions": "权限",
    "organisation": "所属机构",
    "is_admin": "管理员角色",
    "created_at": "创建时间",
    "updated_at": "更新时间",
    "id": "ID",
}
HIDDEN_FIELDS = {"password", "last_login", "updated_at", "id", "organisation", "created_at", "is_admin"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class EntryView:
    entry: LogEntry
    action: str
    target: str
    changes: list[Change]


def _permission_labels(value: Any) -> str:
    codes = value if isinstance(value, list) else []
    if isinstance(value, str):
        import json

        try:
            codes = json.loads(value.replace("'", '"'))
        except ValueError:
            return value
    return "、".join(catalogue.get(code).label for code in codes if catalogue.exists(code)) or "无"


def _bool_label(value: Any) -> str:
    return {"True": "是", "False": "否", "true": "是", "false": "否"}.get(str(value), str(value))


def _display(field: str, value: Any) -> str:
    if value in (None, "None", ""):
        return "—"
    if field == "permissions":
        return _permission_labels(value)
    if field == "is_active":
        return _bool_label(value)
    return str(value)


def describe_entry(entry: LogEntry) -> EntryView:
    changes: list[Change] = []
    action = ACTION_LABELS.get(entry.action, "操作")
    raw = entry.changes_dict or {}
    for field, values in raw.items():
        if field in HIDDEN_FIELDS:
            continue
        if isinstance(values, dict):  # m2m: {"type": "add", "objects": [...]}
            verb = {"add": "添加", "remove": "移除", "clear": "清空"}.get(values.get("type", ""), "变更")
            changes.append(
                Change(FIELD_LABELS.get(field, field), "", f"{verb}：{'、'.join(values.get('objects', []))}")
            )
            continue
        before, after = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        changes.append(
            Change(FIELD_LABELS.get(field, field), _display(field, before), _display(field, after))
        )
    if "deleted_at" in raw and raw["deleted_at"][0] in (None, "None"):
        action = "删除"
    return EntryView(
        entry, action, TARGET_LABELS.get(entry.content_type.model, entry.content_type.model), changes
    )
