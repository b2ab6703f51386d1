"""高危行业企业名录导入 (issue 15 §2): the bureau imports its register of compulsory-sector enterprises from an
Excel file, through ``anze.imports`` like every import: the whole file checked first, then written in one
transaction, or handed back with a 错误说明 column and nothing written.

A row is refused when its 区县 is outside the regulator's jurisdiction (``regions_in_jurisdiction``: a county's
bureau registers its county only), its 行业 is not an 应保尽保 sector, its code fails the check digit, or its
code appears twice in the file. Importing again updates the entries by 统一社会信用代码 (one upsert, on the unique
constraint: never a duplicate, also when two imports meet); entries the file no longer lists stay until removed
on the register's page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_tasks import task
from stdnum.cn import uscc

from anze.accounts.models import User
from anze.audit.oplog import log_business_entry
from anze.basedata.models import Industry, Region, RegionLevel
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.validators import clean_credit_code
from anze.imports.archives import Archive
from anze.imports.models import ImportBatch, ImportKind
from anze.imports.services import Checked, RowErrors, add_error, batch_run
from anze.imports.sheets import Column, Sheet, SheetRow, template_workbook, text
from anze.orders.scopes import regions_in_jurisdiction

from .models import RegisteredEnterprise

TITLE = "高危行业企业名录"
MAX_ROWS = 20_000
PERMISSION = "regulator.register_import"
INDUSTRIES, REGIONS = "行业", "区县"
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
FIELDS = ("name", "industry", "region", "address", "contact_name", "contact_phone")

REPEATED = "与第{row}行的统一社会信用代码重复"
OUTSIDE = "“{value}”不在本部门的管辖范围内，请导入本辖区的企业"
NOT_COMPULSORY = "“{value}”不是应保尽保的高危行业，请从下拉列表选择"
UNKNOWN = "{label}“{value}”不在平台基础数据中，请从下拉列表选择"
BAD_PHONE = "请输入正确的手机号码或固定电话（如 0595-22345678）"


def _example_code() -> str:
    body = "91350583MA2Y7K4R1"
    return body + uscc.calc_check_digit(body)


def _limit(name: str) -> int:
    field = RegisteredEnterprise._meta.get_field(name)
    return int(getattr(field, "max_length", 0) or 0)


class RegisterData:
    """What the rows are checked against, read once: the compulsory industries, the counties of the
    regulator's jurisdiction, and the other counties (to say "outside" rather than "unknown")."""

    def __init__(self, user: User) -> None:
        industries = list(Industry.objects.filter(is_compulsory=True, is_active=True).order_by("sort", "id"))
        self.industries = {i.name: i for i in industries} | {i.code: i for i in industries}
        self.industry_labels = [i.name for i in industries]
        self.other_industries = set(
            Industry.objects.filter(is_compulsory=False).values_list("name", flat=True)
        )
        mine = list(regions_in_jurisdiction(user).filter(level=RegionLevel.COUNTY).order_by("code"))
        self.regions = {r.name: r for r in mine} | {r.code: r for r in mine}
        self.region_labels = [r.name for r in mine]
        self.elsewhere = set(
            Region.objects.filter(level=RegionLevel.COUNTY)
            .exclude(pk__in=[r.pk for r in mine])
            .values_list("name", flat=True)
        )


def columns(data: RegisterData) -> list[Column]:
    return [
        Column("name", "企业名称", required=True, width=32, note="企业全称，最多100字", example="泉州示例矿业有限公司"),
        Column("credit_code", "统一社会信用代码", required=True, width=22,
               note="18位统一社会信用代码，平台校验最后一位校验位；再次导入时按此更新，不会重复",
               example=_example_code()),
        Column("industry", "行业", required=True, choices=INDUSTRIES,
               note="应保尽保的高危行业，从下拉列表选择", example=(data.industry_labels or [""])[0]),
        Column("region", "所在区县", required=True, choices=REGIONS,
               note="本部门辖区内的区县，从下拉列表选择", example=(data.region_labels or [""])[0]),
        Column("address", "地址", width=30, note="选填，最多200字", example="泉州市南安市示例镇"),
        Column("contact_name", "联系人", note="选填，最多30字", example="李四"),
        Column("contact_phone", "联系电话", width=16, note="选填，手机号码或固定电话（如 0595-22345678）",
               example="0595-22345678"),
    ]  # fmt: skip


