import pytest

from anze.accounts.models import User
from anze.core.testing.cast import Cast

from .reversal_scenarios import requester_of, reviewer_of


@pytest.fixture
def cast(cast: Cast) -> Cast:
    """Everyone around a policy, service organisations and their staff included (anze.core.testing.cast)."""
    return cast.on_stage(*Cast.EVERYONE)


# --- 冲正: two people of the policy's insurer besides its 管理员 (who holds both permissions) -------------------
@pytest.fixture
def requester(cast: Cast) -> User:
    """A 业务员 who may 申请冲正 (and 出函) but not review it."""
    return requester_of(cast.insurer, name="陈业务")


@pytest.fixture
def reviewer(cast: Cast) -> User:
    """A 冲正审核员: reviews 冲正 requests, cannot request one."""
    return reviewer_of(cast.insurer, name="赵审核")
