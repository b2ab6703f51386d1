"""Measure every side's lists at scale: ``python manage.py bench_sides --orders 1000000``.

Makes sure the bench's synthetic data exists — ``orders/synthetic.py``'s N orders (those of ``bench_orders`` are
reused), a policy for each issued one, 10,000 of them the demo enterprise's, 50,000 policies assigned to the
demo service organisation — and a county regulator (晋江市) beside the demo city's (泉州市, whose region holds every
order); the first demo insurer's 保单管理 is measured too. Then requests each side's lists through the whole Django stack (test client, logged in) and prints, per
row, p50/p95 of the request in ms and its number of queries. Scratch databases only (``ANZE_VAR_DIR=/tmp/…`` or
``DATABASE_URL=…/anze_bench``): the rows bypass the workflow (see ``synthetic``).
"""

from __future__ import annotations

import statistics
import time
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anze.accounts import demo as accounts_demo
from anze.accounts import services as accounts_services
from anze.accounts.models import Organisation, User, Verification
from anze.basedata import demo as basedata_demo
from anze.basedata.models import Region
from anze.core.runtime import freeze_startup_objects
from anze.core.sides import Side
from anze.orders import synthetic
from anze.orders.management.commands.bench_orders import Command as OrdersBench
from anze.orders.models import Order, OrderStatus
from anze.policies import synthetic as policy_synthetic
from anze.policies.models import Policy, ServiceStatus
from anze.regulator import rollup

ENTERPRISE_ORDERS = 10_000
SERVICE_POLICIES = 50_000
COUNTY = ("350582", "晋江市应急管理局", "jjyjj_bench")
SERVICE_STATES = (ServiceStatus.PENDING, ServiceStatus.IN_SERVICE, ServiceStatus.COMPLETED)


