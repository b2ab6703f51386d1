"""Reads of base data: the lists of the 基础数据 screens, and the effective regional rule of a region.

``rule_for_region`` is what the order workflow calls when it validates a quote: the platform maintains the
limits as data (docs/spec/DOMAIN.md §6), so no limit is written in code.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from anze.core.formatting import TWO_PLACES, money

from .models import Industry, Region, RegionalRule, RegionLevel, ServiceItem
from .seed import DEFAULT_CLAIM_REPORT_DAYS

# The three limits a rule may set; each is inherited on its own (see ``rule_for_region``).
RULE_FIELDS: tuple[str, ...] = ("min_per_person_injury_limit", "min_fee_ratio", "max_fee_ratio")
DEFAULT_SOURCE = "默认规则"
HUNDRED = Decimal(100)
_MAX_DEPTH = 10  # a guard against a parent cycle in hand-edited data; real trees are 3 levels deep


def format_ratio(value: Decimal) -> str:
    """10.00 → "10%", 12.50 → "12.5%" (never "1%" for 100: only decimals are stripped)."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True)
class RuleViolation:
    """A quote that breaks a regional limit. ``field`` names the quote's field the message belongs beside."""

    field: str  # "per_person_injury_limit" or "prevention_fee"
    message: str


@dataclass(frozen=True)
class EffectiveRule:
    """The limits that apply in one region after inheritance. ``None`` = no limit of that kind.

    ``sources`` maps each limit that is set to where it comes from ("晋江市", "泉州市", "默认规则"), so that an
    error can say whose rule it is.
    """

    region: Region | None
    min_per_person_injury_limit: Decimal | None = None
    min_fee_ratio: Decimal | None = None  # percent of the premium, 0–100
    max_fee_ratio: Decimal | None = None  # percent of the premium, 0–100
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_consistent(self) -> bool:
        """False when inheritance combines a lower bound above an upper bound (e.g. county min 20%, city max 15%)."""
        return (
            self.min_fee_ratio is None
            or self.max_fee_ratio is None
            or self.min_fee_ratio <= self.max_fee_ratio
        )

    def min_prevention_fee(self, premium: Decimal) -> Decimal | None:
        """The smallest fee allowed for ``premium``, rounded up to the fen so that the amount shown passes."""
        if self.min_fee_ratio is None:
            return None
        return (Decimal(premium) * self.min_fee_ratio / HUNDRED).quantize(TWO_PLACES, ROUND_UP)

    def max_prevention_fee(self, premium: Decimal) -> Decimal | None:
        """The largest fee allowed for ``premium``, rounded down to the fen so that the amount shown passes."""
        if self.max_fee_ratio is None:
            return None
        return (Decimal(premium) * self.max_fee_ratio / HUNDRED).quantize(TWO_PLACES, ROUND_DOWN)

    def violations(
        self,
        *,
        per_person_injury_limit: Decimal | None,
        premium: Decimal | None,
        prevention_fee: Decimal | None,
    ) -> list[RuleViolation]:
        """Every limit of this rule the quote breaks, with the Chinese message to show beside its field.

        Missing values are skipped (the quote form reports them as required); ratios are checked only for a
        positive premium. Comparisons are exact (``fee × 100`` against ``premium × ratio``), no rounding.
        """
        found: list[RuleViolation] = []
        floor = self.min_per_person_injury_limit
        if floor is not None and per_person_injury_limit is not None and per_person_injury_limit < floor:
            found.append(
                RuleViolation(
                    "per_person_injury_limit",
                    f"每人伤亡责任限额不得低于{money(floor)}元"
                    f"（{self.sources.get('min_per_person_injury_limit', DEFAULT_SOURCE)}）",
                )
            )
        if premium is None or prevention_fee is None or premium <= 0:
            return found
        if self.min_fee_ratio is not None and prevention_fee * HUNDRED < premium * self.min_fee_ratio:
            found.append(
                RuleViolation(
                    "prevention_fee",
                    f"事故预防服务费不得低于保费的{format_ratio(self.min_fee_ratio)}"
                    f"（{self.sources.get('min_fee_ratio', DEFAULT_SOURCE)}），"
                    f"即不少于{money(self.min_prevention_fee(premium))}元",
                )
            )
        if self.max_fee_ratio is not None and prevention_fee * HUNDRED > premium * self.max_fee_ratio:
            found.append(
                RuleViolation(
                    "prevention_fee",
                    f"事故预防服务费不得高于保费的{format_ratio(self.max_fee_ratio)}"
                    f"（{self.sources.get('max_fee_ratio', DEFAULT_SOURCE)}），"
                    f"即不超过{money(self.max_prevention_fee(premium))}元",
                )
            )
        return found


