"""Measure the insurer's 订单管理 list at scale: ``python manage.py bench_orders --orders 100000``.

Makes sure N synthetic orders exist for the demo insurers (``orders/synthetic.py`` — bulk inserts that bypass
the workflow, see there why), then requests the list as the first demo insurer's 管理员 through the Django test
client (the whole middleware stack: session, user, permissions, template) and prints, for each scenario, the
p50 and p95 of the request in ms, the p50 of the list's reads alone (``selectors.insurer_order_list``: counts
and page, all rows fetched) and the number of queries of the request. Run it against a scratch database, never
one people work in: ``ANZE_VAR_DIR=/tmp/anze-bench`` for SQLite, or ``DATABASE_URL=postgres://…/anze_bench``.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from anze.accounts import demo as accounts_demo
from anze.accounts.models import Organisation, User
from anze.basedata import demo as basedata_demo
from anze.core.runtime import freeze_startup_objects
from anze.core.sides import Side
from anze.orders import selectors, synthetic
from anze.orders.models import Order, OrderStatus
from anze.orders.views_insurer import search_filters

LIST = "/insurer/orders/"


@dataclass
class Scenario:
    label: str
    query: str


def refuse_production(force: bool) -> None:
    """The bench writes synthetic orders into the current database: only a scratch one (``ANZE_DEBUG=1``)."""
    if not (settings.DEBUG or force):
        raise CommandError("合成订单会写入当前数据库：请在专用测试库上以 ANZE_DEBUG=1 执行，或加 --force")


def demo_parties(stdout: Any) -> tuple[list[Organisation], User]:
    """The demo insurers (the base data and accounts loaded first, idempotently) and the first one's 管理员."""
    basedata_demo.load(stdout)
    accounts_demo.load(stdout)
    codes = [spec["code"] for spec in accounts_demo.INSURERS]
    insurers = list(Organisation.objects.filter(kind=Side.INSURER, code__in=codes).order_by("code"))
    admin = User.objects.get(username=accounts_demo.INSURERS[0]["admin"][0])
    return insurers, admin


