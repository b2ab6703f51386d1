"""续保 reminders: 30 and 7 days before a compulsory-sector policy ends, once each, until renewal starts."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from anze.basedata.models import Industry
from anze.notifications.models import Notification, SmsMessage
from anze.orders import applications, scenarios
from anze.orders.models import OrderStatus
from anze.policies import renewals
from anze.policies import scenarios as policy_scenarios
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(cast):
    cast.enterprise.industry = Industry.objects.get(code="construction")  # 应保尽保
    cast.enterprise.save()
    order = policy_scenarios.online_order(
        insurer_user=cast.clerk, enterprise_user=cast.applicant, until=OrderStatus.ISSUED
    )
    policy = Policy.objects.get(order=order)
    today = timezone.localdate()
    Policy.objects.filter(pk=policy.pk).update(
        period_start=today - timedelta(days=340), period_end=today + timedelta(days=25)
    )
    return Policy.objects.get(pk=policy.pk)


def reminders_sms(policy):
    return SmsMessage.objects.filter(dedupe_key__startswith=f"policy-expiry:{policy.pk}:")


def test_it_reminds_the_enterprise_and_the_insurer_once_per_threshold(cast, policy):
    assert renewals.send_reminders() == 1
    assert renewals.send_reminders() == 1  # due, but already reminded: nothing new
    sms = reminders_sms(policy).get()
    assert "将于25天后" in sms.text and "须依法续保" in sms.text and sms.phone == policy.order.contact_phone
    assert Notification.objects.filter(organisation=cast.insurer, title="保单即将到期").count() == 1
    Policy.objects.filter(pk=policy.pk).update(period_end=timezone.localdate() + timedelta(days=6))
    renewals.send_reminders()
    assert reminders_sms(policy).count() == 2


def test_it_stops_once_a_renewal_is_submitted(cast, policy):
    draft = applications.order_apply(
        actor=cast.applicant,
        submit=False,
        application=scenarios.application(
            cast.insurer, cast.enterprise, project_name=policy.order.project_name
        ),
    )
    assert renewals.send_reminders() == 1  # a draft does not count yet
    applications.order_submit(order=draft, actor=cast.applicant)
    Policy.objects.filter(pk=policy.pk).update(period_end=timezone.localdate() + timedelta(days=5))
    assert renewals.send_reminders() == 0
    assert reminders_sms(policy).count() == 1


def test_it_leaves_other_sectors_and_distant_ends_alone(cast, policy):
    cast.enterprise.industry = Industry.objects.get(code="footwear")
    cast.enterprise.save()
    assert renewals.send_reminders() == 0
    cast.enterprise.industry = Industry.objects.get(code="construction")
    cast.enterprise.save()
    Policy.objects.filter(pk=policy.pk).update(period_end=timezone.localdate() + timedelta(days=31))
    assert renewals.send_reminders() == 0


def test_the_command_runs_once(cast, policy):
    out = StringIO()
    call_command("remind_expiring", stdout=out)
    assert "1 份" in out.getvalue() and reminders_sms(policy).count() == 1
