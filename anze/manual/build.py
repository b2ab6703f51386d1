"""``make manual``: the system on a fresh demo database, driven in Chromium side by side, written to docs/manual/.

One folder, var/manual/: ``migrate`` and ``demo_data`` fill var/manual/template/ once; each side then gets its own
copy of it (var/manual/<side>/, as ``ANZE_VAR_DIR``) and its own development server on a free port, so every
side starts from the same demo data whatever the sides before it did — as the suite's manual test does. The
processes are anze.core.testing.cluster's (each in its own session, stopped with its group, its output in
var/manual/logs/); the browser is started as the browser tests start it (anze.core.testing.browser).
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.utils import timezone

from anze.core.testing.browser import CHROMIUM_ARGS, CONTEXT_ARGS, chromium_path
from anze.core.testing.cluster import ROOT, Cluster, base_environment, free_port, http_status, wait_until

from . import pdf, runner, writer
from .steps import MANUALS

VAR = ROOT / "var" / "manual"
SERVER_START_TIMEOUT = 90


@dataclass(frozen=True)
class Built:
    slug: str
    title: str
    sections: list[str]  # "3.1 订单管理"
    figures: int
    seconds: float


def build(
    slugs: Iterable[str] | None,
    out: Path,
    var: Path = VAR,
    say: Callable[[str], None] = print,
) -> list[Built]:
    from playwright.sync_api import sync_playwright

    slugs = list(slugs or MANUALS)
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    out.mkdir(parents=True, exist_ok=True)
    template = var / "template"
    env = base_environment(ANZE_DEBUG="1", ANZE_VAR_DIR=str(template))
    cluster = Cluster(root=var, env=env)
    built: list[Built] = []
    generated = timezone.localtime()
    try:
        say("演示数据库：migrate + demo_data …")
        manage = [sys.executable, "manage.py"]
        cluster.finish(
            cluster.start("migrate", [*manage, "migrate", "--noinput", "-v", "0"], env), timeout=600
        )
        cluster.finish(cluster.start("demo_data", [*manage, "demo_data"], env), timeout=300)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            for slug in slugs:
                manual = MANUALS[slug]
                started = time.monotonic()
                data = var / slug
                shutil.copytree(template, data)
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                server = cluster.start(
                    f"server-{slug}",
                    [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
                    {**env, "ANZE_VAR_DIR": str(data)},
                )
                wait_until(partial(_answers, url), SERVER_START_TIMEOUT, url)
                say(f"{manual.title}：{url} …")
                context = browser.new_context(**CONTEXT_ARGS)
                try:
                    figures = runner.run(manual, context.new_page(), url, out)
                except runner.StepFailed as failed:
                    if failed.page is not None:
                        (var / f"failed-{slug}.png").write_bytes(failed.page)
                        say(f"失败时的页面：{var / f'failed-{slug}.png'}；服务器日志：{var / 'logs'}")
                    raise
                finally:
                    context.close()
                    cluster.stop_service(server)
                markdown = writer.write(manual, figures, generated)
                (out / f"{slug}.md").write_text(markdown, encoding="utf-8")
                pdf.build(markdown, out / f"{slug}.pdf", lambda src: _image(out, src), generated)
                sections = [f"{n.number} {n.section.title}" for n in manual.numbered()]
                done = Built(slug, manual.title, sections, len(figures), time.monotonic() - started)
                built.append(done)
                say(f"{manual.title}：{len(sections)} 节，{done.figures} 张截图，{done.seconds:.0f} 秒")
            browser.close()
    finally:
        cluster.stop()
    return built


def _answers(url: str) -> bool:
    return http_status(f"{url}/healthz") == 200


def _image(out: Path, src: str) -> Path | None:
    """The file of an image address of a manual (``insurer/3-1-1.png``), inside ``out`` only."""
    path = (out / src).resolve()
    return path if path.is_relative_to(out.resolve()) and path.is_file() else None
