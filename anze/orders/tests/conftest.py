"""Signed-in clients of the orders' view tests, built on the cast (``anze.core.testing.cast``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from anze.core.testing import factories
from anze.core.testing.cast import Cast


@pytest.fixture
def cast(cast: Cast) -> Cast:
    """The insurer and its clerk, the enterprise and its applicant, and another insurer that must see nothing."""
    return cast.on_stage("clerk", "other_clerk", "applicant")


@pytest.fixture
def clerk(cast: Cast) -> Client:
    """The insurer's 管理员, signed in."""
    return cast.client(cast.clerk)


@pytest.fixture
def as_user(cast: Cast) -> Callable[..., Client]:
    """``as_user("order.view", …)``: a signed-in clerk of the insurer holding only these permissions."""

    def make(*codes: str) -> Client:
        return cast.client(factories.user(cast.insurer, roles=[factories.role(cast.insurer, list(codes))]))

    return make


@pytest.fixture
def other_clerk(cast: Cast) -> Client:
    """The 管理员 of another insurer: every order permission, none of these orders."""
    return cast.client(cast.other_clerk)
