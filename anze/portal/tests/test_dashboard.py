"""The enterprise's home page: cards (待确认报价, 待支付, 保障中保单, 未读消息) and the 续保 reminder of a
compulsory-sector enterprise whose policy ends within 30 days."""

from __future__ import annotations

import pytest

from anze.basedata.models import Industry
from anze.core.testing import factories
from anze.orders import applications
from anze.orders.models import OrderStatus
from anze.portal.tests.support import html
from anze.prevention import scenarios

S = OrderStatus
pytestmark = pytest.mark.django_db
HOME = "/enterprise/"


def card(page: str, label: str) -> str:
    end = page.index(f'<div class="label">{label}</div>')
    start = page.rfind('<a class="stat-card', 0, end)
    return page[start:end]


def expiring(cast, days_left: int = 14, **kwargs):  # type: ignore[no-untyped-def]
    return scenarios.issued_policy(
        insurer_user=cast.clerk, enterprise_user=cast.applicant, started_days_ago=364 - days_left, **kwargs
    )


def test_the_cards_count_what_waits_for_the_enterprise(cast, me, online):
    online(S.AWAITING_CONFIRMATION)
    online(S.AWAITING_CONFIRMATION)
    online(S.AWAITING_PAYMENT)
    online(S.AWAITING_QUOTE)
    page = html(me.get(HOME))
    assert '<div class="value">2</div>' in card(page, "待确认报价")
    assert "/enterprise/orders/?tab=awaiting_confirmation" in card(page, "待确认报价")
    assert '<div class="value">1</div>' in card(page, "待支付")
    assert '<div class="value">0</div>' in card(page, "保障中保单")
    unread = card(page, "未读消息")
    # three quotes ready, one payment notice uploaded
    assert '<div class="value">4</div>' in unread and "/enterprise/messages/" in unread


def test_the_policy_card_counts_policies_in_force(cast, me):
    scenarios.issued_policy(insurer_user=cast.clerk, enterprise_user=cast.applicant)
    scenarios.issued_policy(insurer_user=cast.clerk, enterprise_user=cast.applicant, started_days_ago=400)
    assert '<div class="value">1</div>' in card(html(me.get(HOME)), "保障中保单")


def test_a_user_without_order_permissions_sees_only_the_message_card(cast):
    viewer = factories.user(cast.enterprise, roles=[factories.role(cast.enterprise, ["system.user.view"])])
    page = html(cast.client(viewer).get(HOME))
    assert "未读消息" in page and "待确认报价" not in page and "保障中保单" not in page


def test_a_compulsory_enterprise_is_reminded_to_renew_within_30_days(cast, me):
    policy = expiring(cast, days_left=14)
    page = html(me.get(HOME))
    assert f"保单 {policy.policy_no}" in page and "将于14天后" in page and "建筑施工行业" in page
    assert f'href="/enterprise/apply/?renew={policy.order.application_no}"' in page and ">续保</a>" in page


def test_no_reminder_for_a_policy_ending_later_or_a_non_compulsory_sector(cast, me):
    expiring(cast, days_left=40)
    assert "data-notice" not in html(me.get(HOME))
    cast.enterprise.industry = Industry.objects.get(code="footwear")
    cast.enterprise.save()
    expiring(cast, days_left=10)
    assert "data-notice" not in html(me.get(HOME))


def test_the_reminder_points_to_a_saved_draft_and_ends_once_the_renewal_is_submitted(cast, me):
    policy = expiring(cast, days_left=5)
    apply = f"/enterprise/apply/?renew={policy.order.application_no}"
    form = html(me.get(apply))
    assert "续保申请" in form
    from anze.orders import scenarios as order_scenarios

    draft = applications.order_apply(
        actor=cast.applicant,
        application=order_scenarios.application(
            cast.insurer, cast.enterprise, project_name=policy.order.project_name
        ),
        submit=False,
    )
    page = html(me.get(HOME))
    assert "续保申请草稿尚未提交" in page and f"/enterprise/orders/{draft.application_no}/edit/" in page
    assert "alert-danger" in page  # a week or less left
    applications.order_submit(order=draft, actor=cast.applicant)
    assert "data-notice" not in html(me.get(HOME))


def test_the_reminder_needs_the_apply_permission(cast):
    expiring(cast)
    viewer = factories.user(cast.enterprise, roles=[factories.role(cast.enterprise, ["portal.order.view"])])
    assert "data-notice" not in html(cast.client(viewer).get(HOME))
