import pytest

from anze.core.testing.cast import Cast


@pytest.fixture
def cast(cast: Cast) -> Cast:
    """Everyone around a policy, service organisations and their staff included (anze.core.testing.cast)."""
    return cast.on_stage(*Cast.EVERYONE)
