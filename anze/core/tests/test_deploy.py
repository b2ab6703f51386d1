"""The README's 部署 recipe runs as written (issue 11, finding 12): with production settings, from the packages
``npm ci`` installs, ``check --deploy`` prints no warning and ``collectstatic --noinput`` succeeds (it failed on
the .map and .svg files tabler's CSS names but its package does not ship), and every static file a template
names is in the manifest."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def production_env(var_dir: Path) -> dict[str, str]:
    """The environment of README's 部署 recipe (SQLite: DATABASE_URL is not needed for these commands)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_", "DATABASE_URL"))},
        "ANZE_SECRET_KEY": "deploy-test-" + "k" * 40 + "-0123456789-abcdefghij",
        "ANZE_ALLOWED_HOSTS": "ajx.example.gov.cn",
        "ANZE_PROXY_COUNT": "1",
        "ANZE_VAR_DIR": str(var_dir),
        "ANZE_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_deployment_recipe_checks_and_collects_static_files(tmp_path):
    env = production_env(tmp_path)

    check = manage("check", "--deploy", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout, check.stdout + check.stderr
    assert "WARNING" not in check.stderr.upper(), check.stderr

    collect = manage("collectstatic", "--noinput", env=env)
    assert collect.returncode == 0, collect.stdout + collect.stderr

    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    named = set()
    for template in ROOT.glob("anze/*/templates/**/*.html"):
        named.update(re.findall(r"""\{% static ['"]([^'"]+)['"] %\}""", template.read_text()))
    assert named and named <= manifest.keys(), named - manifest.keys()
    # Only what the pages use is published: not the whole of node_modules' dist folders.
    published = [p for p in (tmp_path / "static" / "vendor").rglob("*") if p.is_file()]
    assert len(published) < 100, len(published)


def test_a_gunicorn_start_without_the_proxy_setting_logs_the_warning(tmp_path):
    """gunicorn runs no system checks: config/wsgi.py logs the proxy warning (anze.W010) itself."""
    env = production_env(tmp_path)
    del env["ANZE_PROXY_COUNT"]
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "anze.W010" in result.stderr and "ANZE_PROXY_COUNT" in result.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert quiet.returncode == 0 and "anze.W010" not in quiet.stderr, quiet.stderr
