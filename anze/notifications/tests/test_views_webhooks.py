"""系统管理 › 接口推送: the organisation's endpoints (the secret shown once) and their 推送记录."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry

from anze.core.sides import Side
from anze.core.testing import factories
from anze.notifications import webhooks
from anze.notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

from .test_webhooks import EVENT

pytestmark = pytest.mark.django_db
LIST = "/insurer/system/webhooks/"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(insurer):  # type: ignore[no-untyped-def]
    return insurer.client(insurer.admin)


def make_endpoint(user) -> WebhookEndpoint:  # type: ignore[no-untyped-def]
    return webhooks.endpoint_create(
        actor=user, name="核心系统", url="http://127.0.0.1:9/hook", events=[EVENT]
    )[0]


def test_the_admin_adds_an_endpoint_and_sees_its_secret_once(insurer, admin):
    dialog = admin.get(LIST + "add/", headers=HTMX).content.decode()
    assert "投保申请提交（order.submitted）" in dialog
    answer = admin.post(
        LIST + "add/",
        {"name": "核心业务系统", "url": "https://core.example.com/anze", "events": ["order.submitted"]},
        headers=HTMX,
    )
    assert answer.status_code == 200 and "anze:refresh" in answer["HX-Trigger"]
    secret = re.search(r'value="(whsec_[^"]+)"', answer.content.decode()).group(1)  # type: ignore[union-attr]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organisation == insurer.org and secret not in endpoint.secret
    page = admin.get(LIST).content.decode()
    assert "https://core.example.com/anze" in page and secret not in page and "投保申请提交" in page
    logged = LogEntry.objects.get_for_object(endpoint).get()  # 操作日志, filed under the organisation
    assert (
        logged.additional_data == {"organisation_id": insurer.org.pk} and "secret" not in logged.changes_dict
    )


def test_the_dialog_refuses_beside_its_fields(admin):
    answer = admin.post(LIST + "add/", {"name": "核心", "url": "https://core", "events": []}, headers=HTMX)
    assert answer.status_code == 422 and "请至少选择一个订阅事件" in answer.content.decode()
    answer = admin.post(
        LIST + "add/", {"name": "核心", "url": "core.example.com", "events": [EVENT]}, headers=HTMX
    )
    assert (
        answer.status_code == 422 and "请输入以 http:// 或 https:// 开头的推送地址" in answer.content.decode()
    )
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_edits_and_resets_an_endpoint_and_never_deletes_it(insurer, admin):
    endpoint = make_endpoint(insurer.admin)
    edited = admin.post(
        f"{LIST}{endpoint.uuid}/edit/",
        {"name": "新核心", "url": "https://new.example.com/hook", "events": [EVENT]},
        headers=HTMX,
    )
    assert edited.status_code == 204
    endpoint.refresh_from_db()
    assert endpoint.name == "新核心" and endpoint.is_active is False  # the switch was left off
    sealed = endpoint.secret
    reset = admin.post(f"{LIST}{endpoint.uuid}/secret/", headers=HTMX)
    assert reset.status_code == 200 and "whsec_" in reset.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != sealed
    assert (
        admin.post(f"{LIST}{endpoint.uuid}/delete/", headers=HTMX).status_code == 404
    )  # 停用, kept with its log


def test_a_failed_delivery_is_pushed_again_from_the_log(insurer, admin, django_capture_on_commit_callbacks):
    endpoint = make_endpoint(insurer.admin)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        organisation=insurer.org,
        event=EVENT,
        payload={"data": {"application_no": "202612010000000001"}},
        status=DeliveryStatus.FAILED,
        attempts=9,
        last_error="无法连接接收方：Connection refused",
    )
    page = admin.get(LIST).content.decode()
    assert "202612010000000001" in page and "无法连接接收方" in page and "重新推送" in page
    with django_capture_on_commit_callbacks():
        assert admin.post(f"{LIST}deliveries/{delivery.uuid}/resend/", headers=HTMX).status_code == 204
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_another_organisations_endpoints_and_deliveries_are_not_found(insurer, admin):
    other = make_endpoint(insurer.other_org_admin)
    delivery = WebhookDelivery.objects.create(endpoint=other, organisation=insurer.other_org, event=EVENT)
    assert insurer.other_org.name not in admin.get(LIST).content.decode()
    assert admin.get(f"{LIST}{other.uuid}/edit/").status_code == 404
    assert admin.post(f"{LIST}{other.uuid}/secret/").status_code == 404
    assert admin.post(f"{LIST}deliveries/{delivery.uuid}/resend/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=other.pk).exists()


def test_the_screens_need_the_permission_and_the_insurer_side(insurer):
    assert insurer.client(insurer.limited).get(LIST).status_code == 403
    assert insurer.client(insurer.foreign).get(LIST).status_code == 403
    enterprise = factories.user(factories.organisation(Side.ENTERPRISE), admin=True)
    assert insurer.client(enterprise).get("/enterprise/system/webhooks/").status_code == 404


def test_the_log_reads_a_constant_number_of_queries(insurer, admin, django_assert_max_num_queries):
    endpoint = make_endpoint(insurer.admin)
    WebhookDelivery.objects.create(endpoint=endpoint, organisation=insurer.org, event=EVENT)
    admin.get(LIST)
    with django_assert_max_num_queries(40) as few:
        admin.get(LIST)
    for _ in range(6):
        WebhookDelivery.objects.create(
            endpoint=make_endpoint(insurer.admin), organisation=insurer.org, event=EVENT
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin.get(LIST)
