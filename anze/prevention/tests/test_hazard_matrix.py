"""The literal matrix of the hazard (``prevention.hazards.HAZARD``): every state × action × side, written out
by hand — allowed (✓) or the exact refusal — for an owner with the permission, another organisation of the
same side, and a member of the owning organisation without the permission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anze.core.sides import Side
from anze.core.testing.matrix import every_cell, mismatches
from anze.prevention import attachments, hazards, scenarios, services
from anze.prevention.hazards import HAZARD
from anze.prevention.models import Hazard, HazardLevel

pytestmark = pytest.mark.django_db

INSURER, ORG, ENTERPRISE = Side.INSURER, Side.SERVICE_ORG, Side.ENTERPRISE

COLUMNS = ("待整改", "已整改", "已复查")
ACTIONS = {"rectify": "登记整改", "verify": "复查通过", "reopen": "复查不通过"}
MESSAGES = {"权限": "没有该操作的权限", "无权": "隐患不存在或无权操作"}

# ✓ allowed · 权限 没有该操作的权限 · 无权 隐患不存在或无权操作
# 状态 隐患当前状态为“<column>”，不能<action>
# fmt: off
OWNER = {
    #                          待整改   已整改   已复查
    ("rectify", INSURER):    ("权限",  "权限",  "权限"),
    ("rectify", ORG):        ("✓",     "状态",  "状态"),
    ("rectify", ENTERPRISE): ("✓",     "状态",  "状态"),
    ("verify", INSURER):     ("权限",  "权限",  "权限"),
    ("verify", ORG):         ("状态",  "✓",     "状态"),
    ("verify", ENTERPRISE):  ("权限",  "权限",  "权限"),
    ("reopen", INSURER):     ("权限",  "权限",  "权限"),
    ("reopen", ORG):         ("状态",  "✓",     "状态"),
    ("reopen", ENTERPRISE):  ("权限",  "权限",  "权限"),
}
# fmt: on

OTHER_ORGANISATION = {
    ("rectify", INSURER): "权限",
    ("rectify", ORG): "无权",
    ("rectify", ENTERPRISE): "无权",
    ("verify", INSURER): "权限",
    ("verify", ORG): "无权",
    ("verify", ENTERPRISE): "权限",
    ("reopen", INSURER): "权限",
    ("reopen", ORG): "无权",
    ("reopen", ENTERPRISE): "权限",
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"隐患当前状态为“{column}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def in_each_state(cast):
    today = timezone.localdate()
    inspection = services.inspection_create(
        policy=scenarios.fresh(cast.in_service()),
        actor=cast.org_admin,
        data=services.InspectionData(today, "车间", [cast.staff], "检查", attachments.Uploads()),
    )
    made = [
        hazards.hazard_create(
            inspection=inspection,
            actor=cast.org_admin,
            level=HazardLevel.GENERAL,
            description=f"灭火器过期{n}",
            location="",
            deadline=today + timedelta(days=5),
        )
        for n in range(len(COLUMNS))
    ]
    for hazard in made[1:]:
        hazards.hazard_rectify(hazard=hazard, actor=cast.applicant, rectification="已更换")
    hazards.hazard_verify(hazard=made[2], actor=cast.org_admin, verification="合格")
    fresh = Hazard.objects.select_related("inspection__policy", "inspection__service_org")
    return {column: fresh.get(pk=hazard.pk) for column, hazard in zip(COLUMNS, made, strict=True)}


def test_the_matrix_covers_every_action_and_side():
    assert (
        set(OWNER)
        == set(OTHER_ORGANISATION)
        == {(action, side) for action in ACTIONS for side in (INSURER, ORG, ENTERPRISE)}
    )
    assert set(ACTIONS) | {"create"} == set(HAZARD.actions)


def test_owners_with_the_permission(cast, in_each_state):
    assert [h.get_status_display() for h in in_each_state.values()] == list(COLUMNS)
    users = cast.owners()
    assert mismatches(HAZARD, in_each_state, users, OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, in_each_state):
    users = cast.strangers()
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(HAZARD, in_each_state, users, expected, _message) == []


def test_a_member_without_the_permission(cast, in_each_state):
    users = cast.members_without_permissions()
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(HAZARD, in_each_state, users, expected, _message) == []
