"""Every change to base data goes through these functions.

Each runs in one transaction and refuses a broken rule with ``Refused`` (a Chinese message, and the form field
it belongs beside); nothing is deleted that orders may reference — service items and industries are retired
(停用) instead, so history keeps its names. django-auditlog records each change (``apps.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model

from anze.core.errors import Refused

from . import selectors
from .models import Industry, Region, RegionalRule, RegionLevel, ServiceItem


def _full_clean(obj: Model, *, exclude: list[str] | None = None) -> None:
    """Model validation as a ``Refused`` on its first field, so views show it like any other refusal."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise Refused(messages[0], field=None if field == "__all__" else field) from None


def _new_code(prefix: str) -> str:
    """An internal code for a row the operator adds (operators name things; codes only need to be unique)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --- 服务项目 ------------------------------------------------------------------------------------------------
def _check_service_item_name(name: str, *, exclude: ServiceItem | None = None) -> str:
    name = name.strip()
    if not name:
        raise Refused("请输入服务项目名称", field="name")
    clash = ServiceItem.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise Refused("服务项目名称已存在", field="name")
    return name


MAX_UNIT_PRICE = Decimal("9999999999.99")  # what ServiceItem.unit_price (max_digits=12, 2 places) holds


def check_unit_price(value: Decimal | None) -> Decimal:
    """单价（元/次）: empty is 0; never negative, at most 2 decimal places, within the column."""
    if value is None:
        return Decimal("0.00")
    if not value.is_finite():
        raise Refused("单价须为数字（单位：元）", field="unit_price")
    if value < 0:
        raise Refused("单价不能为负数", field="unit_price")
    if value != value.quantize(Decimal("0.01")):
        raise Refused("单价最多保留2位小数", field="unit_price")
    if value > MAX_UNIT_PRICE:
        raise Refused("单价过大，请核对", field="unit_price")
    return value


@transaction.atomic
def service_item_create(*, name: str, unit_price: Decimal | None = None) -> ServiceItem:
    """A new item goes to the end of the list, enabled."""
    name = _check_service_item_name(name)
    price = check_unit_price(unit_price)
    last = ServiceItem.objects.aggregate(last=Max("sort"))["last"] or 0
    item = ServiceItem(code=_new_code("item"), name=name, sort=last + 1, unit_price=price)
    _full_clean(item)
    item.save()
    return item


@transaction.atomic
def service_item_update(*, item: ServiceItem, name: str, unit_price: Decimal | None) -> ServiceItem:
    """Renaming keeps the row, so orders that chose the item show its new name. A new 单价 is the default of
    the records entered from now on and the per-item plan of every policy; costs already booked stay."""
    item.name = _check_service_item_name(name, exclude=item)
    item.unit_price = check_unit_price(unit_price)
    _full_clean(item)
    item.save(update_fields=["name", "unit_price"])
    return item


@transaction.atomic
def service_item_move(*, item: ServiceItem, direction: Literal["up", "down"]) -> ServiceItem:
    """上移 / 下移: swap with the neighbour. Sort numbers are renumbered 1…n first, so equal or sparse
    numbers (from the seed or hand edits) never make a move a no-op."""
    items = list(ServiceItem.objects.select_for_update().order_by("sort", "id"))
    index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
    if index is None:
        raise Refused("该服务项目不存在或已被删除")
    target = index - 1 if direction == "up" else index + 1
    if target < 0:
        raise Refused("已经是第一项，不能上移")
    if target >= len(items):
        raise Refused("已经是最后一项，不能下移")
    items[index], items[target] = items[target], items[index]
    for sort, row in enumerate(items, start=1):
        row.sort = sort
    ServiceItem.objects.bulk_update(items, ["sort"])
    item.sort = next(row.sort for row in items if row.pk == item.pk)
    return item


@transaction.atomic
def service_item_set_active(*, item: ServiceItem, active: bool) -> ServiceItem:
    """停用 removes the item from new applications and quotes; orders that already chose it keep it."""
    if not active and item.is_active:
        others = ServiceItem.objects.select_for_update().filter(is_active=True).exclude(pk=item.pk)
        if not list(others.values_list("pk", flat=True)[:1]):
            raise Refused("至少需要保留一个启用的服务项目")
    item.is_active = active
    item.save(update_fields=["is_active"])
    return item


# --- 行业 ------------------------------------------------------------------------------------------------------
def _check_industry_name(name: str, *, exclude: Industry | None = None) -> str:
    name = name.strip()
    if not name:
        raise Refused("请输入行业名称", field="name")
    clash = Industry.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise Refused("行业名称已存在", field="name")
    return name


@transaction.atomic
def industry_create(*, name: str, is_compulsory: bool) -> Industry:
    name = _check_industry_name(name)
    last = Industry.objects.aggregate(last=Max("sort"))["last"] or 0
    industry = Industry(code=_new_code("ind"), name=name, is_compulsory=is_compulsory, sort=last + 1)
    _full_clean(industry)
    industry.save()
    return industry


@transaction.atomic
def industry_update(*, industry: Industry, name: str, is_compulsory: bool) -> Industry:
    industry.name = _check_industry_name(name, exclude=industry)
    industry.is_compulsory = is_compulsory
    _full_clean(industry)
    industry.save(update_fields=["name", "is_compulsory"])
    return industry


@transaction.atomic
def industry_set_active(*, industry: Industry, active: bool) -> Industry:
    """A disabled industry is no longer offered for new enterprises; enterprises already in it keep it."""
    industry.is_active = active
    industry.save(update_fields=["is_active"])
    return industry


# --- 行政区划 -------------------------------------------------------------------------------------------------
@transaction.atomic
def region_create_county(*, city: Region, code: str, name: str) -> Region:
    """Add a county-level division (区、县、县级市) under a city, with its GB/T 2260 code."""
    code, name = code.strip(), name.strip()
    if city.level != RegionLevel.CITY:
        raise Refused("请选择所属的市", field="parent")
    if not (len(code) == 6 and code.isdigit()):
        raise Refused("行政区划代码应为6位数字", field="code")
    if code[:4] != city.code[:4] or code == city.code:
        raise Refused(f"区县代码应以{city.code[:4]}开头且不能与{city.name}相同", field="code")
    if Region.objects.filter(code=code).exists():
        raise Refused("行政区划代码已存在", field="code")
    if not name:
        raise Refused("请输入区县名称", field="name")
    if Region.objects.filter(parent=city, name=name).exists():
        raise Refused(f"{city.name}下已有“{name}”", field="name")
    last = Region.objects.filter(parent=city).aggregate(last=Max("sort"))["last"] or 0
    region = Region(code=code, name=name, level=RegionLevel.COUNTY, parent=city, sort=last + 1)
    _full_clean(region)
    region.save()
    return region


# --- 地区投保规则 -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleValues:
    """The limits of a rule being saved (checked against inheritance before anything is written)."""

    min_per_person_injury_limit: Decimal | None
    min_fee_ratio: Decimal | None
    max_fee_ratio: Decimal | None
    claim_report_days: int | None = None  # 报案时限（天）, inherited on its own


def _check_values(values: RuleValues, *, is_default: bool) -> None:
    if values.min_per_person_injury_limit is not None and values.min_per_person_injury_limit < 0:
        raise Refused("每人伤亡责任限额下限不能为负数", field="min_per_person_injury_limit")
    for name, label in (("min_fee_ratio", "比例下限"), ("max_fee_ratio", "比例上限")):
        ratio = getattr(values, name)
        if ratio is not None and not (0 <= ratio <= 100):
            raise Refused(f"{label}应在0到100之间", field=name)
    if (
        values.min_fee_ratio is not None
        and values.max_fee_ratio is not None
        and values.min_fee_ratio > values.max_fee_ratio
    ):
        raise Refused("服务费比例下限不能大于上限", field="min_fee_ratio")
    days = values.claim_report_days
    if days is not None and not (0 <= days <= 3650):
        raise Refused("报案时限应在0到3650天之间", field="claim_report_days")
    if not is_default and all(
        getattr(values, name) is None for name in (*selectors.RULE_FIELDS, "claim_report_days")
    ):
        raise Refused("请至少设置一项限制（未设置的项沿用上级地区或默认规则）")


def _check_inheritance(changes: dict[int | None, RuleValues | None]) -> None:
    """Refuse a change after which some region would inherit a lower bound above its upper bound — e.g. a
    county sets 下限 20% while its city lowers 上限 to 15%. Every stored rule is re-resolved with the change
    applied; the rules are few (one per region at most)."""
    # Lock every rule (PostgreSQL) so that two concurrent edits cannot each pass this check against the
    # other's old values.
    stored: dict[int | None, RuleValues | RegionalRule | None] = {
        rule.region_id: rule for rule in RegionalRule.objects.select_for_update()
    }
    stored.update(changes)
    rules = {key: value for key, value in stored.items() if value is not None}
    for effective in selectors.effective_rules(rules):
        if not effective.is_consistent:
            place = effective.region.name if effective.region else selectors.DEFAULT_SOURCE
            raise Refused(
                f"保存后{place}的服务费比例下限（{selectors.format_ratio(effective.min_fee_ratio)}，"
                f"{effective.sources['min_fee_ratio']}）将大于上限（{selectors.format_ratio(effective.max_fee_ratio)}，"
                f"{effective.sources['max_fee_ratio']}），请调整"
            )


def _apply(rule: RegionalRule, values: RuleValues, note: str) -> None:
    rule.min_per_person_injury_limit = values.min_per_person_injury_limit
    rule.min_fee_ratio = values.min_fee_ratio
    rule.max_fee_ratio = values.max_fee_ratio
    rule.claim_report_days = values.claim_report_days
    rule.note = note.strip()


@transaction.atomic
def regional_rule_create(*, region: Region, values: RuleValues, note: str = "") -> RegionalRule:
    """A rule for one region. The default rule (no region) exists from the seed and is edited, not added."""
    if RegionalRule.objects.filter(region=region).exists():
        raise Refused(f"{region.name}已有投保规则，请直接编辑该规则", field="region")
    _check_values(values, is_default=False)
    _check_inheritance({region.pk: values})
    rule = RegionalRule(region=region)
    _apply(rule, values, note)
    _full_clean(rule, exclude=["region"])
    rule.save()
    return rule


@transaction.atomic
def regional_rule_update(*, rule: RegionalRule, values: RuleValues, note: str = "") -> RegionalRule:
    _check_values(values, is_default=rule.region_id is None)
    _check_inheritance({rule.region_id: values})
    _apply(rule, values, note)
    _full_clean(rule, exclude=["region"])
    rule.save()
    return rule


@transaction.atomic
def regional_rule_delete(*, rule: RegionalRule) -> None:
    """The region falls back to its parent's rule, or the default. The default rule itself stays."""
    if rule.region_id is None:
        raise Refused("默认规则不能删除，可将其中的限制清空")
    _check_inheritance({rule.region_id: None})
    rule.delete()
