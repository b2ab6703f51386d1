"""The base data every installation starts with (docs/spec/DOMAIN.md §2, §6). Idempotent: existing rows are left as the
platform operator edited them; only missing ones are added.

Used by the data migration (with historical models) and by ``demo_data`` / tests (with the real ones).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SERVICE_ITEMS: list[tuple[str, str]] = [
    ("training", "安全生产宣传教育培训"),
    ("risk_assessment", "安全风险辨识、评估和安全评价"),
    ("hazard_inspection", "生产安全事故隐患排查"),
    ("standardisation", "安全生产标准化建设"),
    ("emergency_plan", "生产安全事故应急预案编制和演练"),
    ("technology", "安全生产科技推广应用"),
    ("other", "其他有关事故预防工作"),
]

# 应保尽保 sectors of the 实施办法 first, then common Quanzhou industries.
INDUSTRIES: list[tuple[str, str, bool]] = [
    ("mining", "矿山", True),
    ("hazardous_chemicals", "危险化学品", True),
    ("fireworks", "烟花爆竹", True),
    ("transport", "交通运输", True),
    ("construction", "建筑施工", True),
    ("explosives", "民用爆炸物品", True),
    ("metallurgy", "金属冶炼", True),
    ("fishery", "渔业生产", True),
    ("machinery", "机械制造", False),
    ("textile", "纺织服装", False),
    ("footwear", "制鞋", False),
    ("stone", "石材加工", False),
    ("food", "食品加工", False),
    ("ceramics", "陶瓷建材", False),
    ("trade", "商贸服务", False),
    ("other", "其他行业", False),
]

# GB/T 2260: 福建省 › 泉州市 › its districts, county-level cities and counties.
PROVINCE = ("350000", "福建省")
CITY = ("350500", "泉州市")
COUNTIES: list[tuple[str, str]] = [
    ("350502", "鲤城区"),
    ("350503", "丰泽区"),
    ("350504", "洛江区"),
    ("350505", "泉港区"),
    ("350521", "惠安县"),
    ("350524", "安溪县"),
    ("350525", "永春县"),
    ("350526", "德化县"),
    ("350581", "石狮市"),
    ("350582", "晋江市"),
    ("350583", "南安市"),
]

# 实施办法 art. 15: 每人死亡伤残责任限额不得低于40万元. Localities may set more (their own rule).
DEFAULT_MIN_PER_PERSON_INJURY = Decimal("400000.00")
# 理赔: days after the period's end an accident may still be reported (the default rule's 报案时限).
DEFAULT_CLAIM_REPORT_DAYS = 30


def seed(Region: Any, Industry: Any, ServiceItem: Any, RegionalRule: Any) -> None:
    for sort, (code, name) in enumerate(SERVICE_ITEMS, start=1):
        ServiceItem.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})
    for sort, (code, name, compulsory) in enumerate(INDUSTRIES, start=1):
        Industry.objects.get_or_create(
            code=code, defaults={"name": name, "sort": sort, "is_compulsory": compulsory}
        )
    province, _ = Region.objects.get_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": "province"}
    )
    city, _ = Region.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": "city", "parent": province}
    )
    for sort, (code, name) in enumerate(COUNTIES, start=1):
        Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": "county", "parent": city, "sort": sort}
        )
    if not RegionalRule.objects.filter(region__isnull=True).exists():
        # The seed migration (0002) runs with a RegionalRule of before 报案时限; 0004 sets it there.
        fields = {f.name for f in RegionalRule._meta.get_fields()}
        window = {"claim_report_days": DEFAULT_CLAIM_REPORT_DAYS} if "claim_report_days" in fields else {}
        RegionalRule.objects.create(
            region=None,
            min_per_person_injury_limit=DEFAULT_MIN_PER_PERSON_INJURY,
            note="《安全生产责任保险实施办法》第十五条：每人死亡伤残责任限额不得低于40万元",
            **window,
        )


def ensure_base_data() -> None:
    """``seed`` with the real models, when a row of it is missing: the migration wrote them, so that four
    counts usually answer instead of some thirty lookups (tests call this in their fixtures)."""
    from .models import Industry, Region, RegionalRule, ServiceItem

    if _missing(Region, Industry, ServiceItem, RegionalRule):
        seed(Region, Industry, ServiceItem, RegionalRule)


def _missing(Region: Any, Industry: Any, ServiceItem: Any, RegionalRule: Any) -> bool:
    regions = [PROVINCE[0], CITY[0], *(code for code, _ in COUNTIES)]
    return (
        ServiceItem.objects.filter(code__in=[code for code, _ in SERVICE_ITEMS]).count() < len(SERVICE_ITEMS)
        or Industry.objects.filter(code__in=[code for code, _, _ in INDUSTRIES]).count() < len(INDUSTRIES)
        or Region.objects.filter(code__in=regions).count() < len(regions)
        or not RegionalRule.objects.filter(region__isnull=True).exists()
    )
