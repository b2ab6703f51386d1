"""Reads of orders, always from the signed-in user, within ``scopes.orders_visible_to`` (which orders each side
sees).

The insurer's 订单管理 list is built to stay fast at a million orders (docs/spec/PERFORMANCE-NOTES.md):
- every filter is answered by an index that starts with the insurer (see ``Order.Meta.indexes``), the name
  search by a trigram index (``search.py``);
- the counts of all status tabs come from one row kept by triggers (``counts.py``) — for a 1–2 character
  name, the row of that character or pair; for a longer one, its matches counted, or estimated from the
  rows of its pairs when those say it is in more than ``counts.EXACT_LIMIT`` orders — or under another
  search from one COUNT of the filtered orders that stops past ``counts.EXACT_LIMIT`` (then the list says
  "10000+" and pages forwards); they also give the list's total;
- a page first finds its ids on the covering index (``order_page``), then reads those rows only; under a name
  search, knowing the exact number of matches, it either sorts the matches from the name's index or tests
  rows in list order, whichever reads fewer rows (``Scan``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from anze.accounts.models import User
from anze.audit.selectors import day_range
from anze.core.codes import exact_or_prefix
from anze.core.pagination import Page, TabbedList, page_params, walks
from anze.core.sides import Side
from anze.documents.models import Document

from . import counts as insurer_counts
from . import search
from .models import INSURER_STATUSES, Order, OrderEvent, OrderStatus, OrderType
from .scopes import Unindexed, orders_visible_to

# The list's orderings (``sort=`` in the query string); both are an index read forwards or backwards.
SORTS: dict[str, tuple[str, str]] = {
    "-submitted": ("-submitted_at", "-id"),
    "submitted": ("submitted_at", "id"),
}
DEFAULT_SORT = "-submitted"
REVERSE: dict[str, str] = {"-submitted": "submitted", "submitted": "-submitted"}


def order_for(*, user: User, application_no: str) -> Order:
    """One order by its 申请编号; another organisation's order and a missing one are both 404."""
    qs = orders_visible_to(user).select_related("insurer", "enterprise", "region", "industry")
    return get_object_or_404(qs, application_no=application_no)


# --- the insurer's list ------------------------------------------------------------------------------------
def _exact_or_prefix(
    qs: QuerySet[Order], field: str, value: str, full_length: int, walk: bool = False
) -> QuerySet[Order]:
    """``core.codes.exact_or_prefix``; with ``walk``, tested on each row read (see ``search_orders``)."""
    if walk:
        qs = qs.alias(**{f"{field}_unindexed": Unindexed(field)})
        field = f"{field}_unindexed"
    return exact_or_prefix(qs, field, value, full_length)


# The search form's fields; without any of them (订单类型 aside) the tab counts come from InsurerOrderCounts
# (counts.py).
SEARCH_FIELDS = ("application_no", "name", "credit_code", "contact_phone", "order_type", "start", "end")


def search_orders(
    qs: QuerySet[Order],
    filters: Mapping[str, Any],
    *,
    insurer_id: int | None = None,
    by_row: bool = False,
    walk: bool = False,
) -> QuerySet[Order]:
    """The search form's filters (not the status tab): 申请编号, 投保人/项目名称, 信用代码, 联系电话, 订单类型 and
    申请时间. Numbers match exactly when complete, else by prefix; names by substring (``insurer_id``: the
    insurer whose orders ``qs`` holds, see ``search.name_matches``; ``by_row``: the name tested on each row
    read instead, see ``search.names_contain``; ``walk``: the numbers too, on each row read along the list's
    own index, none of their indexes offered to SQLite's planner)."""
    application_no = (filters.get("application_no") or "").strip()
    if application_no:
        qs = _exact_or_prefix(qs, "application_no", application_no, 18, walk)
    name = (filters.get("name") or "").strip()
    if name and by_row:
        qs = search.names_contain(qs, name)
    elif name:
        qs = search.name_matches(qs, name, insurer_id=insurer_id)
    credit_code = (filters.get("credit_code") or "").strip().upper()
    if credit_code:
        qs = _exact_or_prefix(qs, "applicant_credit_code", credit_code, 18, walk)
    phone = (filters.get("contact_phone") or "").strip()
    if phone:
        qs = _exact_or_prefix(qs, "contact_phone", phone, 11, walk)
    if filters.get("order_type") in OrderType.values:
        qs = qs.filter(order_type=filters["order_type"])
    return day_range(qs, "submitted_at", filters.get("start"), filters.get("end"))


