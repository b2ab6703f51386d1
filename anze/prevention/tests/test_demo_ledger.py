"""The demo data's 事故预防服务费台账 (``demo_data``): a new user finds booked records, an approved overrun and a
policy behind plan on the first run."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from anze.accounts.models import User
from anze.basedata.models import ServiceItem
from anze.prevention import ledger
from anze.prevention.models import FeeEntry, FeeOverrun, RecordStatus, ServiceRecord
from anze.regulator import fees

pytestmark = pytest.mark.django_db


def test_the_demo_data_has_a_ledger_on_its_first_run():
    call_command("demo_data", stdout=StringIO())
    assert not ServiceItem.objects.filter(unit_price=0).exists()
    confirmed = ServiceRecord.objects.filter(status=RecordStatus.CONFIRMED)
    # Every confirmed record booked once, at its cost (the demo 单价).
    assert FeeEntry.objects.count() == confirmed.count() > 5
    assert sorted(FeeEntry.objects.values_list("record_id", "amount")) == sorted(
        confirmed.values_list("pk", "cost")
    )
    grant = FeeOverrun.objects.get()
    summary = ledger.summary(grant.policy)
    assert (summary.budget, summary.allowance, summary.spent, summary.overspent) == (
        Decimal("1500.00"),
        Decimal("200.00"),
        Decimal("1600.00"),
        Decimal("100.00"),
    )
    regulator = User.objects.get(username="qzyjj")
    behind = {p.order.project_name: p for p in fees.search_lagging(user=regulator)}
    # The one the ledger's demo made (400 of 2,400 spent, 45 days left), and the portal's policy about to
    # expire (its 续保 reminder), which nobody has served.
    assert set(behind) == {"丰泽区东海街道安置房二期工程", "鲤城区江南片区老旧小区改造工程"}
    assert behind["丰泽区东海街道安置房二期工程"].fee_spent == Decimal("400.00")
    call_command("demo_data", stdout=StringIO())
    assert FeeOverrun.objects.count() == 1  # idempotent
