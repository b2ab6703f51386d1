"""Demo orders (demo.py) and the bench command: through the workflow, idempotent; the bench prints its figures."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from anze.accounts import demo as accounts_demo
from anze.basedata import demo as basedata_demo
from anze.documents.models import Document
from anze.orders import demo, synthetic
from anze.orders.management.commands.bench_orders import Command as BenchOrders
from anze.orders.models import INSURER_STATUSES, Order, OrderEvent, OrderStatus, OrderType

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(db: None) -> None:
    basedata_demo.load(io.StringIO())
    accounts_demo.load(io.StringIO())


def test_it_gives_every_demo_insurer_orders_in_every_state_before_issue_once(demo_accounts):
    demo.load(io.StringIO())
    for spec in accounts_demo.INSURERS:
        orders = Order.objects.filter(insurer__code=spec["code"])
        assert set(orders.values_list("status", flat=True)) == set(INSURER_STATUSES) - {OrderStatus.ISSUED}
        assert orders.filter(order_type=OrderType.OFFLINE).count() == 2
        assert orders.exclude(last_reason="").count() == 3  # rejected quote, rejected payment, cancelled
        # left in 待出函 for the policies app's demo to issue (anze.policies.demo)
        to_issue = orders.filter(project_name__in=demo.TO_ISSUE)
        assert set(to_issue.values_list("status", flat=True)) == {OrderStatus.AWAITING_ISSUE}
        assert to_issue.count() == 3 and to_issue.filter(order_type=OrderType.OFFLINE).count() == 1
    assert not Order.objects.filter(remark=synthetic.MARK).exists()
    assert OrderEvent.objects.count() > Order.objects.count()  # every step on the timeline
    assert Document.objects.filter(content_type="application/pdf").exists()
    count = Order.objects.count()
    demo.load(io.StringIO())
    assert Order.objects.count() == count


def test_it_measures_the_list_and_prints_p50_p95_and_queries(demo_accounts, settings, monkeypatch):
    settings.DEBUG = True
    out = io.StringIO()
    requests = []
    get = BenchOrders._get
    monkeypatch.setattr(
        BenchOrders, "_get", lambda self, client, path: requests.append(path) or get(self, client, path)
    )
    # Without the 3 warm-up requests of each scenario (half its requests): 2 timed, 1 counting the queries.
    call_command("bench_orders", orders=60, repeat=2, warm=0, stdout=out)
    report = out.getvalue()
    assert "合成订单 60 个" in report and "p95 ms" in report
    lines = [line for line in report.splitlines() if "/insurer/orders/?" in line]
    assert len(lines) == 19 and len(requests) == 19 * 3
    assert all(int(line.split()[-2]) <= 6 for line in lines), report  # the query count column
    assert Order.objects.filter(remark=synthetic.MARK).count() == 60


def test_it_refuses_to_write_synthetic_orders_outside_debug(demo_accounts, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("bench_orders", orders=10, stdout=io.StringIO())
    assert not Order.objects.exists()
