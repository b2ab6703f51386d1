"""Which policies each side sees: the order scope's rule (``anze/orders/scopes.py``) on the policy's own columns.

The insurer sees the policies it issued, the verified enterprise its own, the regulator those whose order is in
its jurisdiction (an issued order is submitted), and the service organisation the policies assigned to it —
待处理, 服务中 or 已完成; a policy it declined is no longer its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from anze.accounts.models import User
from anze.core.sides import Side
from anze.orders.scopes import visible_rows

from .models import CURRENT_FIRST, Policy, ServiceStatus

ASSIGNED = (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)


def policy_rows(user: User, via: str = "") -> Q:
    """The policies the user's organisation may see, as a filter on ``Policy`` or, through ``via`` (``policy``,
    ``inspection__policy``), on a model that points to one."""
    p = f"{via}__" if via else ""
    rows = visible_rows(
        user,
        insurer=f"{p}insurer",
        enterprise=f"{p}enterprise",
        service_org=f"{p}service_org",
        region=f"{p}region",  # the order's, copied at 出函 (Policy.region)
    )
    if user.side == Side.SERVICE_ORG:
        rows &= Q(**{f"{p}service_status__in": ASSIGNED})
    return rows


def policies_visible_to(user: User, *, side: str | None = None) -> QuerySet[Policy]:
    """Every policy the user's organisation may see; with ``side`` (a screen of that side: 保单管理,
    服务订单, 我的保单), none unless the user is of that side."""
    if side is not None and user.side != side:
        return Policy.objects.none()
    return Policy.objects.filter(policy_rows(user))


def policy_of_order(qs: QuerySet[Policy], application_no: str) -> Policy:
    """The policy a page about the order ``application_no`` shows, among ``qs``: its live one, else (reversed
    and not issued again yet) the latest reversed one. 404 when ``qs`` holds none."""
    found = qs.filter(order__application_no=application_no).order_by(*CURRENT_FIRST).first()
    if found is None:
        raise Http404("保单不存在")
    return found


def with_live_policy(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Orders with ``Order.policy`` read in one query for the whole page."""
    return qs.prefetch_related(Prefetch("policies", queryset=Policy.objects.live(), to_attr="live_policies"))
