from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import Region, RegionalRule, ServiceItem
from .seed import ensure_base_data

# A local rule for the demo: 晋江市 requires at least 10% of the premium for accident prevention, and
# inherits the national minimum 每人伤亡责任限额 from the default rule.
DEMO_RULES: list[tuple[str, dict[str, Any]]] = [
    (
        "350582",
        {
            "min_fee_ratio": Decimal("10.00"),
            "note": "演示：晋江市事故预防服务费不低于保费的10%",
        },
    ),
]


# 单价（元/次） of the seven items, as a Quanzhou service organisation might charge them: what a new record
# costs by default and what a policy's plan per item is measured with (anze.prevention.ledger).
DEMO_UNIT_PRICES: dict[str, Decimal] = {
    "training": Decimal("400.00"),
    "risk_assessment": Decimal("1200.00"),
    "hazard_inspection": Decimal("500.00"),
    "standardisation": Decimal("1500.00"),
    "emergency_plan": Decimal("600.00"),
    "technology": Decimal("800.00"),
    "other": Decimal("300.00"),
}


def load(stdout: Any) -> None:
    ensure_base_data()
    for code, price in DEMO_UNIT_PRICES.items():
        # Only a price nobody has set yet: one the operator has since entered is left as it is.
        ServiceItem.objects.filter(code=code, unit_price=0).update(unit_price=price)
    for code, values in DEMO_RULES:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            # get_or_create: a rule the operator has since edited is left as it is.
            RegionalRule.objects.get_or_create(region=region, defaults=values)
    stdout.write("基础数据：服务项目（含演示单价）、行业、行政区划、地区投保规则（含晋江市演示规则）")
