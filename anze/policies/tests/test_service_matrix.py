"""The literal matrix of the policy's third-party service (``policies.workflow.SERVICE``): every state × action
× side, written out by hand — allowed (✓) or the exact refusal — for an owner with the permission, another
organisation of the same side, and a member of the owning organisation without the permission."""

from __future__ import annotations

import pytest

from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.matrix import every_cell, mismatches
from anze.policies.tests import reversal_scenarios
from anze.policies.workflow import SERVICE
from anze.prevention import scenarios

pytestmark = pytest.mark.django_db

INSURER, ORG, ENTERPRISE = Side.INSURER, Side.SERVICE_ORG, Side.ENTERPRISE

COLUMNS = ("未申请", "待处理", "服务中", "已完成", "未申请（已冲正）")
STATES = {column: column for column in COLUMNS} | {"未申请（已冲正）": "未申请"}
ACTIONS = {
    "assign": "申请第三方安全服务",
    "accept": "接受服务",
    "decline": "拒绝服务",
    "complete": "安全服务完成",
    "withdraw": "撤销安全服务（冲正）",
}
MESSAGES = {
    "权限": "没有该操作的权限",
    "无权": "保单不存在或无权操作",
    "未完": "约定的服务次数尚未全部完成并确认",
    "冲正": "保单已冲正，不能申请第三方安全服务",
}

# ✓ allowed · 权限 没有该操作的权限 · 无权 保单不存在或无权操作 (no organisation is assigned yet)
# 状态 保单安全服务当前状态为“<column>”，不能<action> · 未完 约定的服务次数尚未全部完成并确认
# "complete" is taken by the workflow itself (automatic): never a button, so even when its guard holds the
# answer is 没有该操作的权限; on a policy the workflow left in 服务中 the guard does not hold. "withdraw" is
# taken by the approval of a 冲正 (automatic too). 未申请（已冲正）: a policy reversed by 冲正 (its service
# was withdrawn) · 冲正 保单已冲正，不能申请第三方安全服务.
# fmt: off
OWNER = {
    #                           未申请   待处理   服务中   已完成   未申请（已冲正）
    ("assign", INSURER):      ("✓",     "状态",  "状态",  "状态",  "冲正"),
    ("assign", ORG):          ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("assign", ENTERPRISE):   ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("accept", INSURER):      ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("accept", ORG):          ("无权",  "✓",     "状态",  "状态",  "无权"),
    ("accept", ENTERPRISE):   ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("decline", INSURER):     ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("decline", ORG):         ("无权",  "✓",     "状态",  "状态",  "无权"),
    ("decline", ENTERPRISE):  ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("complete", INSURER):    ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("complete", ORG):        ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("complete", ENTERPRISE): ("状态",  "状态",  "未完",  "状态",  "状态"),
    ("withdraw", INSURER):    ("状态",  "权限",  "权限",  "状态",  "状态"),
    ("withdraw", ORG):        ("权限",  "权限",  "权限",  "权限",  "权限"),
    ("withdraw", ENTERPRISE): ("权限",  "权限",  "权限",  "权限",  "权限"),
}
# fmt: on

# Another insurer, another organisation, another enterprise: the ownership check comes before the state.
OTHER_ORGANISATION = {
    ("assign", INSURER): "无权",
    ("assign", ORG): "权限",
    ("assign", ENTERPRISE): "权限",
    ("accept", INSURER): "权限",
    ("accept", ORG): "无权",
    ("accept", ENTERPRISE): "权限",
    ("decline", INSURER): "权限",
    ("decline", ORG): "无权",
    ("decline", ENTERPRISE): "权限",
    ("complete", INSURER): "权限",
    ("complete", ORG): "权限",
    ("complete", ENTERPRISE): "无权",
    ("withdraw", INSURER): "无权",
    ("withdraw", ORG): "权限",
    ("withdraw", ENTERPRISE): "权限",
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"保单安全服务当前状态为“{STATES[column]}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def policies(cast):
    """One policy in each column's state, each reached through the workflow."""
    none = cast.policy()
    pending = scenarios.assign(cast.policy(), cast.clerk, cast.org)
    in_service = cast.in_service()
    completed = cast.in_service(counts={"training": 1})
    scenarios.complete(completed, cast.org_admin, cast.applicant, [cast.staff])
    reversed_ = reversal_scenarios.reversed_policy(cast.in_service(), cast)  # its service withdrawn
    built = dict(zip(COLUMNS, (none, pending, in_service, completed, reversed_), strict=True))
    return {column: scenarios.fresh(policy) for column, policy in built.items()}


def test_the_matrix_covers_every_action_and_side():
    assert (
        set(OWNER)
        == set(OTHER_ORGANISATION)
        == {(action, side) for action in ACTIONS for side in (INSURER, ORG, ENTERPRISE)}
    )
    assert set(ACTIONS) == set(SERVICE.actions)


def test_owners_with_the_permission(cast, policies):
    assert [p.get_service_status_display() for p in policies.values()] == [STATES[c] for c in COLUMNS]
    assert [p.get_status_display() for p in policies.values()] == ["有效"] * 4 + ["已冲正"]
    users = cast.owners()
    assert mismatches(SERVICE, policies, users, OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, policies):
    users = cast.strangers()
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(SERVICE, policies, users, expected, _message) == []


def test_a_member_without_the_permission(cast, policies):
    users = {
        side: factories.user(org)
        for side, org in ((INSURER, cast.insurer), (ORG, cast.org), (ENTERPRISE, cast.enterprise))
    }
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(SERVICE, policies, users, expected, _message) == []
