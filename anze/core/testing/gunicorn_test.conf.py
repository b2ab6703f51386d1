"""deploy/gunicorn.conf.py as it is, plus one thing for the several-nodes test: each forked worker dies with
its master (Linux's parent-death signal). Production needs none of it — systemd stops the whole unit — but a
test runner killed outright must leave no worker behind (a sync worker notices a lost master only after
``timeout / 2`` seconds)."""

from __future__ import annotations

from pathlib import Path

_deploy = Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py"
exec(compile(_deploy.read_text(encoding="utf-8"), str(_deploy), "exec"))


def post_fork(server: object, worker: object) -> None:
    from anze.core.testing.cluster import DIE_WITH_PARENT

    if DIE_WITH_PARENT is not None:
        DIE_WITH_PARENT()