class Command(OrdersBench):
    help = "各端列表性能测试：监管端（市、区县）订单/保单/应保尽保、企业我的订单/我的保单、服务机构服务订单、保险公司保单管理的 p50/p95"

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)  # --orders, --repeat, --warm, --force
        parser.add_argument("--only", default="", help="只测量标签含此文字的场景")

    def handle(self, *args: Any, **options: Any) -> None:
        self._scratch_only(options)
        self.warm = options["warm"]
        basedata_demo.load(self.stdout)
        accounts_demo.load(self.stdout)
        started = time.perf_counter()
        insurers = list(
            Organisation.objects.filter(
                kind=Side.INSURER, code__in=[spec["code"] for spec in accounts_demo.INSURERS]
            ).order_by("code")
        )
        created = synthetic.top_up(insurers, options["orders"], recount=True)
        self.stdout.write(f"合成订单：新增 {created:,}（{time.perf_counter() - started:.0f} 秒）")
        users = self._parties()
        self._analyze()
        rows = self._scenarios(users)
        freeze_startup_objects()  # as config/wsgi.py does in the server
        self.stdout.write(
            f"\n{connection.vendor}，合成订单 {synthetic.existing():,} 个，保单 {Policy.objects.count():,} 个，"
            f"每个场景 {options['repeat']} 次\n"
        )
        self.stdout.write(f"{'场景':<30}{'p50 ms':>9}{'p95 ms':>9}{'查询数':>7}  地址")
        clients: dict[str, Client] = {}
        for label, who, path in rows:
            if options["only"] and options["only"] not in label:
                continue
            if who not in clients:
                clients[who] = Client()
                clients[who].force_login(users[who])
            p50, p95, queries = self._time(clients[who], path, options["repeat"])
            self.stdout.write(f"{label:<30}{p50:>9.1f}{p95:>9.1f}{queries:>7}  {path}")

    # --- set-up ----------------------------------------------------------------------------------------------
    def _parties(self) -> dict[str, User]:
        """The measured users, and the rows that make their lists as large as the brief's (issue 16)."""
        started = time.perf_counter()
        county = Organisation.objects.filter(kind=Side.REGULATOR, name=COUNTY[1]).first()
        if county is None:
            county = accounts_services.organisation_create(
                kind=Side.REGULATOR,
                name=COUNTY[1],
                short_name="晋江应急局",
                region=Region.objects.get(code=COUNTY[0]),
            )
        county_admin = accounts_demo._admin(county, (COUNTY[2], "陈振华", "13905951002"))
        enterprise = Organisation.objects.get(kind=Side.ENTERPRISE, name=accounts_demo.ENTERPRISES[0][0])
        if not enterprise.is_verified:  # (the bench's enterprise: its orders are linked only once verified)
            Organisation.objects.filter(pk=enterprise.pk).update(verification=Verification.VERIFIED)
        service_org = Organisation.objects.get(kind=Side.SERVICE_ORG, name=accounts_demo.SERVICE_ORGS[0][0])
        synthetic_orders = Order.objects.filter(remark=synthetic.MARK)
        bulk = synthetic_orders.filter(status=OrderStatus.ISSUED, policies=None).exists() or (
            Policy.objects.filter(service_org=service_org).count() < SERVICE_POLICIES
        )
        # 统计分析's cells counted once at the end (GROUP BY) rather than a delta per policy written.
        with rollup.paused(connection) if bulk else nullcontext():
            policy_synthetic.issue(synthetic_orders)  # (kept batch by batch: minutes at 1M orders)
            with transaction.atomic():
                mine = synthetic_orders.filter(enterprise=enterprise).count()
                if mine < ENTERPRISE_ORDERS:
                    free_orders = synthetic_orders.filter(enterprise=None).order_by("pk")
                    ids = list(free_orders.values_list("pk", flat=True)[: ENTERPRISE_ORDERS - mine])
                    Order.objects.filter(pk__in=ids).update(enterprise=enterprise)
                    Policy.objects.filter(order__enterprise=enterprise, enterprise=None).update(
                        enterprise=enterprise
                    )
                assigned = Policy.objects.filter(service_org=service_org).count()
                if assigned < SERVICE_POLICIES:
                    free = Policy.objects.filter(service_org=None, order__remark=synthetic.MARK).order_by(
                        "-pk"
                    )
                    ids = list(free.values_list("pk", flat=True)[: SERVICE_POLICIES - assigned])
                    for n, state in enumerate(SERVICE_STATES):  # a third in each state
                        Policy.objects.filter(pk__in=ids[n :: len(SERVICE_STATES)]).update(
                            service_org=service_org,
                            service_status=state,
                            service_assigned_at=synthetic.ANCHOR,
                        )
        self.stdout.write(f"各端数据就绪（{time.perf_counter() - started:.0f} 秒）")
        return {
            "city": User.objects.get(username=accounts_demo.REGULATOR["admin"][0]),
            "county": county_admin,
            "enterprise": User.objects.get(username=accounts_demo.ENTERPRISES[0][-1]),
            "service": User.objects.get(username=accounts_demo.SERVICE_ORGS[0][4]),
            "insurer": User.objects.get(username=accounts_demo.INSURERS[0]["admin"][0]),
        }

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table in ("orders_order", "policies_policy"):
                    cursor.execute(
                        f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM ANALYZE {table}"
                    )
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")

    def _scenarios(self, users: dict[str, User]) -> list[tuple[str, str, str]]:
        """(label, user, path) of each row: first and deep pages, a name and a credit code of the data."""
        county_region = users["county"].organisation.region
        sample = Order.objects.filter(remark=synthetic.MARK, region=county_region, status=OrderStatus.ISSUED)
        found = sample.count()
        if not found:
            raise CommandError("晋江市没有已出函的合成订单：请用 --orders 指定更多订单")
        order = sample.order_by("-submitted_at")[min(500, found - 1)]
        word = order.applicant_name[2:6]  # a town and a word: ~1 in 2,400 orders
        town = word[:2]  # a town: ~1 in 40 orders; its first character in more (names share characters)
        code = order.applicant_credit_code
        rows = []
        for who, side in (("city", "市"), ("county", "区县")):
            rows += [
                (f"监管{side} 订单 第1页", who, "/regulator/orders/"),
                (f"监管{side} 订单 第5000页", who, "/regulator/orders/?page=5000"),
                (f"监管{side} 订单 待报价", who, "/regulator/orders/?status=awaiting_quote"),
                (f"监管{side} 订单 投保人“{word}”", who, f"/regulator/orders/?q={word}"),
                (f"监管{side} 订单 投保人2字“{town}”", who, f"/regulator/orders/?q={town}"),
                (f"监管{side} 订单 投保人1字“{town[0]}”", who, f"/regulator/orders/?q={town[0]}"),
                (f"监管{side} 订单 信用代码", who, f"/regulator/orders/?credit_code={code}"),
                (f"监管{side} 订单 信用代码前缀", who, f"/regulator/orders/?credit_code={code[:14]}"),
                (f"监管{side} 保单 第1页", who, "/regulator/policies/"),
                (f"监管{side} 保单 第5000页", who, "/regulator/policies/?page=5000"),
                (f"监管{side} 保单 投保人“{word}”", who, f"/regulator/policies/?q={word}"),
                (f"监管{side} 保单 投保人2字“{town}”", who, f"/regulator/policies/?q={town}"),
                (f"监管{side} 保单 投保人1字“{town[0]}”", who, f"/regulator/policies/?q={town[0]}"),
                (f"监管{side} 保单 信用代码", who, f"/regulator/policies/?credit_code={code}"),
                (f"监管{side} 应保尽保", who, "/regulator/cover/"),
            ]
        rows += self._statistics(users, order)
        rows += self._insurer_policies(users["insurer"])
        return [
            *rows,
            ("企业 我的订单 第1页", "enterprise", "/enterprise/orders/"),
            ("企业 我的订单 第500页", "enterprise", "/enterprise/orders/?page=500"),
            ("企业 我的订单 已出函", "enterprise", "/enterprise/orders/?tab=issued"),
            ("企业 我的保单 第1页", "enterprise", "/enterprise/policies/"),
            ("服务机构 服务订单 第1页", "service", "/service/orders/"),
            ("服务机构 服务订单 第2000页", "service", "/service/orders/?page=2000"),
            ("服务机构 服务订单 服务中", "service", "/service/orders/?tab=in_service"),
        ]

    def _statistics(self, users: dict[str, User], order: Order) -> list[tuple[str, str, str]]:
        """统计分析 (issue 16): no filter, each filter (出函 dates across months, insurer, 区县, 行业 of ``order``),
        all of them; the city's regulator and the county's."""
        issued = timezone.localtime(order.issued_at).date()
        start, end = issued.replace(day=10) - timedelta(days=62), issued.replace(day=20)
        each = {
            "出函日期": f"start={start}&end={end}",
            "保险公司": f"insurer={order.insurer_id}",
            "区县": f"region={order.region_id}",
            "行业": f"industry={order.industry_id}",
        }
        path = "/regulator/statistics/"
        everything = "&".join(each.values())
        rows = []
        for who, side in (("city", "市"), ("county", "区县")):
            rows.append((f"监管{side} 统计分析", who, path))
            rows += [
                (f"监管{side} 统计分析 {label}", who, f"{path}?{query}") for label, query in each.items()
            ]
            rows.append((f"监管{side} 统计分析 全部筛选", who, f"{path}?{everything}"))
        return rows

    def _insurer_policies(self, user: User) -> list[tuple[str, str, str]]:
        """The insurer's 保单管理 (issue 16: "insurer 订单管理 and 保单管理, p95 ≤ 50 ms"): first, middle and last
        pages, each tab, and each field of its search form, with terms taken from the insurer's policies."""
        mine = Policy.objects.filter(insurer=user.organisation)
        total = mine.count()
        if not total:
            raise CommandError("该保险公司没有保单：请用 --orders 指定更多订单")
        policy = mine.select_related("order").order_by("-issued_at", "-id")[min(500, total - 1)]
        name = policy.order.applicant_name
        word, town = name[2:6], name[2:4]
        issued = timezone.localtime(policy.issued_at).date()
        month = f"start={issued.replace(day=1)}&end={issued.replace(day=28)}"
        last = max(1, -(-total // 10))
        path = "/insurer/policies/"
        rows = [
            ("保单管理 第1页", f"{path}"),
            ("保单管理 中间页", f"{path}?page={max(1, last // 2)}"),
            ("保单管理 最后一页", f"{path}?page={last}"),
            *((f"保单管理 页签 {label}", f"{path}?tab={value}") for value, label in ServiceStatus.choices),
            ("保单管理 保单状态 有效", f"{path}?status=active"),
            ("保单管理 保单状态 已冲正", f"{path}?status=reversed"),
            ("保单管理 保单编号", f"{path}?policy_no={policy.policy_no}"),
            ("保单管理 保单编号前缀", f"{path}?policy_no={policy.policy_no[:-3]}"),
            ("保单管理 申请编号", f"{path}?application_no={policy.order.application_no}"),
            ("保单管理 申请编号前缀", f"{path}?application_no={policy.order.application_no[:8]}"),
            (f"保单管理 投保人“{word}”", f"{path}?applicant={word}"),
            (f"保单管理 投保人2字“{town}”", f"{path}?applicant={town}"),
            (f"保单管理 投保人1字“{town[0]}”", f"{path}?applicant={town[0]}"),
            (f"保单管理 投保人“{town}” 服务中", f"{path}?applicant={town}&tab={ServiceStatus.IN_SERVICE}"),
            ("保单管理 出函时间 一个月", f"{path}?{month}"),
            ("保单管理 出函时间 一个月 第20页", f"{path}?{month}&page=20"),
        ]
        return [(label, "insurer", query) for label, query in rows]

    # --- measuring ----------------------------------------------------------------------------------------------
    def _time(self, client: Client, path: str, repeat: int) -> tuple[float, float, int]:
        self._warm_up(client, path)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            self._get(client, path)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            self._get(client, path)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
        return statistics.median(timings), p95, len(queries)
