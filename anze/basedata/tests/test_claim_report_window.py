"""报案时限 (the days after a policy period's end an accident may still be reported; anze.claims reads it): a
regional rule like the quote limits, inherited county → city → province → default rule (30 days), edited on
the 地区投保规则 screen."""

from __future__ import annotations

import pytest

from anze.basedata.models import Region, RegionalRule
from anze.basedata.selectors import ReportWindow, claim_report_window

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.select_related("parent__parent").get(code=code)


def test_the_default_rule_gives_thirty_days():
    assert claim_report_window(region("350582")) == ReportWindow(30, "默认规则")
    assert claim_report_window(None) == ReportWindow(30, "默认规则")


def test_the_nearest_region_that_sets_it_wins():
    RegionalRule.objects.create(region=region("350500"), claim_report_days=45)
    RegionalRule.objects.create(region=region("350582"), min_fee_ratio=10)  # sets no 报案时限: inherits
    assert claim_report_window(region("350582")) == ReportWindow(45, "泉州市")
    RegionalRule.objects.filter(region__code="350582").update(claim_report_days=0)
    assert claim_report_window(region("350582")) == ReportWindow(0, "晋江市")


def test_a_cleared_default_falls_back_to_thirty_days():
    RegionalRule.objects.filter(region__isnull=True).update(claim_report_days=None)
    assert claim_report_window(region("350582")) == ReportWindow(30, "默认规则")


def test_one_query_for_a_region_loaded_with_its_parents(django_assert_num_queries):
    county = region("350582")
    with django_assert_num_queries(1):
        claim_report_window(county)


def test_the_rule_screen_sets_and_shows_it(platform):
    client = platform.client(platform.admin)
    jinjiang = region("350582")
    response = client.post(
        "/platform/basedata/rules/add/",
        {"region": jinjiang.pk, "claim_report_days": "60", "note": "晋江市规定"},
    )
    assert response.status_code == 302
    assert RegionalRule.objects.get(region=jinjiang).claim_report_days == 60
    html = client.get("/platform/basedata/rules/").content.decode()
    row = html[html.index('data-county="350582"') :]
    assert '期满后60天 <span class="muted">晋江市</span>' in row[: row.index("</tr>")]
    row = html[html.index('data-county="350583"') :]
    assert '期满后30天 <span class="muted">默认规则</span>' in row[: row.index("</tr>")]


@pytest.mark.parametrize(
    ("value", "message"), [("-1", "天数不能为负数"), ("3651", "天数不能超过3650"), ("1.5", "请输入整数天数")]
)
def test_the_rule_screen_refuses_a_bad_number_of_days(platform, value, message):
    jinjiang = region("350582")
    response = platform.client(platform.admin).post(
        "/platform/basedata/rules/add/", {"region": jinjiang.pk, "claim_report_days": value}
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert not RegionalRule.objects.filter(region=jinjiang).exists()
