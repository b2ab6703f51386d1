"""Reads of policies from the signed-in user: the insurer's 保单管理 and what every side shows of one policy.

The list runs a constant number of queries whatever its size: one statement counts every tab, each up to
``LIST_COUNT_LIMIT`` rows along its (insurer[, status], service_status, -issued_at, -id) index (10000+ beyond),
then the page is read along the same index, a deep one by its ids first (``core.pagination``), with its order
and organisations joined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from anze.accounts.models import Organisation, User
from anze.audit.selectors import day_range
from anze.basedata.models import Region
from anze.core.codes import exact_or_prefix, prefix
from anze.core.pagination import (
    Page,
    TabbedList,
    bounded_counts,
    bounded_paginate,
    page_params,
    paginate,
    peeked_page,
    walks,
)
from anze.core.sides import Side
from anze.documents.models import Document
from anze.orders import counts as insurer_counts
from anze.orders import search
from anze.orders.scopes import orders_visible_to

from .models import (
    CURRENT_FIRST,
    Policy,
    PolicyReversal,
    PolicyStatus,
    ReversalEvent,
    ReversalStatus,
    ServiceEvent,
    ServiceStatus,
)
from .panels import later_documents
from .scopes import policies_visible_to, policy_of_order

ORDERING = ("-issued_at", "-id")


def policies_for(*, user: User) -> QuerySet[Policy]:
    """The insurer's own policies (``scopes.policies_visible_to``); no other side reaches policies through here."""
    return policies_visible_to(user, side=Side.INSURER)


def policy_for(*, user: User, application_no: str) -> Policy:
    """One policy by its order's 申请编号; another insurer's policy and a missing one are both 404."""
    qs = policies_for(user=user).select_related(
        "order",
        "order__region",
        "order__industry",
        "insurer",
        "enterprise",
        "service_org",
        "service_declined_org",
    )
    return policy_of_order(qs, application_no)


def search_policies(
    qs: QuerySet[Policy], filters: Mapping[str, Any], *, user: User, by_row: bool = False
) -> QuerySet[Policy]:
    """保单编号 and 申请编号 exact when complete, else by prefix; 投保人 / 项目名称 by substring through the
    insurer's name index over the orders it sees (``by_row``: tested on each policy's order instead, along the
    list's index, see ``_named_page``); 出函时间 as a day range."""
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = prefix(qs, "policy_no", policy_no)
    application_no = (filters.get("application_no") or "").strip()
    if application_no:
        qs = exact_or_prefix(qs, "order__application_no", application_no, 18)
    name = (filters.get("applicant") or "").strip()
    if name and by_row:
        qs = search.names_contain(qs, name, through="order__")
    elif name and search.is_gram(name):
        qs = search.gram_holders(qs, name, user.organisation_id)  # type: ignore[arg-type]
    elif name:
        orders = search.name_matches(orders_visible_to(user), name, insurer_id=user.organisation_id)
        qs = qs.filter(order__in=orders.values("pk"))
    if filters.get("status") in PolicyStatus.values:  # 保单状态: 有效 / 已冲正 / 已退保
        qs = qs.filter(status=filters["status"])
    return day_range(qs, "issued_at", filters.get("start"), filters.get("end"))


