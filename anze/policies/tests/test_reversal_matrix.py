"""The literal matrices of 冲正: the request (``policies.reversal.REVERSAL``) and the policy's own status
(``policies.lifecycle.POLICY``) — every state × action × side, written out by hand, allowed (✓) or the exact
refusal, for an owner with the permission (the insurer's 管理员; the requests are another clerk's, so the
two-person rule, which is not the machine's, is not in the way: see test_reversal.py), another organisation
of the same side, and a member of the owning organisation without the permission."""

from __future__ import annotations

import pytest

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing.matrix import every_cell, mismatches
from anze.policies import reversal, scenarios
from anze.policies.lifecycle import POLICY
from anze.policies.models import Policy, PolicyReversal
from anze.policies.reversal import REVERSAL
from anze.prevention import scenarios as prevention_scenarios

pytestmark = pytest.mark.django_db

INSURER, ORG, ENTERPRISE = Side.INSURER, Side.SERVICE_ORG, Side.ENTERPRISE
SIDES = (INSURER, ORG, ENTERPRISE)

# --- the request ----------------------------------------------------------------------------------------------
COLUMNS = ("待审核", "待审核（保单已有服务记录）", "已通过", "已驳回")
STATES = {column: column.split("（")[0] for column in COLUMNS}
ACTIONS = {"approve": "通过冲正申请", "reject": "驳回冲正申请"}
MESSAGES = {
    "权限": "没有该操作的权限",
    "无权": "冲正申请不存在或无权操作",
    "记录": "该保单已有服务记录，不能冲正",
}

