"""50 clerks press the same button at once: exactly one transition, one event, one outbox row, no 500.

Runs on PostgreSQL in CI (row locks) and on SQLite with ``transaction_mode="IMMEDIATE"`` (database lock);
the conditional UPDATE is what decides the winner on both.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from anze.core.errors import Refused
from anze.notifications.models import SmsMessage
from anze.orders import scenarios, workflow
from anze.orders.models import Order, OrderEvent, OrderStatus

ATTEMPTS = 50


@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_fifty_concurrent_quotes_through(cast):
    order = scenarios.online_order(insurer_user=cast.clerk, enterprise_user=cast.applicant)
    sms_before = SmsMessage.objects.count()
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            copy = Order.objects.select_related("insurer", "region").get(pk=order.pk)
            scheme = scenarios.scheme()
            barrier.wait(timeout=60)
            try:
                workflow.order_quote(order=copy, actor=cast.clerk, scheme=scheme)
                result = "ok"
            except Refused as exc:
                result = exc.message
            except Exception as exc:  # anything else would be a 500 in a view
                result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(outcomes) == {"ok": 1, "该订单状态已变化，请刷新后重试": ATTEMPTS - 1}
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_CONFIRMATION
    assert OrderEvent.objects.filter(order=order, action="quote").count() == 1
    assert SmsMessage.objects.count() == sms_before + 1
    assert order.service_counts.count() == 3
