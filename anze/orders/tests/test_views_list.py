"""订单管理 list (docs/spec/user-manual.txt, figure 3.1.1): columns, 操作 per permission, tabs with counts, search,
pages, queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.test import RequestFactory
from django.utils import timezone

from anze.core.testing import shows_word
from anze.orders import applications, counts, presenters, scenarios, selectors, synthetic, workflow
from anze.orders.models import Order, OrderStatus
from anze.orders.scopes import orders_visible_to
from anze.orders.tests.support import LIST, html, status_counts

S = OrderStatus
pytestmark = pytest.mark.django_db


def numbers(page: str) -> list[str]:
    """The 申请编号 of the rows, in order."""
    return re.findall(r'data-application-no="(\d{18})"', page)


def tab_count(page: str, tab: str) -> int:
    match = re.search(rf'data-tab="{tab}">[^<]*<span class="count">\((\d+)\)</span>', page)
    assert match, tab
    return int(match.group(1))


def row(page: str, order: Order) -> str:
    """The HTML of one row."""
    start = page.index(f'data-application-no="{order.application_no}"')
    return page[start : page.index("</tr>", start)]


# --- what it shows ---------------------------------------------------------------------------------------------
def test_it_lists_the_insurers_submitted_orders_only(cast, online, clerk):
    mine = online()
    draft = applications.order_apply(
        actor=cast.applicant,
        application=scenarios.application(cast.insurer, cast.enterprise),
        submit=False,
    )
    theirs = scenarios.online_order(insurer_user=cast.other_clerk, enterprise_user=cast.applicant)
    page = html(clerk.get(LIST))
    assert numbers(page) == [mine.application_no]
    assert draft.application_no not in page and theirs.application_no not in page


def test_it_shows_the_columns_of_the_seed_and_never_nan(online, offline, clerk):
    quoted = online(S.AWAITING_CONFIRMATION)
    waiting = offline()
    page = html(clerk.get(LIST))
    for header in ("订单信息", "项目信息", "方案（部分内容）", "投保人信息", "状态", "申请时间", "操作"):
        assert f">{header}<" in page or f">{header} <" in page, header
    quoted_row, waiting_row = row(page, quoted), row(page, waiting)
    assert "12,000.00" in quoted_row and "500.00万元" in quoted_row and "5.00万元" in quoted_row
    assert "待报价" in waiting_row and "线下订单" in waiting_row
    assert waiting.applicant_credit_code in waiting_row and waiting.contact_phone in waiting_row
    assert not shows_word(page, "NaN") and not shows_word(page, "None")
    assert (
        'class="tag tag-primary">待确认报价' in quoted_row and 'class="tag tag-warning">待出函' in waiting_row
    )


def test_it_says_so_when_nothing_matches(clerk):
    assert "暂无数据" in html(clerk.get(LIST))


def test_it_shows_why_a_quote_was_rejected_under_its_status(cast, online, clerk):
    order = online(S.AWAITING_CONFIRMATION)
    workflow.order_reject_quote(order=order, actor=cast.applicant, reason="保费超出预算")
    assert "企业拒绝报价：保费超出预算" in row(html(clerk.get(LIST)), order)


# --- 操作 --------------------------------------------------------------------------------------------------------
def test_it_offers_each_state_its_action_and_detail(online, offline, clerk):
    expected = {
        online(): "quote",
        online(S.AWAITING_PAYMENT_NOTICE): "payment_notice",
        online(S.AWAITING_PAYMENT_REVIEW): "payment_review",
        online(S.AWAITING_ISSUE): "issue",
        offline(): "issue",
        online(S.ISSUED): "policy",
    }
    page = html(clerk.get(LIST))
    for order, action in expected.items():
        actions = re.findall(r'data-action="(\w+)"', row(page, order))
        assert action in actions and "detail" in actions, (order.status, actions)
    issued = row(page, next(o for o, a in expected.items() if a == "policy"))
    assert "查看保单信息" in issued and "更多" not in issued  # no cancel once issued


def test_it_offers_nothing_to_wait_for_the_enterprise_except_cancel(online, clerk):
    order = online(S.AWAITING_CONFIRMATION)
    actions = re.findall(r'data-action="(\w+)"', row(html(clerk.get(LIST)), order))
    assert actions == ["detail", "cancel"]


def test_it_shows_only_the_actions_the_clerks_permissions_allow(online, as_user):
    order = online()
    viewer = html(as_user("order.view").get(LIST))
    assert re.findall(r'data-action="(\w+)"', row(viewer, order)) == ["detail"]
    assert "新增线下订单" not in viewer and "导出" not in viewer
    quoter = html(as_user("order.view", "order.quote").get(LIST))
    assert re.findall(r'data-action="(\w+)"', row(quoter, order)) == ["quote", "detail"]


def test_rows_alike_for_the_user_decide_their_buttons_once(cast, online, monkeypatch):
    """Rows of one state, type and insurer share their buttons whatever their enterprise (the insurer's clerk
    acts on the insurer's orders); another insurer's row, or another state, decides its own."""
    mine = [online(), online(), online()]
    mine[1].enterprise_id = cast.other_enterprise.pk  # as the list of many enterprises' orders has
    mine[2].enterprise_id = None
    elsewhere, moved_on = online(), online(S.AWAITING_PAYMENT_NOTICE)
    elsewhere.insurer_id = cast.other_insurer.pk
    decided = []
    row_actions = presenters.row_actions
    monkeypatch.setattr(
        presenters, "row_actions", lambda order, user: decided.append(order) or row_actions(order, user)
    )
    rows = presenters.list_rows([*mine, elsewhere, moved_on], cast.clerk)
    assert decided == [mine[0], elsewhere, moved_on]
    assert [[action["name"] for action in row["actions"]] for row in rows] == [
        ["quote"],
        ["quote"],
        ["quote"],
        [],  # not the clerk's insurer: nothing to do
        ["payment_notice"],
    ]


def test_it_shows_the_toolbar_with_the_permissions(clerk):
    page = html(clerk.get(LIST))
    assert "新增线下订单" in page and "/insurer/orders/export/" in page


# --- tabs ----------------------------------------------------------------------------------------------------
def test_it_counts_every_tab_and_filters_by_it(online, offline, clerk):
    quote_a, quote_b = online(), online()
    issued = online(S.ISSUED)
    offline()
    page = html(clerk.get(LIST))
    assert tab_count(page, "all") == 4
    assert tab_count(page, "awaiting_quote") == 2
    assert tab_count(page, "awaiting_issue") == 1 and tab_count(page, "issued") == 1
    assert tab_count(page, "cancelled") == 0
    tab_page = html(clerk.get(f"{LIST}?tab=awaiting_quote"))
    assert sorted(numbers(tab_page)) == sorted([quote_a.application_no, quote_b.application_no])
    assert 'class="active" data-tab="awaiting_quote"' in tab_page
    assert numbers(html(clerk.get(f"{LIST}?tab=issued"))) == [issued.application_no]


def test_it_counts_the_tabs_under_the_search(online, offline, clerk):
    online(project_name="晋江陈埭鞋业生产基地")
    offline()
    page = html(clerk.get(f"{LIST}?name=陈埭鞋业"))
    assert tab_count(page, "all") == 1 and tab_count(page, "awaiting_quote") == 1
    assert tab_count(page, "awaiting_issue") == 0


def test_it_ignores_an_unknown_tab(online, clerk):
    order = online()
    assert numbers(html(clerk.get(f"{LIST}?tab=draft"))) == [order.application_no]


# --- search ----------------------------------------------------------------------------------------------------
@pytest.fixture
def three(online, offline):
    """Three orders that differ in every searchable field."""
    shoes = online(project_name="晋江陈埭鞋业生产基地", contact_phone="13811112222")
    stone = online(S.ISSUED, project_name="南安水头石材加工厂", contact_phone="13933334444")
    fish = offline(
        applicant_name="惠安县崇武渔业有限公司",
        applicant_credit_code="91350521MA33W5C2L2",
        project_name="崇武渔港作业区",
        contact_phone="13655556666",
    )
    return shoes, stone, fish


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=陈埭", [0]),  # 2 characters: LIKE within the insurer (trigram indexes cannot answer)
        ("name=陈埭鞋业", [0]),  # 3+ characters: the trigram index
        ("name=石材加工", [1]),
        ("name=崇武", [2]),  # applicant name and project name both
        ("name=惠安县崇武渔业", [2]),  # applicant name only
        ("name=崇武渔港", [2]),  # project name only
        ("name=不存在的企业", []),
        ("credit_code=91350521MA33W5C2L2", [2]),
        ("credit_code=91350521ma33", [2]),  # a prefix, any case
        ("contact_phone=13933334444", [1]),
        ("contact_phone=139333", [1]),  # a prefix
        ("order_type=offline", [2]),
        ("order_type=online", [0, 1]),
    ],
)
def test_it_searches_by_each_field(three, clerk, query, expected):
    found = numbers(html(clerk.get(f"{LIST}?{query}")))
    assert sorted(found) == sorted(three[i].application_no for i in expected)


def test_it_searches_by_application_number_whole_or_its_beginning(three, clerk):
    target = three[1].application_no
    assert numbers(html(clerk.get(f"{LIST}?application_no={target}"))) == [target]
    # Every number starts with the date; a prefix of the whole number narrows down to one.
    assert target in numbers(html(clerk.get(f"{LIST}?application_no={target[:8]}")))
    assert numbers(html(clerk.get(f"{LIST}?application_no=19990101"))) == []


def test_it_searches_by_application_time(three, clerk):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    assert len(numbers(html(clerk.get(f"{LIST}?start={today}&end={today}")))) == 3
    assert numbers(html(clerk.get(f"{LIST}?start={tomorrow}"))) == []
    assert len(numbers(html(clerk.get(f"{LIST}?end={today}")))) == 3


def test_it_searches_latin_letters_in_any_case_and_takes_search_syntax_literally(online, clerk):
    order = online(project_name="ABB泉州变压器工厂")
    for term in ("abb", "ABB泉州", "b泉"):
        assert numbers(html(clerk.get(f"{LIST}?name={term}"))) == [order.application_no], term
    for term in ('"', 'AB"B', "AND", "* OR 1", "NEAR(a b)"):
        assert clerk.get(f"{LIST}?name={term}").status_code == 200


def test_it_never_finds_another_insurers_orders_by_name(cast, clerk):
    scenarios.online_order(
        insurer_user=cast.other_clerk, enterprise_user=cast.applicant, project_name="别家的石材项目"
    )
    for term in ("石材", "别家的石材"):
        assert numbers(html(clerk.get(f"{LIST}?name={term}"))) == []


def test_it_finds_a_renamed_project_by_its_new_name(online, clerk):
    """The trigram index follows the row (triggers on SQLite), also when the names change."""
    order = online(project_name="旧项目名称甲")
    Order.objects.filter(pk=order.pk).update(project_name="新项目名称乙")
    assert numbers(html(clerk.get(f"{LIST}?name=新项目名称"))) == [order.application_no]
    assert numbers(html(clerk.get(f"{LIST}?name=旧项目名称"))) == []


def test_it_keeps_the_filters_in_the_page_and_tab_links(three, clerk):
    page = html(clerk.get(f"{LIST}?name=崇武&size=20"))
    assert 'value="崇武"' in page
    assert "?name=%E5%B4%87%E6%AD%A6&amp;size=20&amp;tab=awaiting_issue" in page


# --- order and pages ------------------------------------------------------------------------------------------
def test_it_sorts_by_application_time_both_ways(cast, clerk):
    synthetic.top_up([cast.insurer], 5)
    newest_first = numbers(html(clerk.get(LIST)))
    assert newest_first == sorted(newest_first, reverse=True)
    assert numbers(html(clerk.get(f"{LIST}?sort=submitted"))) == list(reversed(newest_first))


def test_it_pages_with_total_size_and_jump(cast, clerk):
    synthetic.top_up([cast.insurer], 23)
    first = html(clerk.get(LIST))
    assert "共 23 条" in first and len(numbers(first)) == 10
    third = html(clerk.get(f"{LIST}?page=3"))
    assert len(numbers(third)) == 3 and 'aria-current="page">3<' in third
    assert numbers(html(clerk.get(f"{LIST}?page=99"))) == numbers(third)  # past the end: the last page
    assert len(numbers(html(clerk.get(f"{LIST}?size=20")))) == 20
    for sort in ("", "submitted"):
        # Pages past the middle are read from the other end: together they are still the list, in order.
        pages = [n for p in (1, 2, 3) for n in numbers(html(clerk.get(f"{LIST}?sort={sort}&page={p}")))]
        assert pages == numbers(html(clerk.get(f"{LIST}?sort={sort}&size=50"))) and len(set(pages)) == 23


@pytest.mark.parametrize("size", [10, 50])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "tab=issued",
        "name=泉州",
        "name=泉州晋江&tab=issued",
        "order_type=online",
        "name=泉",
        "name=晋江&tab=issued",
    ],
)
def test_it_runs_a_constant_number_of_queries(cast, clerk, django_assert_max_num_queries, size, query):
    synthetic.top_up([cast.insurer], 120)
    clerk.get(LIST)  # the session's first request may write it
    # session, user, roles, bell; then the grouped COUNT of the tabs and the page (ids and rows in one)
    with django_assert_max_num_queries(6):
        response = clerk.get(f"{LIST}?size={size}&{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("term", ["泉州", "泉", "泉州晋江", "有限公司"])
@pytest.mark.parametrize("tab", ["", "issued"])
def test_a_name_search_counts_exactly_and_lists_the_tabs_orders_newest_first(cast, clerk, term, tab):
    """A name alone: counts from the per-gram counts (1–2 characters) or one count of the matches with the
    tab's population, and a page read from the index or row by row (selectors.Scan) — the same list."""
    synthetic.top_up([cast.insurer, cast.other_insurer], 150)
    mine = orders_visible_to(cast.clerk)
    matching = mine.filter(Q(applicant_name__contains=term) | Q(project_name__contains=term))
    request = RequestFactory().get(LIST, {"name": term, "tab": tab, "size": 50})
    request.user = cast.clerk
    listing = selectors.insurer_order_list(request, filters={"name": term, "tab": tab})
    assert listing.counts == status_counts(matching)
    expected = (matching.filter(status=tab) if tab else matching).order_by("-submitted_at", "-id")
    assert [order.pk for order in listing.page.rows] == list(expected.values_list("pk", flat=True)[:50])


# --- a term in too many orders to count them ------------------------------------------------------------------
def listing_of(user, **query: str) -> selectors.OrderList:  # type: ignore[no-untyped-def]
    request = RequestFactory().get(LIST, query)
    request.user = user
    return selectors.insurer_order_list(request, filters={"tab": "", **query})


@pytest.fixture
def bound_above(offline):  # type: ignore[no-untyped-def]
    """Three orders hold both pairs of "泉州蓬" (泉州, 州蓬); two of them hold the term."""
    return [
        offline(applicant_name="泉州蓬壶茶业有限公司", project_name="茶厂"),
        offline(applicant_name="泉州蓬华石材有限公司", project_name="石材厂"),
        offline(applicant_name="福州蓬莱贸易有限公司", project_name="泉州仓库"),
    ]


def test_a_longer_term_is_counted_while_its_pairs_bound_it_to_the_limit(cast, bound_above, monkeypatch):
    monkeypatch.setattr(counts, "EXACT_LIMIT", 3)
    listing = listing_of(cast.clerk, name="泉州蓬")
    assert not listing.estimated and listing.total == 2 and listing.page.total == 2
    assert listing_of(cast.clerk, name="泉州蓬", order_type="offline").total == 2
    assert listing_of(cast.clerk, name="泉州蓬", order_type="online").total == 0
    assert {order.pk for order in listing.page.rows} == {bound_above[0].pk, bound_above[1].pk}


def test_past_the_limit_the_counts_are_the_pairs_bounds_and_the_rows_still_the_matches(
    cast, bound_above, clerk, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(counts, "EXACT_LIMIT", 2)
    listing = listing_of(cast.clerk, name="泉州蓬")
    assert listing.estimated and listing.total == 3  # the bound: the matches were not read to count them
    assert listing.counts[S.AWAITING_ISSUE] == 3 and listing.counts[S.ISSUED] == 0
    assert [order.pk for order in listing.page.rows] == [bound_above[1].pk, bound_above[0].pk]
    assert listing.page.num_pages == 1 and not listing.page.has_next  # a short page is the last
    clerk.get(LIST)
    with django_assert_max_num_queries(6):
        page = html(clerk.get(f"{LIST}?name=泉州蓬"))
    assert "约 3 条" in page and "(约3)" in page and "data-estimated" in page
    assert "茶厂" in page and "石材厂" in page and "泉州仓库" not in page
    assert "约" not in html(clerk.get(f"{LIST}?name=泉州蓬壶"))  # bound by its pairs to 1: counted


def test_estimated_pages_go_as_deep_as_the_walk_limit_allows_in_order(cast, clerk, monkeypatch):
    synthetic.top_up([cast.insurer, cast.other_insurer], 200)
    monkeypatch.setattr(counts, "EXACT_LIMIT", 10)
    monkeypatch.setattr(selectors, "WALK_LIMIT", 30)
    mine = orders_visible_to(cast.clerk)
    matching = mine.filter(Q(applicant_name__contains="有限公司") | Q(project_name__contains="有限公司"))
    assert matching.count() > 30
    for sort, order_by in (("", ("-submitted_at", "-id")), ("submitted", ("submitted_at", "id"))):
        pages = [listing_of(cast.clerk, name="有限公司", sort=sort, page=str(n)).page for n in (1, 2, 3, 9)]
        assert all(page.estimated and page.num_pages == 3 for page in pages)
        assert pages[3].number == 3  # past the last reachable page: the last one
        read = [order.pk for page in pages[:3] for order in page.rows]
        assert read == list(matching.order_by(*order_by).values_list("pk", flat=True)[:30])
    issued = listing_of(cast.clerk, name="有限公司", tab=S.ISSUED).page
    assert all(order.status == S.ISSUED for order in issued.rows) and len(issued.rows) == 10


# --- a filter most orders pass: counted up to a limit -----------------------------------------------------------
@pytest.fixture
def hundred(cast, monkeypatch):  # type: ignore[no-untyped-def]
    """100 orders of the insurer (every telephone starts with 1), counted up to 20 only."""
    synthetic.top_up([cast.insurer, cast.other_insurer], 200)
    monkeypatch.setattr(counts, "EXACT_LIMIT", 20)
    return orders_visible_to(cast.clerk)


@pytest.mark.parametrize("sort", ["-submitted", "submitted"])
def test_a_filter_past_the_limit_is_counted_that_far_and_paged_in_order(cast, hundred, sort):
    listing = listing_of(cast.clerk, contact_phone="1", sort=sort)
    assert listing.more and listing.shown("") == "20+" and listing.shown(S.ISSUED) is None
    pages = [listing_of(cast.clerk, contact_phone="1", sort=sort, page=str(n)).page for n in (1, 2, 5)]
    assert [page.num_pages for page in pages] == [2, 2, 2] and pages[2].number == 2
    read = [order.pk for page in pages[:2] for order in page.rows]
    assert read == list(hundred.order_by(*selectors.SORTS[sort]).values_list("pk", flat=True)[:20])


@pytest.mark.parametrize("tab", [S.ISSUED, S.CANCELLED, S.AWAITING_QUOTE])
def test_past_the_limit_the_tab_is_counted_on_its_own_up_to_the_limit(cast, hundred, tab):
    """A big tab is counted through the filter's index, a small one along its own: the same number."""
    listing = listing_of(cast.clerk, contact_phone="1", tab=tab)
    actual = hundred.filter(status=tab).count()
    assert listing.more and listing.tab_total == min(actual, 21)
    assert listing.shown(tab) == (str(actual) if actual <= 20 else "20+")
    assert listing.page.total == min(actual, 20) and all(order.status == tab for order in listing.page.rows)
    expected = hundred.filter(status=tab).order_by("-submitted_at", "-id").values_list("pk", flat=True)[:10]
    assert [order.pk for order in listing.page.rows] == list(expected)


def test_a_name_in_too_many_orders_with_another_filter_is_tested_on_each_row(cast, hundred):
    listing = listing_of(cast.clerk, name="有限公司", contact_phone="1", size="50")
    matching = hundred.filter(Q(applicant_name__contains="有限公司") | Q(project_name__contains="有限公司"))
    assert listing.more and matching.count() > 20
    expected = matching.order_by("-submitted_at", "-id").values_list("pk", flat=True)[:50]
    assert [order.pk for order in listing.page.rows] == list(expected)  # (20+: a page of 50 is one page)
    sample = hundred.values_list("applicant_name", flat=True).first()
    rare = listing_of(cast.clerk, name=sample, contact_phone="1")  # bound by its pairs: counted exactly
    assert not rare.more and rare.total == hundred.filter(applicant_name__contains=sample).count()


def test_a_date_range_past_the_limit_pages_as_far_as_the_limit(cast, hundred):
    start = timezone.localdate(hundred.order_by("submitted_at").first().submitted_at)  # type: ignore[union-attr]
    listing = listing_of(cast.clerk, start=start, page="9")  # type: ignore[arg-type]
    assert listing.more and listing.page.number == 2 and listing.page.num_pages == 2


def test_past_the_limit_the_screen_says_so_in_six_queries(
    cast, hundred, clerk, django_assert_max_num_queries
):
    clerk.get(LIST)
    with django_assert_max_num_queries(6):
        page = html(clerk.get(f"{LIST}?contact_phone=1&tab={S.ISSUED}"))
    assert "共 20+ 条" in page and "data-more" in page and "超过 20 条" in page
    assert 'data-tab="all">全部<span class="count">(20+)</span>' in page
    assert f'data-tab="{S.CANCELLED}">{S.CANCELLED.label}</a>' in page  # not counted: no number


def test_it_refreshes_only_the_list_region_for_htmx(online, clerk):
    online()
    response = clerk.get(LIST, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-region")
    page = html(response)
    assert page.lstrip().startswith('<div id="list-region"') and "search-form" not in page


# --- who may see it ------------------------------------------------------------------------------------------
def test_it_redirects_anonymous_users_to_the_insurer_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith("/insurer/login/?next=")


def test_it_is_forbidden_without_order_view(insurer):
    assert insurer.client(insurer.limited).get(LIST).status_code == 403


def test_it_is_forbidden_to_another_side(insurer):
    assert insurer.client(insurer.foreign).get(LIST).status_code == 403


def test_it_is_in_the_menu_of_those_who_may_see_it(insurer):
    assert 'href="/insurer/orders/"' in html(insurer.client(insurer.admin).get("/insurer/"))
    assert 'href="/insurer/orders/"' not in html(insurer.client(insurer.limited).get("/insurer/"))
