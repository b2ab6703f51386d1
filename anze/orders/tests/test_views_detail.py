"""查看详情: every section of the order, its timeline, and its files — each only through its own order."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from anze.core.testing import shows_word
from anze.documents import testing as files
from anze.orders import applications, scenarios, workflow
from anze.orders.models import OrderStatus
from anze.orders.tests.support import HX, html, url
from anze.policies import scenarios as policy_scenarios

S = OrderStatus
pytestmark = pytest.mark.django_db


def test_it_shows_every_section_of_an_issued_order(online, clerk):
    order = online(S.ISSUED, policy_no="PZAA2026000777")
    page = html(clerk.get(url(order)))
    for title in ("投保信息", "投保资料", "保险方案", "实际服务项目", "付款", "出函", "时间线"):
        assert f'<div class="section-title">{title}</div>' in page, title
    for text in (
        order.project_name,
        order.applicant_credit_code,
        "5,000,000.00 元",  # full 元 amounts in the details
        "12,000.00 元",
        "生产安全事故隐患排查</th><td>4 次",
        "营业执照.pdf",
        "付款通知书.pdf",
        "付款凭证.png",
        "PZAA2026000777",
        "电子保单.pdf",
        "电子发票.pdf",
        "保险合同.pdf",
        "安全生产宣传教育培训",  # 意向服务项目
    ):
        assert text in page, text
    assert not shows_word(page, "NaN")


def test_it_shows_待报价_before_the_quote(online, clerk):
    page = html(clerk.get(url(online())))
    assert 'class="pending">待报价' in page


def test_it_tells_the_timeline_in_chinese(cast, online, clerk):
    order = online(S.AWAITING_PAYMENT)
    workflow.order_upload_payment_voucher(
        order=order, actor=cast.applicant, file=files.upload("回单.png", files.png_bytes())
    )
    workflow.order_reject_payment(order=order, actor=cast.clerk, reason="金额与保费不符")
    page = html(clerk.get(url(order)))
    timeline = page[page.index('id="section-timeline"') :]
    for text in (
        "提交投保申请",
        "蔡投保（泉州测试建筑工程有限公司）",
        "报价",
        "林出单（人保财险测试分公司）",
        "待报价 → ",
        "保费：</span>12,000.00 元",
        "服务次数：</span>安全生产宣传教育培训 2次、生产安全事故隐患排查 4次",
        "保险期间：</span>",
        "支付审核驳回",
        "原因：金额与保费不符",
        "回单.png",
        f"短信 {order.contact_phone[:3]}****{order.contact_phone[7:]}",
    ):
        assert text in timeline, text
    assert "支付审核驳回：金额与保费不符" in page  # the banner over the sections


def test_it_keeps_earlier_vouchers_viewable(cast, online, clerk):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    first = order.payment_voucher
    workflow.order_reject_payment(order=order, actor=cast.clerk, reason="看不清")
    workflow.order_upload_payment_voucher(
        order=order, actor=cast.applicant, file=files.upload("第二次.pdf", files.pdf_bytes("回单"))
    )
    page = html(clerk.get(url(order)))
    assert "历次付款凭证" in page and "第二次.pdf" in page
    assert clerk.get(f"{url(order)}files/{first.uuid}/").status_code == 200


def test_it_offers_the_actions_of_the_state(online, clerk, as_user):
    order = online()
    assert 'data-action="quote"' in html(clerk.get(url(order)))
    assert 'data-action="quote"' not in html(as_user("order.view").get(url(order)))


def test_it_hides_another_insurers_order_and_the_enterprises_drafts(cast, online, clerk, other_clerk):
    order = online()
    assert other_clerk.get(url(order)).status_code == 404
    draft = applications.order_apply(
        actor=cast.applicant,
        application=scenarios.application(cast.insurer, cast.enterprise),
        submit=False,
    )
    assert clerk.get(url(draft)).status_code == 404
    assert clerk.get("/insurer/orders/209901010000000000/").status_code == 404


def test_it_is_guarded(online, insurer, client):
    order = online()
    assert insurer.client(insurer.limited).get(url(order)).status_code == 403
    assert client.get(url(order)).status_code == 302


# --- files ------------------------------------------------------------------------------------------------------
def test_it_previews_a_file_inline_with_its_chinese_name(online, clerk):
    order = online(S.ISSUED)
    document = order.policy_file
    response = clerk.get(f"{url(order)}files/{document.uuid}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"inline; filename*=utf-8''{quote('电子保单.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the payment review dialog frames it
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_downloads_a_file_as_an_attachment(online, clerk):
    order = online(S.ISSUED)
    response = clerk.get(f"{url(order)}files/{order.invoice_file.uuid}/download/")
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('电子发票.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_serves_only_the_orders_own_files(cast, online, clerk, other_clerk):
    order = online(S.ISSUED)
    sibling = online(S.ISSUED)  # same insurer, another order
    theirs = policy_scenarios.online_order(
        insurer_user=cast.other_clerk, enterprise_user=cast.applicant, until=S.ISSUED
    )
    for document in (sibling.policy_file, theirs.policy_file):
        assert clerk.get(f"{url(order)}files/{document.uuid}/").status_code == 404
    assert clerk.get(f"{url(order)}files/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert other_clerk.get(f"{url(order)}files/{order.policy_file.uuid}/").status_code == 404


def test_it_requires_order_view_for_files(online, insurer):
    order = online(S.ISSUED)
    assert (
        insurer.client(insurer.limited).get(f"{url(order)}files/{order.policy_file.uuid}/").status_code == 403
    )


# --- 查看保单信息 ---------------------------------------------------------------------------------------------------
def test_it_shows_the_policy_of_an_issued_order(online, clerk):
    order = online(S.ISSUED, policy_no="PZAA2026000888")
    page = html(clerk.get(url(order, "policy"), **HX))
    assert "PZAA2026000888" in page and "电子保单.pdf" in page and "保险合同.pdf" in page


def test_it_has_no_policy_before_the_issue(online, clerk, other_clerk):
    assert clerk.get(url(online(S.AWAITING_ISSUE), "policy")).status_code == 404
    assert other_clerk.get(url(online(S.ISSUED), "policy")).status_code == 404
