"""批改保费 and 退保金额 by the day (``premium``): the day counts at the edges of the period, the formula, the
rounding, the fee that follows the premium."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from anze.basedata.selectors import EffectiveRule
from anze.endorsements import premium as p

START, END = date(2026, 1, 1), date(2026, 12, 31)
D = Decimal


def test_a_calendar_year_has_365_days_both_ends_included():
    assert p.period_days(START, END) == 365
    assert p.period_days(date(2028, 1, 1), date(2028, 12, 31)) == 366


@pytest.mark.parametrize(
    ("day", "left"),
    [
        (date(2025, 12, 1), 365),  # before the period: the whole period
        (START, 365),  # the first day: the whole period
        (date(2026, 1, 2), 364),
        (date(2026, 7, 1), 184),  # 1 July to 31 December
        (date(2026, 12, 30), 2),
        (END, 1),  # the last day counts
        (date(2027, 1, 1), 0),  # after the end: nothing left
    ],
)
def test_the_days_left_count_from_the_effective_day_inclusive(day, left):
    assert p.days_left(START, END, day) == left


def test_an_increase_on_the_first_day_costs_the_whole_share():
    cost = p.HeadcountPremium(D("12000.00"), 120, 30, 365, 365)
    assert cost.amount == D("3000.00")  # 100 元 per head and year × 30


def test_an_increase_on_the_last_day_costs_one_day():
    cost = p.HeadcountPremium(D("12000.00"), 120, 30, 1, 365)
    assert cost.amount == D("8.22")  # 3000 ÷ 365 = 8.219… → 8.22


def test_a_decrease_is_a_refund_of_the_same_amount_as_the_increase_would_cost():
    up = p.HeadcountPremium(D("12000.00"), 120, 30, 184, 365).amount
    down = p.HeadcountPremium(D("12000.00"), 120, -30, 184, 365).amount
    assert up == D("1512.33")  # 3000 × 184 ÷ 365 = 1512.328…
    assert down == -up


def test_a_half_fen_is_rounded_away_from_zero_both_ways():
    # 1 × 1 × 1 ÷ 200 = 0.005 exactly
    assert p.HeadcountPremium(D("1.00"), 1, 1, 1, 200).amount == D("0.01")
    assert p.HeadcountPremium(D("1.00"), 1, -1, 1, 200).amount == D("-0.01")


def test_no_change_or_no_day_left_costs_nothing():
    assert p.HeadcountPremium(D("12000.00"), 120, 0, 184, 365).amount == D("0.00")
    assert p.HeadcountPremium(D("12000.00"), 120, 30, 0, 365).amount == D("0.00")


def test_the_formula_shows_each_figure_and_the_result():
    text = p.formula(
        basis_premium=D("12000.00"),
        basis_headcount=120,
        change=-30,
        days_left=184,
        days_total=365,
        amount=D("-1512.33"),
    )
    assert text == "12,000.00 × (-30) ÷ 120 × 184 ÷ 365 = -1,512.33"


def test_the_fee_keeps_its_share_of_the_premium():
    rule = EffectiveRule(region=None)
    assert p.fee_after(
        premium_before=D("12000.00"), fee_before=D("2400.00"), premium_after=D("13512.33"), rule=rule
    ) == D("2702.47")  # 20 % of 13512.33 = 2702.466 → 2702.47


def test_the_fee_is_rounded_up_to_the_regions_minimum_share():
    # 20 % of 12000.02 is 2400.004: rounded to 2400.00 it would be below the region's 20 %
    rule = EffectiveRule(region=None, min_fee_ratio=D("20"))
    fee = p.fee_after(
        premium_before=D("12000.00"), fee_before=D("2400.00"), premium_after=D("12000.02"), rule=rule
    )
    assert fee == D("2400.01")
    assert not rule.violations(per_person_injury_limit=None, premium=D("12000.02"), prevention_fee=fee)


def test_the_fee_is_rounded_down_to_the_regions_maximum_share():
    # 20 % of 11999.98 is 2399.996: rounded to 2400.00 it would be above the region's 20 %
    rule = EffectiveRule(region=None, max_fee_ratio=D("20"))
    fee = p.fee_after(
        premium_before=D("12000.00"), fee_before=D("2400.00"), premium_after=D("11999.98"), rule=rule
    )
    assert fee == D("2399.99")
    assert not rule.violations(per_person_injury_limit=None, premium=D("11999.98"), prevention_fee=fee)


def test_the_fee_is_unchanged_when_the_premium_is():
    rule = EffectiveRule(region=None)
    assert p.fee_after(
        premium_before=D("12000"), fee_before=D("2400"), premium_after=D("12000"), rule=rule
    ) == D("2400")


def test_the_refund_is_the_premium_for_the_days_left_less_the_fee_spent():
    refund = p.Refund(D("12000.00"), 184, 365, D("800.00"))
    assert refund.pro_rata == D("6049.32")  # 12000 × 184 ÷ 365 = 6049.315…
    assert refund.amount == D("5249.32")
    assert refund.formula == "12,000.00 × 184 ÷ 365 − 800.00 = 5,249.32"


def test_the_refund_is_never_negative():
    refund = p.Refund(D("12000.00"), 10, 365, D("2400.00"))
    assert refund.amount == D("0.00")
    assert refund.formula.endswith("不足退还，按 0.00 计")


def test_a_surrender_on_the_first_day_refunds_the_whole_premium_and_after_the_end_nothing():
    assert p.Refund(D("12000.00"), 365, 365, D("0.00")).amount == D("12000.00")
    assert p.Refund(D("12000.00"), 0, 365, D("0.00")).amount == D("0.00")
