"""The production recipe's files (docs/deploy.md, deploy/) stay true to the code (issue 17, point 5).

A unit that names a management command which was renamed, a setting read from a variable the example
environment file and README's 配置 table do not list, a gunicorn file that no longer evaluates, or an nginx
site that lost its body limits or X-Forwarded-For would each pass unnoticed until the day of a deployment.
nginx itself is not needed: its file is read as text (``nginx -t`` is a manual check, docs/deploy.md).
"""

from __future__ import annotations

import configparser
import multiprocessing
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
ENV_EXAMPLE = DEPLOY / "anze.env.example"

# Read by config/settings.py but never set in production; the example file names them under "never in production".
NOT_FOR_PRODUCTION = {"ANZE_TESTING", "ANZE_TASKS_BACKEND"}

ENV_READ = re.compile(
    r"""(?:env_str|env_int|env_bool|env_list|os\.environ\.get|os\.getenv)\(\s*["'](ANZE_\w+)["']"""
)
ENV_INDEXED = re.compile(r"""os\.environ\[\s*["'](ANZE_\w+)["']\s*\]""")
BACKTICKED = re.compile(r"`([A-Z0-9_]+)`")


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(ENV_READ.findall(source)) | set(ENV_INDEXED.findall(source))


def readme_config_rows() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 配置", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| `")]


def documented_in_readme(name: str, rows: list[str]) -> bool:
    """In a row of the table, written out or as a suffix after a full name of the same row
    (``ANZE_SMS_ALIYUN_ACCESS_KEY_ID`` / ``_ACCESS_KEY_SECRET``)."""
    for row in rows:
        names = BACKTICKED.findall(row.split("|")[1])
        if name in names:
            return True
        full = [n for n in names if not n.startswith("_")]
        for suffix in (n for n in names if n.startswith("_")):
            if name.endswith(suffix) and full:
                stem = name[: -len(suffix)]
                if full[0].startswith(stem + "_"):
                    return True
    return False


def unit_files() -> list[Path]:
    return sorted(SYSTEMD.glob("*.service"))


class _CaseSensitive(configparser.ConfigParser):
    def optionxform(self, optionstr: str) -> str:  # keys are case-sensitive in systemd
        return optionstr


def exec_starts(unit: Path) -> list[str]:
    parser = _CaseSensitive(interpolation=None, strict=False)
    parser.read(unit, encoding="utf-8")
    return [parser["Service"][key] for key in parser["Service"] if key == "ExecStart"]


def test_settings_reads_variables_at_all():
    """Guards the parsing below: a settings.py rewritten past these patterns would make every test vacuous."""
    found = settings_variables()
    assert {"ANZE_SECRET_KEY", "ANZE_PROXY_COUNT", "ANZE_REDIS_URL", "ANZE_SMS_BACKEND"} <= found


def test_every_variable_settings_reads_is_in_the_example_environment_file():
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    missing = sorted(name for name in settings_variables() if not re.search(rf"\b{name}\b", example))
    assert not missing, f"deploy/anze.env.example lacks {missing}"


def test_every_production_variable_settings_reads_is_in_readme_config_table():
    rows = readme_config_rows()
    assert rows, "README's 配置 table not found"
    missing = sorted(
        name for name in settings_variables() - NOT_FOR_PRODUCTION if not documented_in_readme(name, rows)
    )
    assert not missing, f"README's 配置 table lacks {missing}"


def test_the_example_environment_file_holds_no_real_secret():
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.startswith("#"):
            continue
        if re.search(r"SECRET|PASSWORD|ACCESS_KEY(?!_ID)|_KEY$", key):
            assert value.startswith("<") and value.endswith(">"), f"{key} must be a <placeholder>"
        if "://" in value and "@" in value:
            assert "<password>" in value, f"{key} must not carry a real password"


