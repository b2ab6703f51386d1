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


def test_it_assigns_and_tells_the_organisation_by_sms_and_message(svc):
    policy = svc.policy()
    workflow.policy_assign_service(policy=policy, actor=svc.clerk, service_org=svc.org)
    policy = scenarios.fresh(policy)
    assert policy.service_status == A.PENDING and policy.service_org == svc.org
    assert policy.service_caption == "【安信安全】安全服务待处理"
    message = Notification.objects.get(organisation=svc.org)
    assert message.title == "新的安全服务订单" and policy.policy_no in message.body
    assert message.link == f"/service/orders/{policy.order.application_no}/"
    assert SmsMessage.objects.filter(phone="13960710001").count() == 1
    event = ServiceEvent.objects.get(policy=policy)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "assign",
        "none",
        "pending",
        svc.clerk,
    )


def test_it_shows_the_policy_to_the_organisation_the_moment_it_is_assigned(svc):
    policy = svc.policy()
    assert not selectors.assigned_policies(user=svc.org_admin).exists()
    scenarios.assign(policy, svc.clerk, svc.org)
    assert list(selectors.assigned_policies(user=svc.org_admin)) == [policy]
    assert not selectors.assigned_policies(user=svc.other_org_admin).exists()


def test_it_returns_a_declined_policy_to_the_insurer_with_the_reason_then_assigns_another(svc):
    policy = svc.policy()
    scenarios.assign(policy, svc.clerk, svc.org)
    workflow.policy_decline_service(
        policy=scenarios.fresh(policy), actor=svc.org_admin, reason="本月人手不足"
    )
    policy = scenarios.fresh(policy)
    assert policy.service_status == A.NONE and policy.service_org is None
    assert policy.service_decline_reason == "本月人手不足" and policy.service_declined_org == svc.org
    assert not selectors.assigned_policies(user=svc.org_admin).exists()
    told = Notification.objects.get(organisation=svc.insurer, title="服务机构拒绝了安全服务")
    assert "本月人手不足" in told.body
    assert workflow.SERVICE.can(policy, "assign", svc.clerk)

    scenarios.assign(policy, svc.clerk, svc.other_org)
    policy = scenarios.fresh(policy)
    assert policy.service_org == svc.other_org and policy.service_decline_reason == ""
    assert policy.service_declined_org is None
    # The timeline the second organisation sees holds none of the first one's steps.
    from anze.policies.selectors import events_for

    assert [e.action for e in events_for(policy, user=svc.other_org_admin)] == ["assign"]
    assert [e.action for e in events_for(policy, user=svc.clerk)] == ["assign", "decline", "assign"]


def test_it_requires_a_reason_to_decline(svc):
    policy = scenarios.assign(svc.policy(), svc.clerk, svc.org)
    with pytest.raises(Refused) as exc:
        workflow.policy_decline_service(policy=policy, actor=svc.org_admin, reason="  ")
    assert exc.value.field == "reason" and "原因" in exc.value.message
    assert scenarios.fresh(policy).service_status == A.PENDING


def test_it_refuses_an_inactive_or_wrong_kind_of_organisation(svc):
    policy = svc.policy()
    Organisation.objects.filter(pk=svc.other_org.pk).update(is_active=False)
    svc.other_org.refresh_from_db()
    for org in (svc.other_org, svc.enterprise):
        with pytest.raises(Refused) as exc:
            workflow.policy_assign_service(policy=scenarios.fresh(policy), actor=svc.clerk, service_org=org)
        assert exc.value.field == "service_org"
    assert scenarios.fresh(policy).service_status == A.NONE


def test_it_refuses_assigning_a_policy_without_contracted_services(svc):
    policy = svc.policy(counts={}, scheme_overrides={"prevention_fee": Decimal("0")})
    with pytest.raises(Refused) as exc:
        workflow.policy_assign_service(policy=policy, actor=svc.clerk, service_org=svc.org)
    assert "没有约定" in exc.value.message


def test_it_refuses_another_insurers_policy_and_another_organisations_accept(svc):
    policy = svc.policy()
    with pytest.raises(Refused):
        workflow.policy_assign_service(policy=policy, actor=svc.other_clerk, service_org=svc.org)
    scenarios.assign(policy, svc.clerk, svc.org)
    with pytest.raises(Refused):
        workflow.policy_accept_service(policy=scenarios.fresh(policy), actor=svc.other_org_admin)
    assert scenarios.fresh(policy).service_status == A.PENDING


def test_it_tells_the_insurer_when_accepted(svc):
    policy = scenarios.assign(svc.policy(), svc.clerk, svc.org)
    scenarios.accept(policy, svc.org_admin)
    assert scenarios.fresh(policy).service_caption == "【安信安全】安全服务中"
    assert Notification.objects.filter(organisation=svc.insurer, title="服务机构已接受").exists()


def test_it_completes_when_every_contracted_count_is_confirmed_and_not_before(svc):
    policy = svc.in_service(counts={"training": 2, "hazard_inspection": 1})
    first = scenarios.record(policy, svc.org_admin, "training", [svc.staff])
    second = scenarios.record(policy, svc.org_admin, "training", [svc.staff])
    third = scenarios.record(policy, svc.org_admin, "hazard_inspection", [svc.staff])
    scenarios.confirm(first, svc.applicant)
    scenarios.confirm(third, svc.applicant)
    assert scenarios.fresh(policy).service_status == A.IN_SERVICE  # one training still waits
    scenarios.confirm(second, svc.applicant)
    policy = scenarios.fresh(policy)
    assert policy.service_status == A.COMPLETED and policy.service_completed_at is not None
    assert policy.service_caption == "【安信安全】安全服务已完成"
    assert Notification.objects.filter(organisation=svc.insurer, title="安全服务已完成").exists()
    event = ServiceEvent.objects.get(policy=policy, action="complete")
    assert event.actor == svc.applicant and event.to_status == A.COMPLETED


def test_it_does_not_count_a_disputed_record_nor_a_correction_twice(svc):
    policy = svc.in_service(counts={"training": 2})
    first = scenarios.confirm(scenarios.record(policy, svc.org_admin, "training", [svc.staff]), svc.applicant)
    correction = records.record_create(
        policy=scenarios.fresh(policy),
        actor=svc.org_admin,
        data=scenarios.record_data(policy, "training", [svc.staff], place="更正后的地点"),
        corrects=first,
    )
    scenarios.confirm(correction, svc.applicant)
    disputed = scenarios.record(policy, svc.org_admin, "training", [svc.staff])
    records.record_dispute(record=scenarios.fresh_record(disputed), actor=svc.applicant, reason="日期不对")
    progress = service_progress(scenarios.fresh(policy))
    assert [(p.item.code, p.done, p.contracted) for p in progress] == [("training", 1, 2)]
    assert scenarios.fresh(policy).service_status == A.IN_SERVICE
    assert scenarios.fresh_record(disputed).status == RecordStatus.DISPUTED
