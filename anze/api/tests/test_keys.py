"""接口密钥: created by the 管理员 (shown once, stored as a digest), scoped to what its creator holds, revoked; the
rate limit per key; and the 系统管理 › 接口密钥 screens."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry

from anze.api import keys
from anze.api.models import ApiKey
from anze.core.errors import Refused
from anze.core.testing import factories

from .conftest import Api
from .test_orders import problem

pytestmark = pytest.mark.django_db
LIST = "/insurer/system/api-keys/"


# --- the service ----------------------------------------------------------------------------------------------------
def test_a_key_is_shown_once_and_stored_as_its_digest(cast):
    key, token = keys.key_create(actor=cast.clerk, name="核心业务系统", scopes=["order.quote", "order.view"])
    assert re.fullmatch(rf"anze_{key.prefix}_[A-Za-z0-9_-]{{43}}", token)
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.secret_hash == keys.digest(token) and token not in str(
        ApiKey.objects.values().get(pk=key.pk)
    )
    assert stored.scopes == ["order.view", "order.quote"]  # catalogue order
    assert keys.key_of(token) == key
    assert keys.key_of(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.additional_data == {"organisation_id": cast.insurer.pk}
    assert "secret_hash" not in entry.changes_dict


def test_a_key_never_carries_a_permission_its_creator_lacks(cast):
    it = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["system.api_key", "order.view"])])
    with pytest.raises(Refused) as refused:
        keys.key_create(actor=it, name="对接", scopes=["order.view", "order.quote"])
    assert refused.value.errors == {"scopes": ["不能授予您本人不具备的权限：报价"]}
    with pytest.raises(Refused) as refused:
        keys.key_create(actor=cast.clerk, name="对接", scopes=["portal.apply", "system.log.operation"])
    assert refused.value.errors == {"scopes": ["开放接口不提供这些权限：portal.apply、system.log.operation"]}
    clerk = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["order.view", "order.quote"])])
    with pytest.raises(Refused, match="没有该操作的权限"):
        keys.key_create(actor=clerk, name="对接", scopes=["order.view"])
    assert keys.key_create(actor=it, name="对接", scopes=["order.view"])[0].scopes == ["order.view"]
    assert all("order.quote" not in key.scopes for key in ApiKey.objects.all())


def test_a_key_needs_a_name_unique_among_the_valid_ones(cast):
    with pytest.raises(Refused) as refused:
        keys.key_create(actor=cast.clerk, name=" ", scopes=[])
    assert refused.value.errors == {"name": ["请输入密钥名称"], "scopes": ["请至少选择一项授权范围"]}
    key, _ = keys.key_create(actor=cast.clerk, name="核心系统", scopes=["order.view"])
    with pytest.raises(Refused, match="已有同名的有效密钥"):
        keys.key_create(actor=cast.clerk, name="核心系统", scopes=["order.view"])
    keys.key_revoke(actor=cast.clerk, key=key)
    assert keys.key_create(actor=cast.other_clerk, name="核心系统", scopes=["order.view"])
    assert keys.key_create(actor=cast.clerk, name="核心系统", scopes=["order.view"])


def test_a_revoked_key_stops_at_once(cast, token_for):
    token = token_for("order.view")
    api = Api(token)
    assert api.get("/orders").status_code == 200
    key = keys.key_of(token)
    assert key is not None and key.last_used_at is not None
    keys.key_revoke(actor=cast.clerk, key=key)
    problem(api.get("/orders"), 401)
    with pytest.raises(Refused, match="该密钥已吊销"):
        keys.key_revoke(actor=cast.clerk, key=key)


def test_a_key_is_limited_per_minute_with_retry_after(cast, token_for, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    busy, quiet = Api(token_for("order.view")), Api(token_for("order.view"))
    assert [busy.get("/orders").status_code for _ in range(2)] == [200, 200]
    limited = busy.get("/orders")
    body = problem(limited, 429)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert body["detail"].startswith("每个接口密钥每分钟最多调用2次")
    assert quiet.get("/orders").status_code == 200


# --- the screens ----------------------------------------------------------------------------------------------------
def test_the_admin_creates_a_key_and_sees_its_token_once(cast):
    client = cast.client(cast.clerk)
    dialog = client.get(LIST + "add/", headers={"HX-Request": "true"})
    assert dialog.status_code == 200 and "报价（order.quote）" in dialog.content.decode()
    # the scopes under their menu groups, as the role editor shows them: 报价 under 订单管理
    groups = re.findall(
        r'check-group-title">([^<]+)</div><div class="checks-inline">(.*?)</div></div>',
        dialog.content.decode(),
        re.S,
    )
    assert "订单管理" in dict(groups) and "报价（order.quote）" in dict(groups)["订单管理"]
    assert len(groups) > 1
    answer = client.post(
        LIST + "add/",
        {"name": "核心业务系统", "scopes": ["order.view", "order.quote"]},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200 and "anze:refresh" in answer["HX-Trigger"]
    token = re.search(r'value="(anze_[^"]+)"', answer.content.decode()).group(1)  # type: ignore[union-attr]
    assert keys.key_of(token).name == "核心业务系统"  # type: ignore[union-attr]
    listing = client.get(LIST).content.decode()
    assert "核心业务系统" in listing and token not in listing and "从未使用" in listing


def test_the_dialog_refuses_beside_its_fields(cast):
    client = cast.client(cast.clerk)
    answer = client.post(
        LIST + "add/", {"name": "", "scopes": ["portal.apply"]}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "请输入密钥名称" in text and "不能授予您本人不具备的权限" in text
    assert not ApiKey.objects.exists()


def test_the_admin_revokes_a_key_of_the_organisation_only(cast):
    key, _ = keys.key_create(actor=cast.clerk, name="旧系统", scopes=["order.view"])
    other, _ = keys.key_create(actor=cast.other_clerk, name="别家", scopes=["order.view"])
    client = cast.client(cast.clerk)
    assert client.post(f"{LIST}{other.uuid}/revoke/").status_code == 404
    assert client.post(f"{LIST}{key.uuid}/revoke/", headers={"HX-Request": "true"}).status_code == 204
    key.refresh_from_db()
    other.refresh_from_db()
    assert key.revoked_at is not None and other.revoked_at is None
    assert "已吊销" in client.get(LIST).content.decode()


def test_the_screens_need_the_permission_and_the_insurer_side(cast):
    clerk = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["order.view"])])
    assert cast.client(clerk).get(LIST).status_code == 403
    assert cast.client(cast.applicant).get(LIST).status_code in (403, 404)
    assert cast.client(cast.applicant).get("/enterprise/system/api-keys/").status_code == 404
    assert cast.client().get(LIST).status_code == 302


def test_the_list_reads_a_constant_number_of_queries(cast, django_assert_max_num_queries):
    client = cast.client(cast.clerk)
    keys.key_create(actor=cast.clerk, name="甲", scopes=["order.view"])
    client.get(LIST)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for n in range(5):
        keys.key_create(actor=cast.clerk, name=f"乙{n}", scopes=["order.view"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
