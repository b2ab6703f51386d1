"""The literal matrix of the 批改 (``endorsements.workflow.ENDORSEMENT``): every state × action × side, written
out by hand — allowed (✓) or the exact refusal — for an owner with the permission, another organisation of the
same side, and a member of the owning organisation without the permission. 待审核 comes three times: with extra
premium to charge, with a refund, and started by the insurer (which the enterprise cannot withdraw)."""

from __future__ import annotations

import pytest

from anze.core.sides import Side
from anze.core.testing.matrix import every_cell, mismatches
from anze.endorsements import scenarios
from anze.endorsements.models import Endorsement
from anze.endorsements.workflow import ENDORSEMENT

pytestmark = pytest.mark.django_db

INSURER, ENTERPRISE = Side.INSURER, Side.ENTERPRISE

COLUMNS = (
    "待审核（加收）",
    "待审核（退还）",
    "待审核（保险公司发起）",
    "待上传付款通知书",
    "待缴费",
    "待缴费审核",
    "待出批单",
    "已批改",
    "已驳回",
    "已撤回",
)
STATES = {column: column.split("（")[0] for column in COLUMNS}
ACTIONS = {
    "adjust": "调整批改保费",
    "approve": "审核通过",
    "approve_charge": "审核通过（待缴费）",
    "reject": "驳回批改",
    "withdraw": "撤回批改",
    "upload_payment_notice": "上传付款通知书",
    "upload_payment_voucher": "上传付款凭证",
    "approve_payment": "缴费审核通过",
    "reject_payment": "缴费审核驳回",
    "issue": "出批单",
}
MESSAGES = {
    "权限": "没有该操作的权限",
    "无权": "批改不存在或无权操作",
    "加收": "该批改需加收保费，审核通过后须上传付款通知书",
    "无需": "该批改无需缴纳批改保费",
    "撤回": "保险公司发起的批改不能撤回",
}

