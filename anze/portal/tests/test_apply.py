"""投保申请: the form (defaults from the enterprise, insurers, active service items), 保存草稿 / 提交 (→ 待报价, the
insurer told), editing a draft, each field's Chinese error, bad files, 续保 prefilled, and who may do it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from anze.basedata.models import ServiceItem
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing as files
from anze.documents.tests import samples
from anze.notifications.models import Notification
from anze.orders import applications, scenarios
from anze.orders.models import Order, OrderStatus
from anze.orders.rules import add_years
from anze.portal.tests.support import field_row, flash, html, url

S = OrderStatus
pytestmark = pytest.mark.django_db
APPLY = "/enterprise/apply/"


def uploads() -> dict[str, Any]:
    return {
        "business_licence": files.upload("营业执照.pdf", files.pdf_bytes("营业执照")),
        "legal_id": files.upload("法人身份证.jpg", files.jpeg_bytes()),
    }


def data(cast, **overrides: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    start = timezone.localdate() + timedelta(days=10)
    items = list(ServiceItem.objects.active().values_list("pk", flat=True)[:2])
    values: dict[str, Any] = {
        "insurer": cast.insurer.pk,
        "project_name": "丰泽区东海街道安置房三期工程",
        "project_address": "泉州市丰泽区东海街道",
        "headcount": "260",
        "expected_start": start.isoformat(),
        "expected_end": (add_years(start, 1) - timedelta(days=1)).isoformat(),
        "intended_items": items,
        "contact_name": "蔡明辉",
        "contact_phone": "13860710001",
        "remark": "",
        **uploads(),
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def test_it_starts_from_the_enterprises_own_data(cast, me):
    page = html(me.get(APPLY))
    assert 'value="泉州测试建筑工程有限公司"' in page  # 项目名称
    assert 'value="泉州市丰泽区东海街道通港西街88号"' in page  # 项目地址
    assert 'value="蔡明辉"' in page and 'value="13860710001"' in page
    assert cast.insurer.name in page
    for item in ServiceItem.objects.active():
        assert item.name in page
    assert "将文件拖到此处，或" in page and "只能上传jpg/png/pdf文件，且不超过10MB" in page
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert f'value="{tomorrow.isoformat()}"' in page


def test_it_offers_only_active_insurers_and_service_items(cast, me):
    closed = factories.organisation(Side.INSURER, name="停业保险公司", is_active=False)
    retired = ServiceItem.objects.get(code="other")
    retired.is_active = False
    retired.save()
    page = html(me.get(APPLY))
    assert closed.name not in page and retired.name not in page


def test_it_submits_the_application_and_tells_the_insurer(cast, me):
    response = me.post(APPLY, {**data(cast), "submit": "1"})
    order = Order.objects.get(enterprise=cast.enterprise)
    assert response.status_code == 302 and response.url == url(order)
    assert order.status == S.AWAITING_QUOTE and order.insurer == cast.insurer
    assert order.headcount == 260 and order.applicant_credit_code == cast.enterprise.credit_code
    assert order.business_licence.original_name == "营业执照.pdf" and order.legal_id.is_image
    assert order.intended_items.count() == 2
    assert flash(response) == f"投保申请已提交（申请编号 {order.application_no}），等待保险公司报价"
    note = Notification.objects.get(organisation=cast.insurer)
    assert note.title == "新的投保申请" and order.application_no in note.body


def test_it_saves_a_draft_without_the_files_and_submits_it_after_editing(cast, me):
    values = data(cast, business_licence=None, legal_id=None)
    response = me.post(APPLY, {**values, "save_draft": "1"})
    order = Order.objects.get(enterprise=cast.enterprise)
    assert order.status == S.DRAFT and flash(response) == "草稿已保存，可在“我的订单”中继续编辑后提交"
    assert not Notification.objects.filter(organisation=cast.insurer).exists()
    # Editing: the form shows what was saved; 提交 without the files is refused beside them.
    page = html(me.get(url(order, "edit")))
    assert 'value="丰泽区东海街道安置房三期工程"' in page
    refused = me.post(url(order, "edit"), {**values, "headcount": "300", "submit": "1"})
    assert refused.status_code == 422 and "请上传营业执照" in field_row(html(refused), "business_licence")
    order.refresh_from_db()
    assert order.status == S.DRAFT and order.headcount == 260
    done = me.post(url(order, "edit"), {**data(cast, headcount="300"), "submit": "1"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE and order.headcount == 300


def test_a_draft_keeps_its_files_when_edited_without_new_ones(cast, me):
    me.post(APPLY, {**data(cast), "save_draft": "1"})
    order = Order.objects.get()
    page = html(me.get(url(order, "edit")))
    assert "当前文件：营业执照.pdf" in page and "当前文件：法人身份证.jpg" in page
    me.post(url(order, "edit"), {**data(cast, business_licence=None, legal_id=None), "submit": "1"})
    order.refresh_from_db()
    assert order.status == S.AWAITING_QUOTE and order.business_licence.original_name == "营业执照.pdf"


REQUIRED = [
    ("insurer", "请选择保险公司"),
    ("project_name", "请输入项目名称"),
    ("project_address", "请输入项目地址"),
    ("headcount", "请输入参保人数"),
    ("expected_start", "请选择期望保险起期"),
    ("expected_end", "请选择期望保险止期"),
    ("business_licence", "请上传营业执照"),
    ("legal_id", "请上传法人身份证"),
    ("contact_name", "请输入投保联系人"),
    ("contact_phone", "请输入联系电话"),
]


def test_it_shows_each_missing_field_beside_it(cast, me):
    response = me.post(APPLY, {"submit": "1"})
    page = html(response)
    assert response.status_code == 422
    for name, message in REQUIRED:
        assert message in field_row(page, name), name
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("headcount", "0", "参保人数须为大于0的整数"),
        ("headcount", "十个", "参保人数须为大于0的整数"),
        ("contact_phone", "0595-2288", "请输入正确的11位手机号码"),
        ("expected_start", "2020-01-01", "期望保险起期不能早于今天"),
        ("expected_end", "2020-01-01", "期望保险止期必须晚于起期"),
        ("expected_end", "2099-01-01", "期望保险期间不能超过5年，请核对日期"),
        ("project_name", "项" * 101, "项目名称不能超过100个字"),
        ("insurer", "999999", "请选择保险公司"),
        ("intended_items", ["999999"], "包含已停用或不存在的服务项目"),
    ],
)
def test_it_shows_a_bad_value_beside_its_field(cast, me, field, value, message):
    response = me.post(APPLY, {**data(cast, **{field: value}), "submit": "1"})
    assert response.status_code == 422
    assert message in field_row(html(response), field)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("营业执照.pdf", samples.docx_bytes(), "文件内容不是有效的PDF文件"),
        ("营业执照.docx", samples.docx_bytes(), "只能上传jpg/png/pdf文件"),
        ("营业执照.pdf", files.pdf_bytes(size=10 * 1024 * 1024 + 1), "文件大小不能超过10MB"),
    ],
)
def test_it_refuses_a_bad_file_by_its_content(cast, me, name, content, message):
    response = me.post(APPLY, {**data(cast, business_licence=files.upload(name, content)), "submit": "1"})
    assert response.status_code == 422
    assert message in field_row(html(response), "business_licence")
    assert not Order.objects.exists()


def test_it_prefills_a_renewal_from_the_last_order(cast, me, online):
    last = online(S.ISSUED, headcount=180, project_name="鲤城区老旧小区改造工程")
    page = html(me.get(f"{APPLY}?renew={last.application_no}"))
    assert "续保申请" in page and last.application_no in page
    assert 'value="鲤城区老旧小区改造工程"' in page and 'value="180"' in page
    assert f'<option value="{cast.insurer.pk}" selected>' in page
    start = last.period_end + timedelta(days=1)
    assert f'value="{start.isoformat()}"' in page
    assert f'value="{(add_years(start, 1) - timedelta(days=1)).isoformat()}"' in page
    for item in last.intended_items.all():
        assert f'value="{item.pk}"' in page and "checked" in field_row(page, "intended_items")


def test_a_renewal_keeps_the_renewed_orders_documents_unless_new_ones_are_given(cast, me, online):
    last = online(S.ISSUED)
    page = html(me.get(f"{APPLY}?renew={last.application_no}"))
    assert "沿用原保单的投保资料" in field_row(page, "business_licence")
    new_id = files.upload("新法人身份证.png", files.png_bytes())
    response = me.post(
        f"{APPLY}?renew={last.application_no}",
        {**data(cast, business_licence=None, legal_id=new_id), "submit": "1"},
    )
    assert response.status_code in (200, 204, 302)
    renewal = Order.objects.exclude(pk=last.pk).get()
    assert renewal.status == S.AWAITING_QUOTE
    assert renewal.business_licence_id == last.business_licence_id
    assert renewal.legal_id_id != last.legal_id_id and renewal.legal_id.original_name == "新法人身份证.png"


def test_the_workflow_refuses_another_enterprises_documents(cast, online):
    other_org = factories.organisation(Side.ENTERPRISE)
    other_user = factories.user(other_org, admin=True)
    app = scenarios.application(
        cast.insurer, other_org, business_licence=None, legal_id=None, documents_of=online(S.ISSUED)
    )
    with pytest.raises(Refused):
        applications.order_apply(actor=other_user, application=app)


def test_a_renewal_starts_only_from_an_own_issued_order(cast, me, them, online):
    assert me.get(f"{APPLY}?renew={online(S.AWAITING_QUOTE).application_no}").status_code == 404
    assert them.get(f"{APPLY}?renew={online(S.ISSUED).application_no}").status_code == 404


def test_another_enterprise_cannot_open_or_edit_a_draft(cast, me, them):
    me.post(APPLY, {**data(cast), "save_draft": "1"})
    order = Order.objects.get()
    assert them.get(url(order, "edit")).status_code == 404
    assert them.post(url(order, "edit"), {**data(cast, headcount="1"), "submit": "1"}).status_code == 404
    order.refresh_from_db()
    assert order.status == S.DRAFT and order.headcount == 260


def test_a_submitted_order_is_not_edited(cast, me, online):
    order = online(S.AWAITING_QUOTE)
    response = me.post(url(order, "edit"), {**data(cast, headcount="5"), "submit": "1"})
    assert response.status_code == 302 and response.url == url(order)
    assert flash(response) == "订单当前状态为“待报价”，不能修改"
    order.refresh_from_db()
    assert order.headcount == 120


def test_it_needs_the_apply_permission(cast, enterprise, insurer, client):
    limited = cast.client(
        factories.user(cast.enterprise, roles=[factories.role(cast.enterprise, ["portal.order.view"])])
    )
    assert limited.get(APPLY).status_code == 403
    assert cast.client(insurer.admin).get(APPLY).status_code == 403
    anonymous = client.get(APPLY)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/enterprise/login/")


def test_submit_and_discard_a_draft_from_its_buttons(cast, me, them):
    values = data(cast)
    me.post(APPLY, {**values, "save_draft": "1"})
    draft = Order.objects.get()
    assert them.post(url(draft, "submit")).status_code == 404
    response = me.post(url(draft, "submit"))
    assert response.status_code == 302 and flash(response) == "投保申请已提交，等待保险公司报价"
    draft.refresh_from_db()
    assert draft.status == S.AWAITING_QUOTE
    # A submitted order is no draft to delete: refused, nothing changed.
    refused = me.post(url(draft, "discard"))
    assert flash(refused) == "该订单状态已变化，请刷新后重试"
    assert Order.objects.filter(pk=draft.pk, status=S.AWAITING_QUOTE).exists()
    me.post(APPLY, {**data(cast), "save_draft": "1"})
    other = Order.objects.get(status=S.DRAFT)
    gone = me.post(url(other, "discard"), HTTP_HX_REQUEST="true")
    assert gone.status_code == 204 and gone["HX-Redirect"] == "/enterprise/orders/"
    assert not Order.objects.filter(pk=other.pk).exists()


def test_submitting_a_draft_without_files_is_refused_and_changes_nothing(cast, me):
    me.post(APPLY, {**data(cast, business_licence=None, legal_id=None), "save_draft": "1"})
    draft = Order.objects.get()
    response = me.post(url(draft, "submit"))
    assert flash(response) == "请上传营业执照和法人身份证"
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_the_workflow_refuses_a_draft_of_another_kind_of_user(cast):
    # The views call the workflow; it is the workflow that refuses another enterprise (belt and braces).
    draft = applications.order_apply(
        actor=cast.applicant,
        application=applications.Application(
            insurer=cast.insurer,
            project_name="项目",
            project_address="地址",
            headcount=1,
            contact_name="张三",
            contact_phone="13860710001",
        ),
        submit=False,
    )
    with pytest.raises(Refused):
        applications.order_submit(order=draft, actor=cast.other_applicant)


def test_it_reports_every_bad_field_of_an_application_at_once(cast, me):
    """One-pass validation (issue 12 §4): format errors, a rule on the dates and a refused file together."""
    response = me.post(
        APPLY,
        {
            **data(
                cast,
                project_name="",
                headcount="十个",
                contact_phone="0595-2288",
                expected_start="2020-01-01",
                expected_end="2019-01-01",
                business_licence=files.upload("营业执照.docx", samples.docx_bytes()),
                legal_id=None,
            ),
            "submit": "1",
        },
    )
    assert response.status_code == 422
    page = html(response)
    for name, message in (
        ("project_name", "请输入项目名称"),
        ("headcount", "参保人数须为大于0的整数"),
        ("contact_phone", "请输入正确的11位手机号码"),
        ("expected_start", "期望保险起期不能早于今天"),
        ("business_licence", "只能上传jpg/png/pdf文件"),
        ("legal_id", "请上传法人身份证"),
    ):
        assert message in field_row(page, name), name
    assert not Order.objects.exists()


def test_the_workflow_refuses_every_bad_field_of_an_application_at_once(cast):
    application = applications.Application(
        insurer=cast.enterprise,  # not an insurer
        project_name=" ",
        project_address="",
        headcount=0,
        contact_name="蔡明辉",
        contact_phone="123",
        expected_start=timezone.localdate() + timedelta(days=10),
        expected_end=timezone.localdate() + timedelta(days=1),
    )
    with pytest.raises(Refused) as refused:
        applications.order_apply(actor=cast.applicant, application=application)
    assert set(refused.value.errors) == {
        "insurer",
        "project_name",
        "headcount",
        "contact_phone",
        "expected_end",
    }
    assert not Order.objects.exists()