def test_the_example_environment_passes_check_deploy_without_warnings(tmp_path):
    """The values of deploy/anze.env.example (placeholders filled, no database or Redis server needed for
    ``check``) give ``manage.py check --deploy`` no warning: the recipe's promise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_", "DATABASE_URL"))}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            env[key] = value
    env.pop("DATABASE_URL")  # check does not connect; SQLite in tmp_path keeps it off any server
    env.pop("ANZE_REDIS_URL")
    env["ANZE_SECRET_KEY"] = "deploy-files-test-" + "s" * 40 + "-0123456789"
    env["ANZE_VAR_DIR"] = str(tmp_path)
    env["ANZE_SMS_BACKEND"] = "console"  # the Aliyun SDK is an optional extra
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    assert "System check identified no issues" in check.stdout, check.stdout + check.stderr


def test_the_units_the_recipe_names_exist():
    names = {path.name for path in SYSTEMD.iterdir()}
    assert {
        "anze-web.service",
        "anze-worker.service",
        "anze-fold-counts.service",
        "anze-sms-sweep.service",
        "anze-reminders.service",
        "anze-backup.service",
        "anze-backup.timer",
    } <= names


@pytest.mark.parametrize("unit", unit_files(), ids=lambda path: path.name)
def test_every_exec_start_runs_an_existing_command(unit):
    commands = get_commands()
    starts = exec_starts(unit)
    assert starts, f"{unit.name} has no ExecStart"
    for start in starts:
        words = shlex.split(start)
        if words[:2] == ["/bin/sh", "-c"]:
            words = shlex.split(words[2])
        if "manage.py" in words:
            command = words[words.index("manage.py") + 1]
            assert command in commands, f"{unit.name}: manage.py {command} does not exist"
        else:
            assert Path(words[0]).name == "gunicorn", f"{unit.name}: unexpected ExecStart {start!r}"
            assert words[-1] == "config.wsgi" and (ROOT / "config" / "wsgi.py").exists()
            config = words[words.index("-c") + 1]
            assert (ROOT / "deploy" / Path(config).name).exists(), f"{unit.name}: {config} not in deploy/"
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(unit, encoding="utf-8")
    assert parser["Service"].get("EnvironmentFile") == "/etc/anze/anze.env"


def test_the_worker_unit_runs_the_command_that_writes_the_heartbeat():
    assert exec_starts(SYSTEMD / "anze-worker.service")[0].split()[-1] == "worker"


def test_the_gunicorn_config_evaluates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("RUNTIME_DIRECTORY", raising=False)
    namespace: dict[str, Any] = {"__file__": str(DEPLOY / "gunicorn.conf.py")}
    exec(
        compile((DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8"), "gunicorn.conf.py", "exec"),
        namespace,
    )
    assert namespace["worker_class"] == "sync"
    assert namespace["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert namespace["timeout"] >= 120
    assert namespace["max_requests"] and namespace["max_requests_jitter"]
    assert namespace["forwarded_allow_ips"] == "127.0.0.1"

    from gunicorn.config import Config

    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)  # gunicorn's own validation of each value
    assert config.workers == namespace["workers"]


def test_the_nginx_site_limits_bodies_and_forwards_the_client():
    site = (DEPLOY / "nginx" / "anze.conf").read_text(encoding="utf-8")
    code = "\n".join(line.split("#", 1)[0] for line in site.splitlines())  # directives only, not comments
    assert re.search(r"^\s*client_max_body_size 10m;", code, re.M)
    video = re.search(r"location = /service/videos/upload/ \{(.*?)\}", code, re.S)
    assert video, "no location for the video upload route"
    assert "client_max_body_size 200m;" in video.group(1)
    imports = re.search(r"location = /insurer/orders/import/ \{(.*?)\}", code, re.S)
    assert imports, "no location for the offline import's upload route"
    assert "client_max_body_size 200m;" in imports.group(1)
    assert code.count("200m") == 2, "200m only for the video upload and the offline import routes"
    register = re.search(r"location = /regulator/register/import/ \{(.*?)\}", code, re.S)
    assert register and "client_max_body_size 25m;" in register.group(1)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in code
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in code
    assert "proxy_set_header Host $host;" in code
    assert "location = /healthz" in code and "location = /readyz" in code
    assert "proxy_request_buffering on;" in code


def test_the_nginx_video_route_is_the_application_video_upload_route():
    from django.urls import reverse

    assert reverse("service:videos:upload") == "/service/videos/upload/"


def test_the_nginx_import_routes_are_the_applications_and_fit_their_limits():
    from django.urls import reverse

    from anze.imports.forms import ARCHIVE_MAX_BYTES, WORKBOOK_MAX_BYTES

    assert reverse("insurer:orders:import") == "/insurer/orders/import/"
    assert reverse("regulator:supervision:register_import") == "/regulator/register/import/"
    # nginx limits the whole body: both files and the form's other fields.
    assert ARCHIVE_MAX_BYTES + WORKBOOK_MAX_BYTES < 200 * 1024 * 1024
    assert WORKBOOK_MAX_BYTES < 25 * 1024 * 1024


def test_readme_links_the_recipe():
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert (ROOT / "docs" / "deploy.md").exists()
