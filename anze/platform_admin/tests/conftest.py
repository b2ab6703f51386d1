"""Personas of the platform side, shared by the 机构管理 and 基础数据 tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from anze.accounts.models import User
from anze.core.sides import Side
from anze.core.testing import factories

if TYPE_CHECKING:
    from conftest import Personas


@pytest.fixture
def platform(make_personas: Callable[[str], Personas]) -> Personas:
    return make_personas(Side.PLATFORM)


@pytest.fixture
def insurer_admin(db: None) -> User:
    """The 管理员 of an insurer: a user of another side, refused on every platform page."""
    return factories.user(factories.organisation(Side.INSURER), admin=True, name="保险公司管理员")