def lineage(region: Region | None) -> list[Region]:
    """``region`` and its ancestors, nearest first: [晋江市, 泉州市, 福建省]. Uses cached parents when the
    caller loaded them (``select_related("parent__parent")``); otherwise one query per level."""
    chain: list[Region] = []
    node = region
    while node is not None and len(chain) < _MAX_DEPTH:
        chain.append(node)
        node = node.parent
    return chain


def resolve(chain: Iterable[Region], rules: Mapping[int | None, Any]) -> EffectiveRule:
    """Combine rules field by field: the nearest region that sets a limit wins, else the default rule.

    ``rules`` maps region id (``None`` for the default rule) to anything with the three limit attributes — a
    ``RegionalRule``, or unsaved values when a service checks a change before saving it.
    """
    chain = list(chain)
    values: dict[str, Decimal | None] = dict.fromkeys(RULE_FIELDS)
    sources: dict[str, str] = {}
    candidates: list[tuple[str, Any]] = [(r.name, rules.get(r.pk)) for r in chain]
    candidates.append((DEFAULT_SOURCE, rules.get(None)))
    for name in RULE_FIELDS:
        for source, rule in candidates:
            value = getattr(rule, name, None) if rule is not None else None
            if value is not None:
                values[name] = value
                sources[name] = source
                break
    return EffectiveRule(region=chain[0] if chain else None, sources=sources, **values)


# --- read once -------------------------------------------------------------------------------------------------
@dataclass
class _ReadOnce:
    rules: dict[int | None, EffectiveRule] = field(default_factory=dict)
    items: dict[int, ServiceItem] | None = None


_READ_ONCE: ContextVar[_ReadOnce | None] = ContextVar("basedata_read_once", default=None)


@contextmanager
def read_once() -> Iterator[None]:
    """Within it, the base data a workflow function reads on each call — the regional rule of a region
    (``rule_for_region``), the service items (``service_items_by_id``, ``active_service_item_ids``) — is read
    once and kept: for a caller that runs thousands of workflow calls in one transaction (the Excel import's
    write), never for a request, where a rule changed meanwhile must apply."""
    token = _READ_ONCE.set(_ReadOnce())
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def _kept_items() -> dict[int, ServiceItem] | None:
    kept = _READ_ONCE.get()
    if kept is None:
        return None
    if kept.items is None:
        kept.items = {item.pk: item for item in ServiceItem.objects.all()}
    return kept.items


def service_items_by_id(ids: Collection[int]) -> dict[int, ServiceItem]:
    """The service items of ``ids`` (active or not), by id."""
    kept = _kept_items()
    if kept is not None:
        return {pk: kept[pk] for pk in ids if pk in kept}
    return {item.pk: item for item in ServiceItem.objects.filter(pk__in=ids)} if ids else {}


