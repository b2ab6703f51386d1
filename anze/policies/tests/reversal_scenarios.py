"""The people of a 冲正 in the tests: a 业务员 who requests it and a 冲正审核员 who reviews it, of the policy's
insurer (the fixtures ``requester`` and ``reviewer`` of conftest.py are these for the cast's insurer)."""

from __future__ import annotations

from anze.accounts.models import Organisation, User
from anze.core.testing import factories
from anze.core.testing.cast import Cast
from anze.policies import scenarios
from anze.policies.models import Policy

REQUESTER_PERMISSIONS = ["policy.view", "order.view", "order.issue", "policy.reversal_request"]
REVIEWER_PERMISSIONS = ["policy.view", "policy.reversal_review"]


def requester_of(insurer: Organisation, **fields: object) -> User:
    return factories.user(insurer, roles=[factories.role(insurer, REQUESTER_PERMISSIONS)], **fields)


def reviewer_of(insurer: Organisation, **fields: object) -> User:
    return factories.user(insurer, roles=[factories.role(insurer, REVIEWER_PERMISSIONS)], **fields)


def reversed_policy(policy: Policy, cast: Cast) -> Policy:
    """``policy`` reversed (冲正) by two new people of its insurer."""
    return scenarios.reverse(policy, requester=requester_of(cast.insurer), reviewer=reviewer_of(cast.insurer))
