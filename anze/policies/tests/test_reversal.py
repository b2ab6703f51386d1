"""冲正 (``policies.reversal``): the request, the two-person review, what the approval does to the policy, its
service, its order and who is told — and what refuses it (blockers asked at the request and again at the
approval), each refusal leaving everything as it was. Then the order issued again under a new number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from anze.core.errors import Refused
from anze.notifications.models import Notification, SmsMessage
from anze.orders.models import Order, OrderEvent, OrderStatus
from anze.policies import lifecycle, reversal, scenarios, services, workflow
from anze.policies.models import (
    Policy,
    PolicyReversal,
    PolicyStatus,
    ReversalEvent,
    ReversalStatus,
    ServiceEvent,
    ServiceStatus,
)
from anze.policies.verify import verification_status
from anze.prevention import attachments, complaints
from anze.prevention import scenarios as prevention_scenarios
from anze.prevention import selectors as prevention_selectors
from anze.prevention import services as prevention_services

pytestmark = pytest.mark.django_db
REASON = "保单编号录入错误，应为PICC新号段"


def _fresh(policy: Policy) -> Policy:
    return Policy.objects.select_related("order", "insurer", "enterprise", "service_org").get(pk=policy.pk)


def _snapshot(policy: Policy) -> tuple:
    """Everything a refused step must leave as it was."""
    p = _fresh(policy)
    o = p.order
    return (
        p.status,
        p.service_status,
        p.service_org_id,
        o.status,
        o.policy_no,
        o.policy_file_id,
        list(PolicyReversal.objects.filter(policy=p).values_list("status", "reviewed_by_id")),
        ReversalEvent.objects.count(),
        OrderEvent.objects.filter(order=o).count(),
        SmsMessage.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def blocker():
    """A blocker registered as the claims app would register its own (``lifecycle.reversal_blocker``):
    refuses the policies whose ids are put in ``blocked``."""
    blocked: set[int] = set()

    def has_claim(policy: Policy) -> str | None:
        return "该保单已有理赔案件，不能冲正" if policy.pk in blocked else None

    lifecycle.reversal_blocker(has_claim)
    yield blocked
    lifecycle._REVERSAL_BLOCKERS.remove(has_claim)


# --- 申请冲正 ------------------------------------------------------------------------------------------------------
def test_a_clerk_requests_with_a_reason_and_the_reviewers_are_told(cast, requester):
    policy = cast.policy()
    sms = SmsMessage.objects.count()
    made = reversal.reversal_request(policy=policy, actor=requester, reason=f"  {REASON}  ")
    assert (made.status, made.reason, made.requested_by, made.insurer) == (
        ReversalStatus.PENDING,
        REASON,
        requester,
        cast.insurer,
    )
    event = ReversalEvent.objects.get(reversal=made)
    assert (event.action, event.action_label, event.to_status, event.reason) == (
        "request",
        "申请冲正",
        "pending",
        REASON,
    )
    note = Notification.objects.get(dedupe_key=f"reversal-event:{event.pk}:reviewers")
    assert (note.organisation, note.permission, note.link) == (
        cast.insurer,
        "policy.reversal_review",
        "/insurer/reversals/",
    )
    assert policy.policy_no in note.body and REASON in note.body
    assert SmsMessage.objects.count() == sms  # the enterprise hears of it only once approved
    entry = LogEntry.objects.filter(additional_data__action="request").get()
    assert entry.object_repr == f"保单 {policy.policy_no}" and entry.changes["原因"] == ["", REASON]
    assert _fresh(policy).status == PolicyStatus.ACTIVE


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写申请冲正的原因"), ("   ", "请填写申请冲正的原因"), ("长" * 501, "原因不能超过500个字")],
)
def test_a_request_needs_a_reason(cast, requester, reason, message):
    policy = cast.policy()
    before = _snapshot(policy)
    with pytest.raises(Refused) as refused:
        reversal.reversal_request(policy=policy, actor=requester, reason=reason)
    assert (refused.value.field, refused.value.message) == ("reason", message)
    assert _snapshot(policy) == before


def test_a_request_is_refused_without_the_permission_or_for_another_insurers_policy(cast, reviewer):
    policy = cast.policy()
    before = _snapshot(policy)
    for actor, message in (
        (reviewer, "没有该操作的权限"),  # 冲正审核 alone does not request
        (cast.applicant, "没有该操作的权限"),
        (cast.org_admin, "没有该操作的权限"),
        (cast.other_clerk, "保单不存在或无权操作"),
    ):
        with pytest.raises(Refused, match=message):
            reversal.reversal_request(policy=policy, actor=actor, reason=REASON)
        assert reversal.why_not_request(policy, actor) == message
    assert _snapshot(policy) == before


def test_one_request_waits_per_policy(cast, requester):
    policy = cast.policy()
    reversal.reversal_request(policy=policy, actor=requester, reason=REASON)
    with pytest.raises(Refused, match=reversal.PENDING_EXISTS):
        reversal.reversal_request(policy=policy, actor=cast.clerk, reason="再次申请")
    assert reversal.why_not_request(policy, cast.clerk) == reversal.PENDING_EXISTS
    assert PolicyReversal.objects.filter(policy=policy).count() == 1


def test_the_database_keeps_one_pending_request_per_policy_if_two_clerks_ask_at_once(cast, requester):
    """The check before the insert cannot see a request not yet committed; the constraint can."""
    from django.db import IntegrityError, transaction

    policy = cast.policy()
    reversal.reversal_request(policy=policy, actor=requester, reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyReversal.objects.create(
            policy=policy, insurer=cast.insurer, reason="另一位业务员", requested_by=cast.clerk
        )


def test_a_reversed_policy_takes_no_request(cast, requester, reviewer):
    policy = scenarios.reverse(cast.policy(), requester=requester, reviewer=reviewer)
    with pytest.raises(Refused, match="保单已冲正，不能申请冲正"):
        reversal.reversal_request(policy=policy, actor=requester, reason=REASON)


def test_a_policy_with_a_claim_or_service_history_cannot_be_requested(cast, requester, blocker):
    claimed = cast.policy()
    blocker.add(claimed.pk)
    served = cast.in_service()
    prevention_scenarios.record(served, cast.org_admin, "training", [cast.staff])
    inspected = cast.in_service()
    prevention_services.inspection_create(
        policy=prevention_scenarios.fresh(inspected),
        actor=cast.org_admin,
        data=prevention_services.InspectionData(
            inspected_on=timezone.localdate() - timedelta(days=1),
            place="生产车间",
            staff=[cast.staff],
            summary="例行隐患排查",
            uploads=attachments.Uploads(),
        ),
    )
    complained = cast.in_service()
    complaints.complaint_file(
        policy=prevention_scenarios.fresh(complained), actor=cast.applicant, content="未按约上门"
    )
    for policy, message in (
        (claimed, "该保单已有理赔案件，不能冲正"),
        (served, "该保单已有服务记录，不能冲正"),
        (inspected, "该保单已有隐患排查记录，不能冲正"),
        (complained, "该保单已有服务投诉，不能冲正"),
    ):
        with pytest.raises(Refused, match=message):
            reversal.reversal_request(policy=_fresh(policy), actor=requester, reason=REASON)
        assert reversal.why_not_request(_fresh(policy), requester) == message
    assert not PolicyReversal.objects.exists()


# --- 审核: two people -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_requester_never_reviews_their_own_request_even_holding_both_permissions(cast, action):
    policy = cast.policy()
    clerk = cast.clerk  # the 管理员: 申请冲正 and 冲正审核
    assert clerk.has_perm_code("policy.reversal_request") and clerk.has_perm_code("policy.reversal_review")
    made = reversal.reversal_request(policy=policy, actor=clerk, reason=REASON)
    before = _snapshot(policy)
    with pytest.raises(Refused, match=reversal.OWN_REQUEST):
        if action == "approve":
            reversal.reversal_approve(reversal=made, actor=clerk)
        else:
            reversal.reversal_reject(reversal=made, actor=clerk, reason="不同意")
    assert reversal.why_not_review(made, action, clerk) == reversal.OWN_REQUEST
    assert _snapshot(policy) == before


def test_a_review_needs_the_permission_and_the_insurer(cast, requester):
    made = reversal.reversal_request(policy=cast.policy(), actor=requester, reason=REASON)
    other = PolicyReversal.objects.get(pk=made.pk)
    with pytest.raises(Refused, match="没有该操作的权限"):
        reversal.reversal_approve(reversal=other, actor=requester)
    with pytest.raises(Refused, match="冲正申请不存在或无权操作"):
        reversal.reversal_approve(reversal=other, actor=cast.other_clerk)
    assert PolicyReversal.objects.get(pk=made.pk).status == ReversalStatus.PENDING


# --- 通过 ---------------------------------------------------------------------------------------------------------
def test_the_approval_voids_the_policy_and_sends_the_order_back_to_be_issued_again(cast, requester, reviewer):
    policy = cast.policy()
    order = policy.order
    files = (policy.policy_file_id, policy.invoice_file_id, policy.contract_file_id)
    made = reversal.reversal_request(policy=policy, actor=requester, reason=REASON)
    reversal.reversal_approve(reversal=made, actor=reviewer)

    made.refresh_from_db()
    assert (made.status, made.reviewed_by, made.reviewed_at is not None) == (
        ReversalStatus.APPROVED,
        reviewer,
        True,
    )
    voided = _fresh(policy)
    assert voided.status == PolicyStatus.REVERSED and voided.policy_no == policy.policy_no
    assert (voided.policy_file_id, voided.invoice_file_id, voided.contract_file_id) == files
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.AWAITING_ISSUE and order.policy is None
    assert (order.policy_no, order.policy_file_id, order.invoice_file_id, order.contract_file_id) == (
        "",
        None,
        None,
        None,
    )
    assert order.issued_at is None and order.last_reason == REASON

    event = ReversalEvent.objects.get(reversal=made, action="approve")
    assert (event.from_status, event.to_status, event.changes) == (
        "pending",
        "approved",
        {"policy_no": policy.policy_no, "policy_status": "已冲正"},
    )
    step = OrderEvent.objects.get(order=order, action="reverse")
    assert (step.action_label, step.from_status, step.to_status, step.reason, step.actor) == (
        "冲正",
        "issued",
        "awaiting_issue",
        REASON,
        reviewer,
    )
    sms = SmsMessage.objects.get(phone=order.contact_phone, text__contains="冲正作废")
    assert policy.policy_no in sms.text and REASON in sms.text
    assert Notification.objects.filter(organisation=cast.enterprise, title="保单已冲正").exists()
    told = Notification.objects.get(dedupe_key=f"reversal-event:{event.pk}:requester")
    assert told.user == requester and told.title == "冲正申请已通过"
    labels = set(LogEntry.objects.values_list("additional_data__label", flat=True))
    assert {"申请冲正", "通过冲正申请", "冲正"} <= labels


def test_the_approval_withdraws_a_service_not_yet_begun_and_tells_the_organisation(cast, requester, reviewer):
    for policy in (
        prevention_scenarios.assign(cast.policy(), cast.clerk, cast.org),  # 待处理
        cast.in_service(),  # 服务中, nothing recorded yet
    ):
        assert prevention_selectors.assigned_policies(user=cast.org_admin).filter(pk=policy.pk).exists()
        made = reversal.reversal_request(policy=_fresh(policy), actor=requester, reason=REASON)
        reversal.reversal_approve(reversal=made, actor=reviewer)
        voided = _fresh(policy)
        assert (voided.status, voided.service_status, voided.service_org) == (
            PolicyStatus.REVERSED,
            ServiceStatus.NONE,
            None,
        )
        assert not prevention_selectors.assigned_policies(user=cast.org_admin).filter(pk=policy.pk).exists()
        step = ServiceEvent.objects.get(policy=policy, action="withdraw")
        assert (step.service_org, step.action_label) == (cast.org, "撤销安全服务（冲正）")
        assert (
            SmsMessage.objects.filter(phone=cast.org.contact_phone, text__contains=policy.policy_no)
            .filter(text__contains="已撤销")
            .exists()
        )
        event = ReversalEvent.objects.get(reversal=made, action="approve")
        assert event.changes["service_org"] == cast.org.name


def test_a_reversed_policy_gets_no_new_service(cast, requester, reviewer):
    policy = scenarios.reverse(cast.policy(), requester=requester, reviewer=reviewer)
    with pytest.raises(Refused, match="保单已冲正，不能申请第三方安全服务"):
        workflow.policy_assign_service(policy=policy, actor=cast.clerk, service_org=cast.org)


def test_the_approval_asks_the_blockers_again(cast, requester, reviewer, blocker):
    claimed = cast.policy()
    served = cast.in_service()
    asked = {
        p.pk: reversal.reversal_request(policy=_fresh(p), actor=requester, reason=REASON)
        for p in (claimed, served)
    }
    blocker.add(claimed.pk)  # a claim filed after the request
    prevention_scenarios.record(served, cast.org_admin, "training", [cast.staff])  # a service record, idem
    for policy, message in (
        (claimed, "该保单已有理赔案件，不能冲正"),
        (served, "该保单已有服务记录，不能冲正"),
    ):
        before = _snapshot(policy)
        made = PolicyReversal.objects.get(pk=asked[policy.pk].pk)
        assert reversal.why_not_review(made, "approve", reviewer) == message
        with pytest.raises(Refused, match=message):
            reversal.reversal_approve(reversal=made, actor=reviewer)
        assert _snapshot(policy) == before
        # It can still be rejected.
        reversal.reversal_reject(reversal=made, actor=reviewer, reason="已有理赔或服务，改为批改")


def test_the_approval_inside_its_transaction_sees_a_blocker_that_appeared_after_its_first_check(
    cast, requester, reviewer, blocker
):
    """The blockers are asked again after the policy's row is locked: a claim committed between the reviewer's
    opening of the dialog (the guard) and the UPDATE still refuses — nothing half-done."""
    policy = cast.policy()
    made = reversal.reversal_request(policy=policy, actor=requester, reason=REASON)
    calls = []

    def appears_on_second_look(p: Policy) -> str | None:
        calls.append(p.pk)
        return "该保单已有批改记录，不能冲正" if len(calls) > 1 else None

    lifecycle.reversal_blocker(appears_on_second_look)
    try:
        before = _snapshot(policy)
        with pytest.raises(Refused, match="该保单已有批改记录，不能冲正"):
            reversal.reversal_approve(reversal=made, actor=reviewer)
        assert _snapshot(policy) == before
    finally:
        lifecycle._REVERSAL_BLOCKERS.remove(appears_on_second_look)


# --- 驳回 ---------------------------------------------------------------------------------------------------------
def test_a_rejection_needs_a_reason_keeps_the_policy_and_tells_the_requester(cast, requester, reviewer):
    policy = cast.policy()
    made = reversal.reversal_request(policy=policy, actor=requester, reason=REASON)
    before = _snapshot(policy)
    with pytest.raises(Refused) as refused:
        reversal.reversal_reject(reversal=made, actor=reviewer, reason=" ")
    assert (refused.value.field, refused.value.message) == ("reason", "请填写驳回冲正申请的原因")
    assert _snapshot(policy) == before
    reversal.reversal_reject(reversal=made, actor=reviewer, reason="保单信息无误")
    made.refresh_from_db()
    assert (made.status, made.review_reason, made.reviewed_by) == (
        ReversalStatus.REJECTED,
        "保单信息无误",
        reviewer,
    )
    assert _fresh(policy).status == PolicyStatus.ACTIVE and _fresh(policy).order.status == OrderStatus.ISSUED
    event = ReversalEvent.objects.get(reversal=made, action="reject")
    told = Notification.objects.get(dedupe_key=f"reversal-event:{event.pk}:requester")
    assert told.user == requester and "保单信息无误" in told.body
    with pytest.raises(Refused, match="冲正申请当前状态为“已驳回”，不能通过冲正申请"):
        reversal.reversal_approve(reversal=made, actor=reviewer)
    # A new request may follow a rejected one.
    assert (
        reversal.reversal_request(policy=policy, actor=requester, reason="补充说明后再次申请").status
        == "pending"
    )


# --- issued again ---------------------------------------------------------------------------------------------------
def test_an_online_order_is_issued_again_under_a_new_number_the_old_one_stays_taken(
    cast, requester, reviewer
):
    policy = scenarios.reverse(cast.policy(policy_no="PREV000001"), requester=requester, reviewer=reviewer)
    order = Order.objects.get(pk=policy.order_id)
    with pytest.raises(Refused, match=services.POLICY_NO_TAKEN):
        scenarios.issue(order, actor=requester, policy_no="PREV000001")
    scenarios.issue(Order.objects.get(pk=order.pk), actor=requester, policy_no="PREV000002")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.policy_no, order.policy.policy_no) == (
        OrderStatus.ISSUED,
        "PREV000002",
        "PREV000002",
    )
    assert order.policy.status == PolicyStatus.ACTIVE and order.policy.policy_file_id == order.policy_file_id
    assert order.policy.policy_file_id != policy.policy_file_id
    assert _fresh(policy).status == PolicyStatus.REVERSED
    assert sorted(order.policies.values_list("policy_no", "status")) == [
        ("PREV000001", "reversed"),
        ("PREV000002", "active"),
    ]
    assert order.last_reason == ""
    # And the new policy can be reversed in its turn.
    again = scenarios.reverse(order.policy, requester=requester, reviewer=reviewer, reason="再次录错")
    assert again.status == PolicyStatus.REVERSED


def test_an_offline_order_goes_back_to_its_backfill_and_is_issued_again(cast, requester, reviewer):
    order = scenarios.offline_order(
        insurer_user=cast.clerk, enterprise=cast.enterprise, issued=True, policy_no="POFF0001"
    )
    policy = scenarios.reverse(order.policy, requester=requester, reviewer=reviewer)
    order = Order.objects.get(pk=order.pk)
    assert order.status == OrderStatus.AWAITING_ISSUE
    from anze.orders.transitions import ORDER

    assert ORDER.can(order, "issue_offline", requester) and not ORDER.can(order, "issue", requester)
    scenarios.issue(order, actor=requester, policy_no="POFF0002")
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.policy.policy_no, _fresh(policy).status) == (
        OrderStatus.ISSUED,
        "POFF0002",
        PolicyStatus.REVERSED,
    )


# --- 电子保单验真 ---------------------------------------------------------------------------------------------------
def test_the_verification_says_reversed_whatever_the_period(cast, requester, reviewer, client):
    policy = scenarios.reverse(cast.policy(), requester=requester, reviewer=reviewer)
    assert verification_status(policy) == ("已冲正", "danger")
    html = client.post(
        "/verify/", {"policy_no": policy.policy_no, "code": policy.verification_code}
    ).content.decode()
    assert 'data-testid="verify-status">已冲正<' in html
