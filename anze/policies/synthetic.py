"""Synthetic policies for measuring the lists at scale (``manage.py bench_sides``, the list tests): one for each
issued synthetic order (``orders/synthetic.py``) that has none — what 出函 would have left, without its files,
验证码 SMS or events. Never in a database people work in, like the orders they belong to.
"""

from __future__ import annotations

from django.db.models import QuerySet

from anze.orders.models import Order, OrderStatus

from .models import Policy


def issue(orders: QuerySet[Order], *, batch_size: int = 5000) -> int:
    """A policy for each issued order of ``orders`` without one; returns how many were created. Orders put in
    已出函 by a bare UPDATE (``orders.synthetic.move``: bench_writes' state changes) have no 出函 time or period:
    they get none (a second ``make bench`` on one database failed on them)."""
    issued = orders.filter(
        status=OrderStatus.ISSUED, policies=None, issued_at__isnull=False, period_start__isnull=False
    ).values_list(
        "pk",
        "insurer_id",
        "enterprise_id",
        "region_id",
        "policy_no",
        "issued_at",
        "period_start",
        "period_end",
    )
    batch: list[Policy] = []
    created = 0
    for pk, insurer_id, enterprise_id, region_id, policy_no, issued_at, start, end in issued.iterator(
        chunk_size=batch_size
    ):
        batch.append(
            Policy(
                order_id=pk,
                insurer_id=insurer_id,
                enterprise_id=enterprise_id,
                region_id=region_id,
                policy_no=policy_no,
                issued_at=issued_at,
                period_start=start,
                period_end=end,
                verification_code=f"B{pk:07d}",  # unique: the order's id (real codes are random, 8 characters)
            )
        )
        if len(batch) == batch_size:
            created += len(Policy.objects.bulk_create(batch))
            batch = []
    return created + len(Policy.objects.bulk_create(batch))
