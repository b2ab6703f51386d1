"""Money and amounts as the users read them: 1,200.00 元; limits in 万元."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NOT_QUOTED = "待报价"
TWO_PLACES = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)


def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(TWO_PLACES, ROUND_HALF_UP):,.2f}"


def wan(value: Decimal | None, empty: str = NOT_QUOTED) -> str:
    if value is None:
        return empty
    amount = (Decimal(value) / TEN_THOUSAND).quantize(TWO_PLACES, ROUND_HALF_UP)
    return f"{amount:,.2f}万元"
