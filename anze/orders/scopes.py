"""Which rows each side sees: the one definition every selector, list, export, count and figure applies.

- 保险端 (insurer): its own orders once submitted (an enterprise's draft is the enterprise's alone), and the
  policies it issued.
- 企业端 (enterprise): its own orders, drafts included, and policies — only once the enterprise is verified
  (企业认证, ``anze/portal/claims.py``): a 待认证 enterprise is linked to nothing and sees nothing.
- 服务机构端 (service organisation): no order as such; the policies assigned to it and what it recorded on them
  (``anze/policies/scopes.py``, ``anze/prevention/scopes.py``).
- 监管端 (regulator): the submitted orders, and their policies, of its region and every region inside it
  (docs/spec/DOMAIN.md §6: "a county account sees its county only"), plus the orders of no region
  (``jurisdiction``).
- 平台管理 and anyone else: none (the platform's screens are about organisations and base data).

``visible_rows`` states the rule once for any model, given the model's path to each party; the order scope is
``visible_rows`` on ``Order`` itself, the policy scope the same rule on the policy's columns, the prevention
scope the policy scope through ``policy``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, Q, QuerySet
from django.db.models.lookups import Exact, In, IsNull

from anze.accounts.models import User
from anze.basedata.models import Region, RegionLevel
from anze.core.sides import Side

from .models import Order, OrderStatus

# A filter no row passes: Django answers it without a query (EmptyResultSet), like ``.none()``.
NOTHING = Q(pk__in=[])


def regions_in_jurisdiction(user: User) -> QuerySet[Region]:
    """The regulator's region and every region inside it (by the GB/T 2260 code prefix); none for another side
    (a regulator always has a region: ``Organisation``'s ``regulator_has_region`` constraint)."""
    region = user.organisation.region if user.side == Side.REGULATOR else None
    if region is None:
        return Region.objects.none()
    return Region.objects.filter(code__startswith=region.prefix)


def jurisdiction(user: User, path: str = "region", *, unindexed: bool = False) -> Q:
    """The rows a regulator oversees, as a filter on the region at ``path`` (``region`` of an order or an
    enterprise, ``order__region`` of a policy).

    A row of no region — an order applied for by an enterprise that had no region then (every form requires one
    now: data from before, or keyed in by hand) — is attributed to no county, so no county regulator sees it; a
    regulator above the county sees it too, listed under 区县 "未填写": the platform serves one city (the
    应急管理局 it is run for, docs/spec/DOMAIN.md §1), so its city's and province's regulators oversee every
    county of it. It thus stays visible to the regulators responsible for the whole platform and never reaches
    a county that it may not belong to.
    """
    region = user.organisation.region if user.side == Side.REGULATOR else None
    if region is None:
        return NOTHING
    if region.level == RegionLevel.COUNTY:
        # Nothing lies inside a county (its prefix is its whole code): the county itself, as the equality that
        # its lists' index ``(region, -submitted_at, -id, status)`` is walked by (docs/BENCH.md, issue 16) —
        # unless ``unindexed``: a probe by another index (``regulator.statistics.stats_policies``).
        if unindexed:
            return Q(Exact(Unindexed(F(path)), region.pk))
        return Q(**{path: region.pk})
    # Above the county, the region's ids as a subquery (read once), OR'ed with no region: both tested from the
    # list's index ``(-submitted_at, -id, status, region)``. A join to the region (issue 13) made every row
    # walked past on a deep page read its region: page 5,000 of a million orders took 0.56 s (docs/BENCH.md).
    # Offered to no index (``Unindexed``): SQLite otherwise read the OR as two region-index lookups, then sorted.
    region_id = Unindexed(F(path))
    return Q(In(region_id, regions_in_jurisdiction(user).values("pk"))) | Q(IsNull(region_id, True))


class Unindexed(Func):
    """A column as a value that SQLite's planner serves from no index (unary ``+``); PostgreSQL's planner,
    which estimates how many rows a range holds from its statistics, is given the column itself."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


def visible_rows(
    user: User,
    *,
    insurer: str | None = None,
    enterprise: str | None = None,
    service_org: str | None = None,
    region: str | None = None,
) -> Q:
    """The rows of a model that the user's organisation may see, as a filter, given the model's path to each
    party: ``insurer``, ``enterprise``, ``service_org`` (the organisation assigned) and ``region`` (the region
    the row is attributed to). A side whose path is not given sees none of the model."""
    side, org_id = user.side, user.organisation_id
    if side == Side.INSURER and insurer:
        return Q(**{f"{insurer}_id": org_id})
    if side == Side.ENTERPRISE and enterprise:
        return Q(**{f"{enterprise}_id": org_id}) if user.organisation.is_verified else NOTHING
    if side == Side.SERVICE_ORG and service_org:
        return Q(**{f"{service_org}_id": org_id})
    if side == Side.REGULATOR and region:
        return jurisdiction(user, region)
    return NOTHING


def order_rows(user: User) -> Q:
    """``visible_rows`` of orders: an insurer's and a regulator's only once submitted. "Not a draft" is written
    as each side's indexes read it: ``submitted_at`` set for the insurer (equivalent by the constraints on
    Order; a column of every insurer index, where ``status`` is not), ``status`` for the regulator (its index
    is ``(status, -submitted_at)``)."""
    rows = visible_rows(user, insurer="insurer", enterprise="enterprise", region="region")
    if user.side == Side.INSURER:
        rows &= Q(submitted_at__isnull=False)
    elif user.side == Side.REGULATOR:
        rows = ~Q(status=OrderStatus.DRAFT) & rows
    return rows


def orders_visible_to(user: User) -> QuerySet[Order]:
    """Every order the user's organisation may see (the module's docstring says which)."""
    return Order.objects.filter(order_rows(user))
