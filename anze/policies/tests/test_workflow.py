"""The assignment's rules beyond the table: guards, the decline → reassign path, completion, events and the
notifications each step sends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anze.accounts.models import Organisation
from anze.core.errors import Refused
from anze.notifications.models import Notification, SmsMessage
from anze.policies import workflow
from anze.policies.models import ServiceEvent, ServiceStatus
from anze.policies.progress import service_progress
from anze.prevention import records, scenarios, selectors
from anze.prevention.models import RecordStatus

A = ServiceStatus
pytestmark = pytest.mark.django_db


def test_it_assigns_and_tells_the_organisation_by_sms_and_message(cast):
    policy = cast.policy()
    workflow.policy_assign_service(policy=policy, actor=cast.clerk, service_org=cast.org)
    policy = scenarios.fresh(policy)
    assert policy.service_status == A.PENDING and policy.service_org == cast.org
    assert policy.service_caption == "【安信安全】安全服务待处理"
    message = Notification.objects.get(organisation=cast.org)
    assert message.title == "新的安全服务订单" and policy.policy_no in message.body
    assert message.link == f"/service/orders/{policy.order.application_no}/"
    assert SmsMessage.objects.filter(phone="13960710001").count() == 1
    event = ServiceEvent.objects.get(policy=policy)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "assign",
        "none",
        "pending",
        cast.clerk,
    )


def test_it_shows_the_policy_to_the_organisation_the_moment_it_is_assigned(cast):
    policy = cast.policy()
    assert not selectors.assigned_policies(user=cast.org_admin).exists()
    scenarios.assign(policy, cast.clerk, cast.org)
    assert list(selectors.assigned_policies(user=cast.org_admin)) == [policy]
    assert not selectors.assigned_policies(user=cast.other_org_admin).exists()


def test_it_returns_a_declined_policy_to_the_insurer_with_the_reason_then_assigns_another(cast):
    policy = cast.policy()
    scenarios.assign(policy, cast.clerk, cast.org)
    workflow.policy_decline_service(
        policy=scenarios.fresh(policy), actor=cast.org_admin, reason="本月人手不足"
    )
    policy = scenarios.fresh(policy)
    assert policy.service_status == A.NONE and policy.service_org is None
    assert policy.service_decline_reason == "本月人手不足" and policy.service_declined_org == cast.org
    assert not selectors.assigned_policies(user=cast.org_admin).exists()
    told = Notification.objects.get(organisation=cast.insurer, title="服务机构拒绝了安全服务")
    assert "本月人手不足" in told.body
    assert workflow.SERVICE.can(policy, "assign", cast.clerk)

    scenarios.assign(policy, cast.clerk, cast.other_org)
    policy = scenarios.fresh(policy)
    assert policy.service_org == cast.other_org and policy.service_decline_reason == ""
    assert policy.service_declined_org is None
    # The timeline the second organisation sees holds none of the first one's steps.
    from anze.policies.selectors import events_for

    assert [e.action for e in events_for(policy, user=cast.other_org_admin)] == ["assign"]
    assert [e.action for e in events_for(policy, user=cast.clerk)] == ["assign", "decline", "assign"]


def test_it_requires_a_reason_to_decline(cast):
    policy = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    with pytest.raises(Refused) as exc:
        workflow.policy_decline_service(policy=policy, actor=cast.org_admin, reason="  ")
    assert exc.value.field == "reason" and "原因" in exc.value.message
    assert scenarios.fresh(policy).service_status == A.PENDING


def test_it_refuses_an_inactive_or_wrong_kind_of_organisation(cast):
    policy = cast.policy()
    Organisation.objects.filter(pk=cast.other_org.pk).update(is_active=False)
    cast.other_org.refresh_from_db()
    for org in (cast.other_org, cast.enterprise):
        with pytest.raises(Refused) as exc:
            workflow.policy_assign_service(policy=scenarios.fresh(policy), actor=cast.clerk, service_org=org)
        assert exc.value.field == "service_org"
    assert scenarios.fresh(policy).service_status == A.NONE


def test_it_refuses_assigning_a_policy_without_contracted_services(cast):
    policy = cast.policy(counts={}, scheme_overrides={"prevention_fee": Decimal("0")})
    with pytest.raises(Refused) as exc:
        workflow.policy_assign_service(policy=policy, actor=cast.clerk, service_org=cast.org)
    assert "没有约定" in exc.value.message


def test_it_refuses_another_insurers_policy_and_another_organisations_accept(cast):
    policy = cast.policy()
    with pytest.raises(Refused):
        workflow.policy_assign_service(policy=policy, actor=cast.other_clerk, service_org=cast.org)
    scenarios.assign(policy, cast.clerk, cast.org)
    with pytest.raises(Refused):
        workflow.policy_accept_service(policy=scenarios.fresh(policy), actor=cast.other_org_admin)
    assert scenarios.fresh(policy).service_status == A.PENDING


def test_it_tells_the_insurer_when_accepted(cast):
    policy = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    scenarios.accept(policy, cast.org_admin)
    assert scenarios.fresh(policy).service_caption == "【安信安全】安全服务中"
    assert Notification.objects.filter(organisation=cast.insurer, title="服务机构已接受").exists()


def test_it_completes_when_every_contracted_count_is_confirmed_and_not_before(cast):
    policy = cast.in_service(counts={"training": 2, "hazard_inspection": 1})
    first = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    second = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    third = scenarios.record(policy, cast.org_admin, "hazard_inspection", [cast.staff])
    scenarios.confirm(first, cast.applicant)
    scenarios.confirm(third, cast.applicant)
    assert scenarios.fresh(policy).service_status == A.IN_SERVICE  # one training still waits
    scenarios.confirm(second, cast.applicant)
    policy = scenarios.fresh(policy)
    assert policy.service_status == A.COMPLETED and policy.service_completed_at is not None
    assert policy.service_caption == "【安信安全】安全服务已完成"
    assert Notification.objects.filter(organisation=cast.insurer, title="安全服务已完成").exists()
    event = ServiceEvent.objects.get(policy=policy, action="complete")
    assert event.actor == cast.applicant and event.to_status == A.COMPLETED


def test_it_does_not_count_a_disputed_record_nor_a_correction_twice(cast):
    policy = cast.in_service(counts={"training": 2})
    first = scenarios.confirm(
        scenarios.record(policy, cast.org_admin, "training", [cast.staff]), cast.applicant
    )
    correction = records.record_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=scenarios.record_data(policy, "training", [cast.staff], place="更正后的地点"),
        corrects=first,
    )
    scenarios.confirm(correction, cast.applicant)
    disputed = scenarios.record(policy, cast.org_admin, "training", [cast.staff])
    records.record_dispute(record=scenarios.fresh_record(disputed), actor=cast.applicant, reason="日期不对")
    progress = service_progress(scenarios.fresh(policy))
    assert [(p.item.code, p.done, p.contracted) for p in progress] == [("training", 1, 2)]
    assert scenarios.fresh(policy).service_status == A.IN_SERVICE
    assert scenarios.fresh_record(disputed).status == RecordStatus.DISPUTED
