"""Demo 批改 and 退保 (demo.py): every state of each kind, through the workflows, loaded once."""

from __future__ import annotations

import io

import pytest

from anze.accounts import demo as accounts_demo
from anze.basedata import demo as basedata_demo
from anze.endorsements import demo
from anze.endorsements.models import KIND_STATUSES, Endorsement, EndorsementKind
from anze.policies.models import PolicyStatus

pytestmark = pytest.mark.django_db


def test_it_loads_every_state_of_each_kind_once(db):
    for module in (basedata_demo, accounts_demo):
        module.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    for kind, statuses in KIND_STATUSES.items():
        found = set(Endorsement.objects.filter(kind=kind).values_list("status", flat=True))
        assert found == set(statuses), kind
    surrendered = Endorsement.objects.filter(kind=EndorsementKind.SURRENDER, status="surrendered")
    assert {e.policy.status for e in surrendered} == {PolicyStatus.SURRENDERED}
    assert Endorsement.objects.exclude(adjust_reason="").exists()  # a clerk's amount too
    count = Endorsement.objects.count()
    demo.load(io.StringIO())
    assert Endorsement.objects.count() == count and "演示数据已存在" not in out.getvalue()
