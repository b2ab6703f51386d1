"""Set-up that users rely on: production settings pass the deploy check; demo data loads idempotently."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from anze.accounts.models import Organisation, Role, User
from anze.core.testing import factories

ROOT = Path(__file__).resolve().parents[3]


def test_it_passes_the_deploy_check_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_"))},
        "ANZE_SECRET_KEY": "x" * 30 + "-production-secret-key-with-enough-entropy-0123456789",
        "ANZE_ALLOWED_HOSTS": "ajx.example.gov.cn",
        "ANZE_VAR_DIR": str(tmp_path),
        "ANZE_DEBUG": "0",
        "ANZE_TESTING": "0",
        "ANZE_PROXY_COUNT": "1",  # the README's recipe: behind one reverse proxy
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_wsgi_application_keeps_its_start_up_objects_out_of_the_garbage_collector(tmp_path):
    """config/wsgi.py freezes what start-up built, views included (anze/core/runtime.py): a full collection
    walking all of it was the list's p95."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_"))},
        "ANZE_VAR_DIR": str(tmp_path),
        "ANZE_DEBUG": "1",
    }
    script = (
        "import gc, sys; import config.wsgi; "
        "print(gc.get_freeze_count(), 'anze.orders.views_insurer' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True", result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ANZE_", "DJANGO_"))},
        "ANZE_VAR_DIR": str(tmp_path),
        "ANZE_DEBUG": "0",
        "ANZE_ALLOWED_HOSTS": "x",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "ANZE_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_it_loads_the_demo_data_idempotently():
    call_command("demo_data", stdout=StringIO())
    counts = (Organisation.objects.count(), User.objects.count(), Role.objects.count())
    call_command("demo_data", stdout=StringIO())
    assert (Organisation.objects.count(), User.objects.count(), Role.objects.count()) == counts
    assert Organisation.objects.filter(kind="insurer").count() == 3
    assert Organisation.objects.filter(kind="enterprise", verification="verified").count() == 5
    # 万安建材: self-registered, 待认证, its claim 待审核 in 平台管理 › 企业认证 (anze.portal.demo)
    assert Organisation.objects.filter(kind="enterprise", verification="pending").count() == 1
    assert User.objects.get(username="picc_clerk").check_password("Anze@2026")
    clerk = User.objects.get(username="picc_clerk")
    assert not clerk.has_perm_code("system.user.view") and not clerk.has_perm_code("system.role.view")
    assert clerk.has_perm_code("order.quote")


@pytest.mark.django_db
def test_it_skips_demo_data_when_the_database_has_accounts():
    """One account is enough (not the whole demo data loaded first: a few seconds of the suite)."""
    factories.user(factories.organisation())
    out = StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert (Organisation.objects.count(), User.objects.count()) == (1, 1)  # nothing of the demo data
