"""保单管理 views for each persona: the list with the manual's columns (docs/spec/user-manual.txt) and captions,
search, 导出, 查看电子保单文件, the 申请第三方安全服务 dialog and the detail; 403 without permission, 404 for another insurer's
policy, anonymous → login, and a constant number of queries whatever the page size."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anze.core.testing import factories
from anze.policies import scenarios as policy_scenarios
from anze.policies.models import Policy, ServiceStatus
from anze.prevention import scenarios

pytestmark = pytest.mark.django_db
LIST = "/insurer/policies/"


def _states(cast):
    """One policy in each displayed state, plus one declined by 闽安评价."""
    none = cast.policy(policy_no="PNONE001")
    pending = scenarios.assign(cast.policy(policy_no="PPEND001"), cast.clerk, cast.org)
    serving = scenarios.in_service(cast.policy(policy_no="PSERV001"), cast.clerk, cast.org_admin)
    done = scenarios.complete(
        scenarios.in_service(cast.policy(policy_no="PDONE001"), cast.clerk, cast.org_admin),
        cast.org_admin,
        cast.applicant,
        [cast.staff],
    )
    declined = scenarios.assign(cast.policy(policy_no="PDECL001"), cast.clerk, cast.other_org)
    from anze.policies import workflow

    workflow.policy_decline_service(
        policy=scenarios.fresh(declined), actor=cast.other_org_admin, reason="距离太远"
    )
    return none, pending, serving, done, declined


def test_it_lists_policies_with_the_seeds_columns_and_service_captions(cast, client_for):
    _states(cast)
    response = client_for(cast.clerk).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    headers = '<th>申请编号</th><th>保单编号</th><th>项目名称</th><th>投保人</th><th class="num">保费</th>'
    assert headers + "<th>出函时间</th><th>操作</th>" in html
    assert "【安信安全】安全服务待处理" in html
    assert "【安信安全】安全服务中" in html
    assert "【安信安全】安全服务已完成" in html
    assert "【闽安评价】已拒绝：距离太远" in html
    assert html.count("申请第三方安全服务</a>") == 2  # the new policy and the declined one
    assert html.count("查看电子保单文件") == 5
    assert "12,000.00元" in html


def test_it_searches_and_filters_by_tab(cast, client_for):
    none, *_ = _states(cast)
    c = client_for(cast.clerk)
    html = c.get(LIST, {"policy_no": "PPEND"}).content.decode()
    assert "PPEND001" in html and "PNONE001" not in html
    html = c.get(LIST, {"application_no": none.order.application_no}).content.decode()
    assert "PNONE001" in html and "PPEND001" not in html
    html = c.get(LIST, {"tab": "completed"}).content.decode()
    assert "PDONE001" in html and "PSERV001" not in html
    html = c.get(LIST, {"applicant": "测试建筑"}).content.decode()
    assert "PNONE001" in html
    html = c.get(LIST, {"applicant": "没有这家"}).content.decode()
    assert "暂无数据" in html
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "暂无数据" in c.get(LIST, {"start": tomorrow}).content.decode()


def test_it_refuses_an_export_too_large_for_one_sheet(cast, client_for, monkeypatch):
    _states(cast)
    monkeypatch.setattr("anze.core.exports.MAX_EXPORT_ROWS", 1)
    response = client_for(cast.clerk).get(reverse("insurer:policies:export"), follow=True)
    assert "导出数据超过1条，请缩小查询范围后再导出" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("insurer:policies:list"))


def test_it_exports_the_filtered_list(cast, client_for):
    _states(cast)
    response = client_for(cast.clerk).get(reverse("insurer:policies:export"), {"tab": "in_service"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == (
        "申请编号",
        "保单编号",
        "项目名称",
        "投保人",
        "保费（元）",
        "出函时间",
        "保险起期",
        "保险止期",
    )
    assert [r[1] for r in rows[1:]] == ["PSERV001"]


def test_it_opens_the_policy_pdf_inline_for_its_insurer_only(cast, client_for):
    policy = cast.policy()
    url = reverse("insurer:policies:pdf", args=[policy.order.application_no])
    response = client_for(cast.clerk).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert client_for(cast.other_clerk).get(url).status_code == 404
    assert client_for(cast.org_admin).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_it_assigns_through_the_dialog_with_a_region_filter(cast, client_for):
    policy = cast.policy()
    url = reverse("insurer:policies:assign", args=[policy.order.application_no])
    c = client_for(cast.clerk)
    html = c.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "泉州安信安全技术服务有限公司" in html and "福建闽安安全评价有限公司" in html
    region = cast.org.region
    elsewhere = factories.organisation(
        "service_org", name="厦门远方安全咨询有限公司", region=factories.region("350203", "思明区")
    )
    html = c.get(url, {"region": region.pk}).content.decode()
    assert "泉州安信" in html and elsewhere.name not in html
    response = c.post(url, {}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "请选择第三方安全服务机构" in response.content.decode()
    response = c.post(url, {"service_org": cast.org.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert Policy.objects.get(pk=policy.pk).service_status == ServiceStatus.PENDING
    response = c.post(url, {"service_org": cast.other_org.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "不能申请第三方安全服务" in response.content.decode()


def test_it_shows_the_detail_with_progress_records_and_files(cast, client_for):
    policy = cast.in_service()
    record = scenarios.record(policy, cast.org_admin, "training", [cast.staff], place="三号仓库")
    scenarios.confirm(record, cast.applicant)
    no = policy.order.application_no
    html = client_for(cast.clerk).get(reverse("insurer:policies:detail", args=[no])).content.decode()
    for text in ("保险方案", "服务进度", "服务计划", "三号仓库", "已确认", "保单文件", "1/2", "服务时间线"):
        assert text in html, text
    record_url = reverse("insurer:policies:record", args=[no, record.uuid])
    assert client_for(cast.clerk).get(record_url).status_code == 200
    # The file view serves only this policy's documents.
    document = policy.order.invoice_file
    file_url = reverse("insurer:policies:file", args=[no, document.uuid])
    assert client_for(cast.clerk).get(file_url).status_code == 200
    other = cast.policy()
    foreign_doc = reverse("insurer:policies:file", args=[no, other.order.invoice_file.uuid])
    assert client_for(cast.clerk).get(foreign_doc).status_code == 404


@pytest.mark.parametrize("name", ["list", "export", "detail", "pdf", "assign"])
def test_it_enforces_permissions_tenancy_and_sign_in(cast, client_for, name):
    policy = cast.policy()
    args = [] if name in ("list", "export") else [policy.order.application_no]
    url = reverse(f"insurer:policies:{name}", args=args)
    limited = factories.user(cast.insurer, roles=[], name="无权限乙")
    assert client_for(limited).get(url).status_code == 403
    assert client_for(cast.applicant).get(url).status_code == 403
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/insurer/login/")
    if args:
        assert client_for(cast.other_clerk).get(url).status_code == 404
    assert client_for(cast.clerk).get(url).status_code == 200


def _issued_offline(cast, n):
    for _ in range(n):
        order = policy_scenarios.offline_order(
            insurer_user=cast.clerk, enterprise=cast.enterprise, issued=True
        )
        policy = Policy.objects.get(order=order)
        scenarios.assign(policy, cast.clerk, cast.org)


def test_it_lists_with_a_constant_number_of_queries(cast, client_for, django_assert_max_num_queries):
    c = client_for(cast.clerk)
    _issued_offline(cast, 5)
    c.get(LIST)  # warm the session
    with django_assert_max_num_queries(9) as small:
        assert c.get(LIST, {"size": 50}).status_code == 200
    _issued_offline(cast, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = c.get(LIST, {"size": 50})
    assert response.content.decode().count("【安信安全】安全服务待处理") == 30


def _listed(c, **params):
    """The 保单编号 of every page of the list under ``params``, in order."""
    found, page = [], 1
    while True:
        html = c.get(LIST, {**params, "page": page}).content.decode()
        found += re.findall(r'<tr data-policy="([^"]+)"', html)
        if 'aria-label="下一页"' not in html:  # the last page: 下一页 is no link
            return found, html
        page += 1


def test_each_tab_is_counted_up_to_the_limit_and_its_pages_are_the_plain_filters(cast, client_for, settings):
    """A tab past ``LIST_COUNT_LIMIT`` reads 15+ (on main every tab was counted in full: 23), the others exactly;
    the pages of every tab and filter hold the rows of the plain filter, newest first, the deep ones too; the
    export still has every row."""
    _states(cast)
    _issued_offline(cast, 21)  # 22 待处理 with _states' own
    settings.LIST_COUNT_LIMIT = 15
    c = client_for(cast.clerk)
    html = c.get(LIST, {"tab": "pending"}).content.decode()
    assert 'data-tab="all">全部<span class="count">(15+)</span>' in html
    assert 'data-tab="pending">待处理<span class="count">(15+)</span>' in html
    assert 'data-tab="completed">已完成<span class="count">(1)</span>' in html
    assert 'data-tab="none">未申请<span class="count">(2)</span>' in html
    assert "共 15+ 条" in html
    mine = Policy.objects.filter(insurer=cast.insurer).order_by("-issued_at", "-id")
    for params, plain in [
        ({}, mine),
        ({"tab": "pending"}, mine.filter(service_status=ServiceStatus.PENDING)),
        ({"tab": "none"}, mine.filter(service_status=ServiceStatus.NONE)),
        ({"status": "active", "tab": "pending"}, mine.filter(status="active", service_status="pending")),
        (
            {"applicant": "测试建筑", "tab": "pending"},
            mine.filter(
                Q(order__applicant_name__contains="测试建筑") | Q(order__project_name__contains="测试建筑")
            ).filter(service_status="pending"),
        ),
        ({"policy_no": "PPEND"}, mine.filter(policy_no__startswith="PPEND")),
    ]:
        listed, last = _listed(c, **params)
        assert listed == [p.policy_no for p in plain], params
        assert f"共 {len(listed)} 条" in last, params  # the last page knows the total
    response = c.get(reverse("insurer:policies:export"), {"tab": "pending"})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert len(rows) - 1 == 22


def test_a_name_in_more_policies_than_the_limit_is_counted_once_for_all_tabs(cast, client_for, settings):
    """The matches of a name come from the name index: counted together up to the limit, 全部 reads 15+ and the
    tabs no number (a number per tab would read the name's matches once per tab); the pages are the plain
    filter's."""
    _states(cast)
    _issued_offline(cast, 16)
    settings.LIST_COUNT_LIMIT = 15
    c = client_for(cast.clerk)
    html = c.get(LIST, {"applicant": "测试"}).content.decode()
    assert 'data-tab="all">全部<span class="count">(15+)</span>' in html
    assert 'data-tab="pending">待处理</a>' in html and "共 15+ 条" in html
    assert "符合条件的保单超过 15 条，未逐一统计各安全服务状态的数量" in html
    mine = Policy.objects.filter(insurer=cast.insurer).order_by("-issued_at", "-id")
    named = mine.filter(Q(order__applicant_name__contains="测试") | Q(order__project_name__contains="测试"))
    assert named.count() > 15
    listed, _ = _listed(c, applicant="测试", tab="pending")
    assert listed == [p.policy_no for p in named.filter(service_status="pending")]
    settings.LIST_COUNT_LIMIT = 10_000
    html = c.get(LIST, {"applicant": "测试"}).content.decode()
    assert (
        f'data-tab="all">全部<span class="count">({named.count()})</span>' in html and "data-more" not in html
    )


def test_a_common_name_is_listed_uncounted(cast, client_for, monkeypatch):
    """A 1–2 character name in more of the insurer's orders than ``COUNTED_NAME``: no tab counted, the pages
    walked along the list (共 N+ 条 up to the next row, the total on the last page) — the plain filter's rows."""
    from anze.policies import selectors

    _states(cast)
    _issued_offline(cast, 12)
    monkeypatch.setattr(selectors, "COUNTED_NAME", 0)
    c = client_for(cast.clerk)
    html = c.get(LIST, {"applicant": "测试"}).content.decode()
    assert 'data-tab="all">全部</a>' in html and 'data-tab="pending">待处理</a>' in html
    assert "投保人名称较常见，未统计符合条件的保单数量" in html and "共 11+ 条" in html
    mine = Policy.objects.filter(insurer=cast.insurer).order_by("-issued_at", "-id")
    named = mine.filter(Q(order__applicant_name__contains="测试") | Q(order__project_name__contains="测试"))
    listed, last = _listed(c, applicant="测试")
    assert listed == [p.policy_no for p in named] and f"共 {len(listed)} 条" in last