def status_counts(qs: QuerySet[Policy]) -> dict[str, int]:
    rows = qs.order_by().values_list("service_status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ServiceStatus.values, 0)
    counts.update(dict(rows))
    return counts


def _filtered(user: User, filters: Mapping[str, Any], *, by_row: bool = False) -> QuerySet[Policy]:
    return search_policies(policies_for(user=user), filters, user=user, by_row=by_row)


@dataclass
class PolicyList(TabbedList):
    """保单管理's page and tabs; each tab counted up to ``limit`` rows only, ``over``: the tabs past it (every tab
    when the matches of a name were counted together, past ``limit``: then only 全部 reads 10000+); none under
    a common 1–2 character name (``counted`` False)."""

    limit: int = 0
    over: frozenset[str] = frozenset()
    by_tab: bool = True
    counted: bool = True  # False: a common name's matches, not counted at all (``COUNTED_NAME``)

    def shown(self, tab: str) -> str | None:
        """How a tab's count reads: "12", "10000+" when there are more than were counted, or nothing (not
        counted)."""
        if not self.counted or (tab and tab in self.over and not self.by_tab):
            return None
        if tab in self.over or (not tab and self.over):
            return f"{self.limit}+"
        return str(self.counts[tab] if tab else self.total)


def _tab_counts(qs: QuerySet[Policy], limit: int, *, by_tab: bool) -> tuple[dict[str, int], frozenset[str]]:
    """Each tab up to ``limit`` + 1 rows along its index, in one statement (``by_tab``); else — a name, whose
    matches come from the name index and are read once, not once per tab — the first ``limit`` + 1 matches
    together, every tab past the limit when they are more."""
    if by_tab:
        counted = bounded_counts({s: qs.filter(service_status=s) for s in ServiceStatus.values}, limit=limit)
        return {s: min(n, limit) for s, n in counted.items()}, frozenset(
            s for s, n in counted.items() if n > limit
        )
    statuses = list(qs.order_by().values_list("service_status", flat=True)[: limit + 1])
    counts = {s: statuses.count(s) for s in ServiceStatus.values}
    return counts, frozenset(ServiceStatus.values) if len(statuses) > limit else frozenset()


# A 1–2 character 投保人 in more of the insurer's orders than this (the kept counts of its gram say so) is common:
# its matches are not counted — reading each from the grams index costs a row of the orders table on PostgreSQL,
# 50–90 ms for the 8,500 orders of "辋川" at a million orders (docs/BENCH.md) — and its pages are found along the
# list's index (``_common_page``).
COUNTED_NAME = 2_000


def insurer_policy_list(request: HttpRequest, *, filters: Mapping[str, Any]) -> PolicyList:
    """Every tab counted up to ``LIST_COUNT_LIMIT`` (``_tab_counts``), in one statement; the page exact when its
    tab's count is (``paginate``), else ``bounded_paginate`` (共 N+ 条); under a common 1–2 character name, no
    count and the page by ``_common_page``."""
    tab = filters.get("tab") or ""
    if tab not in ServiceStatus.values:
        tab = ""
    user: User = request.user  # type: ignore[assignment]
    qs = _filtered(user, filters)
    limit = settings.LIST_COUNT_LIMIT
    name = (filters.get("applicant") or "").strip()
    common = None
    if search.is_gram(name):
        holding, everything = insurer_counts.counts_with_gram(user.organisation_id, name)  # type: ignore[arg-type]
        held = sum(holding.values())
        common = (held, sum(everything.values())) if held > COUNTED_NAME else None
    if common is None:
        counts, over = _tab_counts(qs, limit, by_tab=not name)
    else:
        counts, over = dict.fromkeys(ServiceStatus.values, 0), frozenset(ServiceStatus.values)
    if tab:
        qs = qs.filter(service_status=tab)
    qs = qs.select_related("order", "service_org", "service_declined_org").order_by(*ORDERING)
    if common is not None:
        walk = _filtered(user, filters, by_row=True)
        walk = walk.filter(service_status=tab) if tab else walk
        walk = walk.select_related("order", "service_org", "service_declined_org").order_by(*ORDERING)
        page = _common_page(request, qs, walk, held=common[0], everything=common[1])
    elif over and (not tab or tab in over):
        page = bounded_paginate(request, qs, limit=limit)
    else:
        page = paginate(request, qs, count=counts[tab] if tab else sum(counts.values()))
    mark_pending_reversals(page.rows)
    return PolicyList(
        page=page, counts=counts, tab=tab, limit=limit, over=over, by_tab=not name, counted=common is None
    )


def _common_page(
    request: HttpRequest, qs: QuerySet[Policy], walk: QuerySet[Policy], *, held: int, everything: int
) -> Page:
    """A page of the policies of a common 1–2 character name, in ``held`` of the insurer's ``everything``
    orders: found by testing each policy's order along the list's own index (``walk``) — its first page among
    ~400 policies for a name in one order in 40 — looking one row past the page for the next (``peeked_page``:
    共 N+ 条); or, deeper than that reads fewer rows than the name's matches (``walks``), those sorted from the
    grams index (``qs``) and counted up to ``LIST_COUNT_LIMIT`` past the page."""
    number, size = page_params(request)
    if walks(number * size, everything, held):
        return peeked_page(walk, number, size, past_end=qs)
    return bounded_paginate(request, qs)


def mark_pending_reversals(policies: Sequence[Policy]) -> None:
    """``reversal_pending`` on each policy of a page: a 冲正 request waits for review (one query)."""
    waiting = set(
        PolicyReversal.objects.filter(
            policy_id__in=[p.pk for p in policies], status=ReversalStatus.PENDING
        ).values_list("policy_id", flat=True)
    )
    for policy in policies:
        policy.reversal_pending = policy.pk in waiting  # type: ignore[attr-defined]


def insurer_policies_for_export(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Policy]:
    """The rows of 保单管理's 导出: the list's filters and tab, every page."""
    qs = _filtered(user, filters)
    if filters.get("tab") in ServiceStatus.values:
        qs = qs.filter(service_status=filters["tab"])
    return qs.select_related("order", "service_org").order_by(*ORDERING)


def insurer_service_counts(*, user: User) -> dict[str, int]:
    """The home cards' service counts, of the policies in force (a reversed one needs no service)."""
    return status_counts(policies_for(user=user).filter(status=PolicyStatus.ACTIVE))


# --- choosing an organisation ---------------------------------------------------------------------------------
def service_org_regions() -> QuerySet[Region]:
    """The regions where an active service organisation is registered (the dialog's 地区 filter)."""
    ids = Organisation.objects.active().of_kind(Side.SERVICE_ORG).values("region_id")
    return Region.objects.filter(pk__in=ids).order_by("code")


def service_org_choices(region: Region | None = None) -> QuerySet[Organisation]:
    """Active service organisations (of ``region`` and the regions inside it), with how many policies each
    serves now — what a clerk weighs when choosing."""
    qs = Organisation.objects.active().of_kind(Side.SERVICE_ORG).select_related("region")
    if region is not None:
        qs = qs.filter(region__code__startswith=region.prefix)
    return qs.annotate(
        serving=Count("service_policies", filter=Q(service_policies__service_status=ServiceStatus.IN_SERVICE))
    ).order_by("id")


# --- one policy ----------------------------------------------------------------------------------------------
# The files issued with the policy (its own: they stay with it after a 冲正), then the order's 投保资料 and 付款.
POLICY_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("policy_file", "保单文件"),
    ("invoice_file", "发票文件"),
    ("contract_file", "合同文件"),
)
ORDER_DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("business_licence", "营业执照"),
    ("legal_id", "法人身份证"),
    ("payment_notice", "付款通知书"),
    ("payment_voucher", "付款凭证"),
)


