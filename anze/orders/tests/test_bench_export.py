"""``manage.py bench_export``: the export of the insurer's synthetic orders as the worker builds it, measured."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anze.accounts import demo as accounts_demo
from anze.accounts.models import Organisation
from anze.basedata import demo as basedata_demo
from anze.downloads.models import Export
from anze.orders import synthetic

pytestmark = pytest.mark.django_db


def test_it_builds_the_export_in_the_worker_and_prints_rows_time_and_memory(settings):
    settings.DEBUG = True
    basedata_demo.load(io.StringIO())
    accounts_demo.load(io.StringIO())
    insurer = Organisation.objects.get(code=accounts_demo.INSURERS[0]["code"])
    synthetic.top_up([insurer], 40)
    out = io.StringIO()
    call_command("bench_export", "--measure", stdout=out)
    report = out.getvalue()
    assert re.search(r"行数\s+40\n", report), report
    assert "每秒行数" in report and "峰值增长" in report and "匿名内存" in report
    assert not Export.objects.exists()  # the export and its file are removed afterwards


def test_it_refuses_to_write_synthetic_orders_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("bench_export", "--rows", "10", stdout=io.StringIO())
    assert not synthetic.existing()
