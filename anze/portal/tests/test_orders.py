"""我的订单: the list (status tabs with counts within the enterprise, search, buttons per state, constant
queries), the detail (the quote, the reason sent back, the files, the timeline) and the order's files."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anze.core.testing import factories, shows_word
from anze.documents.models import Document
from anze.orders import scenarios, workflow
from anze.orders.models import OrderStatus
from anze.portal.tests.support import ORDERS, html, url

S = OrderStatus
pytestmark = pytest.mark.django_db


def row(page: str, order) -> str:  # type: ignore[no-untyped-def]
    start = page.index(f'data-application-no="{order.application_no}"')
    return page[start : page.find("</tr>", start)]


def test_it_lists_only_the_enterprises_own_orders_with_counts_per_tab(cast, me, online):
    mine = [online(S.AWAITING_QUOTE), online(S.AWAITING_CONFIRMATION), online(S.AWAITING_CONFIRMATION)]
    theirs = scenarios.online_order(insurer_user=cast.clerk, enterprise_user=cast.other_applicant)
    page = html(me.get(ORDERS))
    for order in mine:
        assert order.application_no in page
    assert theirs.application_no not in page
    assert '全部<span class="count">(3)' in page
    assert '待报价<span class="count">(1)' in page and '待确认报价<span class="count">(2)' in page
    assert '草稿<span class="count">(0)' in page
    tab = html(me.get(f"{ORDERS}?tab={S.AWAITING_CONFIRMATION}"))
    assert mine[0].application_no not in tab and mine[1].application_no in tab


def test_it_searches_by_application_number_and_project(cast, me, online):
    a = online(project_name="丰泽区安置房工程")
    b = online(project_name="洛江区道路工程")
    page = html(me.get(f"{ORDERS}?application_no={a.application_no}"))
    assert a.application_no in page and b.application_no not in page
    page = html(me.get(f"{ORDERS}?project=道路"))
    assert b.application_no in page and a.application_no not in page
    assert "暂无数据" in html(me.get(f"{ORDERS}?application_no=1"))


def test_it_shows_not_yet_quoted_amounts_as_pending_and_quoted_ones_in_wan(cast, me, online):
    waiting, quoted = online(S.AWAITING_QUOTE), online(S.AWAITING_CONFIRMATION)
    page = html(me.get(ORDERS))
    assert "待报价" in row(page, waiting) and not shows_word(page, "NaN")
    assert "12,000.00" in row(page, quoted) and "500.00万元" in row(page, quoted)


@pytest.mark.parametrize(
    ("state", "buttons", "absent"),
    [
        (S.AWAITING_QUOTE, ["cancel"], ["confirm_quote", "payment_voucher"]),
        (S.AWAITING_CONFIRMATION, ["confirm_quote", "reject_quote", "cancel"], ["payment_voucher"]),
        (S.AWAITING_PAYMENT, ["payment_voucher", "cancel"], ["confirm_quote"]),
        (S.AWAITING_PAYMENT_REVIEW, ["cancel"], ["payment_voucher"]),
        (S.ISSUED, ["download-policy"], ["cancel", "payment_voucher"]),
    ],
)
def test_each_row_offers_the_actions_of_its_state(cast, me, online, state, buttons, absent):
    order = online(state)
    cells = row(html(me.get(ORDERS)), order)
    for name in buttons:
        assert f'data-action="{name}"' in cells, name
    for name in absent:
        assert f'data-action="{name}"' not in cells, name


def test_a_user_who_may_only_look_gets_no_buttons(cast, online):
    order = online(S.AWAITING_CONFIRMATION)
    viewer = factories.user(cast.enterprise, roles=[factories.role(cast.enterprise, ["portal.order.view"])])
    cells = row(html(cast.client(viewer).get(ORDERS)), order)
    assert 'data-action="confirm_quote"' not in cells and 'data-action="cancel"' not in cells
    assert cast.client(viewer).get(url(order, "confirm-quote")).status_code == 403


@pytest.mark.parametrize("size", [10, 50])
def test_it_runs_a_constant_number_of_queries(cast, me, online, size):
    for state in (S.AWAITING_QUOTE, S.AWAITING_CONFIRMATION, S.ISSUED):
        online(state)
    me.get(ORDERS)  # warm caches of the session and the user
    with CaptureQueriesContext(connection) as few:
        me.get(f"{ORDERS}?size=10")
    for _ in range(4):
        online(S.AWAITING_PAYMENT)
    with CaptureQueriesContext(connection) as more:
        me.get(f"{ORDERS}?size={size}")
    assert len(more) == len(few) and len(few) <= 12


def test_another_enterprises_order_and_its_files_are_not_found(cast, me, them, online):
    order = online(S.ISSUED)
    assert them.get(url(order)).status_code == 404
    for name in ("confirm-quote", "reject-quote", "payment-voucher", "cancel", "edit"):
        assert them.get(url(order, name)).status_code == 404
    assert them.get(f"{url(order)}files/{order.policy_file.uuid}/download/").status_code == 404
    assert me.get(url(order)).status_code == 200


def test_the_detail_shows_the_whole_quote_to_confirm(cast, me, online):
    order = online(S.AWAITING_CONFIRMATION)
    page = html(me.get(url(order)))
    assert "报价待确认" in page
    for text in ("500.00万元", "100.00万元", "50.00万元", "5.00万元", "12,000.00 元", "2,400.00 元"):
        assert text in page, text
    assert f"自 {order.period_start:%Y-%m-%d} 至 {order.period_end:%Y-%m-%d}" in page
    assert "安全生产宣传教育培训 2次" in page and "生产安全事故隐患排查 4次" in page
    assert 'data-action="confirm_quote"' in page and 'data-action="reject_quote"' in page


def test_the_detail_shows_a_rejected_payment_prominently(cast, me, online):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    workflow.order_reject_payment(order=order, actor=cast.clerk, reason="付款凭证金额与保费不符")
    page = html(me.get(url(order)))
    banner = page[page.index('id="last-reason"') :]
    assert "支付审核未通过，请重新上传付款凭证。驳回原因：<strong>付款凭证金额与保费不符</strong>" in banner
    assert 'data-action="payment_voucher"' in page


def test_the_detail_offers_the_issued_files_and_its_timeline(cast, me, online):
    order = online(S.ISSUED)
    page = html(me.get(url(order)))
    assert "电子保单" in page and order.policy_no in page
    for kind in ("policy", "invoice", "contract"):
        assert f'data-download="{kind}"' in page
    for label in (
        "提交投保申请",
        "报价",
        "确认报价",
        "上传付款通知书",
        "上传付款凭证",
        "支付审核通过",
        "出函",
    ):
        assert f'<span class="what">{label}</span>' in page
    assert "短信" not in page[page.index('id="timeline"') :]  # the insurer's SMS log is not shown here


def test_it_downloads_the_policy_with_its_name(cast, me, online):
    order = online(S.ISSUED)
    response = me.get(f"{url(order)}files/{order.policy_file.uuid}/download/")
    assert response.status_code == 200
    assert (
        "attachment" in response["Content-Disposition"]
        and "%E7%94%B5%E5%AD%90%E4%BF%9D%E5%8D%95.pdf" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    inline = me.get(f"{url(order)}files/{order.payment_voucher.uuid}/")
    assert inline.status_code == 200 and "inline" in inline["Content-Disposition"]


def test_a_document_of_another_order_is_not_found_through_this_one(cast, me, online):
    mine, other = online(S.ISSUED), online(S.AWAITING_PAYMENT)
    assert me.get(f"{url(other)}files/{mine.policy_file.uuid}/").status_code == 404
    stray = Document.objects.exclude(
        pk__in=[
            mine.policy_file_id,
            mine.invoice_file_id,
            mine.contract_file_id,
            mine.business_licence_id,
            mine.legal_id_id,
            mine.payment_notice_id,
            mine.payment_voucher_id,
        ]
    ).first()
    assert me.get(f"{url(mine)}files/{stray.uuid}/").status_code == 404


def test_a_rejected_voucher_stays_viewable_from_the_timeline(cast, me, online):
    order = online(S.AWAITING_PAYMENT_REVIEW)
    first = order.payment_voucher
    workflow.order_reject_payment(order=order, actor=cast.clerk, reason="金额不符")
    workflow.order_upload_payment_voucher(
        order=order,
        actor=cast.applicant,
        file=scenarios.files.upload("第二次凭证.png", scenarios.files.png_bytes()),
    )
    assert me.get(f"{url(order)}files/{first.uuid}/").status_code == 200


def test_the_enterprise_sees_the_workflows_messages_in_its_message_centre(cast, me, online):
    online(S.AWAITING_CONFIRMATION)
    page = html(me.get("/enterprise/messages/"))
    assert "报价待确认" in page
