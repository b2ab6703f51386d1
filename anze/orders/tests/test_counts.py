"""InsurerOrderCounts: the per-state counts kept by triggers (deltas, folded or not) equal a fresh count, whatever
writes the orders."""

from __future__ import annotations

import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from anze.orders import applications, counts, scenarios, synthetic, workflow
from anze.orders.apps import _restore_triggers
from anze.orders.models import InsurerOrderCounts, Order, OrderCountDelta, OrderStatus
from anze.orders.scopes import orders_visible_to
from anze.orders.tests.support import status_counts
from anze.policies import scenarios as policy_scenarios

S = OrderStatus
pytestmark = pytest.mark.django_db


def counted(user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What a full count of the insurer's orders gives (the truth the triggers must keep)."""
    return status_counts(orders_visible_to(user))


def test_it_follows_every_step_of_the_workflow(cast, online, offline):
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)  # no row yet: all zero
    quoted = online(S.AWAITING_CONFIRMATION)
    workflow.order_reject_quote(order=quoted, actor=cast.applicant, reason="太贵")
    online(S.ISSUED)
    online(S.AWAITING_PAYMENT_REVIEW)
    workflow.order_cancel(order=offline(), actor=cast.clerk, reason="录入重复")
    offline(issued=True)
    draft = applications.order_apply(
        actor=cast.applicant,
        application=scenarios.application(cast.insurer, cast.enterprise),
        submit=False,
    )
    expected = counted(cast.clerk)
    assert counts.counts_of(cast.insurer.pk) == expected
    assert expected[S.AWAITING_QUOTE] == 1 and expected[S.ISSUED] == 2 and expected[S.CANCELLED] == 1
    applications.order_submit(order=draft, actor=cast.applicant)  # a draft counts once submitted
    assert counts.counts_of(cast.insurer.pk)[S.AWAITING_QUOTE] == 2


def test_it_counts_each_insurer_apart(cast, online):
    online()
    policy_scenarios.online_order(
        insurer_user=cast.other_clerk, enterprise_user=cast.applicant, until=S.ISSUED
    )
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    assert counts.counts_of(cast.other_insurer.pk) == counted(cast.other_clerk)
    assert counts.counts_of(cast.other_insurer.pk)[S.ISSUED] == 1


def test_it_follows_bulk_inserts_and_deletes(cast):
    synthetic.top_up([cast.insurer, cast.other_insurer], 400)
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    Order.objects.filter(insurer=cast.insurer, status=S.ISSUED).delete()
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    assert counts.counts_of(cast.insurer.pk)[S.ISSUED] == 0
    assert counts.counts_of(cast.other_insurer.pk) == counted(cast.other_clerk)


def test_a_bulk_load_is_counted_afresh_and_the_triggers_come_back(cast, online):
    synthetic.top_up([cast.insurer, cast.other_insurer], 300, recount=True)
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    assert counts.counts_of(cast.other_insurer.pk) == counted(cast.other_clerk)
    assert gram_counts(cast.insurer, "公司") == gram_counted(cast.clerk, "公司")
    online(project_name="蓬壶镇茶厂")  # kept by the triggers again
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    assert gram_counts(cast.insurer, "蓬壶") == gram_counted(cast.clerk, "蓬壶")


def test_it_rolls_back_with_the_transition(cast, online):
    order = online()
    before = counts.counts_of(cast.insurer.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
        assert counts.counts_of(cast.insurer.pk)[S.AWAITING_CONFIRMATION] == 1
        raise RuntimeError("the request failed after the transition")
    assert counts.counts_of(cast.insurer.pk) == before


def test_it_recounts_when_lost_triggers_are_put_back(cast, online):
    online()
    counts.uninstall(connection)
    online(S.ISSUED)  # written while the counts were not kept
    InsurerOrderCounts.objects.update(awaiting_quote=99)
    _restore_triggers(None, using="default")  # what every `migrate` does
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    online()
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)


def test_it_counts_each_order_type_on_its_own(cast, online, offline):
    online(S.AWAITING_QUOTE)
    online(S.ISSUED)
    offline()
    offline(issued=True)
    for order_type in ("online", "offline"):
        mine = orders_visible_to(cast.clerk).filter(order_type=order_type)
        assert counts.counts_of(cast.insurer.pk, order_type) == status_counts(mine)
    assert counts.counts_of(cast.insurer.pk, "offline")[S.ISSUED] == 1
    assert counts.counts_of(cast.insurer.pk)[S.ISSUED] == 2


