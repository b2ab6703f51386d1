"""The name search's index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL (search.py), and the list's plans."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q

from anze.orders import search, synthetic
from anze.orders.apps import _restore_triggers
from anze.orders.models import Order
from anze.orders.selectors import orders_for, search_orders

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm index")


def found(user, term: str) -> set[str]:
    return set(search_orders(orders_for(user=user), {"name": term}).values_list("project_name", flat=True))


def test_it_finds_substrings_of_both_names_at_every_length(parties, online, offline):
    online(project_name="晋江市陈埭镇鞋业基地")
    offline(applicant_name="石狮市宝盖镇纺织有限公司", project_name="宝盖纺织厂房")
    for term, expected in [
        ("陈", {"晋江市陈埭镇鞋业基地"}),
        ("陈埭", {"晋江市陈埭镇鞋业基地"}),
        ("陈埭镇", {"晋江市陈埭镇鞋业基地"}),
        ("宝盖镇纺织", {"宝盖纺织厂房"}),  # in the applicant's name only
        ("纺织厂房", {"宝盖纺织厂房"}),  # in the project's name only
        ("镇", {"晋江市陈埭镇鞋业基地", "宝盖纺织厂房"}),
        ("纺织公司", set()),  # not a substring
    ]:
        assert found(parties.clerk, term) == expected, term


def test_it_keeps_the_index_in_step_with_inserts_updates_and_deletes(parties, online):
    order = online(project_name="丰泽区东海安置房")
    assert found(parties.clerk, "东海安置") == {"丰泽区东海安置房"}
    Order.objects.filter(pk=order.pk).update(project_name="丰泽区北峰安置房")
    assert found(parties.clerk, "东海安置") == set()
    assert found(parties.clerk, "北峰安置") == {"丰泽区北峰安置房"}
    order.events.all().delete()
    order.service_counts.all().delete()
    order.intended_items.clear()
    Order.objects.filter(pk=order.pk).delete()
    assert found(parties.clerk, "北峰安置") == set()


def test_it_finds_what_a_scan_finds_in_bulk_inserted_orders(parties):
    synthetic.top_up([parties.insurer], 300)
    orders = orders_for(user=parties.clerk)
    sample = orders.order_by("id").values_list("applicant_name", "project_name")[7]
    for term in (sample[0][2:7], sample[0][2:4], sample[1][:3], "有限公司"):
        scanned = orders.filter(Q(applicant_name__contains=term) | Q(project_name__contains=term))
        searched = search_orders(orders, {"name": term})
        assert set(searched.values_list("pk", flat=True)) == set(scanned.values_list("pk", flat=True)), term
        assert searched.exists(), term


@sqlite_only
def test_it_puts_back_triggers_a_table_rebuild_dropped(parties, online):
    """A later migration that rebuilds orders_order drops its triggers; post_migrate restores and reindexes."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER order_fts_ai")
    online(project_name="触发器丢失期间的订单")
    assert found(parties.clerk, "触发器丢失") == set()
    _restore_triggers(apps.get_app_config("orders"), using="default")
    assert found(parties.clerk, "触发器丢失") == {"触发器丢失期间的订单"}
    online(project_name="触发器恢复之后的订单")
    assert found(parties.clerk, "触发器恢复") == {"触发器恢复之后的订单"}


@sqlite_only
def test_it_answers_three_characters_from_the_fts_table_and_two_by_like(parties):
    sql_3, _ = search.name_matches(orders_for(user=parties.clerk), "陈埭镇").query.sql_with_params()
    sql_2, _ = search.name_matches(orders_for(user=parties.clerk), "陈埭").query.sql_with_params()
    assert "order_fts MATCH" in sql_3 and "LIKE" not in sql_3
    assert "order_fts" not in sql_2 and "LIKE" in sql_2


@sqlite_only
def test_it_reads_the_list_from_its_indexes_on_sqlite(parties):
    synthetic.top_up([parties.insurer], 200)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    listing = orders_for(user=parties.clerk).order_by("-submitted_at", "-id").values("pk")[100:110]
    plan = explain(listing)
    assert "USING COVERING INDEX order_insurer_time_idx" in plan and "TEMP B-TREE" not in plan
    tab = (
        orders_for(user=parties.clerk)
        .filter(status="issued")
        .order_by("-submitted_at", "-id")
        .values("pk")[:10]
    )
    assert "USING COVERING INDEX order_insurer_status_idx" in explain(tab)
    named = search.name_matches(orders_for(user=parties.clerk), "泉州晋江").values("pk")
    assert "VIRTUAL TABLE INDEX" in explain(named)  # the FTS table, not a scan of the orders


@postgresql_only
def test_it_has_trigram_indexes_that_see_chinese_on_postgresql(parties):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders_order'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT show_trgm('陈埭镇')")
        trigrams = cursor.fetchone()[0]
    assert {"order_applicant_trgm", "order_project_trgm"} <= names
    assert trigrams, "pg_trgm ignores Chinese: the database's LC_CTYPE must be UTF-8, not C"


@postgresql_only
def test_it_uses_the_trigram_index_on_postgresql(parties):
    synthetic.top_up([parties.insurer], 200)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("SET enable_seqscan = off")  # a 200-row table would be scanned otherwise
        named = search.name_matches(Order.objects.all(), "泉州晋江").values("pk")
        plan = explain(named)
        cursor.execute("SET enable_seqscan = on")
    assert "order_applicant_trgm" in plan and "order_project_trgm" in plan


def explain(queryset) -> str:  # type: ignore[no-untyped-def]
    return queryset.explain()
