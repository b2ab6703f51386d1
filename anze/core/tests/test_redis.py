"""ANZE_REDIS_URL: the cache (lock-out, SMS quotas, rate limits) lives in Redis and sessions are read through it
(cached_db), so several web nodes share them. Runs against the Redis on 127.0.0.1:6379, which this machine and
CI's start before the session."""

from __future__ import annotations

import subprocess
import sys
import uuid

from .test_deploy import ROOT, production_env

SCRIPT = """
import django
django.setup()
from django.conf import settings
from django.core.cache import cache

assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), settings.CACHES
cache.set("{key}", "seen", 60)
assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db", settings.SESSION_ENGINE
print(cache.get("{key}"))
"""


def _run(env: dict[str, str], key: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(key=key)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_two_processes_share_the_cache_through_redis(tmp_path):
    env = {
        **production_env(tmp_path),
        "ANZE_REDIS_URL": "redis://127.0.0.1:6379/15",
        "ANZE_SECURE_SSL_REDIRECT": "0",
    }
    key = f"anze-test-{uuid.uuid4().hex}"
    assert _run(env, key) == "seen"
    reader = SCRIPT.format(key=key).replace(f'cache.set("{key}", "seen", 60)', "")
    done = subprocess.run(
        [sys.executable, "-c", reader], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "seen"  # written by the other process