GUIDE = (
    "高危行业企业名录导入 填写说明",
    "1. 第2行为示例，导入时忽略（可删除）；从第3行起每行一家企业。带 * 的列必填，行业与所在区县请从下拉列表选择。",
    "2. 只能导入本部门辖区内的企业；再次导入同一统一社会信用代码的企业时更新其信息，不会重复。",
    "3. 平台先校验整个文件：全部正确才导入；有错误时不导入任何数据，并返回标注了“错误说明”的原文件。",
    "4. 导入后，“应保尽保”列出名录中的每一家企业及其投保状态（按统一社会信用代码匹配保单），包括尚未在平台注册的企业。",
)


def template(user: User) -> bytes:
    data = RegisterData(user)
    return template_workbook(
        title=TITLE,
        columns=columns(data),
        lists={INDUSTRIES: data.industry_labels, REGIONS: data.region_labels},
        guide=GUIDE,
    )


class RegisterImporter:
    kind: str = ImportKind.REGISTER
    max_rows = MAX_ROWS

    def __init__(self, user: User) -> None:
        self.data = RegisterData(user)

    def columns(self) -> Sequence[Column]:
        return columns(self.data)

    def check(
        self, sheet: Sheet, *, batch: ImportBatch, archive: Archive | None, progress: Callable[[int], None]
    ) -> Checked:
        actor = batch.created_by
        if not actor.can_sign_in or actor.side != Side.REGULATOR or not actor.has_perm_code(PERMISSION):
            raise Refused("导入人已没有导入名录的权限，未导入任何数据")
        errors: RowErrors = {}
        rows: dict[str, dict[str, Any]] = {}
        first_row: dict[str, int] = {}
        for done, row in enumerate(sheet.rows, start=1):
            code, values = self._check_row(row, errors)
            if code:
                if code in first_row:
                    add_error(errors, row.number, "credit_code", REPEATED.format(row=first_row[code]))
                else:
                    first_row[code] = row.number
                    if values is not None:
                        rows[code] = values
            progress(done)
        if errors:
            return Checked(errors=dict(sorted(errors.items())))
        return Checked(plan=rows)

    def _check_row(self, row: SheetRow, errors: RowErrors) -> tuple[str, dict[str, Any] | None]:
        values = {key: text(value) for key, value in row.values.items()}
        problems: list[tuple[str, str]] = []
        code = ""
        try:
            code = clean_credit_code(values.get("credit_code", ""))
        except ValidationError as exc:
            problems.append(("credit_code", exc.messages[0]))
        name = values.get("name", "")
        if not name:
            problems.append(("name", "请输入企业名称"))
        for key, label in (("name", "企业名称"), ("address", "地址"), ("contact_name", "联系人")):
            if len(values.get(key, "")) > _limit(key):
                problems.append((key, f"{label}不能超过{_limit(key)}个字"))
        phone = re.sub(r"[\s（）()]", "", values.get("contact_phone", ""))
        if phone and not PHONE_RE.fullmatch(phone):
            problems.append(("contact_phone", BAD_PHONE))
        industry = self._choice(values, "industry", "行业", self.data.industries, self.data.other_industries,
                                NOT_COMPULSORY, problems)  # fmt: skip
        region = self._choice(
            values, "region", "所在区县", self.data.regions, self.data.elsewhere, OUTSIDE, problems
        )
        for key, message in problems:
            add_error(errors, row.number, key, message)
        if problems:
            return code, None
        return code, {
            "name": name,
            "industry": industry,
            "region": region,
            "address": values.get("address", ""),
            "contact_name": values.get("contact_name", ""),
            "contact_phone": phone,
        }

    @staticmethod
    def _choice(
        values: dict[str, str],
        key: str,
        label: str,
        known: dict[str, Any],
        refused: set[str],
        refusal: str,
        problems: list[tuple[str, str]],
    ) -> Any:
        value = values.get(key, "")
        if not value:
            problems.append((key, f"请选择{label}"))
            return None
        if value in known:
            return known[value]
        problems.append(
            (
                key,
                refusal.format(value=value) if value in refused else UNKNOWN.format(label=label, value=value),
            )
        )
        return None

    def write(
        self, plan: dict[str, dict[str, Any]], *, batch: ImportBatch, archive: Archive | None
    ) -> list[tuple[str, int]]:
        regulator = batch.organisation
        existing = {
            entry.credit_code: entry
            for entry in RegisteredEnterprise.objects.filter(regulator=regulator, credit_code__in=list(plan))
        }
        now = timezone.now()
        changed = [
            code
            for code, values in plan.items()
            if code in existing
            and any(_value(getattr(existing[code], f)) != _value(values[f]) for f in FIELDS)
        ]
        entries = [
            RegisteredEnterprise(
                regulator=regulator, credit_code=code, created_at=now, updated_at=now, **values
            )
            for code, values in plan.items()
            if code not in existing or code in changed
        ]
        # One upsert on (regulator, credit_code): an entry is updated, never duplicated, also when another import
        # of the same regulator runs at the same time.
        RegisteredEnterprise.objects.bulk_create(
            entries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["regulator", "credit_code"],
            update_fields=[*FIELDS, "updated_at"],
        )
        created = len(plan) - len(existing)
        return [("新增企业", created), ("更新企业", len(changed)), ("未变化", len(existing) - len(changed))]


