"""The literal matrix of the claim (``claims.workflow.CLAIM``): every state × action × side, written out by
hand — allowed (✓) or the exact refusal — for an owner with the permission, another organisation of the same
side, and a member of the owning organisation without the permission."""

from __future__ import annotations

import pytest

from anze.claims import scenarios
from anze.claims.models import Claim, ClaimStatus
from anze.claims.workflow import CLAIM
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.matrix import every_cell, mismatches

pytestmark = pytest.mark.django_db

INSURER, ENTERPRISE = Side.INSURER, Side.ENTERPRISE
S = ClaimStatus

COLUMNS = ("待受理", "待立案", "待查勘", "待理算", "待结案", "已结案", "已拒赔", "已注销")
STATES = (S.REPORTED, S.ACCEPTED, S.REGISTERED, S.SURVEYED, S.ADJUSTED, S.SETTLED, S.DECLINED, S.CANCELLED)
ACTIONS = {
    "accept": "受理",
    "register": "立案",
    "survey": "查勘",
    "adjust": "理算",
    "settle": "结案",
    "decline": "拒赔",
    "cancel": "注销",
}
MESSAGES = {"权限": "没有该操作的权限", "无权": "理赔案件不存在或无权操作"}

# ✓ allowed · 权限 没有该操作的权限 · 无权 理赔案件不存在或无权操作
# 状态 理赔案件当前状态为“<state>”，不能<action>
# fmt: off
OWNER = {
    #                           待受理  待立案  待查勘  待理算  待结案  已结案  已拒赔  已注销
    ("accept", INSURER):       ("✓",   "状态", "状态", "状态", "状态", "状态", "状态", "状态"),
    ("register", INSURER):     ("状态", "✓",   "状态", "状态", "状态", "状态", "状态", "状态"),
    ("survey", INSURER):       ("状态", "状态", "✓",   "状态", "状态", "状态", "状态", "状态"),
    ("adjust", INSURER):       ("状态", "状态", "状态", "✓",   "✓",   "状态", "状态", "状态"),
    ("settle", INSURER):       ("状态", "状态", "状态", "状态", "✓",   "状态", "状态", "状态"),
    ("decline", INSURER):      ("状态", "状态", "✓",   "✓",   "✓",   "状态", "状态", "状态"),
    ("cancel", INSURER):       ("✓",   "✓",   "✓",   "✓",   "✓",   "状态", "状态", "状态"),
    ("accept", ENTERPRISE):    ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
    ("register", ENTERPRISE):  ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
    ("survey", ENTERPRISE):    ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
    ("adjust", ENTERPRISE):    ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
    ("settle", ENTERPRISE):    ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
    ("decline", ENTERPRISE):   ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
    ("cancel", ENTERPRISE):    ("权限", "权限", "权限", "权限", "权限", "权限", "权限", "权限"),
}
# fmt: on

OTHER_ORGANISATION = {
    **{(action, INSURER): "无权" for action in ACTIONS},
    **{(action, ENTERPRISE): "权限" for action in ACTIONS},
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"理赔案件当前状态为“{column}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def in_each_state(cast, policy):
    made = [scenarios.drive(scenarios.report(policy, cast.applicant), cast.clerk, state) for state in STATES]
    fresh = Claim.objects.select_related("policy__order")
    return {column: fresh.get(pk=claim.pk) for column, claim in zip(COLUMNS, made, strict=True)}


def test_the_matrix_covers_every_action_and_side():
    assert set(OWNER) == set(OTHER_ORGANISATION) == {(a, s) for a in ACTIONS for s in (INSURER, ENTERPRISE)}
    assert set(ACTIONS) | {"report"} == set(CLAIM.actions)
    assert [label for _, label in S.choices] == list(COLUMNS)


def test_owners_with_the_permission(cast, in_each_state):
    assert [c.get_status_display() for c in in_each_state.values()] == list(COLUMNS)
    users = {INSURER: cast.clerk, ENTERPRISE: cast.applicant}
    assert mismatches(CLAIM, in_each_state, users, OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, in_each_state):
    users = {INSURER: cast.other_clerk, ENTERPRISE: cast.other_applicant}
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(CLAIM, in_each_state, users, expected, _message) == []


def test_a_member_without_the_permission(cast, in_each_state):
    users = {INSURER: factories.user(cast.insurer), ENTERPRISE: factories.user(cast.enterprise)}
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(CLAIM, in_each_state, users, expected, _message) == []


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("applicant", None),
        ("clerk", None),
        ("insurer_member", "没有该操作的权限"),
        ("enterprise_member", "没有该操作的权限"),
        ("service_org", "没有该操作的权限"),
        ("regulator", "没有该操作的权限"),
    ],
)
def test_who_may_report(cast, who, expected):
    """报案 creates its claim: the enterprise (portal.claim.report) and the insurer's clerk (claim.report)."""
    users = {
        "applicant": lambda: cast.applicant,
        "clerk": lambda: cast.clerk,
        "insurer_member": lambda: factories.user(cast.insurer),
        "enterprise_member": lambda: factories.user(cast.enterprise),
        "service_org": lambda: cast.org_admin,
        "regulator": lambda: factories.user(factories.organisation(Side.REGULATOR), admin=True),
    }
    try:
        CLAIM.begin("report", users[who]())
    except Refused as exc:
        assert exc.message == expected
    else:
        assert expected is None