def test_the_order_type_filter_reads_its_tabs_from_the_counts(cast, online, offline, client_for):
    online(S.AWAITING_QUOTE)
    offline()
    client = client_for(cast.clerk)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/insurer/orders/?order_type=offline").content.decode()
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "orders_order" in q["sql"]]
    assert counting == []  # no count over the orders: the tabs come from orders_insurerordercounts
    assert "待出函" in html


# --- the counts of each character and pair of the names (InsurerGramCounts) --------------------------------
def gram_counted(user, gram: str, order_type: str | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What a full count of the insurer's orders containing ``gram`` gives."""
    orders = orders_visible_to(user).filter(
        Q(applicant_name__icontains=gram) | Q(project_name__icontains=gram)
    )
    if order_type:
        orders = orders.filter(order_type=order_type)
    return status_counts(orders)


def gram_counts(insurer, gram: str, order_type: str | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return counts.counts_with_gram(insurer.pk, gram, order_type)[0]


GRAMS = ("蓬", "蓬壶", "茶厂", "壶镇", "厂", "a1", "A", "公司", "（", "）茶", " A")


def test_gram_counts_follow_the_workflow_and_name_changes(cast, online, offline):
    quoted = online(S.AWAITING_CONFIRMATION, project_name="蓬壶镇茶厂")
    online(S.ISSUED, project_name="蓬壶镇A1茶厂")
    offline(project_name="湖头镇（一期） A1茶厂")
    draft = applications.order_apply(
        actor=cast.applicant,
        application=scenarios.application(cast.insurer, cast.enterprise, project_name="蓬壶镇草稿"),
        submit=False,
    )
    for gram in GRAMS:
        assert gram_counts(cast.insurer, gram) == gram_counted(cast.clerk, gram), gram
    assert gram_counts(cast.insurer, "蓬壶")[S.ISSUED] == 1  # the draft does not count
    workflow.order_reject_quote(order=quoted, actor=cast.applicant, reason="太贵")
    applications.order_submit(order=draft, actor=cast.applicant)
    Order.objects.filter(pk=quoted.pk).update(
        project_name="湖头镇果园"
    )  # a name changed outside the workflow
    for gram in (*GRAMS, "果园", "湖头"):
        assert gram_counts(cast.insurer, gram) == gram_counted(cast.clerk, gram), gram
        for order_type in ("online", "offline"):
            assert gram_counts(cast.insurer, gram, order_type) == gram_counted(cast.clerk, gram, order_type)
    assert gram_counts(cast.insurer, "蓬壶")[S.AWAITING_QUOTE] == 1
    assert gram_counts(cast.insurer, "a1") == gram_counts(cast.insurer, "A1")  # any case
    assert sum(gram_counts(cast.other_insurer, "蓬壶").values()) == 0  # each insurer apart


def test_gram_counts_follow_bulk_writes_rollbacks_and_lost_triggers(cast, online):
    synthetic.top_up([cast.insurer, cast.other_insurer], 300)
    sample = orders_visible_to(cast.clerk).values_list("applicant_name", flat=True).first()
    grams = (sample[2:4], sample[2], sample[4:6], "公司")
    for gram in grams:
        assert gram_counts(cast.insurer, gram) == gram_counted(cast.clerk, gram), gram
        assert gram_counts(cast.other_insurer, gram) == gram_counted(cast.other_clerk, gram), gram
    Order.objects.filter(insurer=cast.insurer, status=S.ISSUED).delete()
    order = online(project_name="蓬壶镇茶厂")
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
        raise RuntimeError("the request failed after the transition")
    counts.uninstall(connection)
    online(S.ISSUED, project_name="蓬壶镇果园")  # written while the counts were not kept
    _restore_triggers(None, using="default")  # what every `migrate` does: put back, recount
    for gram in (*grams, "蓬壶", "果园"):
        assert gram_counts(cast.insurer, gram) == gram_counted(cast.clerk, gram), gram
    assert gram_counts(cast.insurer, "蓬壶")[S.ISSUED] == 1


def test_gram_counts_come_with_the_insurers_counts_in_one_query(cast, online, django_assert_num_queries):
    online(project_name="蓬壶镇茶厂")
    with django_assert_num_queries(1):
        matching, everything = counts.counts_with_gram(cast.insurer.pk, "蓬壶")
    assert matching == gram_counted(cast.clerk, "蓬壶") and everything == counted(cast.clerk)


# --- the deltas and their fold (counts.fold, manage.py fold_counts) ---------------------------------------
def exact(cast) -> None:  # type: ignore[no-untyped-def]
    """Every kept count the list reads equals a fresh count of the orders."""
    assert counts.counts_of(cast.insurer.pk) == counted(cast.clerk)
    assert counts.counts_of(cast.other_insurer.pk) == counted(cast.other_clerk)
    for gram in GRAMS:
        assert gram_counts(cast.insurer, gram) == gram_counted(cast.clerk, gram), gram
        for order_type in ("online", "offline"):
            assert gram_counts(cast.insurer, gram, order_type) == gram_counted(cast.clerk, gram, order_type)


def test_a_fold_moves_the_deltas_into_the_counts_and_a_second_finds_nothing(cast, online, offline):
    quoted = online(S.AWAITING_CONFIRMATION, project_name="蓬壶镇茶厂")
    offline(project_name="湖头镇（一期） A1茶厂")
    assert (
        OrderCountDelta.objects.exists() and not InsurerOrderCounts.objects.exists()
    )  # nothing shared written
    exact(cast)
    assert counts.fold() > 0
    assert not OrderCountDelta.objects.exists()
    exact(cast)
    assert counts.fold() == 0  # idempotent: nothing left to add twice
    exact(cast)
    workflow.order_reject_quote(order=quoted, actor=cast.applicant, reason="太贵")  # a delta on folded counts
    Order.objects.filter(pk=quoted.pk).update(project_name="湖头镇果园")
    exact(cast)
    call_command("fold_counts", "--once", verbosity=0)
    assert not OrderCountDelta.objects.exists()
    exact(cast)


def test_a_rolled_back_transition_leaves_no_delta(cast, online):
    order = online(project_name="蓬壶镇茶厂")
    counts.fold()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.order_quote(order=order, actor=cast.clerk, scheme=scenarios.scheme())
        assert gram_counts(cast.insurer, "蓬壶")[S.AWAITING_CONFIRMATION] == 1
        raise RuntimeError("the request failed after the transition")
    assert not OrderCountDelta.objects.exists()
    exact(cast)
    counts.fold()
    exact(cast)


@pytest.mark.django_db(transaction=True)
def test_two_folders_beside_eight_writers_count_each_change_once(cast):
    """Writers change orders while two folders fold in a loop: at the end, the counts (folded or not) equal a
    fresh count, and one last fold leaves them so."""
    synthetic.top_up([cast.insurer, cast.other_insurer], 80)
    ids = list(Order.objects.filter(insurer=cast.insurer).values_list("pk", flat=True))
    writing = threading.Event()
    writing.set()
    failures: list[BaseException] = []

    def write(seed: int) -> None:
        try:
            rng = random.Random(seed)
            for _ in range(15):
                with transaction.atomic():
                    synthetic.move(rng.choice(ids), rng.choice(counts.STATES))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    def fold() -> None:
        try:
            while writing.is_set():
                counts.fold()
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    folders = [threading.Thread(target=fold) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(seed,)) for seed in range(8)]
    for thread in [*folders, *writers]:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writing.clear()
    for thread in folders:
        thread.join(timeout=60)
    assert failures == []
    exact(cast)
    counts.fold()
    assert not OrderCountDelta.objects.exists()
    exact(cast)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_a_fold_is_not_compiled_however_costly_its_estimate(cast, online):
    """The deltas' tables are estimated at thousands of times their rows between ANALYZEs: the fold was then
    compiled (JIT), most of its time. With every statement's cost past the JIT threshold, it still is not."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_jit_available()")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL has no JIT")
        cursor.execute("SET jit_above_cost = 0")
    online(project_name="蓬壶镇茶厂")
    plans: list[str] = []

    def explain(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql == counts._PG_FOLD:
            with context["connection"].connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                plans.append(str(cursor.fetchone()[0]))
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(explain):
            assert counts.fold() > 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit_above_cost")
    assert plans and "JIT" not in plans[0]
    exact(cast)
