from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import Region, RegionalRule
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


def load(stdout: Any) -> None:
    ensure_base_data()
    for code, values in DEMO_RULES:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            # get_or_create: a rule the operator has since edited is left as it is.
            RegionalRule.objects.get_or_create(region=region, defaults=values)
    stdout.write("基础数据：服务项目、行业、行政区划、地区投保规则（含晋江市演示规则）")
