"""The literal matrices of 退保: the request (``endorsements.surrenders.SURRENDER``) and its row of the policy's
own machine (``policies.lifecycle.POLICY``, ``surrender``), for an owner with the permission, another
organisation of the same side, and a member of the owning organisation without the permission."""

from __future__ import annotations

import pytest

from anze.core.sides import Side
from anze.core.testing.matrix import every_cell, mismatches
from anze.endorsements import scenarios
from anze.endorsements.surrenders import SURRENDER
from anze.policies.lifecycle import POLICY

pytestmark = pytest.mark.django_db

INSURER, ENTERPRISE = Side.INSURER, Side.ENTERPRISE

COLUMNS = ("待审核", "已退保", "已驳回", "已撤回")
ACTIONS = {"approve": "退保审核通过", "reject": "驳回退保", "withdraw": "撤回退保"}
MESSAGES = {"权限": "没有该操作的权限", "无权": "退保申请不存在或无权操作"}

# ✓ allowed · 权限 没有该操作的权限 · 无权 退保申请不存在或无权操作 · 状态 退保申请当前状态为“<state>”，不能<action>
# fmt: off
OWNER = {
    #                         待审核   已退保   已驳回   已撤回
    ("approve", INSURER):    ("✓",    "状态",  "状态",  "状态"),
    ("approve", ENTERPRISE): ("权限",  "权限",  "权限",  "权限"),
    ("reject", INSURER):     ("✓",    "状态",  "状态",  "状态"),
    ("reject", ENTERPRISE):  ("权限",  "权限",  "权限",  "权限"),
    ("withdraw", INSURER):   ("权限",  "权限",  "权限",  "权限"),
    ("withdraw", ENTERPRISE): ("✓",   "状态",  "状态",  "状态"),
}
OTHER_ORGANISATION = {
    ("approve", INSURER): "无权", ("approve", ENTERPRISE): "权限",
    ("reject", INSURER): "无权", ("reject", ENTERPRISE): "权限",
    ("withdraw", INSURER): "权限", ("withdraw", ENTERPRISE): "无权",
}
# The policy's own machine, its 退保 row: 有效 ─退保─▶ 已退保. The row is taken by the approval of a 退保
# (automatic): never a button, so where state and permission hold the answer is 没有该操作的权限 (权限) all the
# same — that the approval takes it is test_the_approval_takes_the_policy_transition below.
POLICY_COLUMNS = ("有效", "已退保", "已冲正")
POLICY_OWNER = {
    ("surrender", INSURER):    ("权限", "状态", "状态"),
    ("surrender", ENTERPRISE): ("权限", "权限", "权限"),
}
POLICY_OTHER = {("surrender", INSURER): "无权", ("surrender", ENTERPRISE): "权限"}
# fmt: on


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"退保申请当前状态为“{column}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


def _policy_message(code: str, column: str, action: str) -> str:
    return {
        "状态": f"保单当前状态为“{column}”，不能退保",
        "权限": "没有该操作的权限",
        "无权": "保单不存在或无权操作",
    }[code]


@pytest.fixture
def in_each_state(cast):
    clerk, applicant = cast.clerk, cast.applicant
    from anze.endorsements import surrenders

    shared = cast.policy()
    rejected = surrenders.surrender_reject(
        endorsement=scenarios.fresh(scenarios.surrender(shared, applicant)),
        actor=clerk,
        reason="证明材料不全",
    )
    withdrawn = surrenders.surrender_withdraw(
        endorsement=scenarios.fresh(scenarios.surrender(shared, applicant)), actor=applicant
    )
    made = {
        "待审核": scenarios.surrender(shared, applicant),
        "已退保": scenarios.surrendered(cast.policy(), clerk=clerk, applicant=applicant),
        "已驳回": rejected,
        "已撤回": withdrawn,
    }
    return {column: scenarios.fresh(made[column]) for column in COLUMNS}


def test_the_matrix_covers_every_action_and_side():
    assert set(OWNER) == set(OTHER_ORGANISATION) == {(a, s) for a in ACTIONS for s in (INSURER, ENTERPRISE)}
    assert set(ACTIONS) | {"apply"} == set(SURRENDER.actions)


def test_owners_with_the_permission(cast, in_each_state):
    assert [e.get_status_display() for e in in_each_state.values()] == list(COLUMNS)
    assert mismatches(SURRENDER, in_each_state, cast.owners(), OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, in_each_state):
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(SURRENDER, in_each_state, cast.strangers(), expected, _message) == []


def test_a_member_without_the_permission(cast, in_each_state):
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(SURRENDER, in_each_state, cast.members_without_permissions(), expected, _message) == []


def test_a_批改_is_not_a_surrender_to_this_machine(cast):
    change = scenarios.apply(cast.policy(), cast.applicant)
    assert SURRENDER.why_not(change, "reject", cast.clerk) == "退保申请不存在或无权操作"


@pytest.fixture
def policies_in_each_state(cast):
    from anze.policies.tests.reversal_scenarios import reversed_policy

    active = cast.policy()
    surrendered = scenarios.surrendered(cast.policy(), clerk=cast.clerk, applicant=cast.applicant).policy
    reversed_ = reversed_policy(cast.policy(), cast)
    made = (active, surrendered, reversed_)
    return {column: scenarios.fresh_policy(p) for column, p in zip(POLICY_COLUMNS, made, strict=True)}


def test_the_policy_machine_surrender_row(cast, policies_in_each_state):
    assert "surrender" in POLICY.actions
    objects = policies_in_each_state
    assert [p.get_status_display() for p in objects.values()] == list(POLICY_COLUMNS)
    assert mismatches(POLICY, objects, cast.owners(), POLICY_OWNER, _policy_message) == []
    others = {row: (code,) * len(POLICY_COLUMNS) for row, code in POLICY_OTHER.items()}
    assert mismatches(POLICY, objects, cast.strangers(), others, _policy_message) == []
    nobody = every_cell("权限", list(POLICY_OWNER), len(POLICY_COLUMNS))
    assert mismatches(POLICY, objects, cast.members_without_permissions(), nobody, _policy_message) == []


def test_the_approval_takes_the_policy_transition(cast):
    """What ``why_not`` hides behind 没有该操作的权限 (automatic): the table lets the 退保 reviewer take it, and
    nobody without 退保审核."""
    from anze.core.errors import Refused
    from anze.core.testing import factories

    policy = scenarios.fresh_policy(cast.policy())
    t = POLICY.begin("surrender", cast.clerk, policy)
    assert (t.target, t.automatic, t.permission) == ("surrendered", True, "endorsement.surrender")
    viewer = factories.user(
        cast.insurer, roles=[factories.role(cast.insurer, ["endorsement.view", "policy.view"])]
    )
    with pytest.raises(Refused, match="没有该操作的权限"):
        POLICY.begin("surrender", viewer, policy)
