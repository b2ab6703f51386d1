from __future__ import annotations

from decimal import Decimal

import pytest

from anze.core.testing.cast import Cast
from anze.policies.models import Policy

# Small limits, so that a few claims reach them (每人伤亡 ≥ the national 40万 of the default rule).
LIMITS = {
    "aggregate_limit": Decimal("600000.00"),
    "per_accident_limit": Decimal("500000.00"),
    "per_person_injury_limit": Decimal("400000.00"),
    "per_person_medical_limit": Decimal("50000.00"),
}


@pytest.fixture
def cast(cast: Cast) -> Cast:
    """The insurers and enterprises on both sides of a claim (anze.core.testing.cast)."""
    return cast.on_stage("clerk", "other_clerk", "applicant", "other_applicant")


@pytest.fixture
def policy(cast: Cast) -> Policy:
    """An issued policy of the applicant, its period begun 60 days ago, with the small LIMITS."""
    return cast.policy(scheme_overrides=LIMITS)
