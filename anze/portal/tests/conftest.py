"""Signed-in clients of the portal's tests, built on the cast (``anze.core.testing.cast``): the enterprise in a
compulsory sector dealing with the insurer, and another enterprise that must see nothing of it."""

from __future__ import annotations

import pytest
from django.test import Client

from anze.core.testing.cast import Cast


@pytest.fixture
def cast(cast: Cast) -> Cast:
    """The insurer and its clerk, the enterprise and its applicant, and another enterprise that must see nothing."""
    return cast.on_stage("clerk", "applicant", "other_applicant")


@pytest.fixture
def me(cast: Cast) -> Client:
    """The enterprise's 管理员, signed in."""
    return cast.client(cast.applicant)


@pytest.fixture
def them(cast: Cast) -> Client:
    """The 管理员 of another enterprise, signed in."""
    return cast.client(cast.other_applicant)
