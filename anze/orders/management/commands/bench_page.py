"""A page's fixed cost under load: ``python manage.py bench_page --orders 100000`` (issue 16).

Makes sure N synthetic orders exist (as ``bench_orders`` does), then serves the system with gunicorn (sync
workers, production settings: ``ANZE_DEBUG=0``, collected static files) and drives it with ``wrk``, logged in
as the first demo insurer's 管理员, in one run and alternating: the bare page (``anze.orders.bench``: login only,
the same reads and the same 10 rows in a minimal template) and the insurer's 订单管理, each at page 1 and at
the list's last page (page 33,333 at 1,000,000 orders). Prints requests/s, p50 and p99 of each, and the ratio
of 订单管理 to the bare page (the target: ≥ 0.8). The bare page exists only in this server: its settings module
(``anze.orders.bench.settings``) adds it to the system's URLs. A scratch database only, as ``bench_orders``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, RequestFactory

from anze.orders import selectors, synthetic
from anze.orders.models import Order

from .bench_orders import LIST, demo_parties
from .bench_orders import Command as OrdersBench

BARE = "/bench/bare-orders/"
ROW = re.compile(r'data-application-no="([^"]+)"')
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Run:
    """One wrk run: requests per second and the latency percentiles, in ms."""

    rps: float
    p50: float
    p99: float


@dataclass
class Scenario:
    label: str
    path: str
    runs: list[Run] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)


def parse_wrk(output: str) -> Run:
    """Requests/s, p50 and p99 from ``wrk --latency``'s report; an error when any answer was not 2xx/3xx."""
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    if bad:
        raise CommandError(f"wrk：{bad.group(1)} 个请求未返回 2xx/3xx\n{output}")
    rps = re.search(r"Requests/sec:\s*([\d.]+)", output)
    latency = dict(re.findall(r"^\s*(50|99)%\s+([\d.]+(?:us|ms|s))\s*$", output, re.MULTILINE))
    if not rps or set(latency) != {"50", "99"}:
        raise CommandError(f"无法解析 wrk 的输出：\n{output}")

    def ms(text: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
        return float(number) * _UNITS[unit]

    return Run(float(rps.group(1)), ms(latency["50"]), ms(latency["99"]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Command(OrdersBench):
    help = "页面固定开销压测：gunicorn + wrk，对比 订单管理 与只渲染同样 10 行的基准页（第1页与最后一页）"

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn 同步 worker 数（默认 4）")
        parser.add_argument("--seconds", type=int, default=5, help="每次 wrk 的时长，秒（默认 5）")
        parser.add_argument(
            "--rounds", type=int, default=3, help="四个场景交替测量的轮数，取中位数（默认 3）"
        )
        parser.add_argument("--connections", type=int, default=8, help="wrk 并发连接数（默认 8）")

    def handle(self, *args: Any, **options: Any) -> None:
        self._scratch_only(options)
        wrk = shutil.which("wrk")
        if not wrk:
            raise CommandError(
                "需要 wrk：bin/ensure-wrk（以 root 运行时自动安装），或 apt-get install -y wrk"
            )
        insurers, admin = demo_parties(self.stdout)
        self._top_up(insurers, options["orders"])
        self._analyze()
        mine = Order.objects.filter(insurer=admin.organisation, remark=synthetic.MARK).count()
        if not mine:
            raise CommandError("没有合成订单可测量：请用 --orders 指定数量")
        request = RequestFactory().get(LIST)
        request.user = admin
        last = selectors.insurer_order_list(
            request, filters={}
        ).page.num_pages  # the list's, whatever else it holds
        scenarios = [
            Scenario("基准页 第1页", BARE),
            Scenario("订单管理 第1页", LIST),
            Scenario(f"基准页 第{last:,}页", f"{BARE}?page={last}"),
            Scenario(f"订单管理 第{last:,}页", f"{LIST}?page={last}"),
        ]
        client = Client()
        client.force_login(admin)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        port = _free_port()
        server = self._serve(port, options["workers"])
        try:
            base = f"http://127.0.0.1:{port}"
            self._wait_ready(base, server)
            self._same_rows(base, cookie, scenarios)
            self.stdout.write(
                f"\n{connection.vendor}，合成订单 {synthetic.existing():,} 个（本公司 {mine:,} 个），"
                f"gunicorn {options['workers']} 个同步 worker，wrk {options['connections']} 个连接 × "
                f"{options['seconds']} 秒 × {options['rounds']} 轮（交替），负载 {os.getloadavg()[0]:.1f}\n"
            )
            for _ in range(options["rounds"]):
                for scenario in scenarios:
                    scenario.runs.append(self._wrk(wrk, base + scenario.path, cookie, options))
        finally:
            server.terminate()
            server.wait(timeout=30)
        self._report(scenarios)

    # --- the server ---------------------------------------------------------------------------------------------
    def _serve(self, port: int, workers: int) -> subprocess.Popen[bytes]:
        """gunicorn with the production settings (and the bare page) on this scratch database."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "anze.orders.bench.settings",
            "ANZE_DEBUG": "0",
            "ANZE_TESTING": "0",
            "ANZE_SECRET_KEY": settings.SECRET_KEY,  # the session signed here must hold there
            "ANZE_ALLOWED_HOSTS": "127.0.0.1",
            "ANZE_SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback; everything else as in production
            "ANZE_PROXY_COUNT": "0",
        }
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        subprocess.run([sys.executable, manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        log = open(Path(settings.LOG_DIR) / "bench_page-gunicorn.log", "ab")  # noqa: SIM115 - the server's lifetime
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "config.wsgi:application", "--workers", str(workers), "--worker-class", "sync"]
        command += ["--bind", f"127.0.0.1:{port}", "--chdir", str(settings.BASE_DIR), "--no-control-socket"]
        return subprocess.Popen(command, env=env, stdout=log, stderr=log)

    def _wait_ready(self, base: str, server: subprocess.Popen[bytes]) -> None:
        for _ in range(300):
            if server.poll() is not None:
                raise CommandError(
                    f"gunicorn 已退出（{server.returncode}）：见 {settings.LOG_DIR}/bench_page-gunicorn.log"
                )
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    return
            except OSError:  # refused while it starts, or a timeout while a worker loads
                time.sleep(0.2)
        raise CommandError("gunicorn 60 秒内未就绪")

    def _same_rows(self, base: str, cookie: str, scenarios: list[Scenario]) -> None:
        """Each page answers 200 to the session, and the bare page shows the rows 订单管理 shows."""
        shown = []
        for scenario in scenarios:
            request = urllib.request.Request(base + scenario.path, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status != 200 or response.url != base + scenario.path:
                    raise CommandError(f"{scenario.path} 返回 {response.status}（{response.url}）")
                shown.append(ROW.findall(response.read().decode()))
        for bare, page, scenario in ((shown[0], shown[1], scenarios[1]), (shown[2], shown[3], scenarios[3])):
            if not page or bare != page:
                raise CommandError(f"基准页与{scenario.label}的行不同：{bare} ≠ {page}")

    def _wrk(self, wrk: str, url: str, cookie: str, options: dict[str, Any]) -> Run:
        threads = min(2, options["connections"])
        command = [
            wrk,
            f"-t{threads}",
            f"-c{options['connections']}",
            f"-d{options['seconds']}s",
            "--latency",
        ]
        done = subprocess.run(
            [*command, "-H", f"Cookie: {cookie}", url], capture_output=True, text=True, check=True
        )
        return parse_wrk(done.stdout)

    # --- the report ---------------------------------------------------------------------------------------------
    def _report(self, scenarios: list[Scenario]) -> None:
        self.stdout.write(f"{'场景':<24}{'请求/秒':>10}{'p50 ms':>9}{'p99 ms':>9}{'比值':>8}  每轮 请求/秒")
        for index, scenario in enumerate(scenarios):
            rps = scenario.median("rps")
            ratio = f"{rps / scenarios[index - 1].median('rps'):.2f}" if index % 2 else ""
            rounds = " / ".join(f"{run.rps:.0f}" for run in scenario.runs)
            self.stdout.write(
                f"{scenario.label:<24}{rps:>10.1f}{scenario.median('p50'):>9.1f}{scenario.median('p99'):>9.1f}"
                f"{ratio:>8}  {rounds}"
            )
        self.stdout.write("比值：订单管理 ÷ 同一页的基准页（请求/秒，各轮中位数；目标 ≥ 0.8）")
