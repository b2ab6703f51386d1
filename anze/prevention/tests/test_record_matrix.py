"""The literal matrix of the service record (``prevention.records.RECORD``): every state × action × side,
written out by hand — allowed (✓) or the exact refusal — for an owner with the permission, another
organisation of the same side, and a member of the owning organisation without the permission."""

from __future__ import annotations

import pytest

from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.matrix import every_cell, mismatches
from anze.prevention import records, scenarios
from anze.prevention.records import RECORD

pytestmark = pytest.mark.django_db

INSURER, ORG, ENTERPRISE = Side.INSURER, Side.SERVICE_ORG, Side.ENTERPRISE

COLUMNS = ("待确认", "已确认", "有异议")
ACTIONS = {"edit": "修改服务记录", "confirm": "确认服务记录", "dispute": "对服务记录提出异议"}
MESSAGES = {"权限": "没有该操作的权限", "无权": "服务记录不存在或无权操作"}

# ✓ allowed · 权限 没有该操作的权限 · 无权 服务记录不存在或无权操作
# 状态 服务记录当前状态为“<column>”，不能<action>
# fmt: off
OWNER = {
    #                          待确认   已确认   有异议
    ("edit", INSURER):       ("权限",  "权限",  "权限"),
    ("edit", ORG):           ("✓",     "状态",  "✓"),
    ("edit", ENTERPRISE):    ("权限",  "权限",  "权限"),
    ("confirm", INSURER):    ("权限",  "权限",  "权限"),
    ("confirm", ORG):        ("权限",  "权限",  "权限"),
    ("confirm", ENTERPRISE): ("✓",     "状态",  "状态"),
    ("dispute", INSURER):    ("权限",  "权限",  "权限"),
    ("dispute", ORG):        ("权限",  "权限",  "权限"),
    ("dispute", ENTERPRISE): ("✓",     "状态",  "状态"),
}
# fmt: on

OTHER_ORGANISATION = {
    ("edit", INSURER): "权限",
    ("edit", ORG): "无权",
    ("edit", ENTERPRISE): "权限",
    ("confirm", INSURER): "权限",
    ("confirm", ORG): "权限",
    ("confirm", ENTERPRISE): "无权",
    ("dispute", INSURER): "权限",
    ("dispute", ORG): "权限",
    ("dispute", ENTERPRISE): "无权",
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"服务记录当前状态为“{column}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def in_each_state(cast):
    policy = cast.in_service(counts={"training": 3})
    made = [scenarios.record(policy, cast.org_admin, "training", [cast.staff]) for _ in COLUMNS]
    records.record_confirm(record=scenarios.fresh_record(made[1]), actor=cast.applicant)
    records.record_dispute(record=scenarios.fresh_record(made[2]), actor=cast.applicant, reason="人数不符")
    return {column: scenarios.fresh_record(record) for column, record in zip(COLUMNS, made, strict=True)}


def test_the_matrix_covers_every_action_and_side():
    assert (
        set(OWNER)
        == set(OTHER_ORGANISATION)
        == {(action, side) for action in ACTIONS for side in (INSURER, ORG, ENTERPRISE)}
    )
    assert set(ACTIONS) | {"create"} == set(RECORD.actions)


def test_owners_with_the_permission(cast, in_each_state):
    assert [r.get_status_display() for r in in_each_state.values()] == list(COLUMNS)
    users = cast.owners()
    assert mismatches(RECORD, in_each_state, users, OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, in_each_state):
    users = cast.strangers()
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(RECORD, in_each_state, users, expected, _message) == []


def test_a_member_without_the_permission(cast, in_each_state):
    users = cast.members_without_permissions()
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert mismatches(RECORD, in_each_state, users, expected, _message) == []


def test_the_organisation_owns_its_records_only_while_it_is_assigned(cast, in_each_state):
    record = in_each_state["待确认"]
    record.policy.service_org_id = cast.other_org.pk  # as if the policy had been assigned elsewhere
    assert RECORD.why_not(record, "edit", cast.org_admin) == "服务记录不存在或无权操作"
    assert RECORD.why_not(record, "edit", cast.other_org_admin) == "服务记录不存在或无权操作"


# 新增服务记录 creates its record: only the side and the permission are the machine's (the policy's party and
# its service state are checked by record_create, see test_workflow.py).
CREATE = {INSURER: "没有该操作的权限", ORG: None, ENTERPRISE: "没有该操作的权限"}


def test_who_may_create_a_record(cast):
    for side, user in ((INSURER, cast.clerk), (ORG, cast.org_admin), (ENTERPRISE, cast.applicant)):
        try:
            RECORD.begin("create", user)
        except Refused as exc:
            assert exc.message == CREATE[side], side
        else:
            assert CREATE[side] is None, side
    with pytest.raises(Refused) as refused:
        RECORD.begin("create", factories.user(cast.org))
    assert refused.value.message == "没有该操作的权限"
