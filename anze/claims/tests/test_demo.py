"""Demo claims (demo.py): every state on first run, through the real workflow, once."""

from __future__ import annotations

import io

import pytest

from anze.accounts import demo as accounts_demo
from anze.basedata import demo as basedata_demo
from anze.claims import demo
from anze.claims.models import Claim, ClaimEvent, ClaimStatus

pytestmark = pytest.mark.django_db


def test_it_makes_claims_in_every_state_once():
    for module in (basedata_demo, accounts_demo):
        module.load(io.StringIO())
    demo.load(io.StringIO())
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert set(Claim.objects.values_list("insurer__code", flat=True)) == {"picc-qz", "pingan-qz"}
    assert set(Claim.objects.values_list("channel", flat=True)) == {"online", "phone"}
    settled = Claim.objects.filter(status=ClaimStatus.SETTLED)
    assert all(c.paid_amount == c.adjusted_amount for c in settled)
    count, events = Claim.objects.count(), ClaimEvent.objects.count()
    out = io.StringIO()
    demo.load(out)
    assert (Claim.objects.count(), ClaimEvent.objects.count()) == (count, events)
    assert "已存在" in out.getvalue()
