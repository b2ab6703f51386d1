"""The name search's index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL (search.py), and the list's plans."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from anze.orders import applications, counts, scenarios, search, synthetic
from anze.orders.apps import _restore_triggers
from anze.orders.models import Order
from anze.orders.scopes import orders_visible_to
from anze.orders.selectors import Scan, insurer_order_list, order_page, search_orders

pytestmark = pytest.mark.django_db
# Each index test checks the index of the database it runs on: SQLite's FTS5 trigram table or PostgreSQL's
# pg_trgm indexes. CI runs the suite on both, so both are checked on every change.
SQLITE = connection.vendor == "sqlite"


def found(user, term: str) -> set[str]:
    orders = search_orders(orders_visible_to(user), {"name": term}, insurer_id=user.organisation_id)
    return set(orders.values_list("project_name", flat=True))


def test_it_finds_substrings_of_both_names_at_every_length(cast, online, offline):
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
        assert found(cast.clerk, term) == expected, term


def test_it_keeps_the_index_in_step_with_inserts_updates_and_deletes(cast, online):
    order = online(project_name="丰泽区东海安置房")
    assert found(cast.clerk, "东海安置") == {"丰泽区东海安置房"}
    Order.objects.filter(pk=order.pk).update(project_name="丰泽区北峰安置房")
    assert found(cast.clerk, "东海安置") == set()
    assert found(cast.clerk, "北峰安置") == {"丰泽区北峰安置房"}
    order.events.all().delete()
    order.service_counts.all().delete()
    order.intended_items.clear()
    Order.objects.filter(pk=order.pk).delete()
    assert found(cast.clerk, "北峰安置") == set()


def test_it_finds_what_a_scan_finds_in_bulk_inserted_orders(cast):
    synthetic.top_up([cast.insurer], 300)
    orders = orders_visible_to(cast.clerk)
    sample = orders.order_by("id").values_list("applicant_name", "project_name")[7]
    for term in (sample[0][2:7], sample[0][2:4], sample[1][:3], "有限公司"):
        scanned = orders.filter(Q(applicant_name__contains=term) | Q(project_name__contains=term))
        searched = search_orders(orders, {"name": term}, insurer_id=cast.insurer.pk)
        assert set(searched.values_list("pk", flat=True)) == set(scanned.values_list("pk", flat=True)), term
        assert searched.exists(), term


def test_it_puts_back_triggers_a_table_rebuild_dropped(cast, online):
    """On SQLite a later migration that rebuilds orders_order drops its triggers; post_migrate restores them
    and reindexes. (PostgreSQL keeps its indexes through ALTER TABLE: restoring is harmless there.)"""
    if SQLITE:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER order_fts_ai")
            cursor.execute("DROP TRIGGER order_grams_ai")
    online(project_name="触发器丢失期间的订单")
    assert found(cast.clerk, "触发器丢失") == (set() if SQLITE else {"触发器丢失期间的订单"})
    _restore_triggers(apps.get_app_config("orders"), using="default")
    assert found(cast.clerk, "触发器丢失") == {"触发器丢失期间的订单"}
    online(project_name="触发器恢复之后的订单")
    assert found(cast.clerk, "触发器恢复") == {"触发器恢复之后的订单"}


def test_the_grams_index_is_built_again_from_the_orders(cast, offline):
    """Migration 0006 drops the grams index and builds it again, with the trigrams, from the orders."""
    offline(applicant_name="南安市官桥镇石材有限公司", project_name="官桥石材厂")
    if not SQLITE:  # (as in a migration: no foreign key left to check before the index is built)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    search.uninstall(connection, grams_only=True)
    search.install(connection)
    assert found(cast.clerk, "官桥镇石材") == {"官桥石材厂"}
    assert found(cast.clerk, "官桥") == {"官桥石材厂"}
    offline(applicant_name="南安市官桥镇板材有限公司", project_name="官桥板材厂")  # kept by the new triggers
    assert found(cast.clerk, "官桥镇") == {"官桥石材厂", "官桥板材厂"}


def test_it_answers_every_length_from_an_index(cast):
    def sql(term: str) -> str:
        orders = search.name_matches(orders_visible_to(cast.clerk), term, insurer_id=cast.insurer.pk)
        return orders.query.sql_with_params()[0]

    # The insurer's grams, punctuation and spaces too (pg_trgm indexes no punctuation, FTS5 unicode61 splits
    # at it): every term of the insurer's search.
    for term in (
        "陈埭镇",
        "陈埭镇鞋业基地",
        "陈埭",
        "陈",
        "A1",
        "陈、",
        "（",
        "陈、埭",
        "（陈埭）鞋业基",
        "A 1",
    ):
        assert "order_grams" in sql(term) or "anze_grams" in sql(term), term
    for short in ("陈埭", "陈", "A1", "陈、", "（"):  # one character or a pair: exactly the grams
        assert "LIKE" not in sql(short), short
    # An enterprise's own few orders: a LIKE over them, not the grams of every insurer.
    assert "LIKE" in str(search.name_matches(orders_visible_to(cast.applicant), "陈埭").query)


def test_a_longer_term_is_every_one_of_its_trigrams_and_then_the_substring(cast, offline):
    """The grams give the orders holding each trigram of the term, anywhere in either name; the rows read are
    then tested for the term itself."""
    offline(applicant_name="泉州蓬山州蓬壶贸易有限公司", project_name="仓库")  # both trigrams, not the term
    offline(applicant_name="ABC鞋业（泉州）有限公司", project_name="鞋业基地（一期）")
    offline(applicant_name="泉州蓬壶茶业有限公司", project_name="茶厂")
    assert found(cast.clerk, "泉州蓬壶") == {"茶厂"}
    assert found(cast.clerk, "abc鞋业") == {"鞋业基地（一期）"}  # any case
    assert found(cast.clerk, "基地（一期）") == {"鞋业基地（一期）"}  # punctuation is in the grams too
    assert found(cast.clerk, "（泉州）") == {"鞋业基地（一期）"}
    assert found(cast.clerk, "有限公司（") == set()  # "有限公司" is in all three
    assert found(cast.clerk, "）有") == {"鞋业基地（一期）"}  # a pair with punctuation
    assert found(cast.clerk, "（") == {"鞋业基地（一期）"}
    assert found(cast.clerk, "有限公司") == {"仓库", "鞋业基地（一期）", "茶厂"}
    assert found(cast.other_clerk, "泉州蓬壶") == set()  # another insurer's candidates are not read


def test_it_reads_a_short_term_only_from_the_insurers_own_grams(cast, online):
    mine = online(project_name="蓬壶镇茶厂")
    theirs = scenarios.online_order(
        insurer_user=cast.other_clerk, enterprise_user=cast.applicant, project_name="蓬壶镇果园"
    )

    def matched(insurer) -> set[int]:  # type: ignore[no-untyped-def]
        orders = search.name_matches(Order.objects.all(), "蓬壶", insurer_id=insurer.pk)
        return set(orders.values_list("pk", flat=True))

    assert matched(cast.insurer) == {mine.pk}
    assert matched(cast.other_insurer) == {theirs.pk}
    Order.objects.filter(pk=theirs.pk).update(insurer=cast.insurer)  # the token follows the insurer
    assert matched(cast.insurer) == {mine.pk, theirs.pk}
    assert matched(cast.other_insurer) == set()


def test_it_keeps_the_grams_of_changed_and_deleted_orders(cast):
    draft = applications.order_apply(
        actor=cast.applicant,
        submit=False,
        application=scenarios.application(cast.insurer, cast.enterprise, project_name="蓬壶镇茶厂"),
    )
    searched = search.name_matches(Order.objects.all(), "蓬壶", insurer_id=cast.insurer.pk)
    assert list(searched.values_list("pk", flat=True)) == [draft.pk]
    applications.order_apply(
        actor=cast.applicant,
        submit=False,
        draft=draft,
        application=scenarios.application(cast.insurer, cast.enterprise, project_name="湖洋镇茶厂"),
    )
    assert not search.name_matches(Order.objects.all(), "蓬壶", insurer_id=cast.insurer.pk).exists()
    assert search.name_matches(Order.objects.all(), "湖洋", insurer_id=cast.insurer.pk).exists()
    applications.order_discard_draft(order=Order.objects.get(pk=draft.pk), actor=cast.applicant)
    assert not search.name_matches(Order.objects.all(), "湖洋", insurer_id=cast.insurer.pk).exists()


def test_it_reads_the_list_and_the_name_search_from_indexes(cast):
    synthetic.top_up([cast.insurer], 200)
    with indexes_preferred():
        listing = orders_visible_to(cast.clerk).order_by("-submitted_at", "-id").values("pk")[100:110]
        tab = (
            orders_visible_to(cast.clerk)
            .filter(status="issued")
            .order_by("-submitted_at", "-id")
            .values("pk")
        )
        # Unordered: at 200 rows PostgreSQL walks the regulator's time index (orders 0009) for sorted ones.
        named = search.name_matches(Order.objects.order_by(), "泉州晋江").values("pk")
        short = search.name_matches(Order.objects.order_by(), "晋江", insurer_id=cast.insurer.pk).values("pk")
        longer = search.name_matches(Order.objects.order_by(), "泉州晋江", insurer_id=cast.insurer.pk).values(
            "pk"
        )
        plans = [explain(listing), explain(tab[:10])]
        if not SQLITE:  # a GIN index is read by a bitmap scan
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_bitmapscan")
        plans.append(explain(named))
        if (
            not SQLITE
        ):  # at 200 rows a primary-key walk looks cheaper than the GIN index: ask if it can be used
            with connection.cursor() as cursor:
                cursor.execute("SET enable_indexscan = off")
        plans.append(explain(short))
        plans.append(explain(longer))
    if SQLITE:
        assert "USING COVERING INDEX order_insurer_time_idx" in plans[0] and "TEMP B-TREE" not in plans[0]
        assert "USING COVERING INDEX order_insurer_status_idx" in plans[1]
        assert "VIRTUAL TABLE INDEX" in plans[2]  # the FTS table, not a scan of the orders
        assert "VIRTUAL TABLE INDEX" in plans[3] and "order_grams" in plans[3]
        assert "VIRTUAL TABLE INDEX" in plans[4] and "order_grams" in plans[4]
    else:
        # Along the insurer's index or the regulator's time index (orders 0009), never sorted: at a few hundred
        # rows freshly written (no page all-visible yet), PostgreSQL may price the time index's walk cheaper.
        assert along_the_list(plans[0])
        assert "Index" in plans[1] and "Seq Scan" not in plans[1]  # either b-tree serves a tab at 200 rows
        assert "order_applicant_trgm" in plans[2] and "order_project_trgm" in plans[2]
        assert "order_grams" in plans[3]
        assert "order_grams" in plans[4] and "Seq Scan" not in plans[4]


def term_pages(user, term: str, tab: str, sort: str, *, by_row: bool) -> list[int]:  # type: ignore[no-untyped-def]
    """Every page of a name search, read from its index (grams or trigrams) or row by row along the list's."""
    filters = {"name": term}
    mine = orders_visible_to(user)
    qs = search_orders(mine, filters, insurer_id=user.organisation_id)
    scan = Scan(search_orders(mine, filters, by_row=True), population=0 if by_row else 10**9)
    if tab:
        qs, scan.queryset = qs.filter(status=tab), scan.queryset.filter(status=tab)
    total = qs.count()
    ids = []
    for number in range(1, -(-total // 10) + 1):  # (10 a page: the smallest size the list offers)
        request = RequestFactory().get("/", {"page": number, "size": 10})
        ids += [order.pk for order in order_page(request, qs, total=total, sort=sort, scan=scan).rows]
    assert len(ids) == total
    return ids


def test_a_name_search_reads_the_same_pages_row_by_row_as_from_its_index(cast, online):
    synthetic.top_up([cast.insurer, cast.other_insurer], 240)
    online(project_name="ＡＢ车间A1号")  # full-width letters: lower-cased as the grams are, not as ASCII
    sample = orders_visible_to(cast.clerk).order_by("id").values_list("applicant_name", flat=True)[3]
    for term in (sample[2:4], sample[4], "ａｂ", "Ab", "a1", sample[2:6], "ａｂ车间", "有限公司"):
        for tab in ("", "issued"):
            for sort in ("-submitted", "submitted"):
                from_grams = term_pages(cast.clerk, term, tab, sort, by_row=False)
                by_row = term_pages(cast.clerk, term, tab, sort, by_row=True)
                assert by_row == from_grams, (term, tab, sort)
                assert len(set(by_row)) == len(by_row)
                if tab == "" and term != "Ab":
                    assert by_row, term
    assert term_pages(cast.clerk, "ａｂ", "", "-submitted", by_row=True) == [
        order.pk for order in Order.objects.filter(project_name="ＡＢ车间A1号")
    ]


def test_a_short_term_read_row_by_row_walks_the_lists_index(cast):
    synthetic.top_up([cast.insurer], 200)
    mine = orders_visible_to(cast.clerk)
    listing = search.names_contain(mine, "晋江").order_by("-submitted_at", "-id").values("pk")[:10]
    tab = search.names_contain(mine.filter(status="issued"), "晋江").order_by("-submitted_at", "-id")
    with indexes_preferred():
        plans = [explain(listing), explain(tab.values("pk")[:10])]
    if SQLITE:
        assert "USING INDEX order_insurer_time_idx" in plans[0] and "TEMP B-TREE" not in plans[0]
        assert "USING INDEX order_insurer_status_idx" in plans[1] and "TEMP B-TREE" not in plans[1]
    else:
        # Either index along the list, never sorted (see the test above).
        assert along_the_list(plans[0])
        assert along_the_list(plans[1], "order_insurer_status_idx")


def test_it_sees_chinese_trigrams_where_it_has_them(cast):
    with connection.cursor() as cursor:
        if SQLITE:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'order_fts'")
            assert cursor.fetchone(), "the FTS5 trigram table is missing"
            return
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders_order'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT show_trgm('陈埭镇')")
        trigrams = cursor.fetchone()[0]
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid IN "
            "('order_applicant_trgm'::regclass, 'order_project_trgm'::regclass)"
        )
        statistics = {row[0] for row in cursor.fetchall()}
    assert {"order_applicant_trgm", "order_project_trgm"} <= names
    assert trigrams, "pg_trgm ignores Chinese: the database's LC_CTYPE must be UTF-8, not C"
    assert statistics == {search.PG_NAME_STATISTICS}  # the planner's estimate of a LIKE's matches


def along_the_list(plan: str, insurers: str = "order_insurer_time_idx") -> bool:
    """A PostgreSQL plan reading the insurer's list along ``insurers`` or the regulator's time index, unsorted."""
    return (insurers in plan or "order_time_idx" in plan) and "Sort" not in plan and "Seq Scan" not in plan


@contextmanager
def indexes_preferred() -> Iterator[None]:
    """Fresh statistics; on PostgreSQL, a table of a few hundred rows would be scanned and sorted: ask
    whether the indexes CAN serve the query (a test may turn more off; all is reset after)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if not SQLITE:
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort"):
                cursor.execute(f"SET {setting} = off")
    try:
        yield
    finally:
        if not SQLITE:
            with connection.cursor() as cursor:
                for setting in (
                    "enable_seqscan",
                    "enable_bitmapscan",
                    "enable_sort",
                    "enable_incremental_sort",
                    "enable_indexscan",
                ):
                    cursor.execute(f"RESET {setting}")


def explain(queryset) -> str:  # type: ignore[no-untyped-def]
    return queryset.explain()


@pytest.mark.skipif(SQLITE, reason="PostgreSQL's grams functions")
def test_the_grams_functions_are_replaced_by_ones_that_keep_their_plan(cast, offline):
    """A SQL function that cannot be inlined is planned again in each statement calling it (the grams index's
    upkeep on every order write): ``install`` replaces the SQL ones an older version left by PL/pgSQL ones,
    which give the same grams — the index, built with the old ones, still finds what it found."""
    offline(applicant_name="南安市官桥镇石材有限公司", project_name="官桥石材厂")
    with connection.cursor() as cursor:
        for signature, body in (
            ("anze_name_grams(text, text)", search._pg_substrings(2)),
            (
                "anze_grams(text, text, bigint)",
                f"SELECT array_append(({search._pg_substrings(3)}), 'ins' || $3)",
            ),
        ):
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {signature} RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE "
                f"AS $${body}$$"
            )
        search.install(connection)
        cursor.execute(
            "SELECT p.proname FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang "
            "WHERE p.proname IN ('anze_grams', 'anze_name_grams') AND l.lanname = 'plpgsql'"
        )
        assert {row[0] for row in cursor.fetchall()} == {"anze_grams", "anze_name_grams"}
        cursor.execute("SELECT anze_name_grams('官桥镇', 'AB'), anze_grams('官桥镇', 'AB', 7)")
        name_grams, grams = cursor.fetchone()
    assert set(name_grams) == search.name_grams("官桥镇", "AB")
    assert set(grams) == {*search.name_grams("官桥镇", "AB"), "官桥镇", "ins7"}
    assert found(cast.clerk, "官桥镇石材") == {"官桥石材厂"}
    offline(applicant_name="南安市官桥镇板材有限公司", project_name="官桥板材厂")
    assert found(cast.clerk, "官桥") == {"官桥石材厂", "官桥板材厂"}


@pytest.mark.skipif(SQLITE, reason="PostgreSQL's grams functions")
def test_the_index_grams_are_a_loop_not_a_query(cast, offline):
    """``anze_grams`` is computed again for every new row version of an order, a change of status too: a loop,
    which ``install`` puts in place of the query an older version left. The same set of grams (with repeats,
    which GIN keeps once), so the index built with the query still finds what it found."""
    offline(applicant_name="南安市官桥镇石材有限公司", project_name="官桥石材厂")
    older = f"BEGIN RETURN array_append(({search._pg_substrings(3)}), 'ins' || $3::text); END"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION anze_grams(text, text, bigint) RETURNS text[] LANGUAGE plpgsql "
            f"IMMUTABLE PARALLEL SAFE AS $${older}$$"
        )
        search.install(connection)
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'anze_grams'")
        assert "SELECT" not in cursor.fetchone()[0].upper()
        cursor.execute("SELECT anze_grams('官桥镇', 'Ab 官', 7), anze_grams('官桥镇', NULL, 7)")
        grams, one_name = cursor.fetchone()
    assert set(grams) == {*search.name_grams("官桥镇", "Ab 官"), "官桥镇", "ab ", "b 官", "ins7"}
    assert set(one_name) == {*search.name_grams("官桥镇", None), "官桥镇", "ins7"}
    assert found(cast.clerk, "官桥镇石材") == {"官桥石材厂"}
    offline(applicant_name="南安市官桥镇板材有限公司", project_name="官桥板材厂")
    assert found(cast.clerk, "官桥") == {"官桥石材厂", "官桥板材厂"}


@pytest.mark.skipif(
    not SQLITE, reason="SQLite's plan; PostgreSQL's index-only scans depend on its visibility map"
)
def test_a_telephone_prefix_and_its_tab_are_counted_from_the_indexes_alone(cast, monkeypatch):
    """联系电话前缀“1” on 已取消 (docs/BENCH.md): the matches counted per state on the telephone's index, the tab
    walked along its own, neither reading an order's row."""
    synthetic.top_up([cast.insurer], 200)
    monkeypatch.setattr(counts, "EXACT_LIMIT", 5)
    request = RequestFactory().get("/", {"contact_phone": "1", "tab": "cancelled"})
    request.user = cast.clerk
    with indexes_preferred(), CaptureQueriesContext(connection) as queries:
        insurer_order_list(request, filters={"contact_phone": "1", "tab": "cancelled"})
    tally = next(query["sql"] for query in queries if "LIMIT 6" in query["sql"])
    with connection.cursor() as cursor:
        plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {tally}").fetchall())
    assert "COVERING INDEX order_insurer_phone_idx" in plan
    assert "COVERING INDEX order_insurer_status_idx" in plan and "orders_order USING INDEX" not in plan
