"""The literal matrix of the complaint (``prevention.complaints.COMPLAINT``): every state × action × side,
written out by hand — allowed (✓) or the exact refusal — for an owner with the permission, another
organisation of the same side, and a member of the owning organisation without the permission. 待答复 comes
twice: before and after its one extension (“extend once” is the extend transition's guard)."""

from __future__ import annotations

import pytest

from anze.core.sides import Side
from anze.core.testing.matrix import every_cell, mismatches
from anze.prevention import complaints, scenarios
from anze.prevention.complaints import COMPLAINT
from anze.prevention.models import Complaint

pytestmark = pytest.mark.django_db

INSURER, ORG, ENTERPRISE = Side.INSURER, Side.SERVICE_ORG, Side.ENTERPRISE

COLUMNS = ("待答复", "待答复（已延期）", "已答复")
STATES = {"待答复": "待答复", "待答复（已延期）": "待答复", "已答复": "已答复"}
ACTIONS = {"extend": "延长答复期限", "answer": "答复投诉"}
MESSAGES = {"权限": "没有该操作的权限", "无权": "投诉不存在或无权操作", "一次": "答复期限只能延长一次"}

# ✓ allowed · 权限 没有该操作的权限 · 无权 投诉不存在或无权操作 · 一次 答复期限只能延长一次
# 状态 投诉当前状态为“<state>”，不能<action>
# fmt: off
OWNER = {
    #                         待答复   待答复（已延期） 已答复
    ("extend", INSURER):    ("✓",     "一次",          "状态"),
    ("extend", ORG):        ("✓",     "一次",          "状态"),
    ("extend", ENTERPRISE): ("权限",  "权限",          "权限"),
    ("answer", INSURER):    ("✓",     "✓",             "状态"),
    ("answer", ORG):        ("✓",     "✓",             "状态"),
    ("answer", ENTERPRISE): ("权限",  "权限",          "权限"),
}
# fmt: on

OTHER_ORGANISATION = {
    ("extend", INSURER): "无权",
    ("extend", ORG): "无权",
    ("extend", ENTERPRISE): "权限",
    ("answer", INSURER): "无权",
    ("answer", ORG): "无权",
    ("answer", ENTERPRISE): "权限",
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"投诉当前状态为“{STATES[column]}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def in_each_state(cast):
    policy = cast.in_service()
    made = [
        complaints.complaint_file(policy=scenarios.fresh(policy), actor=cast.applicant, content=f"迟到{n}")
        for n in range(len(COLUMNS))
    ]
    complaints.complaint_extend(complaint=made[1], actor=cast.clerk, reason="需调取现场视频核实")
    complaints.complaint_answer(complaint=made[2], actor=cast.org_admin, answer="已处理")
    fresh = Complaint.objects.select_related("policy__order", "policy__insurer")
    return {column: fresh.get(pk=complaint.pk) for column, complaint in zip(COLUMNS, made, strict=True)}


def test_the_matrix_covers_every_action_and_side():
    assert (
        set(OWNER)
        == set(OTHER_ORGANISATION)
        == {(action, side) for action in ACTIONS for side in (INSURER, ORG, ENTERPRISE)}
    )
    assert set(ACTIONS) | {"file"} == set(COMPLAINT.actions)


def test_owners_with_the_permission(cast, in_each_state):
    assert [(c.get_status_display(), c.extended) for c in in_each_state.values()] == [
        ("待答复", False),
        ("待答复", True),
        ("已答复", False),
    ]
    users = cast.owners()
    assert mismatches(COMPLAINT, in_each_state, users, OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, in_each_state):
    users = cast.strangers()
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(COMPLAINT, in_each_state, users, expected, _message) == []


def test_a_member_without_the_permission(cast, in_each_state):
    users = cast.members_without_permissions()
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(COMPLAINT, in_each_state, users, expected, _message) == []
