"""ensure_base_data: the migration's rows are there in every test; a missing one is added back, an edited one
is left as the operator edited it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anze.basedata.models import Industry, Region, RegionalRule, ServiceItem
from anze.basedata.seed import COUNTIES, INDUSTRIES, SERVICE_ITEMS, ensure_base_data

pytestmark = pytest.mark.django_db


def test_the_migration_wrote_every_row_and_a_check_of_them_takes_four_queries() -> None:
    assert ServiceItem.objects.count() == len(SERVICE_ITEMS) and Industry.objects.count() == len(INDUSTRIES)
    assert Region.objects.filter(level="county").count() == len(COUNTIES)
    with CaptureQueriesContext(connection) as queries:
        ensure_base_data()
    assert len(queries) == 4


@pytest.mark.parametrize("missing", ["service_item", "industry", "region", "rule"])
def test_a_missing_row_is_added_back_and_an_edited_one_kept(missing: str) -> None:
    Industry.objects.filter(code="construction").update(name="建筑施工（改）")
    if missing == "service_item":
        ServiceItem.objects.filter(code="training").delete()
    elif missing == "industry":
        Industry.objects.filter(code="mining").delete()
    elif missing == "region":
        Region.objects.filter(code=COUNTIES[-1][0]).delete()
    else:
        RegionalRule.objects.filter(region=None).delete()

    ensure_base_data()

    assert ServiceItem.objects.filter(code="training").exists()
    assert Industry.objects.filter(code="mining").exists()
    assert Region.objects.filter(code=COUNTIES[-1][0]).exists()
    assert RegionalRule.objects.filter(region=None).exists()
    assert Industry.objects.get(code="construction").name == "建筑施工（改）"
