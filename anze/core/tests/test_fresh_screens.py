"""No stale screens (issue 12): after an action every region of the page that shows the changed object fetches
itself again on ``anze:refresh`` — the list region with its tab counts, a detail page's region, the bell — and
an action that takes the object out of the user's sight leaves its page. The browser tests
(e2e/test_fresh_screens.py) watch the same in Chromium; these check what the server sends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from anze.core.http import AnzeRequest
from anze.core.testing import hx_message, hx_trigger
from anze.core.testing.cast import Cast
from anze.core.views import done
from anze.policies.models import Policy
from anze.prevention import attachments, complaints, scenarios, services
from anze.prevention.models import Inspection

pytestmark = pytest.mark.django_db
REGION = 'hx-trigger="anze:refresh from:body"'


def hx(current_url: str, **headers: str) -> dict[str, Any]:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{current_url}", **headers}


def htmx_request(current_url: str) -> AnzeRequest:
    request = cast(AnzeRequest, RequestFactory().post("/service/orders/1/decline/", **hx(current_url)))
    request.htmx = HtmxDetails(request)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


# --- done() ------------------------------------------------------------------------------------------------
def test_done_says_refresh_to_the_page_that_acted():
    response = done(htmx_request("/service/orders/1/"), "已接受，服务开始", "/service/orders/1/")
    assert response.status_code == 204
    assert hx_trigger(response)["anze:done"] == {"message": "已接受，服务开始", "refresh": True}


def test_done_leaves_the_page_of_an_object_gone_from_sight():
    response = done(htmx_request("/service/orders/1/"), "已拒绝", "/service/orders/", gone=True)
    assert response.status_code == 204 and response["HX-Redirect"] == "/service/orders/"
    assert "HX-Trigger" not in response  # the message waits for the list page, as a flash


def test_done_refreshes_the_list_an_object_left_from_the_list():
    response = done(htmx_request("/service/orders/?tab=pending"), "已拒绝", "/service/orders/", gone=True)
    assert "HX-Redirect" not in response and hx_message(response) == "已拒绝"


# --- the regions --------------------------------------------------------------------------------------------
def test_every_detail_page_with_actions_refreshes_its_region(cast: Cast, client_for):
    """接受 on the service organisation's policy page said 已接受 but still showed 待处理 with 接受/拒绝."""
    pending = cast.policy()
    scenarios.assign(pending, cast.clerk, cast.org)
    no = pending.order.application_no
    served = cast.in_service()
    record = scenarios.record(served, cast.org_admin, "training", [cast.staff])
    inspection = _inspection(cast, served)
    complaint = complaints.complaint_file(
        policy=scenarios.fresh(served), actor=cast.applicant, content="未按约定上门"
    )
    pages = [
        (cast.org_admin, reverse("service:service_orders:detail", args=[no])),
        (cast.clerk, reverse("insurer:policies:detail", args=[no])),
        (cast.clerk, reverse("insurer:orders:detail", args=[no])),
        (cast.applicant, reverse("enterprise:services:policy", args=[no])),
        (cast.org_admin, reverse("service:service_orders:record", args=[record.uuid])),
        (cast.applicant, reverse("enterprise:services:record", args=[record.uuid])),
        (cast.org_admin, reverse("service:inspections:detail", args=[inspection.uuid])),
        (cast.org_admin, reverse("service:complaints:detail", args=[complaint.uuid])),
        (cast.clerk, reverse("insurer:complaints:detail", args=[complaint.uuid])),
    ]
    for user, url in pages:
        html = client_for(user).get(url).content.decode()
        assert f'id="detail-region" hx-get="{url}" {REGION} hx-select="#detail-region"' in html, url


def test_a_detail_pages_action_keeps_its_toast_instead_of_reloading_the_page(cast: Cast, client_for):
    """HX-Refresh reloaded the page right after the toast appeared, which took the toast away."""
    record = scenarios.record(cast.in_service(), cast.org_admin, "training", [cast.staff])
    url = reverse("enterprise:services:record", args=[record.uuid])
    response = client_for(cast.applicant).post(
        reverse("enterprise:services:record_confirm", args=[record.uuid]), **hx(url)
    )
    assert "HX-Refresh" not in response and hx_message(response) == "已确认"


def _inspection(cast: Cast, policy: Policy) -> Inspection:
    return services.inspection_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=services.InspectionData(
            inspected_on=timezone.localdate() - timedelta(days=1),
            place="仓库",
            staff=[cast.staff],
            summary="消防设施、用电安全检查",
            uploads=attachments.Uploads(),
        ),
    )


def test_accepting_on_the_detail_page_changes_what_its_region_shows(cast: Cast, client_for):
    policy = cast.policy()
    scenarios.assign(policy, cast.clerk, cast.org)
    url = reverse("service:service_orders:detail", args=[policy.order.application_no])
    c = client_for(cast.org_admin)
    before = c.get(url, **hx(url)).content.decode()
    assert 'data-action="accept"' in before and ">待处理<" in before
    response = c.post(reverse("service:service_orders:accept", args=[policy.order.application_no]), **hx(url))
    assert hx_trigger(response)["anze:done"]["refresh"] is True
    after = c.get(url, **hx(url)).content.decode()
    assert 'data-action="accept"' not in after and ">服务中<" in after


def test_declining_on_the_detail_page_goes_to_the_list(cast: Cast, client_for):
    """The policy is handed back to the insurer: refreshing its page would only say 记录不存在."""
    policy = cast.policy()
    scenarios.assign(policy, cast.clerk, cast.org)
    no = policy.order.application_no
    detail = reverse("service:service_orders:detail", args=[no])
    c = client_for(cast.org_admin)
    response = c.post(
        reverse("service:service_orders:decline", args=[no]), {"reason": "不在服务区域"}, **hx(detail)
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("service:service_orders:list")
    assert "已拒绝，保单已退回保险公司" in c.get(response["HX-Redirect"]).content.decode()
    assert c.get(detail).status_code == 404


def test_the_policy_lists_tab_counts_refresh_with_its_rows(cast: Cast, client_for):
    """After 申请第三方安全服务 the row updated but the tabs still read 未申请(7) / 待处理(2)."""
    policy = cast.policy()
    cast.policy()
    url = reverse("insurer:policies:list")
    c = client_for(cast.clerk)
    region = c.get(url, **hx(url, HTTP_HX_TARGET="list-region")).content.decode()
    assert 'id="list-region"' in region and 'data-tab="none">未申请<span class="count">(2)</span>' in region
    c.post(
        reverse("insurer:policies:assign", args=[policy.order.application_no]),
        {"service_org": cast.org.pk},
        **hx(url),
    )
    region = c.get(url, **hx(url, HTTP_HX_TARGET="list-region")).content.decode()
    assert 'data-tab="none">未申请<span class="count">(1)</span>' in region
    assert 'data-tab="pending">待处理<span class="count">(1)</span>' in region


def test_the_service_order_lists_tab_counts_refresh_with_its_rows(cast: Cast, client_for):
    for _ in range(2):
        scenarios.assign(cast.policy(), cast.clerk, cast.org)
    url = reverse("service:service_orders:list")
    c = client_for(cast.org_admin)
    region = c.get(url, **hx(url, HTTP_HX_TARGET="list-region")).content.decode()
    assert 'data-tab="pending">待处理<span class="count">(2)</span>' in region
