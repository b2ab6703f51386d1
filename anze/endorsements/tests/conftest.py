import pytest

from anze.core.testing.cast import Cast


@pytest.fixture
def cast(cast: Cast) -> Cast:
    """Everyone around a policy: both insurers and both enterprises (anze.core.testing.cast)."""
    return cast.on_stage("clerk", "other_clerk", "applicant", "other_applicant")
