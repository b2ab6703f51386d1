"""Gunicorn settings for one Anze web node (docs/deploy.md, "gunicorn").

Started by deploy/systemd/anze-web.service as ``gunicorn -c deploy/gunicorn.conf.py config.wsgi``. Every
figure can be overridden from the environment (the unit's EnvironmentFile) without editing this file:
WEB_CONCURRENCY (workers), ANZE_GUNICORN_BIND (address and port), FORWARDED_ALLOW_IPS (the nginx addresses).

Sync workers: every request does synchronous ORM work and holds one database connection for its whole length,
so a thread pool (gthread) would buy nothing but contention on the GIL; slow clients are absorbed by nginx,
which buffers request bodies (uploads) and responses, so a sync worker is never held by a slow network.
"""

from __future__ import annotations

import multiprocessing
import os

# --- processes ---------------------------------------------------------------------------------------------
# 2 x cores + 1: while one worker waits on PostgreSQL or Redis another uses the core. A 4-core node runs 9.
cores = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * cores + 1))
worker_class = "sync"

# --- listening ---------------------------------------------------------------------------------------------
# The node's private address: nginx (on the front machine) connects to it; nothing else should reach it.
bind = os.environ.get("ANZE_GUNICORN_BIND", "127.0.0.1:8000")
backlog = 2048

# --- timeouts ----------------------------------------------------------------------------------------------
# nginx receives a 200 MB video completely before it passes it on (proxy_request_buffering on), so the worker
# reads it from the local network in a second or two; the rest is checking the file and writing it to the
# store (disk or object storage). 120 s leaves room for that on a busy node; nginx's proxy_read_timeout for
# the upload route is longer than this so that gunicorn, not nginx, ends a runaway request.
timeout = 120
graceful_timeout = 30  # a restart (systemctl restart / HUP) lets running requests finish for this long
keepalive = 5  # seconds; nginx keeps upstream connections open (keepalive in the upstream block)

# --- recycling ---------------------------------------------------------------------------------------------
# Each worker is replaced after about 1,000 requests; the jitter keeps the workers from restarting together.
max_requests = 1000
max_requests_jitter = 100

# --- memory ------------------------------------------------------------------------------------------------
# config/wsgi.py freezes the start-up objects (gc.freeze); loading the application before forking shares them
# between the workers. Code is then only reloaded by a restart, which is how upgrades run anyway.
preload_app = True
# Gunicorn's own worker heartbeat files in memory: on a slow or full disk (uploads past 2.5 MB are spooled to
# temporary files) the arbiter would otherwise take a busy worker for a hung one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# --- proxy -------------------------------------------------------------------------------------------------
# Only the nginx machine(s) may set X-Forwarded-Proto for gunicorn's own wsgi.url_scheme. The client address
# Django uses is read by the application itself (ANZE_PROXY_COUNT, anze/core/clientip.py): gunicorn does not
# rewrite REMOTE_ADDR.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# --- logs --------------------------------------------------------------------------------------------------
# To the journal (systemd). The application writes its own request log (ANZE_LOG_FORMAT=json for JSON lines).
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "anze-web"

# --- control socket ------------------------------------------------------------------------------------------
# gunicorn 27's control socket defaults to ~/.gunicorn; under systemd it goes to the unit's RuntimeDirectory
# (/run/anze-web), which the unit creates and systemd sets as RUNTIME_DIRECTORY.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