def active_service_item_ids(ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are active service items."""
    kept = _kept_items()
    if kept is not None:
        return {pk for pk in ids if pk in kept and kept[pk].is_active}
    return set(ServiceItem.objects.active().filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def rule_for_region(region: Region | None) -> EffectiveRule:
    """The limits an order in ``region`` (the enterprise's county) must respect.

    Each limit is resolved on its own: the county's rule if it sets that limit, else its city's, else its
    province's, else the default rule (region empty). So a county may set only a minimum fee ratio and still
    inherit the national minimum 每人伤亡责任限额 from the default rule. ``region=None`` (an enterprise without
    a region) gets the default rule alone. A limit no rule sets is ``None``: nothing to enforce.

    Queries: one for the rules, plus one per ancestor level not already loaded — pass a region fetched with
    ``select_related("parent__parent")`` (or ``organisation.region`` loaded that way) to make it one.

    Usage in a quote::

        rule = rule_for_region(order.enterprise.region)
        for v in rule.violations(per_person_injury_limit=..., premium=..., prevention_fee=...):
            form.add_error(v.field, v.message)   # or raise Refused(v.message, field=v.field)
    """
    kept = _READ_ONCE.get()
    key = region.pk if region is not None else None
    if kept is not None and key in kept.rules:
        return kept.rules[key]
    chain = lineage(region)
    ids = [r.pk for r in chain]
    rules = {
        rule.region_id: rule
        for rule in RegionalRule.objects.filter(Q(region__isnull=True) | Q(region_id__in=ids))
    }
    effective = resolve(chain, rules)
    if kept is not None:
        kept.rules[key] = effective
    return effective


@dataclass(frozen=True)
class ReportWindow:
    """报案时限 of a region: ``days`` after the policy period's end an accident may still be reported, and the
    rule it comes from ("晋江市", "默认规则")."""

    days: int
    source: str


def _window(chain: Iterable[Region], rules: Mapping[int | None, Any]) -> ReportWindow:
    """The nearest region's 报案时限, else the default rule's, else the platform's default (a cleared default)."""
    candidates: list[tuple[str, Any]] = [(r.name, rules.get(r.pk)) for r in chain]
    candidates.append((DEFAULT_SOURCE, rules.get(None)))
    for source, rule in candidates:
        days = getattr(rule, "claim_report_days", None) if rule is not None else None
        if days is not None:
            return ReportWindow(int(days), source)
    return ReportWindow(DEFAULT_CLAIM_REPORT_DAYS, DEFAULT_SOURCE)


def claim_report_window(region: Region | None) -> ReportWindow:
    """The 报案时限 of an accident of an enterprise in ``region``, inherited like a quote limit (county, city,
    province, default rule): what ``anze.claims`` checks a report against. One query for a region loaded with
    ``select_related("parent__parent")``."""
    chain = lineage(region)
    rules = {
        rule.region_id: rule
        for rule in RegionalRule.objects.filter(
            Q(region__isnull=True) | Q(region_id__in=[r.pk for r in chain])
        )
    }
    return _window(chain, rules)


def effective_rules(rules: Mapping[int | None, Any]) -> list[EffectiveRule]:
    """The effective rule of every region that has its own rule (and of the default), computed from ``rules``
    — the stored ones with a pending change applied. Used to refuse a change that would make a region's
    inherited lower bound exceed its upper bound."""
    regions = Region.objects.filter(pk__in=[pk for pk in rules if pk is not None]).select_related(
        "parent__parent__parent"
    )
    result = [resolve([], rules)]
    result.extend(resolve(lineage(region), rules) for region in regions)
    return result


# --- lists of the 基础数据 screens --------------------------------------------------------------------------
def service_items(filters: Mapping[str, Any] | None = None) -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.all()
    f = filters or {}
    if f.get("name"):
        qs = qs.filter(name__icontains=f["name"].strip())
    if f.get("status") in ("0", "1"):
        qs = qs.filter(is_active=f["status"] == "1")
    return qs.order_by("sort", "id")


def service_item(pk: int) -> ServiceItem:
    return get_object_or_404(ServiceItem, pk=pk)


def industries(filters: Mapping[str, Any] | None = None) -> QuerySet[Industry]:
    qs = Industry.objects.all()
    f = filters or {}
    if f.get("name"):
        qs = qs.filter(name__icontains=f["name"].strip())
    if f.get("compulsory") in ("0", "1"):
        qs = qs.filter(is_compulsory=f["compulsory"] == "1")
    if f.get("status") in ("0", "1"):
        qs = qs.filter(is_active=f["status"] == "1")
    return qs.order_by("sort", "id")


def industry(pk: int) -> Industry:
    return get_object_or_404(Industry, pk=pk)


@dataclass
class RegionRow:
    region: Region
    depth: int
    children: int


def region_tree() -> list[RegionRow]:
    """Every region in tree order (province, its cities, each city's counties), in one query.

    Ordering by code gives the tree order of GB/T 2260 codes; the depth comes from the parent links, so a
    county whose code does not follow its parent's prefix is still indented under it.
    """
    regions = list(Region.objects.annotate(child_count=Count("children")).order_by("code"))
    by_parent: dict[int | None, list[Region]] = {}
    for region in regions:
        by_parent.setdefault(region.parent_id, []).append(region)
    rows: list[RegionRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for region in sorted(by_parent.get(parent_id, []), key=lambda r: (r.sort, r.code)):
            rows.append(RegionRow(region, depth, region.child_count))
            walk(region.pk, depth + 1)

    walk(None, 0)
    return rows


def regional_rules() -> QuerySet[RegionalRule]:
    """The default rule first, then regions by code (province before its cities before their counties)."""
    return RegionalRule.objects.select_related("region__parent").order_by(
        F("region__code").asc(nulls_first=True)
    )


def regional_rule(pk: int) -> RegionalRule:
    return get_object_or_404(RegionalRule.objects.select_related("region"), pk=pk)


def county_effective_rules() -> list[EffectiveRule]:
    """What each county actually enforces after inheritance (the 地区投保规则 page shows it), in two queries."""
    rules: dict[int | None, RegionalRule] = {rule.region_id: rule for rule in RegionalRule.objects.all()}
    counties = (
        Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent__parent").order_by("code")
    )
    return [resolve(lineage(county), rules) for county in counties]


def county_report_windows() -> dict[int, ReportWindow]:
    """Each county's 报案时限 after inheritance, by county id (the 地区投保规则 page), in two queries."""
    rules: dict[int | None, RegionalRule] = {rule.region_id: rule for rule in RegionalRule.objects.all()}
    counties = Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent__parent")
    return {county.pk: _window(lineage(county), rules) for county in counties}
