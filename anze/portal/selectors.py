"""Reads of the enterprise portal, from the signed-in user: 我的订单, 我的保单, the home cards and the 续保 reminder.

Orders are reached through ``anze.orders.scopes.orders_visible_to`` (a verified enterprise sees its own orders
only), policies through ``anze.policies.scopes`` (``prevention.selectors.enterprise_policies``).
An enterprise has tens of orders, not millions: its lists read the (enterprise, status, -created_at) index
and run a constant number of queries whatever the page size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anze.accounts.models import User
from anze.audit.selectors import day_range
from anze.core.pagination import Page, TabbedList, page_params
from anze.documents.models import Document
from anze.endorsements.models import Endorsement
from anze.endorsements.selectors import requests_of
from anze.notifications.models import Notification
from anze.orders.models import Order, OrderStatus
from anze.orders.scopes import orders_visible_to
from anze.policies import renewals
from anze.policies.models import Policy, PolicyStatus
from anze.policies.progress import ItemProgress, progress_for, totals
from anze.policies.scopes import policy_rows, with_live_policy
from anze.prevention.selectors import enterprise_policies

S = OrderStatus
ORDER_ORDERING = ("-created_at", "-id")
POLICY_ORDERING = ("-issued_at", "-id")
RENEWAL_NOTICE_DAYS = renewals.NOTICE_DAYS
# The tabs of 我的订单: every state, drafts included (an enterprise's own drafts are its to finish).
ENTERPRISE_STATUSES: tuple[str, ...] = tuple(OrderStatus.values)


# --- 我的订单 -------------------------------------------------------------------------------------------------------
def search_orders(qs: QuerySet[Order], filters: Mapping[str, Any]) -> QuerySet[Order]:
    """申请编号 exact when complete, else by prefix; 项目名称 by substring; 保险公司; 申请时间 as a day range."""
    application_no = (filters.get("application_no") or "").strip()
    if application_no:
        qs = (
            qs.filter(application_no=application_no)
            if len(application_no) == 18
            else qs.filter(application_no__startswith=application_no)
        )
    project = (filters.get("project") or "").strip()
    if project:
        qs = qs.filter(project_name__icontains=project)
    if filters.get("insurer"):
        qs = qs.filter(insurer=filters["insurer"])
    return day_range(qs, "submitted_at", filters.get("start"), filters.get("end"))


def status_counts(qs: QuerySet[Order]) -> dict[str, int]:
    """{status: n} of the enterprise's filtered orders, every state present, in one grouped COUNT."""
    counts = dict.fromkeys(ENTERPRISE_STATUSES, 0)
    counts.update(dict(qs.order_by().values_list("status").annotate(n=Count("pk"))))
    return counts