def order_documents(policy: Policy) -> list[tuple[str, Document]]:
    """[(label, document)] of the policy and of the order behind it, in one query, then the files other apps
    issued with the policy later (``panels.later_documents``: the 批单 of its endorsements)."""
    fields = [(policy, name, label) for name, label in POLICY_DOCUMENTS]
    fields += [(policy.order, name, label) for name, label in ORDER_DOCUMENTS]
    ids = [(label, pk) for obj, name, label in fields if (pk := getattr(obj, f"{name}_id"))]
    documents = Document.objects.in_bulk([pk for _, pk in ids])
    return [(label, documents[pk]) for label, pk in ids if pk in documents] + later_documents(policy)


def events_for(policy: Policy, *, user: User) -> list[ServiceEvent]:
    """The service timeline; an organisation sees only its own part (not an earlier organisation's decline)."""
    qs = policy.events.select_related("service_org").order_by("created_at", "id")
    if user.side == Side.SERVICE_ORG:
        qs = qs.filter(service_org_id=user.organisation_id)
    return list(qs)


def order_policies(policy: Policy) -> list[Policy]:
    """Every policy of ``policy``'s order, the live one first, then the reversed ones newest first: the
    page of one shows the others (an order issued again after a 冲正 has two)."""
    return list(
        Policy.objects.filter(order_id=policy.order_id).select_related("insurer").order_by(*CURRENT_FIRST)
    )


