"""The insurer's 订单管理 as the list every 下载中心 test exports: its clerk, and synthetic orders in bulk (a
list larger than the export threshold without driving hundreds of orders through the workflow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from anze.core.testing.cast import Cast
from anze.orders import synthetic


@pytest.fixture
def cast(cast: Cast) -> Cast:
    return cast.on_stage("clerk", "other_clerk")


@pytest.fixture
def clerk(cast: Cast) -> Client:
    return cast.client(cast.clerk)


@pytest.fixture
def orders(cast: Cast) -> Callable[[int], int]:
    """``orders(n)``: n more synthetic orders of the cast's insurer; returns how many it holds now."""

    def make(count: int) -> int:
        synthetic.top_up([cast.insurer], synthetic.existing() + count, batch_size=count)
        return synthetic.existing([cast.insurer])

    return make


@pytest.fixture
def small_threshold(settings: Any) -> int:
    """Lists of more than 2 rows go to the worker."""
    settings.EXPORT_SYNC_ROWS = 2
    return 2
