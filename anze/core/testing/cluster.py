"""A production deployment of several nodes on one machine, for the several-nodes test (issue 17, point 2).

``Cluster`` starts every process of docs/deploy.md's two-node layout as a separate operating-system process
with the production settings (``ANZE_DEBUG=0``), sharing only what the nodes of a real deployment share: one
PostgreSQL database, one Redis database and one S3 bucket. Each node has its own ``ANZE_VAR_DIR`` (logs,
collectstatic output), so nothing passes from one node to the other through the local disk.

Each process runs in its own session (process group): ``stop`` ends the group — gunicorn's forked workers
included — with SIGTERM, then SIGKILL, so no process outlives the test. Each writes its output to its own log
file under the cluster's folder, which the test keeps as an artifact when it fails.

The functions at the end (``seed``, ``queue_sms``) run inside the cluster (``Cluster.start_call``), against its
database and bucket, never in the test process, whose Django is configured for the test run's own database.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[3]
STOP_TIMEOUT = 10
# Redis databases the test may take (0 is the usual one of a developer's `make run`; test_redis uses 15).
REDIS_DATABASES = range(8, 15)
REDIS_CLAIM_KEY = "anze:multinode:claimed-by"


class ClusterError(Exception):
    pass


def wait_until(condition: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    """Poll ``condition`` until it returns something true; its value. ClusterError naming ``what`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise ClusterError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the shared services ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_environment(cls) -> PostgresServer:
        """The server of the test run's DATABASE_URL when it is PostgreSQL, else the loopback one."""
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            url = "postgres://postgres@127.0.0.1:5432/postgres"
        parts = urlsplit(url)
        return cls(
            parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "", parts.password or ""
        )

    def connect(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=dbname,
            autocommit=True,
            connect_timeout=3,
        )

    def answers(self) -> bool:
        try:
            with self.connect():
                return True
        except Exception:
            return False

    def url(self, dbname: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host}:{self.port}/{dbname}"

    def create(self, dbname: str) -> None:
        with self.connect() as connection:
            connection.execute(
                f"CREATE DATABASE \"{dbname}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )

    def drop(self, dbname: str) -> None:
        with self.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def redis_answers(url: str = "redis://127.0.0.1:6379/0") -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def claim_redis_database(base: str = "redis://127.0.0.1:6379") -> str:
    """The URL of an empty Redis database, marked as this run's (two runs at once take different ones)."""
    import redis

    for number in REDIS_DATABASES:
        client = redis.Redis.from_url(f"{base}/{number}")
        if client.set(REDIS_CLAIM_KEY, str(os.getpid()), nx=True, ex=1800):
            if client.dbsize() == 1:
                return f"{base}/{number}"
            client.delete(REDIS_CLAIM_KEY)  # someone else's data lives here
    raise ClusterError(f"no empty Redis database among {list(REDIS_DATABASES)}")


def flush_redis_database(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


# --- the processes ----------------------------------------------------------------------------------------------
def _die_with_parent() -> Callable[[], None] | None:
    """Linux: a child asks the kernel for SIGKILL when the test process dies, even by SIGKILL (no finalizer
    runs then). gunicorn's forked workers follow their master: they stop once it is gone."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it
    pr_set_pdeathsig = 1

    def arm() -> None:
        prctl(pr_set_pdeathsig, signal.SIGKILL)

    return arm


DIE_WITH_PARENT = _die_with_parent()


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None


@dataclass
class Cluster:
    root: Path
    env: dict[str, str]
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def logs(self) -> Path:
        path = self.root / "logs"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def var_dir(self, node: str) -> Path:
        path = self.root / "nodes" / node
        path.mkdir(parents=True, exist_ok=True)
        return path

    def node_env(self, node: str, **extra: str) -> dict[str, str]:
        return {**self.env, "ANZE_VAR_DIR": str(self.var_dir(node)), **extra}

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Service:
        log = self.logs / f"{name}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=DIE_WITH_PARENT,  # one C call in the child, no Python state touched
            )
        service = Service(name, process, log)
        self.services[name] = service
        return service

    def finish(self, service: Service, timeout: float = 120) -> str:
        """Wait for a command started with ``start`` to end; its output (also in its log). ClusterError with the
        output's tail when it fails or outlasts ``timeout``."""
        name = service.name
        try:
            code = service.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop_service(service)
            raise ClusterError(f"{name} did not finish in {timeout:.0f}s:\n{tail(service.log)}") from None
        output = service.log.read_text(encoding="utf-8", errors="replace")
        if code != 0:
            raise ClusterError(f"{name} exited with {code}:\n{tail(service.log)}")
        return output

    def manage(self, name: str, *args: str, node: str = "a", **extra: str) -> Service:
        """Start ``manage.py args`` on ``node``."""
        return self.start(name, [sys.executable, "manage.py", *args], self.node_env(node, **extra))

    def start_call(
        self, name: str, function: str, *args: Any, node: str = "a", when: Path | None = None
    ) -> Service:
        """Start running ``function`` of this module inside the cluster (Django set up with the cluster's
        settings); ``finish_call`` returns what it returned (through JSON). With ``when``, the process loads
        Django at once and calls the function only once that file exists (the test creates it when it is time)."""
        code = (
            "import json, sys, django; django.setup(); from anze.core.testing import cluster; "
            "cluster.wait_for_file(sys.argv[2]); "
            f"print(json.dumps(cluster.{function}(*json.loads(sys.argv[1]))))"
        )
        argv = [sys.executable, "-c", code, json.dumps(args), str(when or "")]
        return self.start(name, argv, self.node_env(node))

    def finish_call(self, service: Service) -> Any:
        output = self.finish(service)
        return json.loads(output.strip().splitlines()[-1])

    def signal(self, name: str, number: int) -> None:
        os.killpg(self.services[name].pid, number)

    def kill(self, name: str) -> None:
        """SIGKILL: the process gets no chance to finish anything (a power cut, the OOM killer)."""
        service = self.services[name]
        os.killpg(service.pid, signal.SIGKILL)
        service.process.wait(STOP_TIMEOUT)

    def stop_service(self, service: Service) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            service.process.wait(STOP_TIMEOUT)
        # Whatever is left of the group: a gunicorn worker that ignored its master, a stuck thread.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.pid, signal.SIGKILL)
        if service.process.poll() is None:
            service.process.wait(STOP_TIMEOUT)

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            self.stop_service(service)

    def keep_logs(self, folder: Path) -> Path:
        shutil.rmtree(folder, ignore_errors=True)  # a previous failure's logs would mix with these
        folder.mkdir(parents=True)
        for log in [*self.logs.glob("*.log"), *self.root.glob("*.jsonl")]:  # the processes', the SMS sent
            shutil.copy2(log, folder / log.name)
        for node in (self.root / "nodes").glob("*"):
            for log in (node / "logs").glob("*"):
                shutil.copy2(log, folder / f"node-{node.name}-{log.name}")
        return folder

    def check_running(self, *names: str) -> None:
        for name in names:
            service = self.services[name]
            if not service.running():
                raise ClusterError(f"{name} exited ({service.process.returncode}):\n{tail(service.log)}")


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def base_environment(**settings: str) -> dict[str, str]:
    """The environment every process of the cluster shares: the caller's, without the test run's own
    settings (ANZE_TESTING, its DATABASE_URL, Django's async switch), plus ``settings``."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANZE_", "DJANGO_", "DATABASE_URL", "PYTEST_", "WEB_CONCURRENCY"))
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
        "ANZE_DEBUG": "0",
        "ANZE_SECRET_KEY": secrets.token_urlsafe(64),
        **settings,
    }


def http_status(url: str, host: str = "localhost", timeout: float = 5) -> int:
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


# --- run inside the cluster (Cluster.start_call) -------------------------------------------------------------------
PASSWORD = "Anze2026pass"  # anze.core.testing.factories.PASSWORD


def seed() -> dict[str, Any]:
    """The people and the order the test needs: an insurer's 管理员, an enterprise's 管理员 and its order
    waiting for 出函, and a second enterprise account for the lock-out (the test locks it)."""
    from anze.basedata.seed import ensure_base_data
    from anze.core.testing import factories
    from anze.orders import scenarios
    from anze.orders.models import OrderStatus

    assert factories.PASSWORD == PASSWORD
    ensure_base_data()
    insurer = factories.picc("picc-qz")
    clerk = factories.user(insurer, admin=True, username="picc_admin", name="陈雅琴")
    enterprise = factories.hongsheng()
    applicant = factories.user(enterprise, admin=True, username="hongsheng", name="蔡明辉")
    factories.user(enterprise, admin=True, username="hongsheng_clerk", name="蔡明亮")
    order = scenarios.online_order(
        insurer_user=clerk,
        enterprise_user=applicant,
        until=OrderStatus.AWAITING_ISSUE,
        project_name="丰泽区东海街道安置房二期工程",
    )
    return {
        "insurer_code": insurer.code,
        "insurer_name": insurer.name,
        "clerk": clerk.username,
        "applicant": applicant.username,
        "locked": "hongsheng_clerk",
        "application_no": order.application_no,
    }


def wait_for_file(path: str) -> None:
    if path:
        wait_until(lambda: Path(path).exists(), 300, path, every=0.02)


def queue_sms(tag: str, count: int) -> list[str]:
    """``count`` SMS put in the outbox in one transaction (as a workflow step does); their references."""
    from django.db import transaction

    from anze.notifications.services import sms_enqueue

    with transaction.atomic():
        messages = [
            sms_enqueue(f"1386071{i:04d}", f"{tag}：第{i + 1}条通知", key=f"multinode:{tag}:{i}")
            for i in range(count)
        ]
    return [str(message.uuid) for message in messages]