def _value(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


# --- the register's entries --------------------------------------------------------------------------------------
def register_for(*, user: User) -> QuerySet[RegisteredEnterprise]:
    """The regulator's own register (nobody else's: a register belongs to the organisation that imported it)."""
    if user.side != Side.REGULATOR:
        return RegisteredEnterprise.objects.none()
    return RegisteredEnterprise.objects.filter(regulator_id=user.organisation_id)


def search_register(*, user: User, filters: dict[str, Any]) -> QuerySet[RegisteredEnterprise]:
    """企业名录: the register searched by name or code and 区县, by 区县 then name."""
    qs = register_for(user=user)
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    if filters.get("region"):
        qs = qs.filter(region=filters["region"])
    return qs.order_by("region__code", "name", "id")


def register_entry(*, user: User, pk: int) -> RegisteredEnterprise:
    return get_object_or_404(register_for(user=user), pk=pk)


@transaction.atomic
def register_remove(*, actor: User, entry: RegisteredEnterprise) -> None:
    """移出名录: the enterprise is no longer on this regulator's register (it stays wherever else it is)."""
    if not actor.has_perm_code(PERMISSION) or entry.regulator_id != actor.organisation_id:
        raise Refused("没有该操作的权限")
    label = str(entry)
    log_business_entry(
        entry.regulator,
        actor=actor,
        action="register_remove",
        label="移出高危行业企业名录",
        object_repr=f"{TITLE} {label}",
        changes={"企业": [label, ""]},
    )
    entry.delete()


@task()
def run_register_import(batch_id: int) -> None:
    """The worker's half of a register upload (``anze.imports.services.batch_run``)."""
    batch = ImportBatch.objects.select_related("created_by__organisation").get(pk=batch_id)
    batch_run(batch_id, RegisterImporter(batch.created_by))


def enqueue(batch: ImportBatch) -> None:
    run_register_import.enqueue(batch.pk)
