"""``rule_for_region``: each limit inherited on its own, county → city → province → default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anze.basedata.models import Region, RegionalRule
from anze.basedata.seed import DEFAULT_MIN_PER_PERSON_INJURY
from anze.basedata.selectors import EffectiveRule, format_ratio, rule_for_region

pytestmark = pytest.mark.django_db

D = Decimal


def region(code: str) -> Region:
    return Region.objects.select_related("parent__parent").get(code=code)


def set_rule(code: str | None, **values: Decimal | None) -> RegionalRule:
    rule, _ = RegionalRule.objects.update_or_create(region=region(code) if code else None, defaults=values)
    return rule


def test_it_gives_the_default_rule_when_no_region_sets_anything():
    rule = rule_for_region(region("350582"))
    assert rule.min_per_person_injury_limit == DEFAULT_MIN_PER_PERSON_INJURY == D("400000")
    assert rule.min_fee_ratio is None and rule.max_fee_ratio is None
    assert rule.sources == {"min_per_person_injury_limit": "默认规则"}


def test_it_gives_the_default_rule_to_an_enterprise_without_a_region():
    set_rule("350582", min_fee_ratio=D("10"))
    rule = rule_for_region(None)
    assert rule.min_per_person_injury_limit == D("400000") and rule.min_fee_ratio is None


def test_it_lets_a_county_set_one_limit_and_inherit_the_others():
    set_rule("350582", min_fee_ratio=D("10"))
    rule = rule_for_region(region("350582"))
    assert rule.min_fee_ratio == D("10")
    assert rule.min_per_person_injury_limit == D("400000")  # the national minimum still applies
    assert rule.sources == {"min_fee_ratio": "晋江市", "min_per_person_injury_limit": "默认规则"}
    # A neighbouring county is not touched by 晋江市's rule.
    assert rule_for_region(region("350583")).min_fee_ratio is None


def test_it_resolves_each_limit_from_the_nearest_region_that_sets_it():
    set_rule(None, min_per_person_injury_limit=D("400000"), min_fee_ratio=D("1"), max_fee_ratio=D("50"))
    set_rule("350000", min_per_person_injury_limit=D("500000"), max_fee_ratio=D("40"))
    set_rule("350500", min_fee_ratio=D("5"), max_fee_ratio=D("30"))
    set_rule("350582", min_fee_ratio=D("10"))
    rule = rule_for_region(region("350582"))
    assert (rule.min_per_person_injury_limit, rule.min_fee_ratio, rule.max_fee_ratio) == (
        D("500000"),
        D("10"),
        D("30"),
    )
    assert rule.sources == {
        "min_per_person_injury_limit": "福建省",
        "min_fee_ratio": "晋江市",
        "max_fee_ratio": "泉州市",
    }
    city_rule = rule_for_region(region("350500"))
    assert (city_rule.min_fee_ratio, city_rule.max_fee_ratio) == (D("5"), D("30"))
    other_county = rule_for_region(region("350583"))
    assert other_county.min_fee_ratio == D("5") and other_county.sources["min_fee_ratio"] == "泉州市"


def test_it_lets_a_county_raise_the_national_minimum_limit():
    set_rule("350505", min_per_person_injury_limit=D("800000"))
    assert rule_for_region(region("350505")).min_per_person_injury_limit == D("800000")


def test_it_treats_a_cleared_default_as_no_limit():
    set_rule(None, min_per_person_injury_limit=None)
    assert rule_for_region(region("350582")) == EffectiveRule(region=region("350582"))


def test_it_needs_one_query_for_a_region_loaded_with_its_parents(django_assert_num_queries):
    county = region("350582")
    with django_assert_num_queries(1):
        rule_for_region(county)


def test_it_reports_a_fee_below_the_regional_minimum_ratio():
    set_rule("350582", min_fee_ratio=D("10"))
    rule = rule_for_region(region("350582"))
    assert rule.min_prevention_fee(D("12345")) == D("1234.50")
    [violation] = rule.violations(
        per_person_injury_limit=D("400000"), premium=D("10000"), prevention_fee=D("999.99")
    )
    assert violation.field == "prevention_fee"
    assert violation.message == "事故预防服务费不得低于保费的10%（晋江市），即不少于1,000.00元"
    assert (
        rule.violations(per_person_injury_limit=D("400000"), premium=D("10000"), prevention_fee=D("1000"))
        == []
    )


def test_it_rounds_the_shown_bounds_so_that_they_pass():
    set_rule("350582", min_fee_ratio=D("12.5"), max_fee_ratio=D("33.33"))
    rule = rule_for_region(region("350582"))
    premium = D("1000.01")
    low, high = rule.min_prevention_fee(premium), rule.max_prevention_fee(premium)
    assert (low, high) == (D("125.01"), D("333.30"))
    for fee in (low, high):
        assert rule.violations(per_person_injury_limit=None, premium=premium, prevention_fee=fee) == []
    [above] = rule.violations(per_person_injury_limit=None, premium=premium, prevention_fee=D("333.31"))
    assert above.message == "事故预防服务费不得高于保费的33.33%（晋江市），即不超过333.30元"


def test_it_reports_a_per_person_limit_below_the_minimum():
    [violation] = rule_for_region(region("350582")).violations(
        per_person_injury_limit=D("399999.99"), premium=D("1000"), prevention_fee=D("0")
    )
    assert violation.field == "per_person_injury_limit"
    assert violation.message == "每人伤亡责任限额不得低于400,000.00元（默认规则）"


def test_it_skips_ratio_checks_without_a_positive_premium():
    set_rule("350582", min_fee_ratio=D("10"))
    rule = rule_for_region(region("350582"))
    assert rule.violations(per_person_injury_limit=None, premium=D("0"), prevention_fee=D("0")) == []
    assert rule.violations(per_person_injury_limit=None, premium=None, prevention_fee=D("5")) == []


@pytest.mark.parametrize(
    ("value", "text"), [("10.00", "10%"), ("12.50", "12.5%"), ("100", "100%"), ("0.00", "0%")]
)
def test_it_formats_ratios_without_trailing_zeros(value, text):
    assert format_ratio(D(value)) == text