@dataclass
class OrderList(TabbedList):
    """What the 订单管理 screen shows: the page of rows, the count of every tab, and the sort. ``estimated``:
    the counts are upper bounds, not counted (``counts.counts_with_pairs``); ``more``: the matches were
    counted up to ``counts.EXACT_LIMIT`` only, the tab's own up to ``tab_total`` (``counts.tally``)."""

    sort: str
    estimated: bool = False
    more: bool = False
    tab_total: int | None = None

    @property
    def counted_up_to(self) -> int:
        return insurer_counts.EXACT_LIMIT

    def shown(self, tab: str) -> str | None:
        """How a tab's count reads: "12", "约12" (estimated), "10000+" (more than were counted) or nothing
        (not counted)."""
        if not self.more:
            number = self.counts[tab] if tab else self.total
            return f"约{number}" if self.estimated else str(number)
        if tab and tab != self.tab:
            return None
        if tab and self.tab_total is not None and self.tab_total <= insurer_counts.EXACT_LIMIT:
            return str(self.tab_total)
        return f"{insurer_counts.EXACT_LIMIT}+"


@dataclass
class Scan:
    """Another way to read the same orders as a page's ``qs``: testing each row along the list's own index
    (``queryset``), which holds ``population`` rows. Cheaper than ``qs`` when matches are common: the
    expected rows read to fill a page are (rows skipped + page size) × population / matches, where ``qs``
    reads every match to sort them."""

    queryset: QuerySet[Order]
    population: int


# How many rows a page of estimated matches may walk (a row read each): the pages reach as far as that many rows of
# the list hold matches, by the estimate (all 1,000 pages of 10 for a term in every order).
WALK_LIMIT = 10_000


