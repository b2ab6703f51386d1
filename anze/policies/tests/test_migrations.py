"""The policies' data migrations fill in what policies issued before them lack: one round trip for all three.

Migrating back to 0003 unapplies every later migration of every app that depends on the policies (most of the
schema, rebuilt table by table on SQLite) and applying them again is the costliest thing a test here can do, so
the three backfills are checked on one round trip, each by its own assertion:

- 0004: each policy gets a verification code of its own (电子保单验真);
- 0005: the policy keeps the files and the scheme its order was issued with, and is 有效;
- 0010: the policy's own 区县 is its order's (the regulators' lists read it without a join).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anze.policies import verify
from anze.policies.models import Policy, PolicyStatus

BEFORE_ALL = ("policies", "0003_protect_history_from_deletion")
ADDED = ("verification_code", "policy_file_id", "status", "region_id")  # the columns 0004, 0005 and 0010 add


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, "policies_policy")]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_fill_in_the_code_files_scheme_status_and_region_of_policies_issued_before(cast):
    policies = [cast.policy() for _ in range(3)]
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_ALL])
    try:
        assert not set(ADDED) & set(_columns())  # the rows are kept, the columns gone
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # every later migration of every app
    after = {p.pk: p for p in Policy.objects.filter(pk__in=[p.pk for p in policies]).select_related("order")}

    codes = [p.verification_code for p in after.values()]  # 0004
    assert len(set(codes)) == len(policies)
    assert all(set(code) <= set(verify.CODE_ALPHABET) and len(code) == verify.CODE_LENGTH for code in codes)

    for policy in after.values():
        order = policy.order
        assert (policy.status, policy.policy_file_id, policy.invoice_file_id) == (  # 0005
            PolicyStatus.ACTIVE,
            order.policy_file_id,
            order.invoice_file_id,
        )
        assert (policy.issued_headcount, policy.issued_premium, policy.issued_prevention_fee) == (
            order.headcount,
            order.premium,
            order.prevention_fee,
        )
        assert order.region_id is not None and policy.region_id == order.region_id  # 0010