# ✓ allowed · 权限 没有该操作的权限 · 无权 批改不存在或无权操作 · 加收 / 无需 the two 审核通过's guards ·
# 撤回 保险公司发起的批改不能撤回 · 状态 批改当前状态为“<state>”，不能<action>
# fmt: off
OWNER = {
    #                                     加收    退还    保司发起  通知书   待缴费   缴费审核  待出批单  已批改  已驳回  已撤回
    ("adjust", INSURER):                 ("✓",   "✓",   "✓",     "状态",  "状态",  "状态",   "状态",   "状态", "状态", "状态"),
    ("adjust", ENTERPRISE):              ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("approve", INSURER):                ("加收", "✓",   "✓",     "状态",  "状态",  "状态",   "状态",   "状态", "状态", "状态"),
    ("approve", ENTERPRISE):             ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("approve_charge", INSURER):         ("✓",   "无需", "无需",   "状态",  "状态",  "状态",   "状态",   "状态", "状态", "状态"),
    ("approve_charge", ENTERPRISE):      ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("reject", INSURER):                 ("✓",   "✓",   "✓",     "✓",    "✓",    "状态",   "状态",   "状态", "状态", "状态"),
    ("reject", ENTERPRISE):              ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("withdraw", INSURER):               ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("withdraw", ENTERPRISE):            ("✓",   "✓",   "撤回",   "✓",    "✓",    "状态",   "状态",   "状态", "状态", "状态"),
    ("upload_payment_notice", INSURER):  ("状态", "状态", "状态",   "✓",    "状态",  "状态",   "状态",   "状态", "状态", "状态"),
    ("upload_payment_notice", ENTERPRISE): ("权限", "权限", "权限", "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("upload_payment_voucher", INSURER): ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("upload_payment_voucher", ENTERPRISE): ("状态", "状态", "状态", "状态",  "✓",    "状态",   "状态",   "状态", "状态", "状态"),
    ("approve_payment", INSURER):        ("状态", "状态", "状态",   "状态",  "状态",  "✓",     "状态",   "状态", "状态", "状态"),
    ("approve_payment", ENTERPRISE):     ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("reject_payment", INSURER):         ("状态", "状态", "状态",   "状态",  "状态",  "✓",     "状态",   "状态", "状态", "状态"),
    ("reject_payment", ENTERPRISE):      ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
    ("issue", INSURER):                  ("状态", "状态", "状态",   "状态",  "状态",  "状态",   "✓",     "状态", "状态", "状态"),
    ("issue", ENTERPRISE):               ("权限", "权限", "权限",   "权限",  "权限",  "权限",   "权限",   "权限", "权限", "权限"),
}
# fmt: on

# Another insurer / enterprise: 无权 wherever its side has the action, else 权限.
OTHER_ORGANISATION = {
    row: ("权限" if all(cell == "权限" for cell in cells) else "无权") for row, cells in OWNER.items()
}


def _message(code: str, column: str, action: str) -> str:
    if code == "状态":
        return f"批改当前状态为“{STATES[column]}”，不能{ACTIONS[action]}"
    return MESSAGES[code]


@pytest.fixture
def in_each_state(cast):
    clerk, applicant = cast.clerk, cast.applicant

    def drive(until, **kw):
        return scenarios.drive(
            scenarios.apply(cast.policy(), applicant, **kw), clerk=clerk, applicant=applicant, until=until
        )

    # The closed ones share a policy (one open request per policy), the open ones have one each.
    shared = cast.policy()
    endorsed = scenarios.endorsed(shared, clerk=clerk, applicant=applicant)
    rejected = scenarios.drive(
        scenarios.apply(shared, applicant), clerk=clerk, applicant=applicant, until="rejected"
    )
    withdrawn = scenarios.drive(
        scenarios.apply(shared, applicant), clerk=clerk, applicant=applicant, until="withdrawn"
    )
    made = {
        "待审核（加收）": scenarios.apply(shared, applicant, headcount_change=30),
        "待审核（退还）": scenarios.apply(cast.policy(), applicant, headcount_change=-20),
        "待审核（保险公司发起）": scenarios.apply(
            cast.policy(), clerk, headcount_change=0, contact_name="蔡新"
        ),
        "待上传付款通知书": drive("awaiting_payment_notice"),
        "待缴费": drive("awaiting_payment"),
        "待缴费审核": drive("awaiting_payment_review"),
        "待出批单": drive("awaiting_document"),
        "已批改": endorsed,
        "已驳回": rejected,
        "已撤回": withdrawn,
    }
    return {column: scenarios.fresh(made[column]) for column in COLUMNS}


def test_the_matrix_covers_every_action_and_side():
    assert set(OWNER) == {(action, side) for action in ACTIONS for side in (INSURER, ENTERPRISE)}
    assert set(ACTIONS) | {"apply"} == set(ENDORSEMENT.actions)
    assert {t.label for t in ENDORSEMENT.table if t.action in ACTIONS} == set(ACTIONS.values())


def test_owners_with_the_permission(cast, in_each_state):
    assert [e.get_status_display() for e in in_each_state.values()] == [STATES[c] for c in COLUMNS]
    assert mismatches(ENDORSEMENT, in_each_state, cast.owners(), OWNER, _message) == []


def test_another_organisation_of_the_same_side(cast, in_each_state):
    expected = {row: (code,) * len(COLUMNS) for row, code in OTHER_ORGANISATION.items()}
    assert mismatches(ENDORSEMENT, in_each_state, cast.strangers(), expected, _message) == []


def test_a_member_without_the_permission(cast, in_each_state):
    expected = every_cell("权限", list(OWNER), len(COLUMNS))
    assert (
        mismatches(ENDORSEMENT, in_each_state, cast.members_without_permissions(), expected, _message) == []
    )


def test_a_surrender_is_not_a_批改_to_this_machine(cast):
    surrender = scenarios.surrender(cast.policy(), cast.applicant)
    assert ENDORSEMENT.why_not(surrender, "reject", cast.clerk) == "批改不存在或无权操作"
    assert Endorsement.objects.count() == 1
