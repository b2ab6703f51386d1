"""The policy as its own record (issue 14): it keeps the files and scheme it was issued with, has a status,
and an order has at most one live policy — ``Order.policy`` — beside any reversed ones."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404

from anze.core.errors import Refused
from anze.orders.models import Order
from anze.policies import services
from anze.policies.models import Policy, PolicyStatus
from anze.policies.scopes import policies_visible_to, policy_of_order, with_live_policy

pytestmark = pytest.mark.django_db


def _reverse(policy: Policy) -> None:
    """What an approved 冲正 leaves: the policy reversed (the reversal workflow does the rest)."""
    Policy.objects.filter(pk=policy.pk).update(status=PolicyStatus.REVERSED)


def test_issue_keeps_the_files_and_the_scheme_on_the_policy(cast):
    policy = cast.policy()
    order = policy.order
    assert policy.status == PolicyStatus.ACTIVE and policy.is_live
    assert (policy.policy_file_id, policy.invoice_file_id) == (order.policy_file_id, order.invoice_file_id)
    assert policy.policy_file_id is not None
    assert (policy.issued_headcount, policy.issued_premium, policy.issued_prevention_fee) == (
        order.headcount,
        order.premium,
        order.prevention_fee,
    )


def test_the_order_policy_is_the_live_one(cast):
    policy = cast.policy()
    order = Order.objects.get(pk=policy.order_id)
    assert order.policy == policy
    _reverse(policy)
    assert Order.objects.get(pk=policy.order_id).policy is None
    assert Order(pk=None).policy is None


def test_an_order_cannot_have_two_live_policies(cast):
    policy = cast.policy()
    copy = Policy.objects.get(pk=policy.pk)
    copy.pk, copy.policy_no, copy.verification_code = None, "ANOTHER0001", "ZZZZZZZZ"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    _reverse(policy)
    copy.save()  # the reversed one no longer counts
    assert Order.objects.get(pk=policy.order_id).policy == copy


def test_a_page_about_the_order_shows_its_live_policy_else_the_latest_reversed(cast):
    policy = cast.policy()
    visible = policies_visible_to(cast.clerk)
    assert policy_of_order(visible, policy.order.application_no) == policy
    _reverse(policy)
    assert policy_of_order(visible, policy.order.application_no) == policy  # still readable, read-only
    again = Policy.objects.get(pk=policy.pk)
    again.pk, again.policy_no, again.verification_code, again.status = None, "AGAIN0001", "YYYYYYYY", "active"
    again.save()
    assert policy_of_order(visible, policy.order.application_no) == again
    with pytest.raises(Http404):
        policy_of_order(policies_visible_to(cast.other_clerk), policy.order.application_no)


def test_a_reversed_policys_number_stays_taken(cast):
    policy = cast.policy(policy_no="PTAKEN0001")
    other = cast.online(until="awaiting_issue")
    _reverse(policy)
    Order.objects.filter(pk=policy.order_id).update(
        policy_no="", status="awaiting_issue"
    )  # as 冲正 leaves it
    with pytest.raises(Refused) as refused:
        services.check_issue(order=other, policy_no="PTAKEN0001")
    assert (refused.value.message, refused.value.field) == (services.POLICY_NO_TAKEN, "policy_no")


def test_a_list_of_orders_reads_their_policies_in_one_query(cast, django_assert_num_queries):
    policies = [cast.policy() for _ in range(3)]
    _reverse(policies[0])
    orders = with_live_policy(Order.objects.filter(pk__in=[p.order_id for p in policies]).order_by("pk"))
    with django_assert_num_queries(2):
        found = [order.policy for order in orders]
    assert found == [None, policies[1], policies[2]]


@pytest.mark.django_db(transaction=True)
def test_reversal_blockers_registered_by_other_apps_refuse_with_their_message(cast):
    from anze.policies import lifecycle

    policy = cast.policy()
    assert lifecycle.reversal_blocked(policy) is None

    def has_note(p: Policy) -> str | None:
        return "该保单已有批注，不能冲正" if p.policy_no == "PBLOCKED01" else None

    lifecycle.reversal_blocker(has_note)
    lifecycle.reversal_blocker(has_note)
    try:
        assert lifecycle._REVERSAL_BLOCKERS.count(has_note) == 1
        assert lifecycle.reversal_blocked(policy) is None
        policy.policy_no = "PBLOCKED01"
        assert lifecycle.reversal_blocked(policy) == "该保单已有批注，不能冲正"
    finally:
        lifecycle._REVERSAL_BLOCKERS.remove(has_note)


def test_only_a_policy_in_force_takes_new_requests(cast):
    from anze.policies import lifecycle

    policy = cast.policy()
    lifecycle.check_live(policy, "报案")
    policy.status = PolicyStatus.REVERSED
    with pytest.raises(Refused, match="保单已冲正，不能报案"):
        lifecycle.check_live(policy, "报案")
    policy.status = PolicyStatus.SURRENDERED
    with pytest.raises(Refused, match="保单已退保，不能申请批改"):
        lifecycle.check_live(policy, "申请批改")


def test_issue_copies_the_orders_region(cast):
    """The regulators' scope and lists read the policy's own 区县 (an index of its own, no join to the order);
    test_migrations.py checks the policies issued before it got theirs."""
    policy = cast.policy()
    assert policy.order.region_id is not None and policy.region_id == policy.order.region_id