# ✓ allowed · 权限 没有该操作的权限 · 无权 冲正申请不存在或无权操作 · 记录 该保单已有服务记录，不能冲正
# 状态 冲正申请当前状态为“<state>”，不能<action>
# "request" creates its object: it is never taken on an existing one (test_reversal.py tests it on policies).
# fmt: off
OWNER = {
    #                          待审核  待审核（有记录）  已通过  已驳回
    ("approve", INSURER):    ("✓",    "记录",          "状态",  "状态"),
    ("approve", ORG):        ("权限", "权限",          "权限",  "权限"),
    ("approve", ENTERPRISE): ("权限", "权限",          "权限",  "权限"),
    ("reject", INSURER):     ("✓",    "✓",             "状态",  "状态"),
    ("reject", ORG):         ("权限", "权限",          "权限",  "权限"),
    ("reject", ENTERPRISE):  ("权限", "权限",          "权限",  "权限"),
}
# fmt: on
OTHER_ORGANISATION = {
    ("approve", INSURER): "无权",
    ("approve", ORG): "权限",
    ("approve", ENTERPRISE): "权限",
    ("reject", INSURER): "无权",
    ("reject", ORG): "权限",
    ("reject", ENTERPRISE): "权限",
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"冲正申请当前状态为“{STATES[column]}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def requests(cast, requester, reviewer):
    """One request in each column's state, each reached through the workflow (asked by ``requester``)."""
    served = cast.in_service()
    policies = [cast.policy(), served, cast.policy(), cast.policy()]
    made = [reversal.reversal_request(policy=p, actor=requester, reason="保单编号录入错误") for p in policies]
    prevention_scenarios.record(served, cast.org_admin, "training", [cast.staff])  # after the request
    reversal.reversal_approve(reversal=made[2], actor=reviewer)
    reversal.reversal_reject(reversal=made[3], actor=reviewer, reason="无需冲正")
    fresh = PolicyReversal.objects.select_related("policy__order", "policy__insurer")
    return {column: fresh.get(pk=r.pk) for column, r in zip(COLUMNS, made, strict=True)}


def test_the_request_matrix_covers_every_action_and_side():
    assert set(OWNER) == set(OTHER_ORGANISATION) == {(a, s) for a in ACTIONS for s in SIDES}
    assert set(ACTIONS) | {"request"} == set(REVERSAL.actions)


def test_request_owners_with_the_permission(cast, requests):
    assert [r.get_status_display() for r in requests.values()] == [STATES[c] for c in COLUMNS]
    assert mismatches(REVERSAL, requests, cast.owners(), OWNER, _message) == []


def test_request_another_organisation_of_the_same_side(cast, requests):
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(REVERSAL, requests, cast.strangers(), expected, _message) == []


def test_request_a_member_without_the_permission(cast, requests):
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(REVERSAL, requests, cast.members_without_permissions(), expected, _message) == []


# --- the policy's own status ----------------------------------------------------------------------------------
POLICY_COLUMNS = ("有效", "有效（已有服务记录）", "已冲正")
POLICY_STATES = {column: column.split("（")[0] for column in POLICY_COLUMNS}
POLICY_MESSAGES = {
    "权限": "没有该操作的权限",
    "无权": "保单不存在或无权操作",
    "记录": "该保单已有服务记录，不能冲正",
}

# "reverse" is taken by the approval of a 冲正 request (automatic): never a button, so where state, guard and
# permission hold the answer is 没有该操作的权限 (权限) all the same — that the approval takes it is
# test_reversal.py's. The guard (nothing blocks a 冲正) comes before that answer: 记录.
# fmt: off
POLICY_OWNER = {
    #                          有效    有效（有记录）  已冲正
    ("reverse", INSURER):    ("权限", "记录",        "状态"),
    ("reverse", ORG):        ("权限", "权限",        "权限"),
    ("reverse", ENTERPRISE): ("权限", "权限",        "权限"),
}
# fmt: on
POLICY_OTHER_ORGANISATION = {
    ("reverse", INSURER): "无权",
    ("reverse", ORG): "权限",
    ("reverse", ENTERPRISE): "权限",
}


def _policy_message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"保单当前状态为“{POLICY_STATES[column]}”，不能冲正"
    return POLICY_MESSAGES[code]


@pytest.fixture
def policies(cast, requester, reviewer):
    served = cast.in_service()
    prevention_scenarios.record(served, cast.org_admin, "training", [cast.staff])
    reversed_ = scenarios.reverse(cast.policy(), requester=requester, reviewer=reviewer)
    made = (cast.policy(), served, reversed_)
    fresh = Policy.objects.select_related("order", "insurer")
    return {column: fresh.get(pk=p.pk) for column, p in zip(POLICY_COLUMNS, made, strict=True)}


def test_the_policy_matrix_covers_every_action_and_side():
    assert set(POLICY_OWNER) == set(POLICY_OTHER_ORGANISATION) == {("reverse", s) for s in SIDES}
    # 退保 (anze.endorsements) adds its row to the same machine: its matrix is
    # anze/endorsements/tests/test_surrender_matrix.py.
    assert POLICY.actions == ("reverse", "surrender")


def test_policy_owners_with_the_permission(cast, policies):
    assert [p.get_status_display() for p in policies.values()] == [POLICY_STATES[c] for c in POLICY_COLUMNS]
    assert mismatches(POLICY, policies, cast.owners(), POLICY_OWNER, _policy_message) == []


def test_policy_another_organisation_of_the_same_side(cast, policies):
    expected = {row: (code,) * len(POLICY_COLUMNS) for row, code in POLICY_OTHER_ORGANISATION.items()}
    assert mismatches(POLICY, policies, cast.strangers(), expected, _policy_message) == []


def test_policy_a_member_without_the_permission(cast, policies):
    expected = every_cell("权限", list(POLICY_OWNER), len(POLICY_COLUMNS))
    users = cast.members_without_permissions()
    assert mismatches(POLICY, policies, users, expected, _policy_message) == []


def test_the_reviewer_may_take_the_policy_transition_that_the_approval_takes(cast, reviewer, requester):
    """What ``why_not`` hides behind 没有该操作的权限 (automatic): the table lets the reviewer take it."""
    policy = cast.policy()
    t = POLICY.begin("reverse", reviewer, policy)
    assert (t.target, t.automatic) == ("reversed", True)
    with pytest.raises(Refused, match="没有该操作的权限"):
        POLICY.begin("reverse", requester, policy)