def policy_documents(policies: Sequence[Policy]) -> dict[int, list[tuple[str, Document]]]:
    """The files each of ``policies`` was issued with, [(label, document)] by policy id, in one query."""
    wanted = [pk for p in policies for name, _ in POLICY_DOCUMENTS if (pk := getattr(p, f"{name}_id"))]
    documents = Document.objects.in_bulk(wanted) if wanted else {}
    return {
        p.pk: [
            (label, documents[pk])
            for name, label in POLICY_DOCUMENTS
            if (pk := getattr(p, f"{name}_id")) and pk in documents
        ]
        for p in policies
    }


# --- 冲正 ------------------------------------------------------------------------------------------------------
def _reversals(qs: QuerySet[PolicyReversal]) -> QuerySet[PolicyReversal]:
    return qs.select_related("policy", "policy__order", "policy__insurer", "requested_by", "reviewed_by")


def reversals_for(*, user: User) -> QuerySet[PolicyReversal]:
    """The 冲正 requests of the user's insurer (none for any other side)."""
    if user.side != Side.INSURER:
        return PolicyReversal.objects.none()
    return PolicyReversal.objects.filter(insurer_id=user.organisation_id)


def reversal_for(*, user: User, reversal_uuid: Any) -> PolicyReversal:
    """One request of the user's insurer; another insurer's and a missing one are both 404."""
    return get_object_or_404(_reversals(reversals_for(user=user)), uuid=reversal_uuid)


# The tabs of 冲正审核: 待审核 first (what the reviewer came for, and the default), then the others and 全部.
REVERSAL_TABS: tuple[tuple[str, str], ...] = (
    (ReversalStatus.PENDING, "待审核"),
    (ReversalStatus.APPROVED, "已通过"),
    (ReversalStatus.REJECTED, "已驳回"),
    ("all", "全部"),
)


def reversal_tab(value: str | None) -> str:
    return value if value in dict(REVERSAL_TABS) else ReversalStatus.PENDING


def search_reversals(qs: QuerySet[PolicyReversal], filters: Mapping[str, Any]) -> QuerySet[PolicyReversal]:
    """保单编号 by prefix (the insurer's (insurer, policy_no) index), 申请时间 as a day range."""
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy__in=prefix(Policy.objects.all(), "policy_no", policy_no).values("pk"))
    return day_range(qs, "requested_at", filters.get("start"), filters.get("end"))


def reversal_counts(qs: QuerySet[PolicyReversal]) -> dict[str, int]:
    rows = qs.order_by().values_list("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ReversalStatus.values, 0)
    counts.update(dict(rows))
    counts["all"] = sum(counts.values())
    return counts


def reversal_list(
    *, user: User, filters: Mapping[str, Any], tab: str
) -> tuple[QuerySet[PolicyReversal], dict[str, int]]:
    """冲正审核: the requests of the tab, newest first, and the count of every tab under the same search."""
    qs = search_reversals(reversals_for(user=user), filters)
    counts = reversal_counts(qs)
    if tab != "all":
        qs = qs.filter(status=tab)
    return _reversals(qs).order_by("-requested_at", "-id"), counts


def policy_reversals(policies: Sequence[Policy]) -> list[PolicyReversal]:
    """The 冲正 history of an order's policies, newest first, with their steps (two queries)."""
    return list(
        _reversals(PolicyReversal.objects.filter(policy__in=[p.pk for p in policies]))
        .prefetch_related(Prefetch("events", queryset=ReversalEvent.objects.order_by("created_at", "id")))
        .order_by("-requested_at", "-id")
    )
