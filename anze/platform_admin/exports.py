"""Excel columns of each kind's list: the values as the list shows them (DOMAIN vocabulary, Chinese text); each
kind's 导出 is registered with the 下载中心, which builds it in the request or in the worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.downloads.registry import ExportKind, register

from . import selectors
from .forms import OrganisationSearchForm
from .kinds import KIND_LABELS


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable[[Organisation], Any]


def _region(org: Organisation) -> str:
    region = org.region
    if region is None:
        return ""
    return f"{region.parent.name}{region.name}" if region.parent_id else region.name


def _created(org: Organisation) -> datetime:
    return org.created_at  # a date and time cell in Beijing time (core.exports)


def _status(org: Organisation) -> str:
    return "启用" if org.is_active else "停用"


_NAME = Column("名称", 40, lambda o: o.name)
_SHORT = Column("简称", 16, lambda o: o.short_name)
_CREDIT = Column("统一社会信用代码", 22, lambda o: o.credit_code or "")
_ADDRESS = Column("地址", 40, lambda o: o.address)
_CONTACT = Column("联系人", 12, lambda o: o.contact_name)
_PHONE = Column("联系电话", 14, lambda o: o.contact_phone)
_USERS = Column("账号数", 8, lambda o: o.user_count)
_STATUS = Column("状态", 8, _status)
_CREATED = Column("创建时间", 20, _created)

COLUMNS: dict[str, list[Column]] = {
    Side.INSURER: [
        _NAME,
        _SHORT,
        Column("登录代码", 14, lambda o: o.code or ""),
        _CREDIT,
        _CONTACT,
        _PHONE,
        _USERS,
        _STATUS,
        _CREATED,
    ],
    Side.ENTERPRISE: [
        _NAME,
        _CREDIT,
        Column("所在区县", 16, _region),
        Column("行业", 14, lambda o: o.industry.name if o.industry_id else ""),
        Column("高危行业", 10, lambda o: "是" if o.industry_id and o.industry.is_compulsory else "否"),
        _ADDRESS,
        _CONTACT,
        _PHONE,
        _STATUS,
        _CREATED,
    ],
    Side.SERVICE_ORG: [
        _NAME,
        _SHORT,
        _CREDIT,
        Column("所在地区", 16, _region),
        _ADDRESS,
        _CONTACT,
        _PHONE,
        _USERS,
        _STATUS,
        _CREATED,
    ],
    Side.REGULATOR: [
        _NAME,
        Column("管辖地区", 16, _region),
        Column("级别", 8, lambda o: o.region.get_level_display() if o.region_id else ""),
        _CONTACT,
        _PHONE,
        _USERS,
        _STATUS,
        _CREATED,
    ],
}


def rows(kind: str, organisations: QuerySet[Organisation]) -> Iterator[list[Any]]:
    columns = COLUMNS[kind]
    for org in organisations.iterator(chunk_size=500):
        yield [column.value(org) for column in columns]


def _export_kind(kind: str) -> ExportKind:
    def select(user: User, params: QueryDict) -> QuerySet[Organisation]:
        filters = OrganisationSearchForm(params, kind=kind).values()
        return selectors.organisations_for(kind=kind, filters=filters, tab=params.get("tab", ""))

    columns = COLUMNS[kind]
    return register(
        ExportKind(
            key=f"platform.orgs.{kind}",
            label=f"{KIND_LABELS[kind]}列表",
            permission="platform.org.manage",
            headers=[column.header for column in columns],
            widths=[column.width for column in columns],
            select=select,
            rows=lambda organisations: rows(kind, organisations),
        )
    )


KINDS: dict[str, ExportKind] = {kind: _export_kind(kind) for kind in COLUMNS}
