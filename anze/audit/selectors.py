from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone

from anze.accounts.models import User
from anze.core.sides import Side

from .models import LoginLog
from .oplog import BUSINESS, LOGIN


def day_start(value: date) -> datetime:
    """Local midnight of ``value``: ranges compare the timestamp itself, so its index serves them."""
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
    """The organisation's 操作日志: the entries filed under it (``additional_data["organisation_id"]``, indexed
    with the time by migration 0002): changes to its own accounts, roles and record, whoever made them, and its
    people's workflow steps and sign-ins. The platform sees every organisation's, and base data (which only it
    changes, filed under no organisation)."""
    qs = LogEntry.objects.all()
    if user.side != Side.PLATFORM:
        qs = qs.filter(additional_data__organisation_id=user.organisation_id)
    if filters.get("actor"):
        text = filters["actor"].strip()
        qs = qs.filter(Q(actor__name__icontains=text) | Q(actor__username__icontains=text))
    if filters.get("kind"):
        qs = qs.filter(KIND_FILTERS[filters["kind"]])
    if filters.get("target"):
        qs = qs.filter(
            content_type__app_label=TARGETS[filters["target"]][0], content_type__model=filters["target"]
        )
    if filters.get("object"):
        text = filters["object"].strip()
        accounts = User.objects.filter(username__icontains=text).values("pk")
        qs = qs.filter(
            Q(object_repr__icontains=text)
            | Q(content_type__app_label="accounts", content_type__model="user", object_id__in=accounts)
        )
    qs = day_range(qs, "timestamp", filters.get("start"), filters.get("end"))
    return qs.select_related("actor", "content_type").order_by("-timestamp", "-id")


_SOFT_DELETE = Q(action=LogEntry.Action.UPDATE, changes__has_key="deleted_at")
KIND_FILTERS: dict[str, Q] = {
    "create": Q(action=LogEntry.Action.CREATE),
    "update": Q(action=LogEntry.Action.UPDATE) & ~_SOFT_DELETE,
    "delete": Q(action=LogEntry.Action.DELETE) | _SOFT_DELETE,
    "login": Q(action=LogEntry.Action.ACCESS, additional_data__kind=LOGIN),
    "business": Q(action=LogEntry.Action.ACCESS, additional_data__kind=BUSINESS),
}

# 对象类型 of the filter: {model: (app label, label)} — what the log holds entries about.
TARGETS: dict[str, tuple[str, str]] = {
    "user": ("accounts", "账号"),
    "role": ("accounts", "角色"),
    "organisation": ("accounts", "机构"),
    "order": ("orders", "订单"),
    "policy": ("policies", "保单"),
    "serviceitem": ("basedata", "服务项目"),
    "industry": ("basedata", "行业"),
    "region": ("basedata", "行政区划"),
    "regionalrule": ("basedata", "地区投保规则"),
}