def order_list(request: HttpRequest, *, filters: Mapping[str, Any]) -> TabbedList:
    """我的订单: the counts of every tab (which also give the total), then one page — two queries."""
    tab = filters.get("tab") or ""
    if tab not in ENTERPRISE_STATUSES:
        tab = ""
    qs = search_orders(orders_visible_to(request.user), filters)  # type: ignore[arg-type]
    counts = status_counts(qs)
    if tab:
        qs = qs.filter(status=tab)
    total = counts[tab] if tab else sum(counts.values())
    number, size = page_params(request)
    number = min(number, max(1, -(-total // size)))
    offset = (number - 1) * size
    rows = list(qs.select_related("insurer", "policy_file").order_by(*ORDER_ORDERING)[offset : offset + size])
    return TabbedList(page=Page(rows=rows, number=number, size=size, total=total), counts=counts, tab=tab)


def action_counts(*, user: User) -> dict[str, int]:
    """The home cards: the enterprise's orders in each state (one grouped COUNT)."""
    return status_counts(orders_visible_to(user))


# --- 我的保单 -------------------------------------------------------------------------------------------------------
class Validity:
    """Where a policy's period stands today. The tabs of 我的保单 are 保障中 | 未起保 | 已到期 (they partition
    the list); a policy in force that ends within RENEWAL_NOTICE_DAYS is tagged 即将到期 in its row."""

    IN_FORCE = "in_force"
    EXPIRING = "expiring"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    REVERSED = "reversed"  # 冲正: voided and replaced by the policy issued again (issue 14)
    TABS: dict[str, str] = {IN_FORCE: "保障中", NOT_STARTED: "未起保", EXPIRED: "已到期", REVERSED: "已冲正"}
    LABELS: dict[str, str] = {**TABS, EXPIRING: f"{RENEWAL_NOTICE_DAYS}天内到期"}
    TONES: dict[str, str] = {
        IN_FORCE: "success",
        EXPIRING: "warning",
        NOT_STARTED: "primary",
        EXPIRED: "info",
        REVERSED: "danger",
    }

    @classmethod
    def filters(cls, today: date) -> dict[str, Q]:
        """The tabs as filters on the (indexed) period; a reversed policy is in its own tab only."""
        live = ~Q(status=PolicyStatus.REVERSED)
        return {
            cls.IN_FORCE: live & Q(period_start__lte=today, period_end__gte=today),
            cls.NOT_STARTED: live & Q(period_start__gt=today),
            cls.EXPIRED: live & Q(period_end__lt=today),
            cls.REVERSED: Q(status=PolicyStatus.REVERSED),
        }

    @classmethod
    def of(cls, policy: Policy, today: date) -> str:
        if policy.status == PolicyStatus.REVERSED:
            return cls.REVERSED
        if policy.period_start > today:
            return cls.NOT_STARTED
        if policy.period_end < today:
            return cls.EXPIRED
        if policy.period_end <= today + timedelta(days=RENEWAL_NOTICE_DAYS):
            return cls.EXPIRING
        return cls.IN_FORCE


def search_policies(qs: QuerySet[Policy], filters: Mapping[str, Any]) -> QuerySet[Policy]:
    policy_no = (filters.get("policy_no") or "").strip()
    if policy_no:
        qs = qs.filter(policy_no__startswith=policy_no)
    project = (filters.get("project") or "").strip()
    if project:
        qs = qs.filter(order__project_name__icontains=project)
    return qs


@dataclass
class PolicyRow:
    policy: Policy
    validity: str
    files: list[tuple[str, Document]]  # (label, document) of the policy: 保单, 发票, 合同
    endorsed: list[Endorsement] = field(default_factory=list)  # its done 批改 and 退保 with a 批单
    open_request: Endorsement | None = None  # its 批改 or 退保 request in progress (no new one till it ends)
    progress: list[ItemProgress] = field(default_factory=list)
    done: int = 0
    contracted: int = 0

    @property
    def validity_label(self) -> str:
        return Validity.LABELS[self.validity]

    @property
    def validity_tone(self) -> str:
        return Validity.TONES[self.validity]


@dataclass
class PolicyList:
    page: Page
    rows: list[PolicyRow]
    counts: dict[str, int]
    tab: str


POLICY_FILES: tuple[tuple[str, str], ...] = (
    ("policy_file", "保单"),
    ("invoice_file", "发票"),
    ("contract_file", "合同"),
)


def policy_list(request: HttpRequest, *, filters: Mapping[str, Any]) -> PolicyList:
    """我的保单: the counts of the tabs in one aggregate, one page of policies with their orders, insurers and
    service organisations, their files in one query and the service progress in three."""
    today = timezone.localdate()
    tab = filters.get("tab") or ""
    by_tab = Validity.filters(today)
    if tab not in by_tab:
        tab = ""
    qs = search_policies(enterprise_policies(user=request.user), filters)  # type: ignore[arg-type]
    counts = qs.aggregate(all=Count("pk"), **{name: Count("pk", filter=q) for name, q in by_tab.items()})
    if tab:
        qs = qs.filter(by_tab[tab])
    total = counts[tab or "all"]
    number, size = page_params(request)
    number = min(number, max(1, -(-total // size)))
    offset = (number - 1) * size
    policies: Sequence[Policy] = list(
        qs.select_related("order", "insurer", "service_org").order_by(*POLICY_ORDERING)[
            offset : offset + size
        ]
    )
    progress = progress_for(policies)
    requests = requests_of(policies)
    # The files each policy was issued with (its own: a reversed policy keeps them, shown 已作废).
    wanted = [pk for p in policies for name, _ in POLICY_FILES if (pk := getattr(p, f"{name}_id"))]
    documents = Document.objects.in_bulk(wanted) if wanted else {}
    rows = []
    for policy in policies:
        items = progress.get(policy.pk, [])
        done, contracted = totals(items)
        files = [
            (label, documents[pk])
            for name, label in POLICY_FILES
            if (pk := getattr(policy, f"{name}_id")) and pk in documents
        ]
        rows.append(
            PolicyRow(
                policy=policy,
                validity=Validity.of(policy, today),
                files=files,
                endorsed=requests.done.get(policy.pk, []),
                open_request=requests.open.get(policy.pk),
                progress=[p for p in items if p.contracted],
                done=done,
                contracted=contracted,
            )
        )
    return PolicyList(
        page=Page(rows=policies, number=number, size=size, total=total),
        rows=rows,
        counts={name: counts[name] for name in ("all", *by_tab)},
        tab=tab,
    )


def policies_in_force(*, user: User) -> int:
    today = timezone.localdate()
    return enterprise_policies(user=user).filter(Validity.filters(today)[Validity.IN_FORCE]).count()


def unread_messages(*, user: User) -> int:
    return Notification.objects.visible_to(user).unread_for(user).count()


# --- 续保 -----------------------------------------------------------------------------------------------------------
def renewals_due(*, user: User) -> list[renewals.Renewal]:
    """The 续保 reminders of the home page: the enterprise's policies ending within 30 days whose renewal has not
    started (the rule is in policies.renewals, shared with the scheduled SMS reminders)."""
    policies = renewals.expiring().filter(policy_rows(user))
    return renewals.due(policies.select_related("order", "insurer").order_by("period_end", "id"))


def renewal_source(*, user: User, application_no: str) -> Order:
    """The order a 续保 application starts from: one of the enterprise's issued orders (404 otherwise)."""
    return get_object_or_404(
        with_live_policy(orders_visible_to(user).select_related("insurer")),
        application_no=application_no,
        status=S.ISSUED,
    )
