"""bench_page's pieces that run without a server: the bare page it measures 订单管理 against (only in the
bench's own URLs; login only; the same rows as 订单管理, page by page, of the user's own insurer), the reading
of wrk's report, and the refusal outside a scratch configuration. The command itself starts gunicorn and wrk
on a scratch database (``make bench``)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from anze.accounts import demo as accounts_demo
from anze.accounts.models import User
from anze.basedata import demo as basedata_demo
from anze.orders import synthetic
from anze.orders.management.commands.bench_page import BARE, parse_wrk
from anze.orders.models import Order

pytestmark = pytest.mark.django_db
ROW = re.compile(r'data-application-no="([^"]+)"')


@pytest.fixture
def demo_orders(db: None) -> tuple[User, User]:
    """25 synthetic orders over the demo insurers (13 the first's): its 管理员 and the second insurer's."""
    basedata_demo.load(io.StringIO())
    accounts_demo.load(io.StringIO())
    first, second = (User.objects.get(username=spec["admin"][0]) for spec in accounts_demo.INSURERS[:2])
    synthetic.top_up([first.organisation, second.organisation], 25)
    return first, second


def test_the_bare_page_is_not_in_the_systems_urls(demo_orders, client):
    client.force_login(demo_orders[0])
    assert client.get(BARE).status_code == 404


@override_settings(ROOT_URLCONF="anze.orders.bench.urls")
def test_the_bare_page_shows_the_rows_of_the_order_list_page_by_page(demo_orders, client):
    first, second = demo_orders
    client.force_login(first)
    for query in ("", "?page=2"):
        bare = ROW.findall(client.get(BARE + query).content.decode())
        listed = ROW.findall(client.get("/insurer/orders/" + query).content.decode())
        assert bare == listed and bare
    assert len(ROW.findall(client.get(BARE).content.decode())) == 10
    mine = set(Order.objects.filter(insurer=first.organisation).values_list("application_no", flat=True))
    client.force_login(second)
    theirs = ROW.findall(client.get(BARE).content.decode())
    assert theirs and not set(theirs) & mine  # another insurer's user sees its own orders only


@override_settings(ROOT_URLCONF="anze.orders.bench.urls")
def test_the_bare_page_asks_for_a_login(demo_orders, client):
    response = client.get(BARE)
    assert response.status_code == 302 and "application-no" not in response.content.decode()


WRK = """Running 5s test @ http://127.0.0.1:8000/insurer/orders/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    30.12ms   10.01ms 120.00ms   80.00%
  Latency Distribution
     50%   28.50ms
     75%   35.00ms
     90%   45.00ms
     99%    1.20s
  1300 requests in 5.00s, 50.00MB read
Requests/sec:    260.13
Transfer/sec:     10.00MB
"""


def test_it_reads_requests_per_second_and_the_percentiles_from_wrk():
    run = parse_wrk(WRK)
    assert (run.rps, run.p50, run.p99) == (260.13, 28.5, 1200.0)
    assert parse_wrk(WRK.replace("28.50ms", "850.00us")).p50 == 0.85


def test_it_refuses_a_run_with_failed_answers_or_an_unreadable_report():
    with pytest.raises(CommandError, match="2xx/3xx"):
        parse_wrk(WRK + "  Non-2xx or 3xx responses: 12\n")
    with pytest.raises(CommandError, match="无法解析"):
        parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused")


def test_it_refuses_to_write_synthetic_orders_outside_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("bench_page", orders=10, stdout=io.StringIO())
    assert not Order.objects.exists()