def order_page(
    request: HttpRequest,
    qs: QuerySet[Order],
    *,
    total: int,
    sort: str,
    scan: Scan | None = None,
    estimated: bool = False,
    more: bool = False,
    walked: int | None = None,
) -> Page:
    """One page of ``qs``: its ids from the index first, then those rows (a "deferred join").

    An OFFSET walks that many index entries, which is cheap on a covering index but not free at 300,000.
    Past the middle of the list the page is read from the other end instead (the total is known and the
    order unique), so the last page costs what the first does and the worst is the middle one.

    ``estimated``: ``total`` is an upper bound of the matches (``OrderList.estimated``), which are many;
    ``more``: there are more than ``total``. Either way the pages are read forwards along the list (``scan``'s,
    or the planner's choice), as deep as ``WALK_LIMIT`` rows hold matches: ``total`` of them in ``walked``
    rows (``scan``'s population for an estimate; none for filters the list's index itself serves). A page
    that comes back short is the last.
    """
    number, size = page_params(request)
    if estimated and scan is not None:
        walked = scan.population
    reachable = total
    if (estimated or more) and walked:
        reachable = min(total, max(size, WALK_LIMIT * total // walked))
    last = max(1, -(-reachable // size))
    number = min(number, last)  # a page past the end shows the last page, not an error
    offset = (number - 1) * size
    sort = sort if sort in SORTS else DEFAULT_SORT
    inexact = estimated or more
    reverse = not inexact and offset > total // 2
    reach = total - offset if reverse else offset + size  # the matches read, up to the page's last
    if scan is not None and (estimated or walks(reach, scan.population, total)):
        qs = scan.queryset
    if reverse:
        from_end = max(0, total - offset - size)
        ids = qs.order_by(*SORTS[REVERSE[sort]]).values("pk")[from_end : total - offset]
    else:
        ids = qs.order_by(*SORTS[sort]).values("pk")[offset : offset + size]
    rows: Sequence[Order] = list(Order.objects.filter(pk__in=ids).order_by(*SORTS[sort]))
    if inexact and len(rows) < size:
        reachable = offset + len(rows)
    return Page(
        rows=rows, number=number, size=size, total=total, reachable=reachable, estimated=estimated, more=more
    )


def insurer_order_list(request: HttpRequest, *, filters: Mapping[str, Any]) -> OrderList:
    """The insurer's 订单管理 list: two queries whatever the page size (the counts, then the page)."""
    tab = filters.get("tab") if filters.get("tab") in INSURER_STATUSES else ""
    sort = filters.get("sort") if filters.get("sort") in SORTS else DEFAULT_SORT
    insurer_id = request.user.organisation_id  # type: ignore[union-attr]
    mine = orders_visible_to(request.user)  # type: ignore[arg-type]
    qs = search_orders(mine, filters, insurer_id=insurer_id)
    order_type = filters.get("order_type") if filters.get("order_type") in OrderType.values else None
    name = (filters.get("name") or "").strip()
    searching = [field for field in SEARCH_FIELDS if field != "order_type" and filters.get(field)]
    # The name tested on each row (without a name, the same as ``qs``: built only when it differs).
    by_row = search_orders(mine, filters, insurer_id=insurer_id, by_row=True) if name else qs
    # Every filter tested on each row read along the list's index (a name in more than EXACT_LIMIT orders is).
    walk = search_orders(mine, filters, insurer_id=insurer_id, by_row=True, walk=True)
    scan, estimated, more, tab_total = None, False, False, None
    if searching == ["name"]:  # the name alone: its matches can also be read row by row along the list
        if search.is_gram(name):  # a character or a pair: its counts are kept, like the insurer's
            counts, everything = insurer_counts.counts_with_gram(insurer_id, name, order_type)
        else:  # counted, or estimated when its pairs say it is in too many orders to count
            found = insurer_counts.counts_with_pairs(insurer_id, search.bounding_grams(name), order_type, qs)
            counts, everything, estimated = found.counts, found.everything, found.estimated
        scan = Scan(
            by_row.filter(status=tab) if tab else by_row, everything[tab] if tab else sum(everything.values())
        )
    elif searching:  # other fields: counted up to EXACT_LIMIT matches, in one statement
        found = insurer_counts.tally(
            qs,
            tab=tab,
            insurer_id=insurer_id,
            order_type=order_type,
            grams=search.bounding_grams(name) if name else [],
            alternative=by_row if name else None,
            walk=walk,
        )
        counts, more, tab_total, population = found.counts, found.more, found.tab_total, found.population
        if found.by_row:  # the name is in too many orders: test it on each row
            qs = by_row
    else:  # no filter, or only 订单类型: the trigger-kept counts
        counts = insurer_counts.counts_of(insurer_id, order_type)
    if more and (tab_total is None or tab_total > insurer_counts.EXACT_LIMIT):
        # The filters most rows pass, tested on each row read along the list's index (the planner, not
        # knowing how many pass, sorted all the orders of a telephone prefix "1" for the first page).
        walked = population if [field for field in searching if field not in ("start", "end")] else None
        walk = walk.filter(status=tab) if tab else walk
        page = order_page(
            request, walk, total=insurer_counts.EXACT_LIMIT, sort=sort, more=True, walked=walked
        )
    else:  # an exact page (past the limit, the tab's own number was counted within it)
        total = (
            tab_total if more and tab_total is not None else (counts[tab] if tab else sum(counts.values()))
        )
        qs = qs.filter(status=tab) if tab else qs
        page = order_page(request, qs, total=total, sort=sort, scan=scan, estimated=estimated)
    return OrderList(
        page=page, counts=counts, tab=tab, sort=sort, estimated=estimated, more=more, tab_total=tab_total
    )


def insurer_orders_for_export(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Order]:
    """The rows of the 导出: the list's filters, tab and order, every page."""
    qs = search_orders(orders_visible_to(user), filters, insurer_id=user.organisation_id)
    if filters.get("tab") in INSURER_STATUSES:
        qs = qs.filter(status=filters["tab"])
    sort = filters.get("sort") if filters.get("sort") in SORTS else DEFAULT_SORT
    return qs.order_by(*SORTS[str(sort)])


def insurer_action_counts(*, user: User) -> dict[str, int]:
    """The home cards: how many orders wait in each state (the counts of the tabs: ``scopes.orders_visible_to``
    of the insurer, counted by the triggers of ``counts.py``)."""
    if user.side != Side.INSURER:
        return dict.fromkeys(INSURER_STATUSES, 0)
    return insurer_counts.counts_of(user.organisation_id)


# --- one order ---------------------------------------------------------------------------------------------
DOCUMENT_FIELDS: tuple[str, ...] = (
    "business_licence",
    "legal_id",
    "payment_notice",
    "payment_voucher",
    "policy_file",
    "invoice_file",
    "contract_file",
)
# Events whose ``changes["document"]`` is a file the order had then (a payment voucher later replaced).
DOCUMENT_EVENTS: tuple[str, ...] = ("upload_payment_notice", "upload_payment_voucher")


def order_events(order: Order) -> list[OrderEvent]:
    return list(order.events.order_by("created_at", "id"))


# The files a policy of the order was issued with (``anze.policies.models.Policy``): a policy reversed by 冲正
# keeps them — read-only, shown 已作废 — after they have left the order.
POLICY_DOCUMENT_FIELDS: tuple[str, ...] = ("policy_file_id", "invoice_file_id", "contract_file_id")


def order_documents(order: Order, events: Sequence[OrderEvent] | None = None) -> dict[str, Document]:
    """Every file of the order by UUID string, in one query: its current files, the files of its policies
    (a reversed one's too), and the earlier payment notices and vouchers its timeline refers to (a voucher
    rejected at 支付审核 stays viewable)."""
    ids = [pk for name in DOCUMENT_FIELDS if (pk := getattr(order, f"{name}_id"))]
    if events is None:
        events = order.events.filter(action__in=DOCUMENT_EVENTS)
    uuids = [
        str(event.changes["document"])
        for event in events
        if event.action in DOCUMENT_EVENTS and event.changes.get("document")
    ]
    wanted = Q(pk__in=ids) | Q(uuid__in=uuids)
    if order.status != OrderStatus.DRAFT:  # a draft has no policy, ever
        policies = order.policies.all()  # type: ignore[attr-defined] - anze.policies' reverse relation
        for name in POLICY_DOCUMENT_FIELDS:
            wanted |= Q(pk__in=policies.values(name))
    elif not ids and not uuids:
        return {}
    documents = Document.objects.filter(wanted)
    return {str(document.uuid): document for document in documents}
