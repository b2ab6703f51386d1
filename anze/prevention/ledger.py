"""事故预防服务费台账 — PLACEHOLDER written by the ``endorse`` branch (issue 14 §3), NOT the ledger of §5.

The ledger (branch ``ledger``) owns this module: it books the cost of each confirmed service record against its
policy and provides ``spent_total``, ``budget`` and ``summary``. 退保 deducts what was spent from the refund and
imports ``spent_total`` from here. Until the ledger is merged, no service record carries a cost, so nothing has
been spent on any policy: this sums nothing but what exists (0.00). When merging the ledger, take its version
of this file whole.
"""

from __future__ import annotations

from decimal import Decimal

from anze.policies.models import Policy

ZERO = Decimal("0.00")


def spent_total(policy: Policy) -> Decimal:
    """What the policy's confirmed services cost: no record carries a cost before the ledger exists."""
    return ZERO