class Command(BaseCommand):
    help = "订单列表性能测试：生成 N 个合成订单（不经过工作流，仅用于测试库），测量列表与搜索的 p50/p95"
    warm = 3  # --warm

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--orders", type=int, default=100_000, help="合成订单总数（默认 100000）")
        parser.add_argument("--repeat", type=int, default=30, help="每个场景的测量次数（默认 30）")
        parser.add_argument(
            "--warm",
            type=int,
            default=3,
            help="每个场景测量前的预热请求数（默认 3：模板加载器、连接、数据库页）",
        )
        parser.add_argument(
            "--force", action="store_true", help="在非调试环境（ANZE_DEBUG=0）也执行：仅限专用的测试数据库"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._scratch_only(options)
        self.warm = options["warm"]

        insurers, admin = demo_parties(self.stdout)
        self._top_up(insurers, options["orders"])
        self._analyze()
        client = Client()
        client.force_login(admin)
        scenarios = self._scenarios(admin.organisation)
        freeze_startup_objects()  # as config/wsgi.py does in the server
        self.stdout.write(
            f"\n{connection.vendor}，合成订单 {synthetic.existing():,} 个"
            f"（{len(insurers)} 家保险公司，本公司 {synthetic.existing([admin.organisation]):,} 个），"
            f"每个场景 {options['repeat']} 次\n"
        )
        self.stdout.write(f"{'场景':<28}{'p50 ms':>9}{'p95 ms':>9}{'读取 ms':>10}{'查询数':>7}  地址")
        for scenario in scenarios:
            p50, p95, database, queries = self._measure(client, admin, scenario.query, options["repeat"])
            self.stdout.write(
                f"{scenario.label:<28}{p50:>9.1f}{p95:>9.1f}{database:>10.1f}{queries:>7}  {LIST}?{scenario.query}"
            )

    # --- set-up ----------------------------------------------------------------------------------------------
    def _scratch_only(self, options: dict[str, Any]) -> None:
        """Refuse a database people may work in; let the test client's host through."""
        refuse_production(options["force"])
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host

    def _top_up(self, insurers: list[Organisation], total: int) -> None:
        started = time.perf_counter()

        def progress(done: int, missing: int) -> None:
            if done % 50_000 == 0 or done == missing:
                self.stdout.write(f"  已生成 {done:,}/{missing:,}（{time.perf_counter() - started:.0f} 秒）")

        created = synthetic.top_up(insurers, total, progress=progress, recount=True)
        if created:
            self.stdout.write(f"生成 {created:,} 个合成订单，用时 {time.perf_counter() - started:.1f} 秒")

    def _analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, the visibility map that index-only scans need, and the
        delta tables rid of the rows ``fold`` deleted: this machine's PostgreSQL runs with autovacuum off (its CI
        configuration), and every count read walked the 333,333 dead delta rows of the synthetic load — 0.5 s a
        request at 1M, docs/BENCH.md stop 25)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # VACUUM cannot run in a transaction (the command's own test runs in one): ANALYZE alone then.
                cursor.execute("ANALYZE orders_order" if connection.in_atomic_block else "VACUUM ANALYZE")
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")

    def _scenarios(self, insurer: Organisation) -> list[Scenario]:
        """First and deep pages of the list, a tab, and each kind of search, with terms taken from the data."""
        mine = Order.objects.filter(insurer=insurer, remark=synthetic.MARK)
        total = mine.count()
        if not total:
            raise CommandError("没有合成订单可测量：请用 --orders 指定数量")
        rows = mine.order_by("-submitted_at").values("applicant_name", "contact_phone")
        sample = rows[min(500, total - 1)]
        issued = mine.filter(status=OrderStatus.ISSUED).count()
        word = sample["applicant_name"][2:6]  # "泉州" + town + word + …: a town and a word, 4 characters
        word_rows = mine.filter(applicant_name__contains=word).count() + 1
        town = sample["applicant_name"][2:4]
        town_rows = mine.filter(applicant_name__contains=town).count() + 1
        suffix = sample["applicant_name"][-4:]  # "有限公司"
        year = synthetic.ANCHOR.year
        return [
            Scenario("列表 第1页", ""),
            Scenario("列表 最后一页（深翻页）", f"page={max(1, total // 10)}"),
            Scenario("列表 第1页 50条/页", "size=50"),
            Scenario("状态页签 已出函 第1页", "tab=issued"),
            Scenario("状态页签 已出函 深翻页", f"tab=issued&page={max(1, issued // 10)}"),
            Scenario(f"搜索“{word}” 第1页", f"name={word}"),
            Scenario(f"搜索“{word}” 最后一页", f"name={word}&page={max(1, word_rows // 10)}"),
            # A common longer term ("泉州" and a town): thousands of matches, each counted per state.
            Scenario(f"搜索常见4字“{sample['applicant_name'][:4]}”", f"name={sample['applicant_name'][:4]}"),
            Scenario(f"搜索2字“{town}” 第1页", f"name={town}"),
            Scenario(f"搜索2字“{town}” 已出函 第1页", f"name={town}&tab=issued"),
            # The middle page is the deepest either end reaches; past a few dozen pages reading every match
            # from the grams index and sorting them is cheaper than walking the list (selectors.order_page).
            Scenario(f"搜索2字“{town}” 中间页", f"name={town}&page={max(1, town_rows // 20)}"),
            Scenario(f"搜索1字“{town[0]}” 第1页", f"name={town[0]}"),
            # A term in (nearly) every order: too many to count, its counts are estimated (counts.py).
            Scenario(f"搜索极常见“{suffix}” 第1页", f"name={suffix}"),
            Scenario(f"搜索极常见“{suffix}” 深翻页", f"name={suffix}&page=900"),
            Scenario("搜索 联系电话", f"contact_phone={sample['contact_phone']}"),
            # Filters (nearly) every order passes: counted up to counts.EXACT_LIMIT, paged forwards.
            Scenario("搜索 联系电话前缀“1”（几乎全部）", "contact_phone=1"),
            Scenario("联系电话前缀“1” 已取消 页签", "contact_phone=1&tab=cancelled"),
            Scenario("申请时间 整年 深翻页", f"start={year}-01-01&end={year}-12-31&page=999"),
            Scenario("搜索 订单类型 线下", "order_type=offline"),
        ]

    # --- measuring ----------------------------------------------------------------------------------------------
    def _measure(
        self, client: Client, user: User, query: str, repeat: int
    ) -> tuple[float, float, float, int]:
        """p50 and p95 of the whole request, p50 of the list's reads alone, and the request's queries."""
        path = f"{LIST}?{query}"
        self._warm_up(client, path)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            self._get(client, path)
            timings.append((time.perf_counter() - started) * 1000)
        reads = []
        request = RequestFactory().get(path)
        request.user = user
        for _ in range(max(3, repeat // 3)):
            started = time.perf_counter()
            selectors.insurer_order_list(request, filters=search_filters(request)[1])
            reads.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            self._get(client, path)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
        return statistics.median(timings), p95, statistics.median(reads), len(queries)

    def _warm_up(self, client: Client, path: str) -> None:
        """``--warm`` requests not timed: the template loader, the connection and the database pages warmed."""
        for _ in range(self.warm):
            self._get(client, path)

    def _get(self, client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"{path} 返回 {response.status_code}")
